// Unit specs of the community records, then property tests of every community decoder: whatever bytes or text
// arrive, each decodes or throws one of its named errors, never a TypeError, a RangeError or a raw protobuf
// runtime error (callers match on err.name), and no mutation of a signed record verifies but the record itself.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { randomBytes } from 'node:crypto'
import { equals, sha256, toBase64url, utf8 } from './bytes.js'
import {
  applyCommunityEntry, CommunityOp, createCommunityGenesis, decodeCommunityEntry, mergeCommunityLog, signCommunityEntry, verifyCommunityEntry,
  type CommunityState
} from './community-log.js'
import {
  AdminNoteKind, COMMUNITY_INVITE_PREFIX, decodeCommunityInvite, decodeCommunityPayload, encodeCommunityInvite, encodeCommunityPayload,
  MAX_ADMIN_BOXES, MAX_ANNOUNCEMENT_TEXT_BYTES, MAX_COMMUNITY_PAYLOAD_BYTES, MAX_EXCERPT_LENGTH, MAX_PAYLOAD_LOG_ENTRIES, MAX_REASON_LENGTH,
  openAdminNote, sealAdminNote, signAnnouncement, signTombstone, verifyAnnouncement, verifyTombstone, type AdminNoteFields
} from './community-records.js'
import { CommunityRecordRejectedError, InvalidSignatureError, MalformedInviteError, MalformedMessageError, ProtocolError } from './errors.js'
import { AdminNote, Announcement, CommunityInvite, CommunityPayload, Signed, Tombstone, type Sealed, type SealedBox } from './proto/kith.js'
import { boxHint, sealTo, x25519PrivateFromIdentity, x25519PublicFromEd25519 } from './seal.js'
import { Domain, generateIdentity, sign, SignatureVerifier, type Identity } from './signing.js'

const verifier = new SignatureVerifier()
const T0 = 1_750_000_000_000
const communityId = sha256(utf8('community-records.spec/community'))
const otherCommunity = sha256(utf8('community-records.spec/other'))
const groupId = sha256(utf8('community-records.spec/group'))
const [founder, admin, member, outsider] = [generateIdentity(), generateIdentity(), generateIdentity(), generateIdentity()]
const admins = [founder.publicKey, admin.publicKey]
const openKey = (id: Identity): ReturnType<typeof x25519PrivateFromIdentity> => x25519PrivateFromIdentity(id)

function resign (body: Uint8Array, by: Identity, domain: Domain): Uint8Array {
  return Signed.encode({ body, signature: sign(by, domain, body) })
}

/** an announcement with any fields, signed as given */
function craftAnnouncement (fields: Partial<Announcement>, by: Identity = admin, domain: Domain = Domain.announcement): Uint8Array {
  return resign(Announcement.encode({ communityId, announcementId: new Uint8Array(16), signer: by.publicKey, timestamp: BigInt(T0), text: 'hello', ...fields }), by, domain)
}

function craftTombstone (fields: Partial<Tombstone>, by: Identity = admin, domain: Domain = Domain.tombstone): Uint8Array {
  return resign(Tombstone.encode({ communityId, groupId, messageId: 'msg-1', signer: by.publicKey, timestamp: BigInt(T0), ...fields }), by, domain)
}

describe('announcements', () => {
  it('sign and verify: the fields come back, with a random 16-byte id unless one is given', () => {
    const text = 'Réunion des parents jeudi à 18 h 🎒'
    const bytes = signAnnouncement(admin, { communityId, text, timestamp: T0 })
    const a = verifyAnnouncement(bytes, verifier)
    expect(a.text).toBe(text)
    expect(a.communityId).toEqual(communityId)
    expect(a.signer).toEqual(admin.publicKey)
    expect(a.timestamp).toBe(BigInt(T0))
    expect(a.announcementId.byteLength).toBe(16)
    expect(a.bytes).toEqual(bytes)
    expect(verifyAnnouncement(signAnnouncement(admin, { communityId, text, timestamp: T0 }), verifier).announcementId).not.toEqual(a.announcementId)
    // a fixed id makes the record deterministic: the same announcement in every group
    const id = new Uint8Array(16).fill(9)
    expect(signAnnouncement(admin, { communityId, text, timestamp: T0, announcementId: id })).toEqual(signAnnouncement(admin, { communityId, text, timestamp: T0, announcementId: id }))
  })

  it('the verified record is a copy: the caller may reuse its buffer', () => {
    const bytes = signAnnouncement(admin, { communityId, text: 'copy me', timestamp: T0 })
    const keep = new Uint8Array(bytes)
    const a = verifyAnnouncement(bytes, verifier)
    bytes.fill(0)
    expect(a.bytes).toEqual(keep)
    expect(a.text).toBe('copy me')
    expect(a.communityId).toEqual(communityId)
  })

  it('text: empty refused, MAX_ANNOUNCEMENT_TEXT_BYTES of UTF-8 accepted, one byte more refused, when signing and when verifying', () => {
    expect(() => signAnnouncement(admin, { communityId, text: '', timestamp: T0 })).toThrow(CommunityRecordRejectedError)
    const atLimit = 'é'.repeat(MAX_ANNOUNCEMENT_TEXT_BYTES / 2)
    expect(verifyAnnouncement(signAnnouncement(admin, { communityId, text: atLimit, timestamp: T0 }), verifier).text).toBe(atLimit)
    expect(() => signAnnouncement(admin, { communityId, text: `${atLimit}x`, timestamp: T0 })).toThrow(CommunityRecordRejectedError)
    expect(() => verifyAnnouncement(craftAnnouncement({ text: '' }), verifier)).toThrow(CommunityRecordRejectedError)
    expect(() => verifyAnnouncement(craftAnnouncement({ text: `${atLimit}x` }), verifier)).toThrow(CommunityRecordRejectedError)
    // far over: refused by size before decoding
    expect(() => verifyAnnouncement(craftAnnouncement({ text: 'x'.repeat(MAX_ANNOUNCEMENT_TEXT_BYTES + 2048) }), verifier)).toThrow(MalformedMessageError)
  })

  it('refuses a malformed community id, announcement id or signer', () => {
    expect(() => verifyAnnouncement(craftAnnouncement({ communityId: new Uint8Array(31) }), verifier)).toThrow(CommunityRecordRejectedError)
    expect(() => verifyAnnouncement(craftAnnouncement({ communityId: new Uint8Array(0) }), verifier)).toThrow(CommunityRecordRejectedError)
    expect(() => verifyAnnouncement(craftAnnouncement({ announcementId: new Uint8Array(15) }), verifier)).toThrow(CommunityRecordRejectedError)
    expect(() => verifyAnnouncement(craftAnnouncement({ signer: new Uint8Array(31) }), verifier)).toThrow(CommunityRecordRejectedError)
  })

  it('tampering: another text, a flipped signature bit, a forged signer, a short signature, a re-wrapped encoding', () => {
    const bytes = signAnnouncement(admin, { communityId, text: 'the real one', timestamp: T0 })
    const { body, signature } = Signed.decode(bytes)
    const a = Announcement.decode(body)
    expect(() => verifyAnnouncement(Signed.encode({ body: Announcement.encode({ ...a, text: 'a fake one' }), signature }), verifier)).toThrow(InvalidSignatureError)
    for (let i = 0; i < 64; i += 13) {
      const s = new Uint8Array(signature)
      s[i] ^= 4
      expect(() => verifyAnnouncement(Signed.encode({ body, signature: s }), verifier)).toThrow(InvalidSignatureError)
    }
    // a member signs an announcement that names an admin as its signer
    const forged = Announcement.encode({ ...a, text: 'forged' })
    expect(() => verifyAnnouncement(resign(forged, member, Domain.announcement), verifier)).toThrow(InvalidSignatureError)
    expect(() => verifyAnnouncement(Signed.encode({ body, signature: signature.subarray(0, 63) }), verifier)).toThrow(MalformedMessageError)
    expect(() => verifyAnnouncement(Signed.encode({ body, signature: new Uint8Array(0) }), verifier)).toThrow(MalformedMessageError)
    expect(() => verifyAnnouncement(Uint8Array.from([...bytes, 0x18, 0x01]), verifier)).toThrow(MalformedMessageError)
    expect(() => verifyAnnouncement(Uint8Array.from([0x12, 0x40, ...signature, 0x0a, body.byteLength, ...body]), verifier)).toThrow(MalformedMessageError)
    expect(verifyAnnouncement(bytes, verifier).text).toBe('the real one')
  })

  it('a signature made for another record type does not verify as an announcement', () => {
    for (const domain of [Domain.tombstone, Domain.adminNote, Domain.communityEntry, Domain.channelPost, Domain.control]) {
      expect(() => verifyAnnouncement(craftAnnouncement({}, admin, domain), verifier)).toThrow(InvalidSignatureError)
    }
    // a real tombstone handed to verifyAnnouncement, and an announcement to verifyTombstone
    const tombstone = signTombstone(admin, { communityId, groupId, messageId: 'msg-1', timestamp: T0 })
    expect(() => verifyAnnouncement(tombstone, verifier)).toThrow(/announcement|decode/)
    const announcement = signAnnouncement(admin, { communityId, text: 'x', timestamp: T0 })
    expect(() => verifyTombstone(announcement, verifier)).toThrow(/tombstone|decode/)
    for (const f of [() => verifyAnnouncement(tombstone, verifier), () => verifyTombstone(announcement, verifier)]) {
      try {
        f()
      } catch (err) {
        expect((err as Error).name).toMatch(/^(MalformedMessageError|InvalidSignatureError|CommunityRecordRejectedError)$/)
      }
    }
  })
})

describe('tombstones', () => {
  it('sign and verify', () => {
    const t = verifyTombstone(signTombstone(admin, { communityId, groupId, messageId: 'QmMessage/42', timestamp: T0 }), verifier)
    expect(t).toMatchObject({ messageId: 'QmMessage/42', timestamp: BigInt(T0) })
    expect(t.communityId).toEqual(communityId)
    expect(t.groupId).toEqual(groupId)
    expect(t.signer).toEqual(admin.publicKey)
  })

  it('message id: 1 to 64 characters, when signing and when verifying', () => {
    expect(verifyTombstone(signTombstone(admin, { communityId, groupId, messageId: 'm'.repeat(64), timestamp: T0 }), verifier).messageId).toBe('m'.repeat(64))
    expect(() => signTombstone(admin, { communityId, groupId, messageId: '', timestamp: T0 })).toThrow(CommunityRecordRejectedError)
    expect(() => signTombstone(admin, { communityId, groupId, messageId: 'm'.repeat(65), timestamp: T0 })).toThrow(CommunityRecordRejectedError)
    expect(() => verifyTombstone(craftTombstone({ messageId: '' }), verifier)).toThrow(CommunityRecordRejectedError)
    expect(() => verifyTombstone(craftTombstone({ messageId: 'm'.repeat(65) }), verifier)).toThrow(CommunityRecordRejectedError)
  })

  it('refuses malformed ids and signer, tampering and other domains', () => {
    expect(() => verifyTombstone(craftTombstone({ communityId: new Uint8Array(16) }), verifier)).toThrow(CommunityRecordRejectedError)
    expect(() => verifyTombstone(craftTombstone({ groupId: new Uint8Array(0) }), verifier)).toThrow(CommunityRecordRejectedError)
    expect(() => verifyTombstone(craftTombstone({ signer: new Uint8Array(0) }), verifier)).toThrow(CommunityRecordRejectedError)
    const bytes = signTombstone(admin, { communityId, groupId, messageId: 'msg-1', timestamp: T0 })
    const { body, signature } = Signed.decode(bytes)
    const t = Tombstone.decode(body)
    expect(() => verifyTombstone(Signed.encode({ body: Tombstone.encode({ ...t, messageId: 'msg-2' }), signature }), verifier)).toThrow(InvalidSignatureError)
    expect(() => verifyTombstone(resign(Tombstone.encode({ ...t, messageId: 'msg-2' }), member, Domain.tombstone), verifier)).toThrow(InvalidSignatureError)
    for (const domain of [Domain.announcement, Domain.adminNote, Domain.communityEntry]) {
      expect(() => verifyTombstone(craftTombstone({}, admin, domain), verifier)).toThrow(InvalidSignatureError)
    }
    expect(() => verifyTombstone(new Uint8Array(1025), verifier)).toThrow(MalformedMessageError)
    expect(() => verifyTombstone(Uint8Array.from([...bytes, 0x18, 0x00]), verifier)).toThrow(MalformedMessageError)
  })
})

const report: AdminNoteFields = {
  kind: AdminNoteKind.REPORT,
  communityId,
  timestamp: T0,
  targetMessage: 'msg-7',
  targetMember: outsider.publicKey,
  targetGroup: groupId,
  reason: 'spam',
  excerpt: 'buy cheap watches'
}

describe('notes to admins', () => {
  it('every admin opens the note, signed by its author; a member or outsider gets undefined', () => {
    const sealed = sealAdminNote(member, admins, report)
    expect(sealed.boxes.length).toBe(2)
    const opened = [founder, admin].map(a => openAdminNote(a, openKey(a), communityId, sealed, verifier))
    for (const note of opened) {
      expect(note).toBeDefined()
      expect(note?.kind).toBe(AdminNoteKind.REPORT)
      expect(note?.from).toEqual(member.publicKey)
      expect(note?.communityId).toEqual(communityId)
      expect(note).toMatchObject({ targetMessage: 'msg-7', reason: 'spam', excerpt: 'buy cheap watches', timestamp: BigInt(T0) })
      expect(note?.targetMember).toEqual(outsider.publicKey)
      expect(note?.noteId.byteLength).toBe(16)
    }
    expect(opened[0]?.bytes).toEqual(opened[1]?.bytes)
    for (const nonAdmin of [member, outsider]) expect(openAdminNote(nonAdmin, openKey(nonAdmin), communityId, sealed, verifier)).toBeUndefined()
    // the right hint with the wrong key: skipped, not thrown
    expect(openAdminNote(founder, openKey(admin), communityId, sealed, verifier)).toBeUndefined()
  })

  it('a join request names its group; a note sealed for another community is not opened', () => {
    const request = sealAdminNote(member, admins, { kind: AdminNoteKind.GROUP_REQUEST, communityId, timestamp: T0, targetGroup: groupId })
    expect(openAdminNote(admin, openKey(admin), communityId, request, verifier)?.targetGroup).toEqual(groupId)
    const elsewhere = sealAdminNote(member, admins, { ...report, communityId: otherCommunity })
    expect(openAdminNote(admin, openKey(admin), communityId, elsewhere, verifier)).toBeUndefined()
    expect(openAdminNote(admin, openKey(admin), otherCommunity, elsewhere, verifier)?.communityId).toEqual(otherCommunity)
  })

  /** a signed note sealed to `to` under this community's hint, whatever it says */
  function sealRaw (to: Identity, note: Partial<AdminNote>, by: Identity, domain: Domain = Domain.adminNote): Sealed {
    const body = AdminNote.encode({ kind: AdminNoteKind.REPORT, communityId, from: by.publicKey, timestamp: BigInt(T0), noteId: new Uint8Array(16), targetMessage: '', targetMember: new Uint8Array(0), targetGroup: new Uint8Array(0), reason: 'r', excerpt: '', ...note })
    return { boxes: [sealTo(to.publicKey, x25519PublicFromEd25519(to.publicKey), boxHint(communityId, to.publicKey), resign(body, by, domain))] }
  }

  it('the author is verified: a note claiming another `from`, or signed for another domain, is refused', () => {
    expect(openAdminNote(admin, openKey(admin), communityId, sealRaw(admin, {}, member), verifier)?.from).toEqual(member.publicKey)
    expect(() => openAdminNote(admin, openKey(admin), communityId, sealRaw(admin, { from: founder.publicKey }, member), verifier)).toThrow(InvalidSignatureError)
    expect(() => openAdminNote(admin, openKey(admin), communityId, sealRaw(admin, {}, member, Domain.announcement), verifier)).toThrow(InvalidSignatureError)
    expect(() => openAdminNote(admin, openKey(admin), communityId, sealRaw(admin, { from: new Uint8Array(31) }, member), verifier)).toThrow(CommunityRecordRejectedError)
    // sealed under our community's hint but about another community
    expect(() => openAdminNote(admin, openKey(admin), communityId, sealRaw(admin, { communityId: otherCommunity }, member), verifier)).toThrow(/another community/)
    // a malformed note inside a box that opens
    expect(() => openAdminNote(admin, openKey(admin), communityId, sealRaw(admin, { noteId: new Uint8Array(3) }, member), verifier)).toThrow(CommunityRecordRejectedError)
    expect(() => openAdminNote(admin, openKey(admin), communityId, sealRaw(admin, { reason: ' ' }, member), verifier)).toThrow(CommunityRecordRejectedError)
  })

  it('sealAdminNote checks the note before sealing and never touches its inputs', () => {
    const bad: Array<Partial<AdminNoteFields>> = [
      { reason: '   ' },
      { reason: 'r'.repeat(MAX_REASON_LENGTH + 1) },
      { targetMember: new Uint8Array(31) },
      { targetGroup: new Uint8Array(31) },
      { targetMessage: 'm'.repeat(65) },
      { communityId: new Uint8Array(31) },
      { noteId: new Uint8Array(15) },
      { kind: AdminNoteKind.GROUP_REQUEST, targetGroup: undefined }
    ]
    for (const b of bad) expect(() => sealAdminNote(member, admins, { ...report, ...b }), JSON.stringify(Object.keys(b))).toThrow(CommunityRecordRejectedError)
    expect(() => sealAdminNote(member, [], report)).toThrow(CommunityRecordRejectedError)
    const many = Array.from({ length: MAX_ADMIN_BOXES + 1 }, () => admin.publicKey)
    expect(() => sealAdminNote(member, many, report)).toThrow(CommunityRecordRejectedError)
    // a long excerpt is cut, not refused
    const long = sealAdminNote(member, admins, { ...report, excerpt: 'e'.repeat(MAX_EXCERPT_LENGTH * 3) })
    expect(openAdminNote(admin, openKey(admin), communityId, long, verifier)?.excerpt).toBe('e'.repeat(MAX_EXCERPT_LENGTH))
    const fields = structuredClone(report)
    const list = admins.map(a => new Uint8Array(a))
    sealAdminNote(member, list, fields)
    expect(fields).toEqual(report)
    expect(list).toEqual(admins)
  })

  it('openAdminNote refuses more than MAX_ADMIN_BOXES boxes and skips boxes that do not open', () => {
    const sealed = sealAdminNote(member, admins, report)
    const junk = { hint: boxHint(communityId, admin.publicKey), ephemeral: new Uint8Array(32).fill(9), nonce: new Uint8Array(12), ciphertext: new Uint8Array(40) }
    const short = { ...junk, ephemeral: new Uint8Array(3) }
    expect(openAdminNote(admin, openKey(admin), communityId, { boxes: [junk, short, ...sealed.boxes] }, verifier)?.from).toEqual(member.publicKey)
    expect(openAdminNote(admin, openKey(admin), communityId, { boxes: [junk, short] }, verifier)).toBeUndefined()
    expect(() => openAdminNote(admin, openKey(admin), communityId, { boxes: Array.from({ length: MAX_ADMIN_BOXES + 1 }, () => junk) }, verifier)).toThrow(CommunityRecordRejectedError)
  })
})

describe('community payloads', () => {
  const entry = new Uint8Array(100).fill(1)
  const announcement = signAnnouncement(admin, { communityId, text: 'hi', timestamp: T0 })
  const tombstone = signTombstone(admin, { communityId, groupId, messageId: 'm', timestamp: T0 })
  const adminNote = sealAdminNote(member, admins, report)

  it('round trip: a log chunk and at most one record', () => {
    for (const p of [
      { communityId, logStart: 0n, log: [] },
      { communityId, logStart: 7n, log: [entry, entry], announcement },
      { communityId, logStart: 0n, log: [], tombstone },
      { communityId, logStart: 3n, log: [entry], adminNote }
    ]) {
      const decoded = decodeCommunityPayload(encodeCommunityPayload(p))
      expect(decoded).toEqual(p)
    }
  })

  it('refuses more than one record, whichever two', () => {
    for (const p of [{ announcement, tombstone }, { announcement, adminNote }, { tombstone, adminNote }, { announcement, tombstone, adminNote }]) {
      expect(() => decodeCommunityPayload(encodeCommunityPayload({ communityId, logStart: 0n, log: [], ...p }))).toThrow(/at most one record/)
    }
  })

  it('refuses a missing or malformed community id', () => {
    for (const id of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33)]) {
      expect(() => decodeCommunityPayload(encodeCommunityPayload({ communityId: id, logStart: 0n, log: [], announcement }))).toThrow(MalformedMessageError)
    }
    expect(() => decodeCommunityPayload(new Uint8Array(0))).toThrow(MalformedMessageError)
  })

  it('size limits: bytes, log entries, boxes', () => {
    const sized = (total: number): Uint8Array => {
      // one log entry padded so the payload is exactly `total` bytes (34 for the id, 1 tag + 3 length bytes)
      const bytes = encodeCommunityPayload({ communityId, logStart: 0n, log: [new Uint8Array(total - 34 - 4)] })
      expect(bytes.byteLength).toBe(total)
      return bytes
    }
    expect(() => decodeCommunityPayload(sized(MAX_COMMUNITY_PAYLOAD_BYTES))).not.toThrow()
    expect(() => decodeCommunityPayload(sized(MAX_COMMUNITY_PAYLOAD_BYTES + 1))).toThrow(MalformedMessageError)
    const logOf = (n: number): Uint8Array[] => Array.from({ length: n }, () => new Uint8Array(0))
    expect(decodeCommunityPayload(encodeCommunityPayload({ communityId, logStart: 0n, log: logOf(MAX_PAYLOAD_LOG_ENTRIES) })).log.length).toBe(MAX_PAYLOAD_LOG_ENTRIES)
    expect(() => decodeCommunityPayload(encodeCommunityPayload({ communityId, logStart: 0n, log: logOf(MAX_PAYLOAD_LOG_ENTRIES + 1) }))).toThrow(MalformedMessageError)
    const box = adminNote.boxes[0]
    expect(decodeCommunityPayload(encodeCommunityPayload({ communityId, logStart: 0n, log: [], adminNote: { boxes: Array.from({ length: MAX_ADMIN_BOXES }, () => box) } })).adminNote?.boxes.length).toBe(MAX_ADMIN_BOXES)
    expect(() => decodeCommunityPayload(encodeCommunityPayload({ communityId, logStart: 0n, log: [], adminNote: { boxes: Array.from({ length: MAX_ADMIN_BOXES + 1 }, () => box) } }))).toThrow(MalformedMessageError)
  })

  it('garbage is MalformedMessageError', () => {
    for (const g of [Uint8Array.of(0x0a, 0x20, 1), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), Uint8Array.of(0x32, 0x05, 0x0a, 0x10)]) {
      expect(() => decodeCommunityPayload(g)).toThrow(MalformedMessageError)
    }
  })
})

describe('community invites', () => {
  const groupInvite = 'kith://invite/CiD2k0r8'

  it('round trip, with spaces around the text', () => {
    const info = { communityId, name: 'Parents of 5B — Lycée ✓', groupInvite }
    const text = encodeCommunityInvite(info)
    expect(text.startsWith(COMMUNITY_INVITE_PREFIX)).toBe(true)
    expect(text).toMatch(/^kith:\/\/community\/[A-Za-z0-9_-]+$/)
    expect(decodeCommunityInvite(text)).toEqual(info)
    expect(decodeCommunityInvite(`  ${text}\n`)).toEqual(info)
    expect(decodeCommunityInvite(encodeCommunityInvite({ communityId, name: '', groupInvite: '' }))).toEqual({ communityId, name: '', groupInvite: '' })
    expect(decodeCommunityInvite(encodeCommunityInvite({ ...info, name: 'n'.repeat(200) })).name).toBe('n'.repeat(200))
  })

  it('damaged or foreign texts throw MalformedInviteError', () => {
    const text = encodeCommunityInvite({ communityId, name: 'x', groupInvite })
    const payload = text.slice(COMMUNITY_INVITE_PREFIX.length)
    const damaged = [
      '',
      'hello',
      groupInvite,
      `kith://Community/${payload}`,
      COMMUNITY_INVITE_PREFIX,
      `${COMMUNITY_INVITE_PREFIX}${payload.slice(0, 10)}`,
      `${COMMUNITY_INVITE_PREFIX}${payload.slice(0, 5)} ${payload.slice(5)}`,
      `${COMMUNITY_INVITE_PREFIX}${payload}==`,
      `${COMMUNITY_INVITE_PREFIX}${payload.replace(/[A-Z]/, '+')}`,
      `${COMMUNITY_INVITE_PREFIX}${payload.replace(/[a-z]/, '/')}`,
      `${COMMUNITY_INVITE_PREFIX}${payload.slice(0, 20)}é${payload.slice(20)}`,
      `${COMMUNITY_INVITE_PREFIX}${'A'.repeat(16 * 1024 + 1)}`,
      `${COMMUNITY_INVITE_PREFIX}${toBase64url(Uint8Array.of(0xff, 0xff, 0xff))}`,
      encodeCommunityInvite({ communityId: new Uint8Array(31), name: 'x', groupInvite }),
      encodeCommunityInvite({ communityId, name: 'n'.repeat(201), groupInvite }),
      `${COMMUNITY_INVITE_PREFIX}${toBase64url(CommunityInvite.encode({ communityId: new Uint8Array(0), name: 'x', groupInvite }))}`
    ]
    for (const d of damaged) expect(() => decodeCommunityInvite(d), d.slice(0, 60)).toThrow(MalformedInviteError)
  })
})

describe('once a bug, now held', () => {
  it('signAnnouncement and signTombstone refuse fields their verify functions would refuse', () => {
    // WAS A BUG (signAnnouncement, signTombstone): they check the text and message id but not the ids. A community id
    // that is not 32 bytes, a group id that is not 32 bytes, or an announcementId that is not 16 bytes is signed
    // and sent, and every receiver refuses it ("malformed announcement" / "malformed tombstone"), so the admin
    // sees it go out and nobody gets it. channel-records' sign functions run the same checks as their verify.
    // Fix: run the verify-side field checks (ids' lengths) in signAnnouncement / signTombstone before signing and
    // throw CommunityRecordRejectedError.
    const attempts: Array<[() => Uint8Array, (b: Uint8Array) => unknown]> = [
      [() => signAnnouncement(admin, { communityId: new Uint8Array(16), text: 'x', timestamp: T0 }), b => verifyAnnouncement(b, verifier)],
      [() => signAnnouncement(admin, { communityId, text: 'x', timestamp: T0, announcementId: new Uint8Array(8) }), b => verifyAnnouncement(b, verifier)],
      [() => signTombstone(admin, { communityId: new Uint8Array(0), groupId, messageId: 'm', timestamp: T0 }), b => verifyTombstone(b, verifier)],
      [() => signTombstone(admin, { communityId, groupId: new Uint8Array(20), messageId: 'm', timestamp: T0 }), b => verifyTombstone(b, verifier)]
    ]
    for (const [make, check] of attempts) {
      let bytes: Uint8Array
      try {
        bytes = make()
      } catch (err) {
        expect(err).toBeInstanceOf(CommunityRecordRejectedError)
        continue
      }
      expect(() => check(bytes)).not.toThrow()
    }
  })
})

// ---- property tests: decoders never throw anything but their named errors ----

const RUNS = Number(process.env.FC_RUNS ?? 5000)
const params = { numRuns: RUNS, ...(process.env.FC_SEED != null ? { seed: Number(process.env.FC_SEED) } : {}) }

type Outcome = 'ok' | 'refused'

/** 'ok', 'refused' (one of the errors `allowed` names), or rethrow anything else so the property fails */
function outcome (allowed: string[], fn: () => unknown): Outcome {
  try {
    fn()
    return 'ok'
  } catch (err) {
    if (err instanceof ProtocolError && allowed.includes(err.name) && err.name === (err.constructor as { name: string }).name) return 'refused'
    throw new Error(`threw an error it should not: ${String((err as Error)?.name)}: ${String((err as Error)?.message)}`, { cause: err })
  }
}

const ENTRY_ERRORS = ['MalformedMessageError', 'LogEntryRejectedError']
const RECORD_ERRORS = ['MalformedMessageError', 'InvalidSignatureError', 'CommunityRecordRejectedError']

class Tally {
  ok = 0
  refused = 0
  add (o: Outcome): void { this[o]++ }
  expectBoth (): void {
    expect(this.ok).toBeGreaterThan(0)
    expect(this.refused).toBeGreaterThan(0)
  }
}

const interesting = fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff, 0x08, 0x0a, 0x12, 0x1a, 0x22, 0x2a, 0x32, 0x40)

function mutate (valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { arbitrary: valid, weight: 1 },
    // truncation
    { arbitrary: fc.tuple(valid, fc.nat()).map(([v, n]) => v.slice(0, n % (v.byteLength + 1))), weight: 3 },
    // bit flips
    {
      arbitrary: fc.tuple(valid, fc.array(fc.nat(), { minLength: 1, maxLength: 6 })).map(([v, ps]) => {
        const out = new Uint8Array(v)
        if (out.byteLength > 0) for (const p of ps) out[(p >>> 3) % out.byteLength] ^= 1 << (p & 7)
        return out
      }),
      weight: 4
    },
    // a byte set to a value that matters to protobuf (lengths, tags, varint continuation)
    {
      arbitrary: fc.tuple(valid, fc.nat(), interesting).map(([v, p, b]) => {
        const out = new Uint8Array(v)
        if (out.byteLength > 0) out[p % out.byteLength] = b
        return out
      }),
      weight: 3
    },
    // bytes inserted
    {
      arbitrary: fc.tuple(valid, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 12 })).map(([v, p, ins]) => {
        const at = p % (v.byteLength + 1)
        return Uint8Array.from([...v.subarray(0, at), ...ins, ...v.subarray(at)])
      }),
      weight: 2
    },
    // a range deleted
    {
      arbitrary: fc.tuple(valid, fc.nat(), fc.integer({ min: 1, max: 40 })).map(([v, p, n]) => {
        const at = p % (v.byteLength + 1)
        return Uint8Array.from([...v.subarray(0, at), ...v.subarray(at + n)])
      }),
      weight: 2
    },
    // random bytes
    { arbitrary: fc.uint8Array({ maxLength: 400 }), weight: 3 },
    // random bytes after a valid prefix
    { arbitrary: fc.tuple(valid, fc.nat(), fc.uint8Array({ maxLength: 64 })).map(([v, n, tail]) => Uint8Array.from([...v.subarray(0, n % (v.byteLength + 1)), ...tail])), weight: 2 }
  )
}

// fixtures: a community log with every op, and the state before each entry
const fuzzLog: Uint8Array[] = []
const statesBefore: Array<CommunityState | undefined> = []
let fuzzState: CommunityState | undefined
function append (bytes: Uint8Array): void {
  statesBefore.push(fuzzState)
  fuzzState = applyCommunityEntry(fuzzState, verifyCommunityEntry(fuzzState, bytes, verifier))
  fuzzLog.push(bytes)
}
const now = (): CommunityState => fuzzState as CommunityState
append(createCommunityGenesis(founder, { name: 'fuzz ✓', description: 'a community', icon: 'bafy', announcementGroup: groupId, timestamp: T0 }))
append(signCommunityEntry(founder, now(), CommunityOp.ADD_ADMIN, { target: admin.publicKey }, T0 + 1, verifier))
append(signCommunityEntry(admin, now(), CommunityOp.ADD_GROUP, { groupId: sha256(utf8('g1')), name: 'Class 5B', open: true }, T0 + 2, verifier))
append(signCommunityEntry(admin, now(), CommunityOp.BAN, { target: outsider.publicKey }, T0 + 3, verifier))
append(signCommunityEntry(founder, now(), CommunityOp.SET_INFO, { name: 'renamed', description: 'd', icon: '' }, T0 + 4, verifier))
append(signCommunityEntry(founder, now(), CommunityOp.UNBAN, { target: outsider.publicKey }, T0 + 5, verifier))
append(signCommunityEntry(admin, now(), CommunityOp.REMOVE_GROUP, { groupId: sha256(utf8('g1')) }, T0 + 6, verifier))
append(signCommunityEntry(founder, now(), CommunityOp.REMOVE_ADMIN, { target: admin.publicKey }, T0 + 7, verifier))
const finalState = now()
const fuzzId = finalState.communityId

const announcements = [
  signAnnouncement(founder, { communityId: fuzzId, text: 'hello ✓ 🎉', timestamp: T0 }),
  signAnnouncement(admin, { communityId: fuzzId, text: 'x'.repeat(300), timestamp: 0 })
]
const tombstones = [signTombstone(founder, { communityId: fuzzId, groupId, messageId: 'QmSomething/1', timestamp: T0 })]
const notes = [sealAdminNote(member, [founder.publicKey], { ...report, communityId: fuzzId }), sealAdminNote(member, [founder.publicKey, admin.publicKey], { kind: AdminNoteKind.GROUP_REQUEST, communityId: fuzzId, timestamp: T0, targetGroup: groupId })]
const payloads = [
  encodeCommunityPayload({ communityId: fuzzId, logStart: 0n, log: fuzzLog.slice(0, 3), announcement: announcements[0] }),
  encodeCommunityPayload({ communityId: fuzzId, logStart: 5n, log: fuzzLog.slice(5), tombstone: tombstones[0] }),
  encodeCommunityPayload({ communityId: fuzzId, logStart: 0n, log: [], adminNote: notes[0] })
]
const inviteText = encodeCommunityInvite({ communityId: fuzzId, name: 'fuzz ✓', groupInvite: 'kith://invite/abc' })
const founderKey = openKey(founder)

describe('community decoders never throw anything but named errors', () => {
  it('decodeCommunityEntry and verifyCommunityEntry (against the state the entry was made for); nothing but the entry verifies', () => {
    const tally = new Tally()
    const indexed = fc.nat({ max: fuzzLog.length - 1 }).chain(i => mutate(fc.constant(fuzzLog[i])).map(bytes => ({ i, bytes })))
    fc.assert(fc.property(indexed, ({ i, bytes }) => {
      outcome(['MalformedMessageError'], () => decodeCommunityEntry(bytes))
      const before = statesBefore[i]
      const o = outcome(ENTRY_ERRORS, () => applyCommunityEntry(before, verifyCommunityEntry(before, bytes, verifier)))
      if (o === 'ok') expect(equals(bytes, fuzzLog[i])).toBe(true)
      tally.add(o)
      // against the final state every entry of the log is stale
      expect(outcome(ENTRY_ERRORS, () => verifyCommunityEntry(finalState, bytes, verifier))).toBe('refused')
    }), params)
    tally.expectBoth()
  })

  it('mergeCommunityLog with a damaged entry somewhere in the tail', () => {
    const tally = new Tally()
    const input = fc.tuple(fc.nat({ max: fuzzLog.length }), fc.nat({ max: fuzzLog.length }), fc.nat({ max: fuzzLog.length - 1 }), fc.boolean())
      .chain(([held, start, at, fast]) => mutate(fc.constant(fuzzLog[at])).map(bad => ({ held, start, at, bad, fast })))
    fc.assert(fc.property(input, ({ held, start, at, bad, fast }) => {
      const ours = fuzzLog.slice(0, held)
      const incoming = fuzzLog.map((e, k) => k === at ? bad : e).slice(start)
      const o = outcome(ENTRY_ERRORS, () => {
        const result = mergeCommunityLog(ours, incoming, start, verifier, fast && held > 0 ? statesBefore[held] ?? finalState : undefined)
        // whatever is kept is the honest log or a prefix of it
        if (result != null) expect(result.log.every((e, k) => equals(e, fuzzLog[k]))).toBe(true)
      })
      tally.add(o)
    }), { ...params, numRuns: Math.max(1, Math.floor(RUNS * 0.4)) })
    tally.expectBoth()
  })

  it('decodeCommunityPayload, then verifying the records it carries', () => {
    const tally = new Tally()
    const inner = new Tally()
    fc.assert(fc.property(mutate(fc.constantFrom(...payloads)), bytes => {
      let p: CommunityPayload | undefined
      tally.add(outcome(['MalformedMessageError'], () => { p = decodeCommunityPayload(bytes) }))
      if (p == null) return
      const decoded = p
      if (decoded.announcement != null) inner.add(outcome(RECORD_ERRORS, () => verifyAnnouncement(decoded.announcement as Uint8Array, verifier)))
      if (decoded.tombstone != null) inner.add(outcome(RECORD_ERRORS, () => verifyTombstone(decoded.tombstone as Uint8Array, verifier)))
      if (decoded.adminNote != null) inner.add(outcome(RECORD_ERRORS, () => openAdminNote(founder, founderKey, fuzzId, decoded.adminNote as Sealed, verifier)))
      for (const e of decoded.log) outcome(['MalformedMessageError'], () => decodeCommunityEntry(e))
    }), params)
    tally.expectBoth()
    expect(inner.ok).toBeGreaterThan(0)
  })

  it('verifyAnnouncement and verifyTombstone: nothing but the signed record verifies', () => {
    const tally = new Tally()
    const records = [...announcements.map(b => ({ b, kind: 'a' as const })), ...tombstones.map(b => ({ b, kind: 't' as const }))]
    const input = fc.constantFrom(...records).chain(r => mutate(fc.constant(r.b)).map(bytes => ({ ...r, bytes })))
    fc.assert(fc.property(input, ({ b, kind, bytes }) => {
      const [mine, other] = kind === 'a' ? [verifyAnnouncement, verifyTombstone] : [verifyTombstone, verifyAnnouncement]
      const o = outcome(RECORD_ERRORS, () => mine(bytes, verifier))
      if (o === 'ok') expect(equals(bytes, b)).toBe(true)
      tally.add(o)
      expect(outcome(RECORD_ERRORS, () => other(bytes, verifier))).toBe('refused')
    }), params)
    tally.expectBoth()
  })

  it('decodeCommunityInvite (random text, damaged invite text, damaged invite bytes)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')
    const b64 = fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 300 })
    const damagedText = fc.tuple(fc.nat(), fc.constantFrom(...alphabet, ' ', '=', '.', '%', 'é', '\n', '+', '/'), fc.constantFrom('replace', 'insert', 'truncate')).map(([p, ch, how]) => {
      const at = COMMUNITY_INVITE_PREFIX.length + p % (inviteText.length - COMMUNITY_INVITE_PREFIX.length)
      if (how === 'truncate') return inviteText.slice(0, at)
      return inviteText.slice(0, at) + ch + inviteText.slice(how === 'replace' ? at + 1 : at)
    })
    const inviteBytes = CommunityInvite.encode({ communityId: fuzzId, name: 'fuzz ✓', groupInvite: 'kith://invite/abc' })
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 100 }).map(s => COMMUNITY_INVITE_PREFIX + s),
      b64.map(s => COMMUNITY_INVITE_PREFIX + s),
      damagedText,
      mutate(fc.constant(inviteBytes)).map(b => COMMUNITY_INVITE_PREFIX + toBase64url(b)),
      fc.constant(inviteText)
    )
    const tally = new Tally()
    fc.assert(fc.property(text, t => { tally.add(outcome(['MalformedInviteError'], () => decodeCommunityInvite(t))) }), params)
    tally.expectBoth()
  })

  it('openAdminNote on random boxes, some addressed to us, some pieces of real boxes', () => {
    const realBoxes = notes.flatMap(n => n.boxes)
    const ours = boxHint(fuzzId, founder.publicKey)
    const bytesOf = (len: number, real: (b: SealedBox) => Uint8Array): fc.Arbitrary<Uint8Array> => fc.oneof(
      fc.uint8Array({ minLength: len, maxLength: len }),
      fc.uint8Array({ maxLength: len + 4 }),
      fc.constantFrom(...realBoxes.map(real)),
      mutate(fc.constantFrom(...realBoxes.map(real)))
    )
    const box: fc.Arbitrary<SealedBox> = fc.record({
      hint: fc.oneof({ arbitrary: fc.constant(ours), weight: 3 }, { arbitrary: bytesOf(8, b => b.hint), weight: 1 }),
      ephemeral: bytesOf(32, b => b.ephemeral),
      nonce: bytesOf(12, b => b.nonce),
      ciphertext: bytesOf(300, b => b.ciphertext)
    })
    const sealed: fc.Arbitrary<Sealed> = fc.array(fc.oneof(box, fc.constantFrom(...realBoxes)), { maxLength: 4 }).map(boxes => ({ boxes }))
    const tally = new Tally()
    let opened = 0
    fc.assert(fc.property(sealed, s => {
      tally.add(outcome(RECORD_ERRORS, () => { if (openAdminNote(founder, founderKey, fuzzId, s, verifier) != null) opened++ }))
    }), params)
    expect(opened).toBeGreaterThan(0)
  })

  it('large random inputs are refused quickly, whatever they hold', () => {
    const big = [new Uint8Array(randomBytes(1 << 20)), new Uint8Array(1 << 20).fill(0xff), new Uint8Array(1 << 20).fill(0x0a)]
    for (const b of big) {
      expect(outcome(['MalformedMessageError'], () => decodeCommunityEntry(b))).toBe('refused')
      expect(outcome(ENTRY_ERRORS, () => verifyCommunityEntry(finalState, b, verifier))).toBe('refused')
      expect(outcome(['MalformedMessageError'], () => decodeCommunityPayload(b))).toBe('refused')
      expect(outcome(RECORD_ERRORS, () => verifyAnnouncement(b, verifier))).toBe('refused')
      expect(outcome(RECORD_ERRORS, () => verifyTombstone(b, verifier))).toBe('refused')
      expect(outcome(['MalformedInviteError'], () => decodeCommunityInvite(COMMUNITY_INVITE_PREFIX + toBase64url(b)))).toBe('refused')
      expect(outcome(ENTRY_ERRORS, () => mergeCommunityLog(fuzzLog, [b], fuzzLog.length, verifier, finalState))).toBe('refused')
    }
  })
})
