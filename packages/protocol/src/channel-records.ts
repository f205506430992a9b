// Channels: one-to-many public broadcast feeds, signed and never encrypted.
//
// A channel is its own Ed25519 key pair. The channel id is the 32-byte public key (base58btc in text), and the
// key's holder, the owner, signs the channel's meta: its name, description, … and the admins that may post
// besides the owner. Posts, edits, reactions and votes are each signed by their author under their own domain
// (signing.ts), wrapped in a Signed, and published on the gossipsub topic /kith/c/1/<channelId> inside one
// ChannelWire.
//
// Design decisions where the issue was silent (all enforced by the functions below):
// - Authority is judged by the meta a record is checked against, not by the meta current when it was signed:
//   removing an admin from the meta also withdraws the posts and edits that admin signed (revocation, for a
//   lost or compromised admin key). The owner is always an author; it is not listed in `admins`, which must be
//   distinct 32-byte keys (at most MAX_CHANNEL_ADMINS).
// - The meta carries no timestamp rule: only the owner can sign one, and its timestamp only breaks ties between
//   two metas of the same version, both the owner's own doing.
// - Posts, edits, reactions and votes are refused when dated more than MAX_CLOCK_SKEW_MS after `now` or more
//   than RETENTION_MS before it (both bounds inclusive). `now` is injected: these functions read no clock.
// - A post id is base58btc(sha256(Signed bytes)[0..16]). So that the id cannot change on the way, only the
//   canonical Signed encoding is accepted (what Signed.encode gives back for its own fields); a relay that
//   re-wraps a record makes it invalid, not a second post.
// - `seq` is per (channel, author), from 1; it lets a follower notice a gap in one author's posts. It is not
//   checked for uniqueness (verification is stateless); posts are identified by their id.
// - Media posts accept only the MIME types followers can show safely: PHOTO jpeg/png/gif/webp, STICKER webp/png,
//   VIDEO mp4/webm (no SVG, which can carry script); media.size must be 1 .. the kind's limit and media.cid a CID.
//   The text of a media post or poll is its caption. A TEXT post has non-blank text and no media or poll.
// - A poll's question and options are non-blank, options distinct.
// - Any admin (or the owner) may edit or delete any post of the channel. A deletion carries no text (so deleted
//   words are not re-broadcast) and is final: see applyPostEdits in channel-tally.ts.
// - A reaction's emoji is '' (withdrawn) or one grapheme of at most 16 UTF-8 bytes whose first code point is
//   Extended_Pictographic, or a pair of Regional_Indicators (a flag). Keycaps (1️⃣) are not reactions.
// - A reaction needs only its channel to verify (its post may arrive later); a vote needs its poll, since the
//   ballot's indices are checked against it.
// - Wrong lengths of keys and ids, undecodable or oversized bytes are MalformedMessageError; a bad signature is
//   InvalidSignatureError; a record that decodes and verifies but breaks a rule (authority, limits, time) is
//   ChannelRecordRejectedError.
import { CID } from 'multiformats/cid'
import { compare, copy, equals, fromBase58, sha256, toBase58, utf8 } from './bytes.js'
import { ChannelRecordRejectedError, InvalidSignatureError, MalformedMessageError } from './errors.js'
import { ChannelMeta, ChannelPost, ChannelPostEdit, ChannelReaction, ChannelVote, ChannelWire, Signed } from './proto/kith.js'
import { Domain, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, sign, type Identity, type SignatureVerifier } from './signing.js'
import { markVerified, type Verified } from './verified.js'

export const CHANNEL_ID_LENGTH = PUBLIC_KEY_LENGTH
/** how long channel records are kept and accepted: posts older than this are gone */
export const RETENTION_MS = 30 * 24 * 60 * 60 * 1000
/** how far in the future a record may be dated, for clocks that run ahead */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000
/** one ChannelWire on a channel topic, and so any one record */
export const MAX_CHANNEL_WIRE_BYTES = 64 * 1024
/** a Signed ChannelMeta: small, since the directory keeps it in the DHT and keyword records list many */
export const MAX_CHANNEL_META_BYTES = 8 * 1024

export const MAX_CHANNEL_NAME_LENGTH = 128
export const MAX_CHANNEL_DESCRIPTION_LENGTH = 1024
export const MAX_CHANNEL_CATEGORY_LENGTH = 64
export const MAX_CHANNEL_LANGUAGE_LENGTH = 35
export const MAX_CID_LENGTH = 128
export const MAX_CHANNEL_ADMINS = 32

/** in Unicode code points, like every text length here */
export const MAX_POST_TEXT_LENGTH = 4096
export const MAX_POLL_QUESTION_LENGTH = 300
export const MAX_POLL_OPTION_LENGTH = 100
export const MIN_POLL_OPTIONS = 2
export const MAX_POLL_OPTIONS = 12
export const MAX_REACTION_EMOJI_BYTES = 16
/** bytes of sha256(Signed post) kept in a post id */
export const POST_ID_LENGTH = 16

export const ChannelPostKind = ChannelPost.Kind
export type ChannelPostKind = ChannelPost.Kind
export type ChannelMediaKind = ChannelPost.Kind.PHOTO | ChannelPost.Kind.VIDEO | ChannelPost.Kind.STICKER

const MiB = 1024 * 1024
/** the largest file each media kind may point to (ChannelMedia.size, and the content itself: media-sniff.ts) */
export const MAX_MEDIA_BYTES: Readonly<Record<ChannelMediaKind, number>> = Object.freeze({
  [ChannelPost.Kind.PHOTO]: 16 * MiB,
  [ChannelPost.Kind.VIDEO]: 64 * MiB,
  [ChannelPost.Kind.STICKER]: 1 * MiB
})

/** the MIME types each media kind may carry */
export const MEDIA_MIME_TYPES: Readonly<Record<ChannelMediaKind, readonly string[]>> = Object.freeze({
  [ChannelPost.Kind.PHOTO]: Object.freeze(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
  [ChannelPost.Kind.VIDEO]: Object.freeze(['video/mp4', 'video/webm']),
  [ChannelPost.Kind.STICKER]: Object.freeze(['image/webp', 'image/png'])
})

export function isMediaKind (kind: ChannelPostKind): kind is ChannelMediaKind {
  return kind === ChannelPost.Kind.PHOTO || kind === ChannelPost.Kind.VIDEO || kind === ChannelPost.Kind.STICKER
}

// ---- verified records: the decoded message plus what callers need next ----

/** bytes: the Signed ChannelMeta (what the DHT keeps); hash: its sha256, the last tie-breaker between metas */
export type VerifiedChannelMeta = Verified<ChannelMeta & { readonly bytes: Uint8Array, readonly hash: Uint8Array }>
/** bytes: the Signed ChannelPost; postId: base58btc(sha256(bytes)[0..16]) */
export type VerifiedChannelPost = Verified<ChannelPost & { readonly bytes: Uint8Array, readonly postId: string }>
export type VerifiedChannelPostEdit = Verified<ChannelPostEdit & { readonly bytes: Uint8Array }>
export type VerifiedChannelReaction = Verified<ChannelReaction & { readonly bytes: Uint8Array }>
export type VerifiedChannelVote = Verified<ChannelVote & { readonly bytes: Uint8Array }>

// ---- ids and topics ----

export function channelIdToString (channelId: Uint8Array): string {
  if (channelId.byteLength !== CHANNEL_ID_LENGTH) throw new MalformedMessageError('a channel id is a 32-byte public key')
  return toBase58(channelId)
}

export function channelIdFromString (s: string): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = fromBase58(s)
  } catch {
    throw new MalformedMessageError(`not a channel id: ${s.slice(0, 80)}`)
  }
  if (bytes.byteLength !== CHANNEL_ID_LENGTH || toBase58(bytes) !== s) throw new MalformedMessageError(`not a channel id: ${s.slice(0, 80)}`)
  return copy(bytes)
}

const TOPIC_PREFIX = '/kith/c/1/'

/** the gossipsub topic of a channel: public, so (unlike a group's) it names the channel id itself */
export function channelTopic (channelId: Uint8Array | string): string {
  return TOPIC_PREFIX + (typeof channelId === 'string' ? channelIdToString(channelIdFromString(channelId)) : channelIdToString(channelId))
}

export function channelIdFromTopic (topic: string): Uint8Array {
  if (!topic.startsWith(TOPIC_PREFIX)) throw new MalformedMessageError(`not a channel topic: ${topic.slice(0, 80)}`)
  return channelIdFromString(topic.slice(TOPIC_PREFIX.length))
}

export function channelPostId (signedPost: Uint8Array): string {
  return toBase58(sha256(signedPost).subarray(0, POST_ID_LENGTH))
}

function checkPostId (postId: string): void {
  let bytes: Uint8Array
  try {
    bytes = fromBase58(postId)
  } catch {
    throw new MalformedMessageError('malformed post id')
  }
  if (bytes.byteLength !== POST_ID_LENGTH || toBase58(bytes) !== postId) throw new MalformedMessageError('malformed post id')
}

// ---- shared checks ----

function reject (why: string): never {
  throw new ChannelRecordRejectedError(why)
}

function checkKey (key: Uint8Array, what: string): void {
  if (key.byteLength !== PUBLIC_KEY_LENGTH) throw new MalformedMessageError(`${what} is not a 32-byte public key`)
}

/** length in Unicode code points */
export function codePoints (s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

function checkLength (s: string, max: number, what: string): void {
  if (s.length > max && codePoints(s) > max) reject(`${what} is longer than ${max} characters`)
}

function blank (s: string): boolean {
  return s.trim().length === 0
}

function isCid (s: string): boolean {
  if (s.length === 0 || s.length > MAX_CID_LENGTH) return false
  try {
    CID.parse(s)
    return true
  } catch {
    return false
  }
}

const LANGUAGE_TAG = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/

/**
 * The time rule of every record but the meta: not dated more than MAX_CLOCK_SKEW_MS after `now`, nor more than
 * RETENTION_MS before it.
 */
export function checkChannelTimestamp (timestamp: bigint, now: number, what = 'record'): void {
  if (!Number.isFinite(now) || now < 0) throw new RangeError('now is a time in ms since the epoch')
  const t = BigInt(Math.floor(now))
  if (timestamp > t + BigInt(MAX_CLOCK_SKEW_MS)) reject(`${what} dated more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes ahead`)
  if (timestamp < t - BigInt(RETENTION_MS)) reject(`${what} older than the ${RETENTION_MS / 86_400_000}-day retention`)
}

function ms (timestamp: number): bigint {
  return BigInt(Math.max(0, Math.floor(Number.isFinite(timestamp) ? timestamp : 0)))
}

function uint64 (n: number | bigint, what: string): bigint {
  const v = typeof n === 'bigint' ? n : Number.isSafeInteger(n) ? BigInt(n) : -1n
  if (v < 0n || v > 0xffffffffffffffffn) throw new MalformedMessageError(`${what} is not a uint64`)
  return v
}

interface Opened<T> {
  readonly bytes: Uint8Array
  readonly body: Uint8Array
  readonly signature: Uint8Array
  readonly record: T
}

/** decode Signed bytes (canonical form only) and the record inside; on its own copy of the bytes */
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

function checkSignature (verifier: SignatureVerifier, key: Uint8Array, domain: Domain, opened: Opened<unknown>, what: string): void {
  if (!verifier.verify(key, domain, opened.body, opened.signature)) throw new InvalidSignatureError(`${what} signature does not verify`)
}

function signed (identity: Identity, domain: Domain, body: Uint8Array): Uint8Array {
  return Signed.encode({ body, signature: sign(identity, domain, body) })
}

// ---- meta ----

export interface ChannelMetaFields {
  version: number | bigint
  name: string
  description?: string
  /** CID of the avatar image, or '' */
  avatar?: string
  category?: string
  /** BCP 47 tag, or '' */
  language?: string
  admins?: Uint8Array[]
  timestamp: number
}

/** the rules of a meta on its own; the owner is the channel key and is not listed among the admins */
export function checkChannelMeta (meta: ChannelMeta): void {
  checkKey(meta.channelId, 'channel id')
  for (const admin of meta.admins) checkKey(admin, 'admin')
  if (blank(meta.name)) reject('a channel has a name')
  checkLength(meta.name, MAX_CHANNEL_NAME_LENGTH, 'name')
  checkLength(meta.description, MAX_CHANNEL_DESCRIPTION_LENGTH, 'description')
  checkLength(meta.category, MAX_CHANNEL_CATEGORY_LENGTH, 'category')
  if (meta.language !== '' && (meta.language.length > MAX_CHANNEL_LANGUAGE_LENGTH || !LANGUAGE_TAG.test(meta.language))) reject('language is not a BCP 47 tag')
  if (meta.avatar !== '' && !isCid(meta.avatar)) reject('avatar is not a CID')
  if (meta.admins.length > MAX_CHANNEL_ADMINS) reject(`more than ${MAX_CHANNEL_ADMINS} admins`)
  const seen = new Set<string>()
  for (const admin of meta.admins) {
    if (equals(admin, meta.channelId)) reject('the owner is not listed among the admins')
    const id = toBase58(admin)
    if (seen.has(id)) reject('an admin is listed twice')
    seen.add(id)
  }
}

/** the Signed ChannelMeta of the channel whose key is `owner`; throws if the fields break a rule */
export function signChannelMeta (owner: Identity, fields: ChannelMetaFields): Uint8Array {
  const meta: ChannelMeta = {
    channelId: copy(owner.publicKey),
    version: uint64(fields.version, 'version'),
    name: fields.name,
    description: fields.description ?? '',
    avatar: fields.avatar ?? '',
    category: fields.category ?? '',
    language: fields.language ?? '',
    admins: (fields.admins ?? []).map(copy),
    timestamp: ms(fields.timestamp)
  }
  checkChannelMeta(meta)
  return signed(owner, Domain.channelMeta, ChannelMeta.encode(meta))
}

/** checks a Signed ChannelMeta: its rules and the channel key's signature; and, given, that it is `channelId`'s */
export function verifyChannelMeta (bytes: Uint8Array, verifier: SignatureVerifier, channelId?: Uint8Array): VerifiedChannelMeta {
  const opened = open(bytes, MAX_CHANNEL_META_BYTES, 'channel meta', body => ChannelMeta.decode(body))
  const meta = opened.record
  checkKey(meta.channelId, 'channel id')
  if (channelId != null && !equals(meta.channelId, channelId)) reject('meta of another channel')
  checkSignature(verifier, meta.channelId, Domain.channelMeta, opened, 'channel meta')
  checkChannelMeta(meta)
  return markVerified({ ...meta, bytes: opened.bytes, hash: sha256(opened.bytes) })
}

/** > 0 when `a` wins over `b`: the higher version, then the larger timestamp, then the smaller hash */
export function compareChannelMeta (a: VerifiedChannelMeta, b: VerifiedChannelMeta): number {
  if (a.version !== b.version) return a.version > b.version ? 1 : -1
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp ? 1 : -1
  return compare(b.hash, a.hash)
}

/** the winning meta among verified ones (of one channel), or undefined for none */
export function pickChannelMeta<T extends VerifiedChannelMeta> (metas: Iterable<T>): T | undefined {
  let best: T | undefined
  for (const m of metas) if (best == null || compareChannelMeta(m, best) > 0) best = m
  return best
}

/** whether `author` may post, edit and delete under `meta`: the owner or one of its admins */
export function isChannelAuthor (meta: ChannelMeta, author: Uint8Array): boolean {
  return equals(author, meta.channelId) || meta.admins.some(a => equals(a, author))
}

// ---- posts ----

export interface ChannelPostFields {
  channelId: Uint8Array
  seq: number | bigint
  kind: ChannelPostKind
  text?: string
  media?: { cid: string, mime: string, size: number | bigint }
  poll?: { question: string, options: string[], multiple?: boolean }
  timestamp: number
}

/** the rules of a post on its own (not its authority or time) */
export function checkChannelPost (post: ChannelPost): void {
  checkKey(post.channelId, 'channel id')
  checkKey(post.author, 'author')
  checkLength(post.text, MAX_POST_TEXT_LENGTH, 'text')
  const kind = post.kind
  if (kind === ChannelPost.Kind.TEXT) {
    if (post.media != null || post.poll != null) reject('a TEXT post carries no media or poll')
    if (blank(post.text)) reject('a TEXT post has text')
  } else if (isMediaKind(kind)) {
    if (post.poll != null) reject(`a ${kind} post carries no poll`)
    const media = post.media
    if (media == null) reject(`a ${kind} post carries media`)
    if (!isCid(media.cid)) reject('media.cid is not a CID')
    if (!MEDIA_MIME_TYPES[kind].includes(media.mime)) reject(`a ${kind} post cannot carry ${media.mime.slice(0, 80) || 'no MIME type'}`)
    if (media.size === 0n) reject('empty media')
    if (media.size > BigInt(MAX_MEDIA_BYTES[kind])) reject(`a ${kind} is at most ${MAX_MEDIA_BYTES[kind]} bytes`)
  } else if (kind === ChannelPost.Kind.POLL) {
    if (post.media != null) reject('a POLL post carries no media')
    const poll = post.poll
    if (poll == null) reject('a POLL post carries a poll')
    if (blank(poll.question)) reject('a poll has a question')
    checkLength(poll.question, MAX_POLL_QUESTION_LENGTH, 'poll question')
    if (poll.options.length < MIN_POLL_OPTIONS || poll.options.length > MAX_POLL_OPTIONS) reject(`a poll has ${MIN_POLL_OPTIONS} to ${MAX_POLL_OPTIONS} options`)
    for (const o of poll.options) {
      if (blank(o)) reject('an empty poll option')
      checkLength(o, MAX_POLL_OPTION_LENGTH, 'poll option')
    }
    if (new Set(poll.options).size !== poll.options.length) reject('poll options repeat')
  } else {
    reject(`unknown post kind ${String(kind)}`)
  }
}

/** the Signed ChannelPost; throws if the fields break a rule of their own (authority and time are the verifier's) */
export function signChannelPost (author: Identity, fields: ChannelPostFields): Uint8Array {
  const post: ChannelPost = {
    channelId: copy(fields.channelId),
    seq: uint64(fields.seq, 'seq'),
    kind: fields.kind,
    text: fields.text ?? '',
    media: fields.media != null ? { cid: fields.media.cid, mime: fields.media.mime, size: uint64(fields.media.size, 'media size') } : undefined,
    poll: fields.poll != null ? { question: fields.poll.question, options: [...fields.poll.options], multiple: fields.poll.multiple ?? false } : undefined,
    timestamp: ms(fields.timestamp),
    author: copy(author.publicKey)
  }
  if (post.media == null) delete post.media
  if (post.poll == null) delete post.poll
  checkChannelPost(post)
  return signed(author, Domain.channelPost, ChannelPost.encode(post))
}

/** checks a Signed ChannelPost against the channel's meta at `now`: signature, rules, authority and time */
export function verifyChannelPost (meta: VerifiedChannelMeta, bytes: Uint8Array, verifier: SignatureVerifier, now: number): VerifiedChannelPost {
  const opened = open(bytes, MAX_CHANNEL_WIRE_BYTES, 'channel post', body => ChannelPost.decode(body))
  const post = opened.record
  checkKey(post.author, 'author')
  checkSignature(verifier, post.author, Domain.channelPost, opened, 'channel post')
  checkChannelPost(post)
  if (!equals(post.channelId, meta.channelId)) reject('post of another channel')
  if (!isChannelAuthor(meta, post.author)) reject('the author is neither the owner nor an admin of the channel')
  checkChannelTimestamp(post.timestamp, now, 'post')
  return markVerified({ ...post, bytes: opened.bytes, postId: channelPostId(opened.bytes) })
}

// ---- edits ----

export interface ChannelPostEditFields {
  channelId: Uint8Array
  postId: string
  /** the new text (or caption); '' with deleted */
  text?: string
  deleted?: boolean
  timestamp: number
}

export function checkChannelPostEdit (edit: ChannelPostEdit): void {
  checkKey(edit.channelId, 'channel id')
  checkKey(edit.author, 'author')
  checkPostId(edit.postId)
  if (edit.deleted && edit.text !== '') reject('a deletion carries no text')
  checkLength(edit.text, MAX_POST_TEXT_LENGTH, 'text')
}

export function signChannelPostEdit (author: Identity, fields: ChannelPostEditFields): Uint8Array {
  const edit: ChannelPostEdit = {
    channelId: copy(fields.channelId),
    postId: fields.postId,
    text: fields.text ?? '',
    deleted: fields.deleted ?? false,
    timestamp: ms(fields.timestamp),
    author: copy(author.publicKey)
  }
  checkChannelPostEdit(edit)
  return signed(author, Domain.channelEdit, ChannelPostEdit.encode(edit))
}

/** checks a Signed ChannelPostEdit against the channel's meta at `now`: only the owner or an admin edits */
export function verifyChannelPostEdit (meta: VerifiedChannelMeta, bytes: Uint8Array, verifier: SignatureVerifier, now: number): VerifiedChannelPostEdit {
  const opened = open(bytes, MAX_CHANNEL_WIRE_BYTES, 'channel edit', body => ChannelPostEdit.decode(body))
  const edit = opened.record
  checkKey(edit.author, 'author')
  checkSignature(verifier, edit.author, Domain.channelEdit, opened, 'channel edit')
  checkChannelPostEdit(edit)
  if (!equals(edit.channelId, meta.channelId)) reject('edit of another channel')
  if (!isChannelAuthor(meta, edit.author)) reject('only the owner or an admin edits posts')
  checkChannelTimestamp(edit.timestamp, now, 'edit')
  return markVerified({ ...edit, bytes: opened.bytes })
}

// ---- reactions ----

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' })
const PICTOGRAPHIC = /^\p{Extended_Pictographic}/u
const FLAG = /^\p{Regional_Indicator}{2}$/u
const REGIONAL = /^\p{Regional_Indicator}/u

/** one emoji: a single grapheme of at most 16 UTF-8 bytes, pictographic or a flag */
export function isReactionEmoji (emoji: string): boolean {
  if (emoji.length === 0 || emoji.length > MAX_REACTION_EMOJI_BYTES || utf8(emoji).byteLength > MAX_REACTION_EMOJI_BYTES) return false
  let count = 0
  for (const _ of graphemes.segment(emoji)) if (++count > 1) return false
  if (REGIONAL.test(emoji)) return FLAG.test(emoji)
  return PICTOGRAPHIC.test(emoji)
}

export interface ChannelReactionFields {
  channelId: Uint8Array
  postId: string
  /** '' withdraws the reaction */
  emoji: string
  timestamp: number
}

export function checkChannelReaction (reaction: ChannelReaction): void {
  checkKey(reaction.channelId, 'channel id')
  checkKey(reaction.follower, 'follower')
  checkPostId(reaction.postId)
  if (reaction.emoji !== '' && !isReactionEmoji(reaction.emoji)) reject('a reaction is one emoji')
}

export function signChannelReaction (follower: Identity, fields: ChannelReactionFields): Uint8Array {
  const reaction: ChannelReaction = {
    channelId: copy(fields.channelId),
    postId: fields.postId,
    emoji: fields.emoji,
    timestamp: ms(fields.timestamp),
    follower: copy(follower.publicKey)
  }
  checkChannelReaction(reaction)
  return signed(follower, Domain.channelReaction, ChannelReaction.encode(reaction))
}

/** checks a Signed ChannelReaction on a post of `channelId` at `now`; anyone may react */
export function verifyChannelReaction (channelId: Uint8Array, bytes: Uint8Array, verifier: SignatureVerifier, now: number): VerifiedChannelReaction {
  const opened = open(bytes, MAX_CHANNEL_WIRE_BYTES, 'channel reaction', body => ChannelReaction.decode(body))
  const reaction = opened.record
  checkKey(reaction.follower, 'follower')
  checkSignature(verifier, reaction.follower, Domain.channelReaction, opened, 'channel reaction')
  checkChannelReaction(reaction)
  if (!equals(reaction.channelId, channelId)) reject('reaction in another channel')
  checkChannelTimestamp(reaction.timestamp, now, 'reaction')
  return markVerified({ ...reaction, bytes: opened.bytes })
}

// ---- votes ----

export interface ChannelVoteFields {
  channelId: Uint8Array
  postId: string
  /** indices into the poll's options; [] withdraws the ballot */
  options: number[]
  timestamp: number
}

export function checkChannelVote (vote: ChannelVote): void {
  checkKey(vote.channelId, 'channel id')
  checkKey(vote.follower, 'follower')
  checkPostId(vote.postId)
  if (vote.options.length > MAX_POLL_OPTIONS) reject(`a ballot names at most ${MAX_POLL_OPTIONS} options`)
  if (new Set(vote.options).size !== vote.options.length) reject('a ballot names an option twice')
}

/** whether a ballot's options fit the poll: distinct, in range, exactly one unless the poll allows several */
export function checkBallot (poll: ChannelPost, options: readonly number[]): void {
  if (poll.kind !== ChannelPost.Kind.POLL || poll.poll == null) reject('a vote is on a poll')
  if (options.length === 0) return
  if (!poll.poll.multiple && options.length !== 1) reject('this poll takes exactly one option')
  if (new Set(options).size !== options.length) reject('a ballot names an option twice')
  for (const o of options) if (!Number.isInteger(o) || o < 0 || o >= poll.poll.options.length) reject(`option ${o} is not in the poll`)
}

export function signChannelVote (follower: Identity, fields: ChannelVoteFields): Uint8Array {
  for (const o of fields.options) if (!Number.isInteger(o) || o < 0 || o > 0xffffffff) throw new MalformedMessageError('an option is a uint32 index')
  const vote: ChannelVote = {
    channelId: copy(fields.channelId),
    postId: fields.postId,
    options: [...fields.options].sort((a, b) => a - b),
    timestamp: ms(fields.timestamp),
    follower: copy(follower.publicKey)
  }
  checkChannelVote(vote)
  return signed(follower, Domain.channelVote, ChannelVote.encode(vote))
}

/** checks a Signed ChannelVote against its poll (a verified POLL post) at `now`; anyone may vote */
export function verifyChannelVote (poll: VerifiedChannelPost, bytes: Uint8Array, verifier: SignatureVerifier, now: number): VerifiedChannelVote {
  const opened = open(bytes, MAX_CHANNEL_WIRE_BYTES, 'channel vote', body => ChannelVote.decode(body, { limits: { options: MAX_POLL_OPTIONS } }))
  const vote = opened.record
  checkKey(vote.follower, 'follower')
  checkSignature(verifier, vote.follower, Domain.channelVote, opened, 'channel vote')
  checkChannelVote(vote)
  if (!equals(vote.channelId, poll.channelId)) reject('vote in another channel')
  if (vote.postId !== poll.postId) reject('vote on another post')
  checkBallot(poll, vote.options)
  checkChannelTimestamp(vote.timestamp, now, 'vote')
  return markVerified({ ...vote, bytes: opened.bytes })
}

// ---- the channel topic ----

export type ChannelWireKind = 'meta' | 'post' | 'edit' | 'reaction' | 'vote'
const WIRE_KINDS: readonly ChannelWireKind[] = Object.freeze(['meta', 'post', 'edit', 'reaction', 'vote'])

export interface DecodedChannelWire {
  readonly kind: ChannelWireKind
  /** the Signed bytes of the record, for the verify function of its kind */
  readonly bytes: Uint8Array
}

export function encodeChannelWire (kind: ChannelWireKind, bytes: Uint8Array): Uint8Array {
  if (!WIRE_KINDS.includes(kind)) throw new MalformedMessageError(`no channel record kind ${String(kind)}`)
  const wire = ChannelWire.encode({ [kind]: bytes })
  if (wire.byteLength > MAX_CHANNEL_WIRE_BYTES) throw new MalformedMessageError(`channel message over ${MAX_CHANNEL_WIRE_BYTES} bytes`)
  return wire
}

/** what arrived on a channel topic: exactly one Signed record; size-limited; throws MalformedMessageError */
export function decodeChannelWire (bytes: Uint8Array): DecodedChannelWire {
  if (bytes.byteLength > MAX_CHANNEL_WIRE_BYTES) throw new MalformedMessageError(`channel message of ${bytes.byteLength} bytes is over ${MAX_CHANNEL_WIRE_BYTES}`)
  let wire: ChannelWire
  try {
    wire = ChannelWire.decode(copy(bytes))
  } catch (err) {
    throw new MalformedMessageError(`channel message does not decode: ${(err as Error).message}`)
  }
  const present = WIRE_KINDS.filter(k => wire[k] != null)
  if (present.length !== 1) throw new MalformedMessageError('a channel message carries exactly one record')
  const kind = present[0]
  const record = wire[kind] as Uint8Array
  if (kind === 'meta' && record.byteLength > MAX_CHANNEL_META_BYTES) throw new MalformedMessageError(`channel meta over ${MAX_CHANNEL_META_BYTES} bytes`)
  try {
    const signed = Signed.decode(record)
    if (signed.body.byteLength === 0 || signed.signature.byteLength !== SIGNATURE_LENGTH) throw new Error('not a signed record')
  } catch (err) {
    throw new MalformedMessageError(`channel record does not decode: ${(err as Error).message}`)
  }
  return { kind, bytes: record }
}
