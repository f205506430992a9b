import { createHash } from 'node:crypto'
import type { AppDb, BatchOp } from '../groups/group-store.js'

const enc = new TextEncoder()
const dec = new TextDecoder()
const pad = (n: number): string => String(Math.max(0, Math.floor(n))).padStart(15, '0')

export interface StoredEntry {
  topic: string
  receivedAt: number
  hash: string
  data: Uint8Array
}

/**
 * What a relay keeps: every message of the topics it carries, by arrival time. One global index (oldest first, for
 * retention and eviction) and one per topic (for history pages); a hash index drops duplicates.
 *
 *   rm/<receivedAt>/<hash>          → topic length (2 bytes) || topic || message
 *   rx/<topic>/<receivedAt>/<hash>  → (empty)
 *   rh/<hash>                       → the rm key
 *   rt/<topic>                      → registration (JSON)
 */
export class RelayStore {
  bytes = 0
  count = 0

  constructor (private readonly db: AppDb) {}

  static hash (data: Uint8Array): string {
    return createHash('sha256').update(data).digest('hex').slice(0, 32)
  }

  /** recount from disk: after a crash the counters on disk would lie, the keys do not */
  async load (): Promise<void> {
    this.bytes = 0
    this.count = 0
    for await (const [, value] of this.iterate({ gte: 'rm/', lt: 'rm0' })) {
      this.bytes += value.byteLength
      this.count++
    }
  }

  async * iterate (range: { gte: string, lt: string }, options: { limit?: number } = {}): AsyncGenerator<[string, Uint8Array]> {
    const it = this.db.iterator({ ...range, limit: options.limit ?? -1 })
    try {
      for await (const entry of it) yield entry
    } finally {
      await (it as any).close?.()
    }
  }

  async has (hash: string): Promise<boolean> {
    return (await this.db.get(`rh/${hash}`)) != null
  }

  /** store messages; returns how many were new. `sync` waits for the disk, for acknowledged stores */
  async put (topic: string, messages: Uint8Array[], receivedAt: number, sync = false): Promise<number> {
    const ops: BatchOp[] = []
    const topicBytes = enc.encode(topic)
    const seen = new Set<string>()
    let bytes = 0
    for (const data of messages) {
      const hash = RelayStore.hash(data)
      if (seen.has(hash) || await this.has(hash)) continue
      seen.add(hash)
      const key = `rm/${pad(receivedAt)}/${hash}`
      const value = new Uint8Array(2 + topicBytes.byteLength + data.byteLength)
      new DataView(value.buffer).setUint16(0, topicBytes.byteLength)
      value.set(topicBytes, 2)
      value.set(data, 2 + topicBytes.byteLength)
      ops.push({ type: 'put', key, value })
      ops.push({ type: 'put', key: `rx/${topic}/${pad(receivedAt)}/${hash}`, value: new Uint8Array(0) })
      ops.push({ type: 'put', key: `rh/${hash}`, value: enc.encode(key) })
      bytes += value.byteLength
    }
    if (ops.length > 0) await (this.db.batch as (ops: BatchOp[], options?: { sync?: boolean }) => Promise<void>)(ops, { sync })
    // counted once on disk, so stats never run ahead of what a restart would find
    this.bytes += bytes
    this.count += ops.length / 3
    return ops.length / 3
  }

  /** a page of a topic's messages received at or after `since`, continuing after `cursor` */
  async page (topic: string, since: number, cursor: string, limit: number, maxBytes: number): Promise<{ messages: Uint8Array[], cursor: string }> {
    const prefix = `rx/${topic}/`
    let gte = `${prefix}${pad(since)}`
    if (cursor.startsWith(prefix) && cursor >= gte) gte = cursor + '\x00'
    const messages: Uint8Array[] = []
    let size = 0
    let last = ''
    let full = false
    for await (const [key] of this.iterate({ gte, lt: `rx/${topic}0` }, { limit })) {
      const [receivedAt, hash] = key.slice(prefix.length).split('/')
      const value = await this.db.get(`rm/${receivedAt}/${hash}`)
      if (value == null) continue
      const data = decodeEntry(value).data
      if (size + data.byteLength > maxBytes) {
        full = true
        break
      }
      messages.push(data)
      size += data.byteLength
      last = key
    }
    return { messages, cursor: full || messages.length >= limit ? last : '' }
  }

  /** delete what arrived before `before`, then the oldest until the store holds at most `maxBytes` */
  async evict (before: number, maxBytes: number): Promise<{ expired: number, evicted: number }> {
    let expired = 0
    let evicted = 0
    let ops: BatchOp[] = []
    const flush = async (): Promise<void> => {
      if (ops.length > 0) await this.db.batch(ops)
      ops = []
    }
    for await (const [key, value] of this.iterate({ gte: 'rm/', lt: 'rm0' })) {
      const receivedAt = Number(key.slice(3, 18))
      const isExpired = receivedAt < before
      if (!isExpired && this.bytes <= maxBytes) break
      const { topic } = decodeEntry(value)
      const hash = key.slice(19)
      ops.push({ type: 'del', key }, { type: 'del', key: `rx/${topic}/${key.slice(3, 18)}/${hash}` }, { type: 'del', key: `rh/${hash}` })
      this.bytes -= value.byteLength
      this.count--
      if (isExpired) expired++
      else evicted++
      if (ops.length >= 3000) await flush()
    }
    await flush()
    return { expired, evicted }
  }

  async registrations (): Promise<Map<string, Registration>> {
    const out = new Map<string, Registration>()
    for await (const [key, value] of this.iterate({ gte: 'rt/', lt: 'rt0' })) out.set(key.slice(3), JSON.parse(dec.decode(value)))
    return out
  }

  async saveRegistration (topic: string, registration: Registration): Promise<void> {
    await this.db.put(`rt/${topic}`, enc.encode(JSON.stringify(registration)))
  }
}

export interface Registration {
  /** peer ids that asked for the topic (the first few) */
  by: string[]
  at: number
}

export function decodeEntry (value: Uint8Array): { topic: string, data: Uint8Array } {
  const length = new DataView(value.buffer, value.byteOffset, value.byteLength).getUint16(0)
  return { topic: dec.decode(value.subarray(2, 2 + length)), data: value.subarray(2 + length) }
}
