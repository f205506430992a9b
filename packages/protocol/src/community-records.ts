import { randomBytes } from 'node:crypto'
import { copy, equals, fromBase64url, toBase64url } from './bytes.js'
import { CommunityRecordRejectedError, DecryptionFailedError, InvalidSignatureError, MalformedInviteError, MalformedMessageError } from './errors.js'
import { GROUP_ID_LENGTH } from './ids.js'
import { AdminNote, Announcement, CommunityInvite, CommunityPayload, Signed, Tombstone, type Sealed } from './proto/kith.js'
import { boxHint, openBox, sealTo, x25519PublicFromEd25519 } from './seal.js'
import { Domain, PUBLIC_KEY_LENGTH, sign, SIGNATURE_LENGTH, type Identity, type SignatureVerifier } from './signing.js'
import { markVerified, type Verified } from './verified.js'
import type { KeyObject } from 'node:crypto'

export const MAX_ANNOUNCEMENT_TEXT_BYTES = 16 * 1024
export const MAX_REASON_LENGTH = 1000
export const MAX_EXCERPT_LENGTH = 1000
export const MAX_COMMUNITY_PAYLOAD_BYTES = 512 * 1024
export const MAX_PAYLOAD_LOG_ENTRIES = 10_000
export const MAX_ADMIN_BOXES = 256
export const COMMUNITY_INVITE_PREFIX = 'kith://community/'

const COMMUNITY_ID_LENGTH = 32
const RECORD_ID_LENGTH = 16

function reject (why: string): never {
  throw new CommunityRecordRejectedError(why)
}

interface Opened<T> { bytes: Uint8Array, body: Uint8Array, signature: Uint8Array, record: T }

function open<T> (input: Uint8Array, maxBytes: number, what: string, decode: (body: Uint8Array) => T): Opened<T> {
  if (input.byteLength > maxBytes) throw new MalformedMessageError(`${what} of ${input.byteLength} bytes is over ${maxBytes}`)
  const bytes = copy(input)
  try {
    const signed = Signed.decode(bytes)
    if (signed.signature.byteLength !== SIGNATURE_LENGTH) throw new Error('no 64-byte signature')
    if (!equals(Signed.encode({ body: signed.body, signature: signed.signature }), bytes)) throw new Error('not in canonical form')
    return { bytes, body: signed.body, signature: signed.signature, record: decode(signed.body) }
  } catch (err) {
    throw new MalformedMessageError(`${what} does not decode: ${(err as Error).message}`)
  }
}

function signed (identity: Identity, domain: Domain, body: Uint8Array): Uint8Array {
  return Signed.encode({ body, signature: sign(identity, domain, body) })
}

function checkSigner (verifier: SignatureVerifier, signer: Uint8Array, domain: Domain, opened: Opened<unknown>, what: string): void {
  if (signer.byteLength !== PUBLIC_KEY_LENGTH) reject(`${what} signer is not a public key`)
  if (!verifier.verify(signer, domain, opened.body, opened.signature)) throw new InvalidSignatureError(`${what} signature does not verify`)
}

function ms (timestamp: number): bigint {
  return BigInt(Math.max(0, Math.floor(Number.isFinite(timestamp) ? timestamp : 0)))
}

// ---- announcements ----

export type VerifiedAnnouncement = Verified<Announcement & { bytes: Uint8Array }>

export function signAnnouncement (admin: Identity, fields: { communityId: Uint8Array, text: string, timestamp: number, announcementId?: Uint8Array }): Uint8Array {
  if (fields.communityId.byteLength !== COMMUNITY_ID_LENGTH) reject('not a community id')
  if (fields.announcementId != null && fields.announcementId.byteLength !== RECORD_ID_LENGTH) reject('an announcement id is 16 bytes')
  if (fields.text.length === 0) reject('an announcement needs some text')
  if (Buffer.byteLength(fields.text, 'utf8') > MAX_ANNOUNCEMENT_TEXT_BYTES) reject(`an announcement holds at most ${MAX_ANNOUNCEMENT_TEXT_BYTES} bytes`)
  return signed(admin, Domain.announcement, Announcement.encode({
    communityId: copy(fields.communityId),
    announcementId: copy(fields.announcementId ?? randomBytes(RECORD_ID_LENGTH)),
    signer: copy(admin.publicKey),
    timestamp: ms(fields.timestamp),
    text: fields.text
  }))
}

/** checks the signature only: whether the signer is an admin is the community state's question */
export function verifyAnnouncement (bytes: Uint8Array, verifier: SignatureVerifier): VerifiedAnnouncement {
  const opened = open(bytes, MAX_ANNOUNCEMENT_TEXT_BYTES + 1024, 'announcement', body => Announcement.decode(body))
  const a = opened.record
  if (a.communityId.byteLength !== COMMUNITY_ID_LENGTH || a.announcementId.byteLength !== RECORD_ID_LENGTH) reject('malformed announcement')
  if (a.text.length === 0 || Buffer.byteLength(a.text, 'utf8') > MAX_ANNOUNCEMENT_TEXT_BYTES) reject('announcement text out of bounds')
  checkSigner(verifier, a.signer, Domain.announcement, opened, 'announcement')
  return markVerified({ ...a, bytes: opened.bytes })
}

// ---- tombstones ----

export type VerifiedTombstone = Verified<Tombstone & { bytes: Uint8Array }>

export function signTombstone (admin: Identity, fields: { communityId: Uint8Array, groupId: Uint8Array, messageId: string, timestamp: number }): Uint8Array {
  if (fields.messageId.length === 0 || fields.messageId.length > 64) reject('not a message id')
  if (fields.communityId.byteLength !== COMMUNITY_ID_LENGTH || fields.groupId.byteLength !== GROUP_ID_LENGTH) reject('malformed tombstone')
  return signed(admin, Domain.tombstone, Tombstone.encode({
    communityId: copy(fields.communityId),
    groupId: copy(fields.groupId),
    messageId: fields.messageId,
    signer: copy(admin.publicKey),
    timestamp: ms(fields.timestamp)
  }))
}

export function verifyTombstone (bytes: Uint8Array, verifier: SignatureVerifier): VerifiedTombstone {
  const opened = open(bytes, 1024, 'tombstone', body => Tombstone.decode(body))
  const t = opened.record
  if (t.communityId.byteLength !== COMMUNITY_ID_LENGTH || t.groupId.byteLength !== GROUP_ID_LENGTH) reject('malformed tombstone')
  if (t.messageId.length === 0 || t.messageId.length > 64) reject('malformed tombstone')
  checkSigner(verifier, t.signer, Domain.tombstone, opened, 'tombstone')
  return markVerified({ ...t, bytes: opened.bytes })
}

// ---- notes to admins (reports, group join requests) ----

export type AdminNoteKind = AdminNote.Kind
export const AdminNoteKind = AdminNote.Kind
export type AdminNoteFields = Omit<AdminNote, 'from' | 'timestamp' | 'noteId' | 'targetMessage' | 'targetMember' | 'targetGroup' | 'reason' | 'excerpt'> &
Partial<Pick<AdminNote, 'targetMessage' | 'targetMember' | 'targetGroup' | 'reason' | 'excerpt' | 'noteId'>> & { timestamp: number }
export type VerifiedAdminNote = Verified<AdminNote & { bytes: Uint8Array }>

function checkNote (n: AdminNote): void {
  if (n.communityId.byteLength !== COMMUNITY_ID_LENGTH || n.noteId.byteLength !== RECORD_ID_LENGTH) reject('malformed note')
  if (n.reason.length > MAX_REASON_LENGTH || n.excerpt.length > MAX_EXCERPT_LENGTH || n.targetMessage.length > 64) reject('note fields too long')
  if (n.targetMember.byteLength !== 0 && n.targetMember.byteLength !== PUBLIC_KEY_LENGTH) reject('malformed note member')
  if (n.targetGroup.byteLength !== 0 && n.targetGroup.byteLength !== GROUP_ID_LENGTH) reject('malformed note group')
  if (n.kind === AdminNote.Kind.REPORT && n.reason.trim().length === 0) reject('a report needs a reason')
  if (n.kind === AdminNote.Kind.GROUP_REQUEST && n.targetGroup.byteLength === 0) reject('a join request names a group')
}

/** sign a note and seal it to each admin: members who carry it cannot read it */
export function sealAdminNote (from: Identity, admins: Uint8Array[], fields: AdminNoteFields): Sealed {
  if (admins.length === 0) reject('the community has no admin to tell')
  if (admins.length > MAX_ADMIN_BOXES) reject('too many admins')
  const note: AdminNote = {
    kind: fields.kind,
    communityId: copy(fields.communityId),
    from: copy(from.publicKey),
    timestamp: ms(fields.timestamp),
    noteId: copy(fields.noteId ?? randomBytes(RECORD_ID_LENGTH)),
    targetMessage: fields.targetMessage ?? '',
    targetMember: copy(fields.targetMember ?? new Uint8Array(0)),
    targetGroup: copy(fields.targetGroup ?? new Uint8Array(0)),
    reason: fields.reason ?? '',
    excerpt: (fields.excerpt ?? '').slice(0, MAX_EXCERPT_LENGTH)
  }
  checkNote(note)
  const bytes = signed(from, Domain.adminNote, AdminNote.encode(note))
  return { boxes: admins.map(admin => sealTo(admin, x25519PublicFromEd25519(admin), boxHint(note.communityId, admin), bytes)) }
}

/** the note in `sealed` addressed to us, verified; undefined when none is (we are not an admin) */
export function openAdminNote (identity: Identity, sealKey: KeyObject, communityId: Uint8Array, sealed: Sealed, verifier: SignatureVerifier): VerifiedAdminNote | undefined {
  if (sealed.boxes.length > MAX_ADMIN_BOXES) reject('too many boxes')
  const hint = boxHint(communityId, identity.publicKey)
  for (const box of sealed.boxes) {
    if (!equals(box.hint, hint)) continue
    let bytes: Uint8Array
    try {
      bytes = openBox(identity, sealKey, box)
    } catch (err) {
      if (err instanceof DecryptionFailedError) continue
      throw err
    }
    const opened = open(bytes, 8 * 1024, 'admin note', body => AdminNote.decode(body))
    checkNote(opened.record)
    if (!equals(opened.record.communityId, communityId)) reject('note of another community')
    checkSigner(verifier, opened.record.from, Domain.adminNote, opened, 'admin note')
    return markVerified({ ...opened.record, bytes: opened.bytes })
  }
  return undefined
}

// ---- the payload of a COMMUNITY group message ----

export function encodeCommunityPayload (payload: CommunityPayload): Uint8Array {
  return CommunityPayload.encode(payload)
}

export function decodeCommunityPayload (bytes: Uint8Array): CommunityPayload {
  if (bytes.byteLength > MAX_COMMUNITY_PAYLOAD_BYTES) throw new MalformedMessageError(`community payload of ${bytes.byteLength} bytes is over ${MAX_COMMUNITY_PAYLOAD_BYTES}`)
  let p: CommunityPayload
  try {
    p = CommunityPayload.decode(bytes, { limits: { log: MAX_PAYLOAD_LOG_ENTRIES, adminNote: { boxes: MAX_ADMIN_BOXES } } as any })
  } catch (err) {
    throw new MalformedMessageError(`community payload does not decode: ${(err as Error).message}`)
  }
  if (p.communityId.byteLength !== COMMUNITY_ID_LENGTH) throw new MalformedMessageError('community payload names no community')
  const records = [p.announcement, p.tombstone, p.adminNote].filter(r => r != null).length
  if (records > 1) throw new MalformedMessageError('a community payload carries at most one record')
  return p
}

// ---- invites ----

export interface CommunityInviteInfo { communityId: Uint8Array, name: string, groupInvite: string }

export function encodeCommunityInvite (invite: CommunityInviteInfo): string {
  return COMMUNITY_INVITE_PREFIX + toBase64url(CommunityInvite.encode({ communityId: copy(invite.communityId), name: invite.name, groupInvite: invite.groupInvite }))
}

export function decodeCommunityInvite (text: string): CommunityInviteInfo {
  const trimmed = text.trim()
  if (!trimmed.startsWith(COMMUNITY_INVITE_PREFIX)) throw new MalformedInviteError('a community invite starts with kith://community/')
  const payload = trimmed.slice(COMMUNITY_INVITE_PREFIX.length)
  if (payload.length > 16 * 1024 || !/^[A-Za-z0-9_-]*$/.test(payload)) throw new MalformedInviteError('the invite text is damaged')
  let invite: CommunityInvite
  try {
    invite = CommunityInvite.decode(fromBase64url(payload))
  } catch {
    throw new MalformedInviteError('the invite text is damaged')
  }
  if (invite.communityId.byteLength !== COMMUNITY_ID_LENGTH || invite.name.length > 200) throw new MalformedInviteError('the invite text is damaged')
  return { communityId: invite.communityId, name: invite.name, groupInvite: invite.groupInvite }
}
