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
  CHANNEL_RECORD_NAMESPACE, channelDirectorySelectors, channelDirectoryValidators, channelIdFromRecordKey, ChannelRecordRejectedError,
  compareChannelMeta, decodeKeywordRecord, KEYWORD_RECORD_NAMESPACE, KeywordRecord, keywordsOf, MAX_CLOCK_SKEW_MS,
  MAX_KEYWORD_RECORD_BYTES, MAX_KEYWORD_RECORD_ENTRIES, SignatureVerifier, toBase58, verifyChannelMeta, verifyKeywordRecord,
  type VerifiedChannelMeta
} from '@kith/protocol'
import { Key as DatastoreKey, type Datastore, type Key } from 'interface-datastore'
import { toString } from 'uint8arrays/to-string'
import type { AbortOptions } from '@libp2p/interface'
import { isFlaggedName } from './name-flags.js'

const RECORD_PREFIX = '/dht/record/'
const KEYWORD_KEY_PREFIX = `/${KEYWORD_RECORD_NAMESPACE}/`
const CHANNEL_KEY_PREFIX = `/${CHANNEL_RECORD_NAMESPACE}/`
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

/** how a node stores the directory's records */
export interface DirectoryStoreOptions extends KeywordMergeOptions {
  /** channel metas this node will not hold; a newer such meta of a channel also drops the older one it held */
  refuse?: (meta: VerifiedChannelMeta) => boolean
}

export interface DirectoryStore {
  /**
   * Let a record this node's validators refused still retire what it supersedes: the older meta of a channel
   * now refused, the entries of channels whose newest meta is refused.
   */
  absorb (key: Uint8Array, value: Uint8Array): Promise<void>
}

/**
 * Makes `datastore` (libp2p's, the one kad-dht stores records in) merge keyword records instead of replacing
 * them, and keep no refused channel meta. Other keys pass through untouched. Puts of one key are serialized so
 * two PUT_VALUEs arriving together both land.
 */
export function mergeKeywordRecordsOnStore (datastore: Datastore, options: DirectoryStoreOptions = {}): DirectoryStore {
  const put = datastore.put.bind(datastore)
  const get = datastore.get.bind(datastore)
  const del = datastore.delete.bind(datastore)
  const queues = new Map<string, Promise<unknown>>()
  const verifier = options.verifier ?? new SignatureVerifier(MAX_KEYWORD_RECORD_ENTRIES * 4)
  const keep = options.keep ?? (options.refuse != null ? (m: VerifiedChannelMeta) => !(options.refuse as (m: VerifiedChannelMeta) => boolean)(m) : undefined)

  async function heldValue (key: Key, abort?: AbortOptions): Promise<Uint8Array | undefined> {
    try {
      return Libp2pRecord.deserialize(await get(key, abort)).value
    } catch {
      return undefined
    }
  }

  /** what to store for a put: the bytes, or 'delete' (what is held is retired), or 'skip' (leave what is held) */
  async function decide (key: Key, value: Uint8Array, abort?: AbortOptions): Promise<Uint8Array | 'delete' | 'skip'> {
    let record: Libp2pRecord
    try {
      record = Libp2pRecord.deserialize(value)
    } catch {
      return value
    }
    const recordKey = decoder.decode(record.key)
    if (recordKey.startsWith(CHANNEL_KEY_PREFIX) && options.refuse != null) {
      let meta: VerifiedChannelMeta
      try {
        meta = verifyChannelMeta(record.value, verifier)
      } catch {
        return value
      }
      if (!options.refuse(meta)) return value
      const held = await heldValue(key, abort)
      if (held == null) return 'skip'
      try {
        return compareChannelMeta(meta, verifyChannelMeta(held, verifier, meta.channelId)) > 0 ? 'delete' : 'skip'
      } catch {
        return 'delete'
      }
    }
    if (!recordKey.startsWith(KEYWORD_KEY_PREFIX)) return value
    let kept: Uint8Array | undefined
    try {
      kept = mergeKeywordRecords(await heldValue(key, abort), record.value, { ...options, keep, verifier })
    } catch {
      return value
    }
    // nothing left to list: what was held is superseded or refused too
    if (kept == null) return 'delete'
    return new Libp2pRecord(record.key, kept, record.timeReceived ?? new Date()).serialize()
  }

  async function store (key: Key, value: Uint8Array, abort?: AbortOptions): Promise<Key> {
    const name = key.toString()
    const previous = queues.get(name) ?? Promise.resolve()
    const next = previous.then(async () => {
      const decision = await decide(key, value, abort)
      if (decision === 'skip') return key
      if (decision === 'delete') {
        await del(key, abort)
        return key
      }
      return put(key, decision, abort)
    })
    const settled = next.catch(() => {})
    queues.set(name, settled)
    void settled.then(() => { if (queues.get(name) === settled) queues.delete(name) })
    return next
  }

  datastore.put = async (key: Key, value: Uint8Array, abort?: AbortOptions): Promise<Key> => {
    if (!key.toString().startsWith(RECORD_PREFIX)) return put(key, value, abort)
    return store(key, value, abort)
  }

  return {
    absorb: async (recordKey, value) => {
      // kad-dht's datastore key for a record (utils.js bufferToRecordKey, default prefix /dht)
      const key = new DatastoreKey(RECORD_PREFIX + toString(recordKey, 'base32'), false)
      await store(key, new Libp2pRecord(recordKey, value, new Date()).serialize()).catch(() => {})
    }
  }
}

type Validator = (key: Uint8Array, value: Uint8Array) => Promise<void>

export interface ChannelDirectoryDht {
  /** kad-dht's `validators` and `selectors` for the directory's namespaces */
  dht: { validators: Record<string, Validator>, selectors: Record<string, (key: Uint8Array, values: Uint8Array[]) => number> }
  /** call with the node's libp2p datastore before libp2p starts */
  install (datastore: Datastore): void
}

export interface ChannelDirectoryDhtOptions {
  /**
   * refuse channel metas whose name is flagged (name-flags.ts), and keyword records that list only such channels;
   * keyword records that list some are stored without them (`kith relay --refuse-flagged-names`)
   */
  refuseFlaggedNames?: boolean
}

/** what a node needs to hold the channel directory's DHT records: validators, selectors and the merging store */
export function channelDirectoryDht (options: ChannelDirectoryDhtOptions = {}): ChannelDirectoryDht {
  const selectors = { ...channelDirectorySelectors }
  if (options.refuseFlaggedNames !== true) {
    return { dht: { validators: { ...channelDirectoryValidators }, selectors }, install: (datastore) => { mergeKeywordRecordsOnStore(datastore) } }
  }
  const flagged = (meta: VerifiedChannelMeta): boolean => isFlaggedName(meta.name)
  let store: DirectoryStore | undefined
  const verifier = new SignatureVerifier(MAX_KEYWORD_RECORD_ENTRIES * 4)
  const refuse = async (key: Uint8Array, value: Uint8Array, why: string): Promise<never> => {
    await store?.absorb(key, value)
    throw new ChannelRecordRejectedError(why)
  }
  const validators: Record<string, Validator> = {
    [CHANNEL_RECORD_NAMESPACE]: async (key, value) => {
      const meta = verifyChannelMeta(value, verifier, channelIdFromRecordKey(key))
      if (flagged(meta)) await refuse(key, value, 'this node does not carry channels with a flagged name')
    },
    [KEYWORD_RECORD_NAMESPACE]: async (key, value) => {
      const listing = verifyKeywordRecord(key, value, verifier)
      if (listing.entries.every(flagged)) await refuse(key, value, 'this node does not carry channels with a flagged name')
    }
  }
  return {
    dht: { validators, selectors },
    install: (datastore) => { store = mergeKeywordRecordsOnStore(datastore, { refuse: flagged }) }
  }
}
