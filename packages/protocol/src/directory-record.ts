// The channel directory in the Kademlia DHT (@libp2p/kad-dht `validators` / `selectors`, keyed by the second
// segment of the record key):
//
//   /kithchan/<channelId>                 → the Signed ChannelMeta of that channel (the highest version wins)
//   /kithkw/<base58btc(sha256(keyword))>  → a KeywordRecord: the Signed ChannelMeta of channels with that keyword
//
// Anyone may put either record; the validators make sure that what is stored is signed by the channels it names,
// so the worst a stranger can do is store an older meta (the selectors prefer newer ones).
//
// Decisions where the issue was silent:
// - A keyword record entry must have the keyword among keywordsOf(meta) (search-text.ts), the keywords the
//   channel itself would publish, so a long description cannot list a channel under hundreds of keywords.
// - One entry per channel; at least one entry; the keyword is stored normalized and must hash to the key.
// - "Newest" is the meta timestamp, which the channel owner sets. mergeKeywordRecord, given `now`, drops metas
//   dated more than MAX_CLOCK_SKEW_MS ahead so a future date cannot pin a channel at the top of the record.
// - An entry may be an older meta of its channel (the channel may since have dropped the keyword): searchers
//   fetch /kithchan/<channelId> for the current meta before showing a result.
// - Selectors never throw: a value that does not validate ranks below every valid one (index 0 if none is).
import { compare, sha256, toBase58, utf8 } from './bytes.js'
import { channelIdFromString, channelIdToString, compareChannelMeta, MAX_CHANNEL_META_BYTES, MAX_CLOCK_SKEW_MS, verifyChannelMeta, type VerifiedChannelMeta } from './channel-records.js'
import { ChannelRecordRejectedError, MalformedMessageError } from './errors.js'
import { KeywordRecord } from './proto/kith.js'
import { isKeyword, keywordsOf, normalizeText } from './search-text.js'
import { SignatureVerifier } from './signing.js'
import { markVerified, type Verified } from './verified.js'

export const CHANNEL_RECORD_NAMESPACE = 'kithchan'
export const KEYWORD_RECORD_NAMESPACE = 'kithkw'
export const MAX_KEYWORD_RECORD_ENTRIES = 64
export const MAX_KEYWORD_RECORD_BYTES = 60 * 1024

const CHANNEL_PREFIX = `/${CHANNEL_RECORD_NAMESPACE}/`
const KEYWORD_PREFIX = `/${KEYWORD_RECORD_NAMESPACE}/`
const decoder = new TextDecoder('utf-8', { fatal: true })

function keyText (key: Uint8Array): string {
  try {
    return decoder.decode(key)
  } catch {
    throw new MalformedMessageError('a record key is UTF-8 text')
  }
}

// ---- /kithchan/<channelId> ----

export function channelRecordKey (channelId: Uint8Array | string): Uint8Array {
  return utf8(CHANNEL_PREFIX + (typeof channelId === 'string' ? channelIdToString(channelIdFromString(channelId)) : channelIdToString(channelId)))
}

export function channelIdFromRecordKey (key: Uint8Array): Uint8Array {
  const text = keyText(key)
  if (!text.startsWith(CHANNEL_PREFIX)) throw new MalformedMessageError(`not a ${CHANNEL_PREFIX} key`)
  return channelIdFromString(text.slice(CHANNEL_PREFIX.length))
}

/** kad-dht validator for /kithchan/: the value is a valid Signed ChannelMeta of the channel the key names */
export async function channelRecordValidator (key: Uint8Array, value: Uint8Array): Promise<void> {
  verifyChannelMeta(value, new SignatureVerifier(4), channelIdFromRecordKey(key))
}

/** kad-dht selector for /kithchan/: the index of the winning meta (highest version, see compareChannelMeta) */
export function channelRecordSelector (key: Uint8Array, values: Uint8Array[]): number {
  let channelId: Uint8Array
  try {
    channelId = channelIdFromRecordKey(key)
  } catch {
    return 0
  }
  const verifier = new SignatureVerifier(4)
  let best = 0
  let bestMeta: VerifiedChannelMeta | undefined
  values.forEach((value, i) => {
    let meta: VerifiedChannelMeta
    try {
      meta = verifyChannelMeta(value, verifier, channelId)
    } catch {
      return
    }
    if (bestMeta == null || compareChannelMeta(meta, bestMeta) > 0) {
      best = i
      bestMeta = meta
    }
  })
  return best
}

// ---- /kithkw/<base58btc(sha256(keyword))> ----

/** the key of a keyword's record; `keyword` is normalized first and must then be one keyword (search-text.ts) */
export function keywordRecordKey (keyword: string): Uint8Array {
  const normalized = normalizeText(keyword)
  if (!isKeyword(normalized)) throw new ChannelRecordRejectedError(`not a keyword: ${keyword.slice(0, 80)}`)
  return utf8(KEYWORD_PREFIX + toBase58(sha256(utf8(normalized))))
}

/** decode a keyword record: size and entry limits, a normalized keyword, 1..64 entries; throws MalformedMessageError */
export function decodeKeywordRecord (bytes: Uint8Array): KeywordRecord {
  if (bytes.byteLength > MAX_KEYWORD_RECORD_BYTES) throw new MalformedMessageError(`keyword record of ${bytes.byteLength} bytes is over ${MAX_KEYWORD_RECORD_BYTES}`)
  let record: KeywordRecord
  try {
    record = KeywordRecord.decode(new Uint8Array(bytes), { limits: { entries: MAX_KEYWORD_RECORD_ENTRIES } })
  } catch (err) {
    throw new MalformedMessageError(`keyword record does not decode: ${(err as Error).message}`)
  }
  if (!isKeyword(record.keyword)) throw new MalformedMessageError('the keyword of a keyword record is one normalized word')
  if (record.entries.length === 0) throw new MalformedMessageError('a keyword record lists at least one channel')
  if (record.entries.some(e => e.byteLength > MAX_CHANNEL_META_BYTES)) throw new MalformedMessageError('keyword record entry too large')
  return record
}

export interface KeywordListing {
  readonly keyword: string
  readonly entries: readonly VerifiedChannelMeta[]
}

/**
 * Checks a keyword record: it decodes, is stored under its keyword's key (when `key` is given), and every entry is
 * a valid meta of a distinct channel that has the keyword.
 */
export function verifyKeywordRecord (key: Uint8Array | undefined, bytes: Uint8Array, verifier: SignatureVerifier): Verified<KeywordListing> {
  const record = decodeKeywordRecord(bytes)
  if (key != null && compare(key, keywordRecordKey(record.keyword)) !== 0) throw new ChannelRecordRejectedError('keyword record under another key')
  const seen = new Set<string>()
  const entries = record.entries.map(entry => {
    const meta = verifyChannelMeta(entry, verifier)
    if (!keywordsOf(meta).includes(record.keyword)) throw new ChannelRecordRejectedError(`a listed channel does not have the keyword ${record.keyword}`)
    const id = toBase58(meta.channelId)
    if (seen.has(id)) throw new ChannelRecordRejectedError('a channel is listed twice')
    seen.add(id)
    return meta
  })
  return markVerified({ keyword: record.keyword, entries })
}

/** kad-dht validator for /kithkw/ */
export async function keywordRecordValidator (key: Uint8Array, value: Uint8Array): Promise<void> {
  if (!keyText(key).startsWith(KEYWORD_PREFIX)) throw new MalformedMessageError(`not a ${KEYWORD_PREFIX} key`)
  verifyKeywordRecord(key, value, new SignatureVerifier(MAX_KEYWORD_RECORD_ENTRIES))
}

/** kad-dht selector for /kithkw/: the record with the most entries, then the newest entry, then the smaller hash */
export function keywordRecordSelector (key: Uint8Array, values: Uint8Array[]): number {
  const verifier = new SignatureVerifier(MAX_KEYWORD_RECORD_ENTRIES * 2)
  let best = 0
  let bestScore: { count: number, newest: bigint, hash: Uint8Array } | undefined
  values.forEach((value, i) => {
    let listing: KeywordListing
    try {
      listing = verifyKeywordRecord(key, value, verifier)
    } catch {
      return
    }
    const score = { count: listing.entries.length, newest: listing.entries.reduce((n, m) => m.timestamp > n ? m.timestamp : n, 0n), hash: sha256(value) }
    const wins = bestScore == null ||
      score.count > bestScore.count ||
      (score.count === bestScore.count && (score.newest > bestScore.newest || (score.newest === bestScore.newest && compare(score.hash, bestScore.hash) < 0)))
    if (wins) {
      best = i
      bestScore = score
    }
  })
  return best
}

/** newest first: the later timestamp, then the winning meta (compareChannelMeta) */
function newestFirst (a: VerifiedChannelMeta, b: VerifiedChannelMeta): number {
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp ? -1 : 1
  return -compareChannelMeta(a, b)
}

function varintLength (n: number): number {
  let length = 1
  while (n >= 0x80) {
    n = Math.floor(n / 0x80)
    length++
  }
  return length
}

function fieldLength (bytes: number): number {
  return 1 + varintLength(bytes) + bytes
}

export interface MergeKeywordOptions {
  /** ms; metas dated more than MAX_CLOCK_SKEW_MS after it are dropped */
  now?: number
  verifier?: SignatureVerifier
}

/**
 * The keyword record for `keyword` with the Signed ChannelMeta `meta` merged into `existing` (the record found in
 * the DHT, or undefined): `meta` replaces an older meta of its channel (a newer one already listed stays),
 * entries that do not verify, lack the keyword or are future-dated are dropped, and the newest 64 entries that
 * fit in MAX_KEYWORD_RECORD_BYTES are kept. Throws if `meta` itself is invalid or lacks the keyword; an
 * `existing` that does not decode, or belongs to another keyword, is treated as empty.
 */
export function mergeKeywordRecord (existing: Uint8Array | undefined, meta: Uint8Array, keyword: string, options: MergeKeywordOptions = {}): Uint8Array {
  const normalized = normalizeText(keyword)
  if (!isKeyword(normalized)) throw new ChannelRecordRejectedError(`not a keyword: ${keyword.slice(0, 80)}`)
  const verifier = options.verifier ?? new SignatureVerifier(MAX_KEYWORD_RECORD_ENTRIES * 2)
  const tooNew = (m: VerifiedChannelMeta): boolean => options.now != null && m.timestamp > BigInt(Math.floor(options.now)) + BigInt(MAX_CLOCK_SKEW_MS)

  const added = verifyChannelMeta(meta, verifier)
  if (!keywordsOf(added).includes(normalized)) throw new ChannelRecordRejectedError(`the channel does not have the keyword ${normalized}`)
  if (tooNew(added)) throw new ChannelRecordRejectedError('the meta is dated in the future')

  const byChannel = new Map<string, VerifiedChannelMeta>([[toBase58(added.channelId), added]])
  let entries: Uint8Array[] = []
  if (existing != null) {
    try {
      const record = decodeKeywordRecord(existing)
      if (record.keyword === normalized) entries = record.entries
    } catch {}
  }
  for (const entry of entries) {
    let m: VerifiedChannelMeta
    try {
      m = verifyChannelMeta(entry, verifier)
    } catch {
      continue
    }
    if (tooNew(m) || !keywordsOf(m).includes(normalized)) continue
    const id = toBase58(m.channelId)
    const held = byChannel.get(id)
    if (held == null || compareChannelMeta(m, held) > 0) byChannel.set(id, m)
  }

  const keywordBytes = utf8(normalized)
  let size = fieldLength(keywordBytes.byteLength)
  const kept: Uint8Array[] = []
  for (const m of [...byChannel.values()].sort(newestFirst)) {
    if (kept.length >= MAX_KEYWORD_RECORD_ENTRIES) break
    const length = fieldLength(m.bytes.byteLength)
    if (size + length > MAX_KEYWORD_RECORD_BYTES) continue
    size += length
    kept.push(m.bytes)
  }
  return KeywordRecord.encode({ keyword: normalized, entries: kept })
}

/** for @libp2p/kad-dht's `validators` option */
export const channelDirectoryValidators = Object.freeze({
  [CHANNEL_RECORD_NAMESPACE]: channelRecordValidator,
  [KEYWORD_RECORD_NAMESPACE]: keywordRecordValidator
})

/** for @libp2p/kad-dht's `selectors` option */
export const channelDirectorySelectors = Object.freeze({
  [CHANNEL_RECORD_NAMESPACE]: channelRecordSelector,
  [KEYWORD_RECORD_NAMESPACE]: keywordRecordSelector
})
