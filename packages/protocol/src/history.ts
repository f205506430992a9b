import { MalformedMessageError } from './errors.js'
import { HistoryPage, HistoryRequest, JoinResponse } from './proto/kith.js'
import { MAX_WIRE_BYTES } from './envelope.js'

export const MAX_HISTORY_REQUEST_BYTES = 1024
export const MAX_HISTORY_PAGE_MESSAGES = 500
/** a page holds at most this many bytes of messages, so one frame stays bounded */
export const MAX_HISTORY_PAGE_BYTES = 4 * 1024 * 1024
export const MAX_JOIN_RESPONSE_BYTES = 4 * 1024 * 1024

export function decodeHistoryRequest (bytes: Uint8Array): HistoryRequest {
  if (bytes.byteLength > MAX_HISTORY_REQUEST_BYTES) throw new MalformedMessageError('history request too large')
  try {
    const req = HistoryRequest.decode(bytes)
    if (req.topic.length > 256 || req.cursor.length > 256) throw new Error('fields too long')
    return req
  } catch (err) {
    throw new MalformedMessageError(`history request does not decode: ${(err as Error).message}`)
  }
}

export function decodeHistoryPage (bytes: Uint8Array): HistoryPage {
  if (bytes.byteLength > MAX_HISTORY_PAGE_BYTES + MAX_WIRE_BYTES) throw new MalformedMessageError('history page too large')
  try {
    return HistoryPage.decode(bytes, { limits: { messages: MAX_HISTORY_PAGE_MESSAGES } })
  } catch (err) {
    throw new MalformedMessageError(`history page does not decode: ${(err as Error).message}`)
  }
}

export function decodeJoinResponse (bytes: Uint8Array): JoinResponse {
  if (bytes.byteLength > MAX_JOIN_RESPONSE_BYTES) throw new MalformedMessageError('join response too large')
  try {
    return JoinResponse.decode(bytes, { limits: { log: 100_000 } })
  } catch (err) {
    throw new MalformedMessageError(`join response does not decode: ${(err as Error).message}`)
  }
}
