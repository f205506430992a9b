import { peerIdFromString } from '@libp2p/peer-id'
import { decodeCommunityPayload, encodeCommunityPayload, MAX_COMMUNITY_PAYLOAD_BYTES, toBase58 } from '@kith/protocol'
import { requestFrames, serveFrames } from '../stream-rpc.js'
import type { AbortOptions, Libp2p, Stream } from '@libp2p/interface'

/**
 * `/kith/community/log/1.0.0`: a member that receives a community log tail it cannot attach (it joined a group
 * after the log was sent there, or holds an older log) asks the tail's sender for the entries it lacks.
 * Request and answer are both `CommunityPayload`s: the request names the community and `logStart`, the first index
 * it lacks; the answer holds the entries from there (as many as fit one payload). Only members of one of the
 * community's groups are answered: the log lists the community's groups and admins.
 */
export const COMMUNITY_LOG_PROTOCOL = '/kith/community/log/1.0.0'
const REQUEST_BYTES = 1024
/** room for the payload's own fields beside the entries */
const ANSWER_ENTRY_BYTES = MAX_COMMUNITY_PAYLOAD_BYTES - 1024

export interface LogSource {
  /** the log of community `c` if `peerId` may read it */
  logFor: (communityId: string, peerId: string) => Uint8Array[] | undefined
}

export async function serveCommunityLog (stream: Stream, peerId: string, source: LogSource, timeoutMs: number): Promise<void> {
  await serveFrames(stream, REQUEST_BYTES, function * (bytes: Uint8Array) {
    const request = decodeCommunityPayload(bytes)
    const log = source.logFor(toBase58(request.communityId), peerId) ?? []
    const start = Math.min(Number(request.logStart), log.length)
    const entries: Uint8Array[] = []
    let size = 0
    for (let i = start; i < log.length && size + log[i].byteLength <= ANSWER_ENTRY_BYTES; i++) {
      entries.push(log[i])
      size += log[i].byteLength
    }
    yield encodeCommunityPayload({ communityId: request.communityId, logStart: BigInt(start), log: entries })
  }, AbortSignal.timeout(timeoutMs))
}

/** the entries of community `communityId` from index `from` that `peerId` holds (none if it refuses) */
export async function fetchCommunityLog (libp2p: Pick<Libp2p, 'dialProtocol'>, peerId: string, communityId: Uint8Array, from: number, timeoutMs: number, options?: AbortOptions): Promise<{ start: number, entries: Uint8Array[] }> {
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(options?.signal != null ? [options.signal] : [])])
  const stream = await libp2p.dialProtocol(peerIdFromString(peerId), COMMUNITY_LOG_PROTOCOL, { signal, runOnLimitedConnection: true })
  const request = encodeCommunityPayload({ communityId, logStart: BigInt(from), log: [] })
  const [frame] = await requestFrames(stream, request, { maxFrameBytes: MAX_COMMUNITY_PAYLOAD_BYTES, maxFrames: 1 }, signal)
  if (frame == null) throw new Error('no answer')
  const answer = decodeCommunityPayload(frame)
  if (toBase58(answer.communityId) !== toBase58(communityId)) throw new Error('an answer about another community')
  return { start: Number(answer.logStart), entries: answer.log }
}
