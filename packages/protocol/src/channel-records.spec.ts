import { describe, expect, it } from 'vitest'
import { copy, fromBase58, sha256, toBase58 } from './bytes.js'
import {
  channelIdFromString, channelIdFromTopic, channelIdToString, channelPostId, channelTopic, ChannelPostKind, checkChannelTimestamp, compareChannelMeta,
  decodeChannelWire, encodeChannelWire, isChannelAuthor, isReactionEmoji, MAX_CHANNEL_ADMINS, MAX_CHANNEL_META_BYTES, MAX_CHANNEL_NAME_LENGTH,
  MAX_CHANNEL_WIRE_BYTES, MAX_CLOCK_SKEW_MS, MAX_MEDIA_BYTES, MAX_POLL_OPTION_LENGTH, MAX_POLL_QUESTION_LENGTH, MAX_POST_TEXT_LENGTH, pickChannelMeta,
  RETENTION_MS, signChannelMeta, signChannelPost, signChannelPostEdit, signChannelReaction, signChannelVote, verifyChannelMeta, verifyChannelPost,
  verifyChannelPostEdit, verifyChannelReaction, verifyChannelVote, type ChannelMetaFields, type ChannelPostFields, type VerifiedChannelMeta,
  type VerifiedChannelPost
} from './channel-records.js'
import { ChannelRecordRejectedError, InvalidSignatureError, MalformedMessageError } from './errors.js'
import { ChannelMeta, ChannelPost, ChannelPostEdit, ChannelReaction, ChannelVote, ChannelWire, Signed } from './proto/kith.js'
import { Domain, generateIdentity, sign, SignatureVerifier, type Identity } from './signing.js'

const verifier = new SignatureVerifier()
const owner = generateIdentity()
const admin = generateIdentity()
const admin2 = generateIdentity()
const follower = generateIdentity()
const channelId = owner.publicKey
const now = 1_750_000_000_000
const CID = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi'
const MiB = 1024 * 1024

function metaOf (fields: Partial<ChannelMetaFields> = {}, key: Identity = owner): VerifiedChannelMeta {
  return verifyChannelMeta(signChannelMeta(key, { version: 1, name: 'Santé publique', description: 'News', category: 'health', language: 'fr', admins: [admin.publicKey, admin2.publicKey], timestamp: now - 1000, ...fields }), verifier)
}

const meta1 = metaOf()
/** version 2: admin2 removed */
const meta2 = metaOf({ version: 2, admins: [admin.publicKey] })

function postFields (fields: Partial<ChannelPostFields> = {}): ChannelPostFields {
  return { channelId, seq: 1, kind: ChannelPostKind.TEXT, text: 'hello, followers', timestamp: now, ...fields }
}

function post (author: Identity, fields: Partial<ChannelPostFields> = {}, meta: VerifiedChannelMeta = meta1, at = now): VerifiedChannelPost {
  return verifyChannelPost(meta, signChannelPost(author, postFields(fields)), verifier, at)
}

/** a record signed correctly whatever its fields, to show the verifier (not just the builder) refuses it */
function craft<T> (identity: Identity, domain: Domain, codec: { encode: (v: T) => Uint8Array }, value: T): Uint8Array {
  const body = codec.encode(value)
  return Signed.encode({ body, signature: sign(identity, domain, body) })
}

function rawPost (fields: Partial<ChannelPost> = {}): ChannelPost {
  return { channelId, seq: 1n, kind: ChannelPost.Kind.TEXT, text: 'x', timestamp: BigInt(now), author: owner.publicKey, ...fields }
}

function thrown (fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('did not throw')
}

function expectRejected (fn: () => unknown, reason?: RegExp): void {
  const err = thrown(fn)
  expect(err, err.message).toBeInstanceOf(ChannelRecordRejectedError)
  expect(err.name).toBe('ChannelRecordRejectedError')
  if (reason != null) expect(err.message).toMatch(reason)
}

function expectMalformed (fn: () => unknown): void {
  const err = thrown(fn)
  expect(err, err.message).toBeInstanceOf(MalformedMessageError)
  expect(err.name).toBe('MalformedMessageError')
}

const photo = { cid: CID, mime: 'image/jpeg', size: 1234 }
const pollOf = (n: number, multiple = false): { question: string, options: string[], multiple: boolean } => ({ question: 'Which?', options: Array.from({ length: n }, (_, i) => `option ${i}`), multiple })

describe('channel ids and topics', () => {
  it('the channel id is the base58btc of the channel key, and the topic names it', () => {
    const id = channelIdToString(channelId)
    expect(id).toBe(toBase58(channelId))
    expect(channelIdFromString(id)).toEqual(channelId)
    expect(channelTopic(channelId)).toBe(`/kith/c/1/${id}`)
    expect(channelTopic(id)).toBe(`/kith/c/1/${id}`)
    expect(channelIdFromTopic(channelTopic(id))).toEqual(channelId)
  })

  it('refuses what is not a channel id', () => {
    for (const s of ['', 'abc', '0OIl', toBase58(new Uint8Array(31)), toBase58(new Uint8Array(33)), `1${toBase58(channelId)}`]) expectMalformed(() => channelIdFromString(s))
    expectMalformed(() => channelIdToString(new Uint8Array(31)))
    expectMalformed(() => channelTopic('nope'))
    expectMalformed(() => channelIdFromTopic(`/kith/g/1/${toBase58(channelId)}`))
  })

  it('a post id is base58btc(sha256(Signed bytes)[0..16])', () => {
    const p = post(owner)
    expect(p.postId).toBe(toBase58(sha256(p.bytes).subarray(0, 16)))
    expect(channelPostId(p.bytes)).toBe(p.postId)
    expect(fromBase58(p.postId).byteLength).toBe(16)
  })
})

describe('channel meta', () => {
  it('signs and verifies, with the Signed bytes and their hash', () => {
    const bytes = signChannelMeta(owner, { version: 7, name: 'Kith news', admins: [admin.publicKey], timestamp: now })
    const m = verifyChannelMeta(bytes, verifier, channelId)
    expect(m).toMatchObject({ version: 7n, name: 'Kith news', description: '', avatar: '', category: '', language: '', timestamp: BigInt(now) })
    expect(m.channelId).toEqual(channelId)
    expect(m.admins).toEqual([admin.publicKey])
    expect(m.bytes).toEqual(bytes)
    expect(m.hash).toEqual(sha256(bytes))
    expect(verifyChannelMeta(signChannelMeta(owner, { version: 1, name: 'x', avatar: CID, language: 'pt-BR', timestamp: now }), verifier).avatar).toBe(CID)
  })

  it('neither the builder nor the verifier mutates its input, and the result owns its bytes', () => {
    const admins = [copy(admin.publicKey)]
    const fields = { version: 3, name: 'n', admins, timestamp: now }
    const frozen = JSON.stringify({ ...fields, admins: admins.map(a => [...a]) })
    const bytes = signChannelMeta(owner, fields)
    expect(JSON.stringify({ ...fields, admins: admins.map(a => [...a]) })).toBe(frozen)
    const before = copy(bytes)
    const m = verifyChannelMeta(bytes, verifier)
    expect(bytes).toEqual(before)
    bytes.fill(0)
    expect(m.name).toBe('n')
    expect(m.bytes).toEqual(before)
    expect(m.channelId).toEqual(channelId)
  })

  it('only the channel key signs its meta', () => {
    const body = ChannelMeta.encode({ channelId, version: 9n, name: 'hijacked', description: '', avatar: '', category: '', language: '', admins: [admin.publicKey], timestamp: BigInt(now) })
    const forged = Signed.encode({ body, signature: sign(admin, Domain.channelMeta, body) })
    expect(() => verifyChannelMeta(forged, verifier)).toThrow(InvalidSignatureError)
    // a valid signature under another domain is no meta signature either
    expect(() => verifyChannelMeta(Signed.encode({ body, signature: sign(owner, Domain.channelPost, body) }), verifier)).toThrow(InvalidSignatureError)
  })

  it('refuses a meta of another channel than the one asked for', () => {
    expectRejected(() => verifyChannelMeta(meta1.bytes, verifier, admin.publicKey), /another channel/)
  })

  it('enforces its limits in the builder and the verifier', () => {
    const bad: Array<[Partial<ChannelMetaFields>, RegExp]> = [
      [{ name: '' }, /name/],
      [{ name: '  \n' }, /name/],
      [{ name: 'n'.repeat(MAX_CHANNEL_NAME_LENGTH + 1) }, /name/],
      [{ description: 'd'.repeat(1025) }, /description/],
      [{ category: 'c'.repeat(65) }, /category/],
      [{ language: 'french language' }, /language/],
      [{ avatar: 'not-a-cid' }, /avatar/],
      [{ admins: [admin.publicKey, admin.publicKey] }, /twice/],
      [{ admins: [owner.publicKey] }, /owner/],
      [{ admins: Array.from({ length: MAX_CHANNEL_ADMINS + 1 }, () => generateIdentity().publicKey) }, /admins/]
    ]
    for (const [fields, why] of bad) {
      expectRejected(() => signChannelMeta(owner, { version: 1, name: 'ok', timestamp: now, ...fields }), why)
      const m: ChannelMeta = { channelId, version: 1n, name: 'ok', description: '', avatar: '', category: '', language: '', admins: [], timestamp: BigInt(now), ...(fields as Partial<ChannelMeta>) }
      expectRejected(() => verifyChannelMeta(craft(owner, Domain.channelMeta, ChannelMeta, m), verifier), why)
    }
    // code points, not UTF-16 units: 128 emoji are 256 units
    expect(metaOf({ name: '📣'.repeat(MAX_CHANNEL_NAME_LENGTH) }).name).toHaveLength(256)
    expect(metaOf({ admins: Array.from({ length: MAX_CHANNEL_ADMINS }, () => generateIdentity().publicKey) }).admins).toHaveLength(MAX_CHANNEL_ADMINS)
  })

  it('refuses malformed bytes: a short admin key, extra bytes around the Signed, oversize', () => {
    const m = { channelId, version: 1n, name: 'ok', description: '', avatar: '', category: '', language: '', admins: [new Uint8Array(31)], timestamp: 1n }
    expectMalformed(() => verifyChannelMeta(craft(owner, Domain.channelMeta, ChannelMeta, m), verifier))
    const valid = meta1.bytes
    expectMalformed(() => verifyChannelMeta(Uint8Array.from([...valid, 0x18, 0x01]), verifier))
    expectMalformed(() => verifyChannelMeta(new Uint8Array(MAX_CHANNEL_META_BYTES + 1), verifier))
    expectMalformed(() => verifyChannelMeta(Uint8Array.of(1, 2, 3), verifier))
    const flipped = copy(valid)
    flipped[flipped.byteLength - 1] ^= 1
    expect(() => verifyChannelMeta(flipped, verifier)).toThrow(InvalidSignatureError)
  })

  it('the highest version wins, then the larger timestamp, then the smaller hash', () => {
    const a = metaOf({ version: 2, timestamp: now - 10 })
    const b = metaOf({ version: 3, timestamp: now - 20 })
    const c = metaOf({ version: 3, timestamp: now - 5 })
    const d = metaOf({ version: 3, timestamp: now - 5, name: 'other name' })
    expect(compareChannelMeta(b, a)).toBeGreaterThan(0)
    expect(compareChannelMeta(c, b)).toBeGreaterThan(0)
    const [small, large] = Buffer.compare(c.hash, d.hash) < 0 ? [c, d] : [d, c]
    expect(compareChannelMeta(small, large)).toBeGreaterThan(0)
    expect(compareChannelMeta(small, small)).toBe(0)
    for (const order of [[a, b, c, d], [d, c, b, a], [c, a, d, b]]) expect(pickChannelMeta(order)).toBe(small)
    expect(pickChannelMeta([])).toBeUndefined()
  })
})

describe('channel posts', () => {
  it('a post by the owner or an admin is accepted', () => {
    const p = post(owner)
    expect(p).toMatchObject({ seq: 1n, kind: 'TEXT', text: 'hello, followers', timestamp: BigInt(now) })
    expect(p.author).toEqual(owner.publicKey)
    expect(post(admin).author).toEqual(admin.publicKey)
    expect(post(admin2).author).toEqual(admin2.publicKey)
    expect(isChannelAuthor(meta1, admin2.publicKey)).toBe(true)
  })

  it('a post signed by a follower is refused', () => {
    expectRejected(() => post(follower), /neither the owner nor an admin/)
    expect(isChannelAuthor(meta1, follower.publicKey)).toBe(false)
  })

  it('a post by an admin the newer meta removed is refused against that meta', () => {
    const bytes = signChannelPost(admin2, postFields())
    expect(verifyChannelPost(meta1, bytes, verifier, now).author).toEqual(admin2.publicKey)
    expectRejected(() => verifyChannelPost(meta2, bytes, verifier, now), /neither the owner nor an admin/)
    expect(verifyChannelPost(meta2, signChannelPost(admin, postFields()), verifier, now).author).toEqual(admin.publicKey)
  })

  it('a post of another channel is refused', () => {
    const other = metaOf({}, generateIdentity())
    expectRejected(() => verifyChannelPost(other, signChannelPost(owner, postFields()), verifier, now), /another channel/)
  })

  it('refuses posts dated more than 5 minutes ahead of now or older than 30 days', () => {
    expect(post(owner, { timestamp: now + MAX_CLOCK_SKEW_MS }).timestamp).toBe(BigInt(now + MAX_CLOCK_SKEW_MS))
    expectRejected(() => post(owner, { timestamp: now + MAX_CLOCK_SKEW_MS + 1 }), /ahead/)
    expect(post(owner, { timestamp: now - RETENTION_MS }).timestamp).toBe(BigInt(now - RETENTION_MS))
    expectRejected(() => post(owner, { timestamp: now - RETENTION_MS - 1 }), /retention/)
    // the same bytes, checked later, expire
    const bytes = signChannelPost(owner, postFields())
    expect(verifyChannelPost(meta1, bytes, verifier, now + RETENTION_MS).postId).toBe(channelPostId(bytes))
    expectRejected(() => verifyChannelPost(meta1, bytes, verifier, now + RETENTION_MS + 1), /retention/)
    expect(RETENTION_MS).toBe(30 * 24 * 3600 * 1000)
    expect(() => checkChannelTimestamp(0n, Number.NaN)).toThrow(RangeError)
  })

  it('counts text in code points: 4,096 are accepted, 4,097 refused', () => {
    expect(post(owner, { text: '🎉'.repeat(MAX_POST_TEXT_LENGTH) }).text).toHaveLength(2 * MAX_POST_TEXT_LENGTH)
    expectRejected(() => signChannelPost(owner, postFields({ text: 'a'.repeat(MAX_POST_TEXT_LENGTH + 1) })), /text/)
    expectRejected(() => verifyChannelPost(meta1, craft(owner, Domain.channelPost, ChannelPost, rawPost({ text: 'é'.repeat(MAX_POST_TEXT_LENGTH + 1) })), verifier, now), /text/)
  })

  it('a TEXT post has text and no media or poll', () => {
    expectRejected(() => signChannelPost(owner, postFields({ text: '' })), /has text/)
    expectRejected(() => signChannelPost(owner, postFields({ text: ' \t ' })), /has text/)
    expectRejected(() => signChannelPost(owner, postFields({ media: photo })), /no media/)
    expectRejected(() => verifyChannelPost(meta1, craft(owner, Domain.channelPost, ChannelPost, rawPost({ media: { ...photo, size: 1n } })), verifier, now), /no media/)
    expectRejected(() => verifyChannelPost(meta1, craft(owner, Domain.channelPost, ChannelPost, rawPost({ poll: pollOf(2) })), verifier, now), /no media or poll/)
  })

  it('media posts need media of their family, within their size limit', () => {
    const ok: Array<[ChannelPostKind, string, number]> = [
      [ChannelPostKind.PHOTO, 'image/jpeg', 16 * MiB], [ChannelPostKind.PHOTO, 'image/png', 1], [ChannelPostKind.PHOTO, 'image/gif', 1], [ChannelPostKind.PHOTO, 'image/webp', 1],
      [ChannelPostKind.VIDEO, 'video/mp4', 64 * MiB], [ChannelPostKind.VIDEO, 'video/webm', 1],
      [ChannelPostKind.STICKER, 'image/webp', 1 * MiB], [ChannelPostKind.STICKER, 'image/png', 1]
    ]
    for (const [kind, mime, size] of ok) {
      const p = post(admin, { kind, text: '', media: { cid: CID, mime, size } })
      expect(p.media).toEqual({ cid: CID, mime, size: BigInt(size) })
    }
    const bad: Array<[ChannelPostKind, string, number, RegExp]> = [
      [ChannelPostKind.PHOTO, 'image/jpeg', 16 * MiB + 1, /at most/],
      [ChannelPostKind.VIDEO, 'video/mp4', 64 * MiB + 1, /at most/],
      [ChannelPostKind.STICKER, 'image/webp', 1 * MiB + 1, /at most/],
      [ChannelPostKind.PHOTO, 'video/mp4', 10, /cannot carry/],
      [ChannelPostKind.PHOTO, 'image/svg+xml', 10, /cannot carry/],
      [ChannelPostKind.VIDEO, 'image/jpeg', 10, /cannot carry/],
      [ChannelPostKind.VIDEO, 'video/quicktime', 10, /cannot carry/],
      [ChannelPostKind.STICKER, 'image/jpeg', 10, /cannot carry/],
      [ChannelPostKind.PHOTO, 'image/jpeg', 0, /empty/]
    ]
    for (const [kind, mime, size, why] of bad) {
      expectRejected(() => signChannelPost(admin, postFields({ kind, media: { cid: CID, mime, size } })), why)
      expectRejected(() => verifyChannelPost(meta1, craft(owner, Domain.channelPost, ChannelPost, rawPost({ kind, media: { cid: CID, mime, size: BigInt(size) } })), verifier, now), why)
    }
    expect(MAX_MEDIA_BYTES).toEqual({ PHOTO: 16 * MiB, VIDEO: 64 * MiB, STICKER: MiB })
    expectRejected(() => signChannelPost(admin, postFields({ kind: ChannelPostKind.PHOTO })), /carries media/)
    expectRejected(() => signChannelPost(admin, postFields({ kind: ChannelPostKind.PHOTO, media: { ...photo, cid: 'x' } })), /CID/)
    expectRejected(() => signChannelPost(admin, postFields({ kind: ChannelPostKind.PHOTO, media: photo, poll: pollOf(2) })), /no poll/)
  })

  it('a poll has a question and 2 to 12 distinct, non-empty options of at most 100 characters', () => {
    for (const n of [2, 12]) expect(post(owner, { kind: ChannelPostKind.POLL, text: '', poll: pollOf(n) }).poll?.options).toHaveLength(n)
    expect(post(owner, { kind: ChannelPostKind.POLL, poll: { question: 'q'.repeat(MAX_POLL_QUESTION_LENGTH), options: ['o'.repeat(MAX_POLL_OPTION_LENGTH), 'b'], multiple: true } }).poll?.multiple).toBe(true)
    const bad: Array<[ChannelPost['poll'], RegExp]> = [
      [pollOf(1), /2 to 12/],
      [pollOf(13), /2 to 12/],
      [{ ...pollOf(2), question: '' }, /question/],
      [{ ...pollOf(2), question: 'q'.repeat(MAX_POLL_QUESTION_LENGTH + 1) }, /question/],
      [{ ...pollOf(2), options: ['a', ''] }, /empty/],
      [{ ...pollOf(2), options: ['a', 'o'.repeat(MAX_POLL_OPTION_LENGTH + 1)] }, /option/],
      [{ ...pollOf(2), options: ['same', 'same'] }, /repeat/]
    ]
    for (const [poll, why] of bad) {
      expectRejected(() => signChannelPost(owner, postFields({ kind: ChannelPostKind.POLL, poll })), why)
      expectRejected(() => verifyChannelPost(meta1, craft(owner, Domain.channelPost, ChannelPost, rawPost({ kind: ChannelPost.Kind.POLL, poll })), verifier, now), why)
    }
    expectRejected(() => signChannelPost(owner, postFields({ kind: ChannelPostKind.POLL })), /carries a poll/)
    expectRejected(() => signChannelPost(owner, postFields({ kind: ChannelPostKind.POLL, poll: pollOf(2), media: photo })), /no media/)
  })

  it('refuses bad signatures, tampered bodies, unknown kinds and non-canonical wrapping', () => {
    const bytes = signChannelPost(owner, postFields())
    const signed = Signed.decode(bytes)
    const sig = copy(signed.signature)
    sig[0] ^= 1
    expect(() => verifyChannelPost(meta1, Signed.encode({ body: signed.body, signature: sig }), verifier, now)).toThrow(InvalidSignatureError)
    const body = copy(signed.body)
    body[5] ^= 1 // inside the channel id
    expect(() => verifyChannelPost(meta1, Signed.encode({ body, signature: signed.signature }), verifier, now)).toThrow(InvalidSignatureError)
    // kind 9 does not exist
    const unknownKind = Uint8Array.from([...ChannelPost.encode(rawPost()), 0x18, 0x09])
    expectMalformed(() => verifyChannelPost(meta1, Signed.encode({ body: unknownKind, signature: sign(owner, Domain.channelPost, unknownKind) }), verifier, now))
    expectMalformed(() => verifyChannelPost(meta1, Uint8Array.from([...bytes, 0x1a, 0x00]), verifier, now))
    expectMalformed(() => verifyChannelPost(meta1, craft(owner, Domain.channelPost, ChannelPost, rawPost({ author: new Uint8Array(31) })), verifier, now))
    expectMalformed(() => verifyChannelPost(meta1, new Uint8Array(MAX_CHANNEL_WIRE_BYTES + 1), verifier, now))
  })

  it('never mutates the fields it is given', () => {
    const fields = postFields({ kind: ChannelPostKind.POLL, poll: { question: 'q', options: ['b', 'a'] } })
    const before = JSON.stringify(fields, (_, v) => typeof v === 'bigint' ? String(v) : v)
    signChannelPost(owner, fields)
    expect(JSON.stringify(fields, (_, v) => typeof v === 'bigint' ? String(v) : v)).toBe(before)
  })
})

describe('channel post edits', () => {
  const target = post(owner)
  const editFields = { channelId, postId: target.postId, text: 'fixed a typo', timestamp: now }

  it('an admin or the owner may edit or delete any post', () => {
    const e = verifyChannelPostEdit(meta1, signChannelPostEdit(admin, editFields), verifier, now)
    expect(e).toMatchObject({ postId: target.postId, text: 'fixed a typo', deleted: false })
    expect(verifyChannelPostEdit(meta1, signChannelPostEdit(owner, { ...editFields, text: '', deleted: true }), verifier, now).deleted).toBe(true)
  })

  it('an edit by a follower, or by an admin the newer meta removed, is refused', () => {
    expectRejected(() => verifyChannelPostEdit(meta1, signChannelPostEdit(follower, editFields), verifier, now), /owner or an admin/)
    const byAdmin2 = signChannelPostEdit(admin2, editFields)
    expect(verifyChannelPostEdit(meta1, byAdmin2, verifier, now).author).toEqual(admin2.publicKey)
    expectRejected(() => verifyChannelPostEdit(meta2, byAdmin2, verifier, now), /owner or an admin/)
  })

  it('a deletion carries no text; edits follow the text limit, the post id format and the time rule', () => {
    expectRejected(() => signChannelPostEdit(owner, { ...editFields, deleted: true }), /no text/)
    expectRejected(() => verifyChannelPostEdit(meta1, craft(owner, Domain.channelEdit, ChannelPostEdit, { channelId, postId: target.postId, text: 'x', deleted: true, timestamp: BigInt(now), author: owner.publicKey }), verifier, now), /no text/)
    expectRejected(() => signChannelPostEdit(owner, { ...editFields, text: 'a'.repeat(MAX_POST_TEXT_LENGTH + 1) }), /text/)
    expectMalformed(() => signChannelPostEdit(owner, { ...editFields, postId: 'not-an-id' }))
    expectMalformed(() => signChannelPostEdit(owner, { ...editFields, postId: toBase58(new Uint8Array(32).fill(1)) }))
    expectRejected(() => verifyChannelPostEdit(meta1, signChannelPostEdit(owner, { ...editFields, timestamp: now + MAX_CLOCK_SKEW_MS + 1 }), verifier, now), /ahead/)
    expectRejected(() => verifyChannelPostEdit(metaOf({}, generateIdentity()), signChannelPostEdit(owner, editFields), verifier, now), /another channel/)
  })
})

describe('channel reactions', () => {
  const target = post(owner)
  const react = (emoji: string, who = follower, at = now): Uint8Array => signChannelReaction(who, { channelId, postId: target.postId, emoji, timestamp: at })

  it('anyone may react with one emoji, or withdraw with the empty string', () => {
    for (const emoji of ['👍', '❤️', '🎉', '🇫🇷', '👍🏽', '🫠', '©', '']) {
      const r = verifyChannelReaction(channelId, react(emoji), verifier, now)
      expect(r.emoji).toBe(emoji)
      expect(r.follower).toEqual(follower.publicKey)
      expect(r.postId).toBe(target.postId)
    }
  })

  it('refuses anything but a single emoji grapheme of at most 16 bytes', () => {
    for (const emoji of ['a', 'ok', ':)', '👍👍', '👍 ', '🇫', '1️⃣', '\u0600👍', '👨‍👩‍👧‍👦', '🏴󠁧󠁢󠁥󠁮󠁧󠁿', '\u0301']) {
      expect(isReactionEmoji(emoji), emoji).toBe(false)
      expectRejected(() => react(emoji), /one emoji/)
      const raw = { channelId, postId: target.postId, emoji, timestamp: BigInt(now), follower: follower.publicKey }
      expectRejected(() => verifyChannelReaction(channelId, craft(follower, Domain.channelReaction, ChannelReaction, raw), verifier, now), /one emoji/)
    }
    expect(isReactionEmoji('👩‍💻')).toBe(true)
  })

  it('refuses reactions in another channel, forged ones and ones out of time', () => {
    expectRejected(() => verifyChannelReaction(admin.publicKey, react('👍'), verifier, now), /another channel/)
    const raw = { channelId, postId: target.postId, emoji: '👍', timestamp: BigInt(now), follower: follower.publicKey }
    expect(() => verifyChannelReaction(channelId, craft(admin, Domain.channelReaction, ChannelReaction, raw), verifier, now)).toThrow(InvalidSignatureError)
    expectRejected(() => verifyChannelReaction(channelId, react('👍', follower, now - RETENTION_MS - 1), verifier, now), /retention/)
    expectRejected(() => verifyChannelReaction(channelId, react('👍', follower, now + MAX_CLOCK_SKEW_MS + 1), verifier, now), /ahead/)
  })
})

describe('channel votes', () => {
  const single = post(owner, { kind: ChannelPostKind.POLL, text: '', poll: pollOf(3) })
  const multi = post(admin, { kind: ChannelPostKind.POLL, text: '', poll: pollOf(4, true), seq: 2 })
  const vote = (poll: VerifiedChannelPost, options: number[], who = follower, at = now): Uint8Array => signChannelVote(who, { channelId, postId: poll.postId, options, timestamp: at })
  const rawVote = (poll: VerifiedChannelPost, options: number[]): Uint8Array => craft(follower, Domain.channelVote, ChannelVote, { channelId, postId: poll.postId, options, timestamp: BigInt(now), follower: follower.publicKey })

  it('a single-choice poll takes exactly one option, or none to withdraw', () => {
    expect(verifyChannelVote(single, vote(single, [2]), verifier, now).options).toEqual([2])
    expect(verifyChannelVote(single, vote(single, []), verifier, now).options).toEqual([])
    expectRejected(() => verifyChannelVote(single, vote(single, [0, 1]), verifier, now), /exactly one/)
    expectRejected(() => verifyChannelVote(single, vote(single, [3]), verifier, now), /not in the poll/)
  })

  it('a multiple-choice poll takes distinct options in range', () => {
    expect(verifyChannelVote(multi, vote(multi, [3, 0, 1]), verifier, now).options).toEqual([0, 1, 3])
    expect(verifyChannelVote(multi, rawVote(multi, [3, 0]), verifier, now).options).toEqual([3, 0])
    expectRejected(() => verifyChannelVote(multi, rawVote(multi, [1, 1]), verifier, now), /twice/)
    expectRejected(() => signChannelVote(follower, { channelId, postId: multi.postId, options: [1, 1], timestamp: now }), /twice/)
    expectRejected(() => verifyChannelVote(multi, vote(multi, [4]), verifier, now), /not in the poll/)
    expectMalformed(() => signChannelVote(follower, { channelId, postId: multi.postId, options: [-1], timestamp: now }))
  })

  it('a vote is checked against its own poll, in its channel, in time', () => {
    expectRejected(() => verifyChannelVote(multi, vote(single, [0]), verifier, now), /another post/)
    const text = post(owner)
    expectRejected(() => verifyChannelVote(text, vote(text, [0]), verifier, now), /on a poll/)
    expectRejected(() => verifyChannelVote(single, vote(single, [0], follower, now + MAX_CLOCK_SKEW_MS + 1), verifier, now), /ahead/)
    const forged = craft(admin, Domain.channelVote, ChannelVote, { channelId, postId: single.postId, options: [0], timestamp: BigInt(now), follower: follower.publicKey })
    expect(() => verifyChannelVote(single, forged, verifier, now)).toThrow(InvalidSignatureError)
    expectMalformed(() => verifyChannelVote(single, rawVote(single, Array.from({ length: 13 }, (_, i) => i)), verifier, now))
  })
})

describe('the channel topic wire', () => {
  it('carries exactly one Signed record of a kind', () => {
    const records = {
      meta: meta1.bytes,
      post: post(owner).bytes,
      edit: signChannelPostEdit(owner, { channelId, postId: post(owner).postId, text: 't', timestamp: now }),
      reaction: signChannelReaction(follower, { channelId, postId: post(owner).postId, emoji: '👍', timestamp: now }),
      vote: signChannelVote(follower, { channelId, postId: post(owner).postId, options: [], timestamp: now })
    }
    for (const [kind, bytes] of Object.entries(records) as Array<[keyof typeof records, Uint8Array]>) {
      const decoded = decodeChannelWire(encodeChannelWire(kind, bytes))
      expect(decoded.kind).toBe(kind)
      expect(decoded.bytes).toEqual(bytes)
    }
  })

  it('refuses none or two records, non-Signed content, oversize', () => {
    expectMalformed(() => decodeChannelWire(new Uint8Array(0)))
    expectMalformed(() => decodeChannelWire(ChannelWire.encode({ post: post(owner).bytes, meta: meta1.bytes })))
    expectMalformed(() => decodeChannelWire(ChannelWire.encode({ post: Uint8Array.of(1, 2, 3) })))
    expectMalformed(() => decodeChannelWire(ChannelWire.encode({ post: Signed.encode({ body: Uint8Array.of(1), signature: new Uint8Array(10) }) })))
    expectMalformed(() => decodeChannelWire(new Uint8Array(MAX_CHANNEL_WIRE_BYTES + 1)))
    expectMalformed(() => decodeChannelWire(ChannelWire.encode({ meta: Signed.encode({ body: new Uint8Array(MAX_CHANNEL_META_BYTES), signature: new Uint8Array(64) }) })))
    expectMalformed(() => encodeChannelWire('post', new Uint8Array(MAX_CHANNEL_WIRE_BYTES)))
    expectMalformed(() => encodeChannelWire('nope' as 'post', new Uint8Array(1)))
  })
})
