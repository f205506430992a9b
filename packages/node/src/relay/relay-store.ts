import type { AppDb, BatchOp } from '../groups/group-store.js'
import { dedupeKey, isOrderKey, OrderClock, orderKeyMs, padMs, RecentKeys, topicKey } from './relay-keys.js'
import { migrateLegacyRelayStore } from './relay-store-migrate.js'

const enc = new TextEncoder()
const dec = new TextDecoder()
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

/** what a batch may hold before the next waits for another: bounds the memory and the latency of one write */
const MAX_BATCH_MESSAGES = 2000
const MAX_BATCH_BYTES = 16 * 1024 * 1024
const EVICT_CHUNK = 1000
const META_KEY = 'rs/meta'
const INDEX_VALUE_BYTES = 36

/**
 * What a relay keeps: every message of the topics it carries, in arrival order. Layout (version 2):
 *
 *   rm/<order>               → topic key (16) || dedupe key (16) || message size (u32): all messages, oldest first,
 *                               for retention and eviction
 *   rq/<topic key>/<order>   → the message: one range scan serves a history page
 *   rd/<dedupe key>          → <order>: drops a message the topic already holds
 *   rt/<topic>               → registration (JSON)
 *   rs/meta                  → { version, count, bytes, last }: written in the same batch as every change, so it is
 *                               as true after a crash as the keys are, and a start need not recount
 *
 * <order> is `<receive ms>.<sequence>` (relay-keys.ts), strictly increasing; <topic key> and <dedupe key> are hex
 * SHA-256 prefixes of fixed length, so no topic name can reach into another topic's range. A store written by an
 * older relay (`rm/<ms>/<hash>`) is converted once when it opens (relay-store-migrate.ts).
 */
export class RelayStore {
  /** bytes of messages held (message bytes only: keys and indexes not counted) */
  bytes = 0
  count = 0
  private readonly clock = new OrderClock()
  private readonly recent = new RecentKeys(50_000)
  private pending: Job[] = []
  private flushQueued = false
  /** a batch was written without waiting for the disk since the last one that waited */
  private unsynced = false
  private tail: Promise<unknown> = Promise.resolve()
  private readonly topicKeys = new Map<string, { bytes: Uint8Array, hex: string }>()
  /** messages handed to put() whose batch has not been written yet */
  unwritten = 0

  constructor (private readonly db: AppDb, private readonly log: (msg: string, ...args: unknown[]) => void = () => {}) {}

  /** open: convert an older layout if there is one, then read the counters */
  async load (): Promise<void> {
    await this.exclusive(async () => {
      // the counters are written only by this layout (a conversion writes them last): with them, nothing is left to convert
      const meta = await this.readMeta()
      if (meta == null) await migrateLegacyRelayStore(this.db, this.log)
      const [lastKey] = await this.keys({ gte: 'rm/', lt: 'rm0', reverse: true, limit: 1 })
      if (meta != null) {
        this.count = meta.count
        this.bytes = meta.bytes
        this.clock.resume(meta.last)
      } else {
        // no counters yet (a new store, or just converted): count once and write them
        this.count = 0
        this.bytes = 0
        for await (const [, value] of this.iterate({ gte: 'rm/', lt: 'rm0' })) {
          if (value.byteLength !== INDEX_VALUE_BYTES) continue
          this.count++
          this.bytes += sizeOf(value)
        }
      }
      if (lastKey != null) this.clock.resume(lastKey.slice(3))
      if (meta == null) await this.db.put(META_KEY, this.metaValue())
    })
  }

  /** wait until every write asked for so far is on disk */
  async drain (): Promise<void> {
    while (this.pending.length > 0 || this.flushQueued) await this.tail
    await this.tail
  }

  async * iterate (range: { gte: string, lt: string, reverse?: boolean }, options: { limit?: number } = {}): AsyncGenerator<[string, Uint8Array]> {
    const it = this.db.iterator({ ...range, limit: options.limit ?? -1 })
    try {
      for await (const entry of it) yield entry
    } finally {
      await (it as any).close?.()
    }
  }

  /**
   * Store messages; resolves with how many were new once their batch is written. Calls made while a batch is being
   * written go together into the next one (one LevelDB batch for all of them). `sync` (acknowledged stores) makes that
   * batch wait for the disk, and checks every message against the disk (without it, only against recent messages).
   */
  async put (topic: string, messages: Uint8Array[], receivedAt: number, sync = false): Promise<number> {
    if (messages.length === 0) return 0
    const tk = this.topicKeyOf(topic)
    const items = messages.map(data => {
      const key = dedupeKey(tk.bytes, data)
      return { data, key, dk: hex(key) }
    })
    // An acknowledged store asks the disk whether the topic holds a message already (the reads run now, beside the
    // batch being written). Gossip does not: gossipsub's seen-cache has dropped copies by the same SHA-256 already and
    // the recent keys catch the copy a member also pushed; a read per gossiped message was most of the relay's cost.
    const held = sync ? this.lookup(items) : Promise.resolve(new Set<string>())
    held.catch(() => {}) // awaited (and its error reported) by the batch; not an unhandled rejection before that
    this.unwritten += items.length
    return await new Promise<number>((resolve, reject) => {
      const done = (): void => { this.unwritten -= items.length }
      this.pending.push({ tk: tk.hex, tkBytes: tk.bytes, items, held, receivedAt, sync, resolve: n => { done(); resolve(n) }, reject: err => { done(); reject(err) } })
      if (!this.flushQueued) {
        this.flushQueued = true
        void this.exclusive(async () => { await this.flush() }).catch(() => {})
      }
    })
  }

  /** a page of a topic's messages received at or after `since`, continuing after `cursor` */
  async page (topic: string, since: number, cursor: string, limit: number, maxBytes: number): Promise<{ messages: Uint8Array[], cursor: string }> {
    const tk = this.topicKeyOf(topic).hex
    const prefix = `rq/${tk}/`
    let gte = `${prefix}${padMs(since)}`
    // a cursor is `<topic key>/<order>`: one of another topic, or garbage, cannot move the start
    const order = cursor.startsWith(`${tk}/`) ? cursor.slice(tk.length + 1) : ''
    if (isOrderKey(order) && prefix + order >= gte) gte = `${prefix}${order}\x00`
    const messages: Uint8Array[] = []
    let size = 0
    let scanned = 0
    let last = ''
    let full = false
    for await (const [key, data] of this.iterate({ gte, lt: `rq/${tk}0` }, { limit })) {
      scanned++
      // a page holds at least one message, however big: an empty page ends the requester's paging
      if (messages.length > 0 && size + data.byteLength > maxBytes) {
        full = true
        break
      }
      messages.push(data)
      size += data.byteLength
      last = key.slice(prefix.length)
    }
    // the cursor follows what was read, not what was sent: a page is never cut short without one
    return { messages, cursor: (full || scanned >= limit) && last !== '' ? `${tk}/${last}` : '' }
  }

  /** delete what arrived before `before`, then the oldest until the store holds at most `maxBytes` */
  async evict (before: number, maxBytes: number): Promise<{ expired: number, evicted: number }> {
    let expired = 0
    let evicted = 0
    // in chunks, each one batch with the counters, so stores wait at most one chunk
    for (let done = false; !done;) {
      done = await this.exclusive(async () => {
        const ops: BatchOp[] = []
        const dropped: string[] = []
        let { bytes, count } = this
        let n = 0
        for await (const [key, value] of this.iterate({ gte: 'rm/', lt: 'rm0' }, { limit: EVICT_CHUNK })) {
          n++
          const isExpired = orderKeyMs(key.slice(3)) < before
          if (!isExpired && bytes <= maxBytes) return await this.commitEviction(ops, dropped, bytes, count, true)
          ops.push({ type: 'del', key })
          if (value.byteLength === INDEX_VALUE_BYTES) {
            const dk = hex(value.subarray(16, 32))
            ops.push({ type: 'del', key: `rq/${hex(value.subarray(0, 16))}/${key.slice(3)}` }, { type: 'del', key: `rd/${dk}` })
            dropped.push(dk)
            bytes -= sizeOf(value)
            count--
          }
          if (isExpired) expired++
          else evicted++
        }
        return await this.commitEviction(ops, dropped, bytes, count, n < EVICT_CHUNK)
      })
    }
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

  async deleteRegistration (topic: string): Promise<void> {
    await this.db.del(`rt/${topic}`)
  }

  private async commitEviction (ops: BatchOp[], dropped: string[], bytes: number, count: number, done: boolean): Promise<boolean> {
    if (ops.length === 0) return done
    ops.push({ type: 'put', key: META_KEY, value: this.metaValue(count, bytes) })
    await this.db.batch(ops)
    this.bytes = bytes
    this.count = count
    for (const dk of dropped) this.recent.delete(dk)
    return done
  }

  private async flush (): Promise<void> {
    this.flushQueued = false
    const jobs: Job[] = []
    let messages = 0
    let size = 0
    while (this.pending.length > 0 && (jobs.length === 0 || (messages + this.pending[0].items.length <= MAX_BATCH_MESSAGES && size < MAX_BATCH_BYTES))) {
      const job = this.pending.shift() as Job
      jobs.push(job)
      messages += job.items.length
      for (const { data } of job.items) size += data.byteLength
    }
    if (this.pending.length > 0) {
      this.flushQueued = true
      void this.exclusive(async () => { await this.flush() }).catch(() => {})
    }
    try {
      const stored = await this.write(jobs)
      jobs.forEach((job, i) => { job.resolve(stored[i]) })
    } catch (err) {
      for (const job of jobs) job.reject(err)
      throw err
    }
  }

  /** which of these the store holds already: recent ones from memory, the others with one read each (concurrently) */
  private async lookup (items: Item[]): Promise<Set<string>> {
    const held = new Set<string>()
    await Promise.all(items.map(async ({ dk }) => {
      if (this.recent.has(dk) || await this.db.get(`rd/${dk}`) != null) held.add(dk)
    }))
    return held
  }

  private async write (jobs: Job[]): Promise<number[]> {
    const held = await Promise.all(jobs.map(async job => await job.held))

    const ops: BatchOp[] = []
    const added: string[] = []
    const seen = new Set<string>()
    const stored: number[] = []
    let bytes = this.bytes
    let sync = false
    for (let j = 0; j < jobs.length; j++) {
      sync ||= jobs[j].sync
      let n = 0
      // `recent` again: a batch written since the lookup may have brought the same message
      for (const { data, key, dk } of jobs[j].items) {
        if (seen.has(dk) || held[j].has(dk) || this.recent.has(dk)) continue
        seen.add(dk)
        const order = this.clock.next(jobs[j].receivedAt)
        const index = new Uint8Array(INDEX_VALUE_BYTES)
        index.set(jobs[j].tkBytes, 0)
        index.set(key, 16)
        writeUint32(index, 32, data.byteLength)
        ops.push(
          { type: 'put', key: `rm/${order}`, value: index },
          { type: 'put', key: `rq/${jobs[j].tk}/${order}`, value: data },
          { type: 'put', key: `rd/${dk}`, value: enc.encode(order) }
        )
        added.push(dk)
        bytes += data.byteLength
        n++
      }
      stored.push(n)
    }
    // nothing new, but an acknowledged store of copies that came by gossip (written without waiting for the disk)
    // still needs them on disk: a synced write of the counters flushes the log with everything before it
    if (ops.length === 0 && !(sync && this.unsynced)) return stored
    const count = this.count + added.length
    ops.push({ type: 'put', key: META_KEY, value: this.metaValue(count, bytes) })
    // options only when the batch must wait for the disk: abstract-level copies a batch's options into every one of
    // its operations (twice, through the app sublevel), which made `{ sync: false }` cost more than the write itself
    await (sync ? this.db.batch(ops, { sync: true }) : this.db.batch(ops))
    this.unsynced = !sync
    // counted once on disk, so stats never run ahead of what a restart would find
    this.bytes = bytes
    this.count = count
    for (const dk of added) this.recent.add(dk)
    return stored
  }

  /** a topic's key, hashed once: a store or a history page on a topic costs no SHA-256 of its name */
  private topicKeyOf (topic: string): { bytes: Uint8Array, hex: string } {
    let tk = this.topicKeys.get(topic)
    if (tk == null) {
      const bytes = topicKey(topic)
      tk = { bytes, hex: hex(bytes) }
      // bounded: a relay carries at most maxTopics (100,000 by default); past this it hashes again
      if (this.topicKeys.size >= 10_000) this.topicKeys.clear()
      this.topicKeys.set(topic, tk)
    }
    return tk
  }

  private async exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn)
    this.tail = run.catch(() => {})
    return await run
  }

  private async keys (range: { gte: string, lt: string, reverse?: boolean, limit?: number }): Promise<string[]> {
    const out: string[] = []
    for await (const [key] of this.iterate(range, { limit: range.limit })) out.push(key)
    return out
  }

  private async readMeta (): Promise<Meta | undefined> {
    const value = await this.db.get(META_KEY)
    if (value == null) return undefined
    try {
      const meta = JSON.parse(dec.decode(value)) as Meta
      return meta.version === 2 && Number.isFinite(meta.count) && Number.isFinite(meta.bytes) ? meta : undefined
    } catch {
      return undefined
    }
  }

  private metaValue (count = this.count, bytes = this.bytes): Uint8Array {
    return enc.encode(JSON.stringify({ version: 2, count, bytes, last: this.clock.last() } satisfies Meta))
  }
}

interface Meta {
  version: 2
  count: number
  bytes: number
  last: string
}

interface Item {
  data: Uint8Array
  /** dedupe key */
  key: Uint8Array
  /** hex dedupe key */
  dk: string
}

interface Job {
  /** hex topic key */
  tk: string
  tkBytes: Uint8Array
  items: Item[]
  held: Promise<Set<string>>
  receivedAt: number
  sync: boolean
  resolve: (stored: number) => void
  reject: (err: unknown) => void
}

export interface Registration {
  /** peer ids that asked for the topic (the first few) */
  by: string[]
  at: number
}

function writeUint32 (bytes: Uint8Array, at: number, n: number): void {
  bytes[at] = n >>> 24
  bytes[at + 1] = (n >>> 16) & 0xff
  bytes[at + 2] = (n >>> 8) & 0xff
  bytes[at + 3] = n & 0xff
}

function sizeOf (indexValue: Uint8Array): number {
  return new DataView(indexValue.buffer, indexValue.byteOffset, indexValue.byteLength).getUint32(32)
}
