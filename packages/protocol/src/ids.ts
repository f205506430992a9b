import { concat, fromBase58, sha256, toBase58, utf8 } from './bytes.js'
import { MalformedMessageError } from './errors.js'
import { PUBLIC_KEY_LENGTH } from './signing.js'

export const GROUP_ID_LENGTH = 32

export function groupIdToString (groupId: Uint8Array): string {
  return toBase58(groupId)
}

export function groupIdFromString (s: string): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = fromBase58(s)
  } catch {
    throw new MalformedMessageError(`not a group id: ${s.slice(0, 80)}`)
  }
  if (bytes.byteLength !== GROUP_ID_LENGTH) throw new MalformedMessageError(`not a group id: ${s.slice(0, 80)}`)
  return bytes
}

/**
 * The topic is a hash of the group id: peers that carry it (relays, gossip neighbours) learn nothing about the
 * group, and cannot turn the topic back into the id that invites and the membership log use.
 */
export function groupTopic (groupId: Uint8Array): string {
  return `/kith/g/1/${toBase58(sha256(utf8('kith/topic/v1'), groupId))}`
}

// An Ed25519 libp2p peer id is the identity multihash of the protobuf PublicKey { Type: Ed25519, Data: key }.
const PEER_ID_PREFIX = Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20])

export function peerIdFromPublicKey (publicKey: Uint8Array): string {
  if (publicKey.byteLength !== PUBLIC_KEY_LENGTH) throw new MalformedMessageError('an Ed25519 public key is 32 bytes')
  return toBase58(concat(PEER_ID_PREFIX, publicKey))
}

export function publicKeyFromPeerId (peerId: string): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = fromBase58(peerId)
  } catch {
    throw new MalformedMessageError(`not a peer id: ${peerId.slice(0, 80)}`)
  }
  if (bytes.byteLength !== PEER_ID_PREFIX.byteLength + PUBLIC_KEY_LENGTH || !PEER_ID_PREFIX.every((b, i) => bytes[i] === b)) {
    throw new MalformedMessageError(`not an Ed25519 peer id: ${peerId.slice(0, 80)}`)
  }
  return bytes.slice(PEER_ID_PREFIX.byteLength)
}

/** deterministic, so the id is known while the message still waits in the outbox */
export function messageIdFor (groupId: Uint8Array, sender: Uint8Array, seq: number): string {
  const seqBytes = new Uint8Array(8)
  new DataView(seqBytes.buffer).setBigUint64(0, BigInt(seq))
  return toBase58(sha256(utf8('kith/message-id/v1'), groupId, sender, seqBytes).subarray(0, 16))
}
