import type { AppDb } from './group-store.js'

/** messages waiting for a relay to store them, at most this many (the oldest are dropped past it, with a log line) */
export const MAX_RELAY_PENDING = 10_000
/** messages per store request when a relay comes back */
const PUSH_BATCH = 20

const KEY_SEEN = 'rp-seen'
const PREFIX = 'rp/'
const RANGE = { gte: 'rp/', lt: 'rp0' }

const enc = new TextEncoder()
const dec = new TextDecoder()

/**
 * What this node published while no relay stored it: a relay that was down, unreachable or refused. Kept on disk
 * and pushed when a relay is back, so a member that comes online later, with only the relay in reach, still gets
 * it even if this node has gone offline meanwhile. Only nodes that have used a relay before keep the list.
 */
export class RelayOutbox {
  private seen?: boolean
  private counter = 0
  private size?: number
  private draining: Promise<number> = Promise.resolve(0)

  constructor (private readonly db: AppDb, private readonly now: () => number, private readonly log: (msg: string, ...args: unknown[]) => void) {}

  /** whether this node has ever had a relay: only then is a message a relay missed worth keeping */
  async usesRelays (): Promise<boolean> {
    this.seen ??= (await this.db.get(KEY_SEEN)) != null
    return this.seen
  }

  async markRelaySeen (): Promise<void> {
    if (await this.usesRelays()) return
    this.seen = true
    await this.db.put(KEY_SEEN, new Uint8Array(0))
  }

  private async count (): Promise<number> {
    if (this.size == null) {
      let n = 0
      for await (const _ of this.db.iterator(RANGE)) n++
      this.size = n
    }
    return this.size
  }

  async add (topic: string, wire: Uint8Array): Promise<void> {
    if (!(await this.usesRelays())) return
    if (await this.count() >= MAX_RELAY_PENDING) {
      for await (const [key] of this.db.iterator({ ...RANGE, limit: 1 })) await this.db.del(key)
      this.size = (this.size ?? 1) - 1
      this.log('relay outbox full: dropped its oldest message')
    }
    // ordered by time then a counter, so a relay gets them back in the order they were sent
    const key = `${PREFIX}${String(this.now()).padStart(15, '0')}/${String(this.counter++).padStart(6, '0')}`
    const topicBytes = enc.encode(topic)
    const value = new Uint8Array(2 + topicBytes.byteLength + wire.byteLength)
    new DataView(value.buffer).setUint16(0, topicBytes.byteLength)
    value.set(topicBytes, 2)
    value.set(wire, 2 + topicBytes.byteLength)
    await this.db.put(key, value)
    this.size = (this.size ?? 0) + 1
  }

  /**
   * Push everything waiting, topic by topic in batches, with `push` (true when the relay stored the batch); what was
   * stored leaves the list. Stops at the first failure: the relay is gone again, the rest waits for the next one.
   */
  async drain (push: (topic: string, wires: Uint8Array[]) => Promise<boolean>): Promise<number> {
    // two relays met at once would push the same messages twice: the second waits, then finds what is left
    const previous = this.draining
    const run = (async () => {
      await previous
      return this.drainNow(push)
    })()
    this.draining = run.catch(() => 0)
    return run
  }

  /** how many messages wait for a relay */
  async pending (): Promise<number> {
    return this.count()
  }

  private async drainNow (push: (topic: string, wires: Uint8Array[]) => Promise<boolean>): Promise<number> {
    let pushed = 0
    for (;;) {
      const batch: Array<{ key: string, topic: string, wire: Uint8Array }> = []
      for await (const [key, value] of this.db.iterator({ ...RANGE, limit: PUSH_BATCH })) {
        const length = new DataView(value.buffer, value.byteOffset, value.byteLength).getUint16(0)
        batch.push({ key, topic: dec.decode(value.subarray(2, 2 + length)), wire: value.subarray(2 + length) })
      }
      if (batch.length === 0) return pushed
      const topic = batch[0].topic
      const same = batch.filter(b => b.topic === topic)
      if (!(await push(topic, same.map(b => b.wire)))) return pushed
      await this.db.batch(same.map(b => ({ type: 'del', key: b.key })))
      this.size = Math.max(0, (this.size ?? same.length) - same.length)
      pushed += same.length
    }
  }
}
