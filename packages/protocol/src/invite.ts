import { fromBase64url, toBase64url } from './bytes.js'
import { InvalidSignatureError, MalformedInviteError, MalformedMessageError } from './errors.js'
import { GROUP_ID_LENGTH } from './ids.js'
import { joinProofBytes } from './membership-log.js'
import { Invite, JoinRequest, Signed } from './proto/kith.js'
import { Domain, identityFromSeed, PUBLIC_KEY_LENGTH, sign, type Identity, type SignatureVerifier } from './signing.js'
import { markVerified, type Verified } from './verified.js'

export const INVITE_PREFIX = 'kith://invite/'
export const MAX_INVITE_BYTES = 4096
export const MAX_INVITE_PEERS = 8
export const MAX_JOIN_REQUEST_BYTES = 1024

export interface InviteInfo {
  groupId: Uint8Array
  name: string
  /** the invite key's 32-byte seed: whoever holds it may ask to join */
  inviteSecret: Uint8Array
  /** members that can admit a joiner, with addresses to reach them */
  peers: Array<{ publicKey: Uint8Array, addrs: string[] }>
}

/** a `kith://invite/…` text: one line, URL-safe, that survives being pasted anywhere */
export function encodeInvite (invite: InviteInfo): string {
  const bytes = Invite.encode({
    groupId: invite.groupId,
    name: invite.name,
    inviteSecret: invite.inviteSecret,
    peers: invite.peers.slice(0, MAX_INVITE_PEERS).map(p => ({ publicKey: p.publicKey, addrs: p.addrs.slice(0, 8) }))
  })
  return INVITE_PREFIX + toBase64url(bytes)
}

export function decodeInvite (text: string): InviteInfo {
  const trimmed = text.trim()
  if (!trimmed.startsWith(INVITE_PREFIX)) throw new MalformedInviteError('an invite starts with kith://invite/')
  const payload = trimmed.slice(INVITE_PREFIX.length)
  if (payload.length > MAX_INVITE_BYTES * 2 || !/^[A-Za-z0-9_-]*$/.test(payload)) throw new MalformedInviteError('the invite text is damaged')
  let invite: Invite
  try {
    invite = Invite.decode(fromBase64url(payload), { limits: { peers: MAX_INVITE_PEERS } })
  } catch {
    throw new MalformedInviteError('the invite text is damaged')
  }
  if (invite.groupId.byteLength !== GROUP_ID_LENGTH || invite.inviteSecret.byteLength !== 32) {
    throw new MalformedInviteError('the invite text is damaged')
  }
  return {
    groupId: invite.groupId,
    name: invite.name,
    inviteSecret: invite.inviteSecret,
    peers: invite.peers.filter(p => p.publicKey.byteLength === PUBLIC_KEY_LENGTH).map(p => ({ publicKey: p.publicKey, addrs: p.addrs }))
  }
}

export function inviteIdentity (inviteSecret: Uint8Array): Identity {
  return identityFromSeed(inviteSecret)
}

/** the invite key's signature that lets `joiner` into the group: it goes into the JOIN log entry */
export function signJoinProof (inviteSecret: Uint8Array, groupId: Uint8Array, joiner: Uint8Array): Uint8Array {
  return sign(inviteIdentity(inviteSecret), Domain.join, joinProofBytes(groupId, joiner))
}

export function signJoinRequest (identity: Identity, invite: InviteInfo, timestamp: number): Uint8Array {
  const body = JoinRequest.encode({
    groupId: invite.groupId,
    publicKey: identity.publicKey,
    inviteSignature: signJoinProof(invite.inviteSecret, invite.groupId, identity.publicKey),
    timestamp: BigInt(Math.max(0, Math.floor(Number.isFinite(timestamp) ? timestamp : 0)))
  })
  return Signed.encode({ body, signature: sign(identity, Domain.joinRequest, body) })
}

/** checks the joiner's own signature; the invite signature is checked against the group state by verifyLogEntry */
export function verifyJoinRequest (bytes: Uint8Array, verifier: SignatureVerifier): Verified<JoinRequest> {
  if (bytes.byteLength > MAX_JOIN_REQUEST_BYTES) throw new MalformedMessageError('join request too large')
  let signed: Signed
  let request: JoinRequest
  try {
    signed = Signed.decode(bytes)
    request = JoinRequest.decode(signed.body)
  } catch {
    throw new MalformedMessageError('join request does not decode')
  }
  if (request.groupId.byteLength !== GROUP_ID_LENGTH || request.publicKey.byteLength !== PUBLIC_KEY_LENGTH) {
    throw new MalformedMessageError('malformed join request')
  }
  if (!verifier.verify(request.publicKey, Domain.joinRequest, signed.body, signed.signature)) {
    throw new InvalidSignatureError('join request signature does not verify')
  }
  return markVerified(request)
}
