// Keyword records of the channel directory are merged where DHT peers store them.
//
// @libp2p/kad-dht 16 has validators (accept or refuse a value) and selectors (pick one of the values a get
// collected), but its PUT_VALUE handler, its own put() and its get's "correction" all write the incoming record
// over the one held (rpc/handlers/put-value.js: `datastore.put(recordKey, record)`). For a keyword record, a list
// that many publishers add to, that means the last writer wins: publishers that overlap each drop the others'
// channels, and anyone can wipe a listing with a valid record of its own channel. The DHT has no hook between
// "validated" and "stored", so the merge sits under it, in the datastore it writes through: a put of a
// /kithkw/ record becomes "the union of what is held and what came, newest per channel, 64 at most".
import { Libp2pRecord } from '@libp2p/record'
import {
  channelDirectorySelectors, channelDirectoryValidators, compareChannelMeta, decodeKeywordRecord, KEYWORD_RECORD_NAMESPACE, KeywordRecord, keywordsOf, MAX_CLOCK_SKEW_MS,
  MAX_KEYWORD_RECORD_BYTES, MAX_KEYWORD_RECORD_ENTRIES, SignatureVerifier, toBase58, verifyChannelMeta,
  type VerifiedChannelMeta
} from '@kith/protocol'
import type { Datastore, Key } from 'interface-datastore'
import type { AbortOptions } from '@libp2p/interface'

const RECORD_PREFIX = '/dht/record/'
const KEYWORD_KEY_PREFIX = `/${KEYWORD_RECORD_NAMESPACE}/`
const decoder = new TextDecoder()

export interface KeywordMergeOptions {
  /** entries this node will not store (a relay run with --refuse-flagged-names drops flagged channels) */
  keep?: (meta: VerifiedChannelMeta) => boolean
  now?: () => number
  verifier?: SignatureVerifier
}

function fieldLength (bytes: number): number {
  let length = 1
  for (let n = bytes; n >= 0x80; n = Math.floor(n / 0x80)) length++
  return 1 + length + bytes
}

/**
 * The keyword record holding every channel of `incoming` and of `held` (when it is a record of the same
 * keyword): the winning meta per channel (compareChannelMeta), newest first, at most 64 entries and
 * MAX_KEYWORD_RECORD_BYTES. Entries that do not verify, lack the keyword, are dated more than MAX_CLOCK_SKEW_MS
 * ahead or that `keep` refuses are dropped. Returns undefined when nothing is left. Throws on an `incoming`
 * that does not decode; a `held` that does not is treated as empty.
 */
export function mergeKeywordRecords (held: Uint8Array | undefined, incoming: Uint8Array, options: KeywordMergeOptions = {}): Uint8Array | undefined {
  const record = decodeKeywordRecord(incoming)
  const keyword = record.keyword
  let entries = record.entries
  if (held != null) {
    try {
      const old = decodeKeywordRecord(held)
      if (old.keyword === keyword) entries = [...entries, ...old.entries]
    } catch {}
  }
  const verifier = options.verifier ?? new SignatureVerifier(MAX_KEYWORD_RECORD_ENTRIES * 2)
  const limit = BigInt(Math.floor((options.now ?? Date.now)())) + BigInt(MAX_CLOCK_SKEW_MS)
  const byChannel = new Map<string, VerifiedChannelMeta>()
  for (const entry of entries) {
    let meta: VerifiedChannelMeta
    try {
      meta = verifyChannelMeta(entry, verifier)
    } catch {
      continue
    }
    if (meta.timestamp > limit || !keywordsOf(meta).includes(keyword)) continue
    const id = toBase58(meta.channelId)
    const kept = byChannel.get(id)
    if (kept == null || compareChannelMeta(meta, kept) > 0) byChannel.set(id, meta)
  }
  // the winner per channel is chosen before `keep`, so a refused newer meta is not replaced by an older one
  const newestFirst = [...byChannel.values()]
    .filter(m => options.keep?.(m) ?? true)
    .sort((a, b) => a.timestamp !== b.timestamp ? (a.timestamp > b.timestamp ? -1 : 1) : -compareChannelMeta(a, b))
  let size = fieldLength(new TextEncoder().encode(keyword).byteLength)
  const out: Uint8Array[] = []
  for (const meta of newestFirst) {
    if (out.length >= MAX_KEYWORD_RECORD_ENTRIES) break
    const length = fieldLength(meta.bytes.byteLength)
    if (size + length > MAX_KEYWORD_RECORD_BYTES) continue
    size += length
    out.push(meta.bytes)
  }
  return out.length === 0 ? undefined : KeywordRecord.encode({ keyword, entries: out })
}

/**
 * Makes `datastore` (libp2p's, the one kad-dht stores records in) merge keyword records instead of replacing
 * them. Other keys pass through untouched. Puts of one key are serialized so two PUT_VALUEs arriving together
 * both land.
 */
export function mergeKeywordRecordsOnStore (datastore: Datastore, options: KeywordMergeOptions = {}): void {
  const put = datastore.put.bind(datastore)
  const get = datastore.get.bind(datastore)
  const queues = new Map<string, Promise<unknown>>()
  const verifier = options.verifier ?? new SignatureVerifier(MAX_KEYWORD_RECORD_ENTRIES * 4)

  async function merged (key: Key, value: Uint8Array, abort?: AbortOptions): Promise<Uint8Array | undefined> {
    let record: Libp2pRecord
    try {
      record = Libp2pRecord.deserialize(value)
    } catch {
      return value
    }
    if (!decoder.decode(record.key).startsWith(KEYWORD_KEY_PREFIX)) return value
    let held: Uint8Array | undefined
    try {
      held = Libp2pRecord.deserialize(await get(key, abort)).value
    } catch {}
    let kept: Uint8Array | undefined
    try {
      kept = mergeKeywordRecords(held, record.value, { ...options, verifier })
    } catch {
      return value
    }
    if (kept == null) return undefined
    return new Libp2pRecord(record.key, kept, record.timeReceived ?? new Date()).serialize()
  }

  datastore.put = async (key: Key, value: Uint8Array, abort?: AbortOptions): Promise<Key> => {
    const name = key.toString()
    if (!name.startsWith(RECORD_PREFIX)) return put(key, value, abort)
    const previous = queues.get(name) ?? Promise.resolve()
    const next = previous.then(async () => {
      const bytes = await merged(key, value, abort)
      // nothing this node keeps: leave what it held
      if (bytes == null) return key
      return put(key, bytes, abort)
    })
    const settled = next.catch(() => {})
    queues.set(name, settled)
    void settled.then(() => { if (queues.get(name) === settled) queues.delete(name) })
    return next
  }
}

export interface ChannelDirectoryDht {
  /** kad-dht's `validators` and `selectors` for the directory's namespaces */
  dht: { validators: Record<string, (key: Uint8Array, value: Uint8Array) => Promise<void>>, selectors: Record<string, (key: Uint8Array, values: Uint8Array[]) => number> }
  /** call with the node's libp2p datastore before libp2p starts */
  install (datastore: Datastore): void
}

/** what a node needs to hold the channel directory's DHT records: validators, selectors and the merging store */
export function channelDirectoryDht (): ChannelDirectoryDht {
  return {
    dht: { validators: { ...channelDirectoryValidators }, selectors: { ...channelDirectorySelectors } },
    install: (datastore) => { mergeKeywordRecordsOnStore(datastore) }
  }
}
