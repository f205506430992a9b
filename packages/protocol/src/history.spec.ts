import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { MalformedMessageError } from './errors.js'
import {
  decodeHistoryPage, decodeHistoryRequest, decodeJoinResponse, MAX_HISTORY_PAGE_MESSAGES, MAX_HISTORY_REQUEST_BYTES, MAX_JOIN_RESPONSE_BYTES
} from './history.js'
import { HistoryPage, HistoryRequest, JoinResponse } from './proto/kith.js'

function expectMalformed (fn: () => unknown): void {
  let thrown: unknown
  try {
    fn()
  } catch (err) {
    thrown = err
  }
  expect(thrown).toBeInstanceOf(MalformedMessageError)
  expect((thrown as Error).name).toBe('MalformedMessageError')
}

describe('decodeHistoryRequest', () => {
  it('round-trips', () => {
    const req: HistoryRequest = { topic: '/kith/g/1/abc', since: 1_700_000_000_000n, cursor: 'c'.repeat(256), limit: 100 }
    expect(decodeHistoryRequest(HistoryRequest.encode(req))).toEqual(req)
    expect(decodeHistoryRequest(new Uint8Array(0))).toEqual({ topic: '', since: 0n, cursor: '', limit: 0 })
  })

  it('refuses oversize requests, over-long fields and garbage', () => {
    expectMalformed(() => decodeHistoryRequest(new Uint8Array(MAX_HISTORY_REQUEST_BYTES + 1)))
    expectMalformed(() => decodeHistoryRequest(HistoryRequest.encode({ topic: 't'.repeat(257), since: 0n, cursor: '', limit: 1 })))
    expectMalformed(() => decodeHistoryRequest(HistoryRequest.encode({ topic: '', since: 0n, cursor: 'c'.repeat(257), limit: 1 })))
    expectMalformed(() => decodeHistoryRequest(Uint8Array.of(0x0a, 0x10, 0x41)))
    expectMalformed(() => decodeHistoryRequest(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)))
  })
})

describe('decodeHistoryPage', () => {
  it('round-trips, with up to MAX_HISTORY_PAGE_MESSAGES messages', () => {
    const page: HistoryPage = { messages: Array.from({ length: MAX_HISTORY_PAGE_MESSAGES }, (_, i) => new Uint8Array(randomBytes(i % 50))), cursor: 'next' }
    expect(decodeHistoryPage(HistoryPage.encode(page))).toEqual(page)
    expect(decodeHistoryPage(HistoryPage.encode({ messages: [], cursor: '' }))).toEqual({ messages: [], cursor: '' })
  })

  it('refuses more than MAX_HISTORY_PAGE_MESSAGES messages and garbage', () => {
    expectMalformed(() => decodeHistoryPage(HistoryPage.encode({ messages: Array.from({ length: MAX_HISTORY_PAGE_MESSAGES + 1 }, () => new Uint8Array(1)), cursor: '' })))
    expectMalformed(() => decodeHistoryPage(Uint8Array.of(0x0a, 0x05, 1)))
    expectMalformed(() => decodeHistoryPage(Uint8Array.of(0x0f)))
  })
})

describe('decodeJoinResponse', () => {
  it('round-trips an acceptance with a log and a refusal', () => {
    const ok: JoinResponse = { accepted: true, error: '', log: [new Uint8Array(randomBytes(200)), new Uint8Array(randomBytes(180))] }
    expect(decodeJoinResponse(JoinResponse.encode(ok))).toEqual(ok)
    const no: JoinResponse = { accepted: false, error: 'the invite was revoked', log: [] }
    expect(decodeJoinResponse(JoinResponse.encode(no))).toEqual(no)
  })

  it('refuses an oversize response and garbage', () => {
    expectMalformed(() => decodeJoinResponse(new Uint8Array(MAX_JOIN_RESPONSE_BYTES + 1)))
    expectMalformed(() => decodeJoinResponse(Uint8Array.of(0x1a, 0x7f, 0x00)))
    expectMalformed(() => decodeJoinResponse(Uint8Array.of(0x0b)))
  })
})
