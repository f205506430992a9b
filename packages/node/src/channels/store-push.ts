// Handing channel records to peers that keep them (relays, and daemons that follow the channel) over the store
// protocol, and registering channel topics with relays.
import { peerIdFromString } from '@libp2p/peer-id'
import { decodeRegistrationResponse, decodeStoreResponse, signTopicRegistration, StoreRequest, type Identity } from '@kith/protocol'
import { requestFrames } from '../stream-rpc.js'
import type { Libp2p, Logger } from '@libp2p/interface'

export const STORE_PROTOCOL = '/kith/relay/store/1.0.0'
export const RELAY_REGISTER_PROTOCOL = '/kith/relay/register/1.0.0'

type Dialer = Pick<Libp2p, 'dialProtocol'>

/** hand records of one topic to one peer; returns how many it says it stored (0 when it refused or failed) */
export async function pushTo (libp2p: Dialer, peer: string, topic: string, wires: Uint8Array[], timeout: number): Promise<number> {
  const signal = AbortSignal.timeout(timeout)
  const stream = await libp2p.dialProtocol(peerIdFromString(peer), STORE_PROTOCOL, { signal, runOnLimitedConnection: true })
  const [frame] = await requestFrames(stream, StoreRequest.encode({ topic, messages: wires }), { maxFrameBytes: 4096, maxFrames: 1 }, signal)
  return decodeStoreResponse(frame ?? new Uint8Array(0)).stored
}

/**
 * Hand records to every connected peer that speaks the store protocol and count those that confirm they stored
 * them; peers in `except` are skipped, and those that store are added to it.
 */
export async function pushStore (libp2p: Pick<Libp2p, 'dialProtocol' | 'getConnections'>, topic: string, wires: Uint8Array[], timeout: number, log: Logger, except: Set<string> = new Set()): Promise<number> {
  const peers = [...new Set(libp2p.getConnections().map(c => c.remotePeer.toString()))].filter(p => !except.has(p))
  let acks = 0
  await Promise.all(peers.map(async peer => {
    try {
      if (await pushTo(libp2p, peer, topic, wires, timeout) > 0) {
        acks++
        except.add(peer)
      }
    } catch (err) {
      log('store push to %s: %s', peer, (err as Error).message)
    }
  }))
  return acks
}

/** ask a relay to carry topics; returns those it accepted (none when it failed) */
export async function registerTopics (libp2p: Dialer, identity: Identity, peer: string, topics: string[], now: number, timeout: number): Promise<string[]> {
  const signal = AbortSignal.timeout(timeout)
  const stream = await libp2p.dialProtocol(peerIdFromString(peer), RELAY_REGISTER_PROTOCOL, { signal, runOnLimitedConnection: true })
  const [frame] = await requestFrames(stream, signTopicRegistration(identity, topics, now), { maxFrameBytes: 512 * 1024, maxFrames: 1 }, signal)
  return decodeRegistrationResponse(frame ?? new Uint8Array(0)).accepted
}
