import { createHash } from 'node:crypto'
import { channelIdFromTopic, fromBase58, toBase58 } from '@kith/protocol'

const GROUP_TOPIC_PREFIX = '/kith/g/1/'
const CHANNEL_TOPIC_PREFIX = '/kith/c/1/'

/**
 * The only topics a relay carries: a group's (`/kith/g/1/` + base58 of a 32-byte hash, see groupTopic) and a
 * channel's (`/kith/c/1/` + its canonical channel id, see channelTopic). Anything else — in particular a name that
 * extends a real topic — is refused, so no peer can park data next to a topic it does not belong to.
 */
export function isRelayTopic (topic: string): boolean {
  if (topic.startsWith(GROUP_TOPIC_PREFIX)) {
    const id = topic.slice(GROUP_TOPIC_PREFIX.length)
    try {
      const bytes = fromBase58(id)
      return bytes.byteLength === 32 && toBase58(bytes) === id
    } catch {
      return false
    }
  }
  if (topic.startsWith(CHANNEL_TOPIC_PREFIX)) {
    try {
      channelIdFromTopic(topic)
      return true
    } catch {
      return false
    }
  }
  return false
}

export const TOPIC_KEY_BYTES = 16
export const DEDUPE_KEY_BYTES = 16

/** fixed length, so no topic's key range can hold another topic's keys whatever the names */
export function topicKey (topic: string): Buffer {
  return createHash('sha256').update('kith-relay/topic\0').update(topic).digest().subarray(0, TOPIC_KEY_BYTES)
}

/** per topic: the same bytes on two topics are two messages */
export function dedupeKey (topicKeyBytes: Uint8Array, data: Uint8Array): Buffer {
  return createHash('sha256').update(topicKeyBytes).update(data).digest().subarray(0, DEDUPE_KEY_BYTES)
}

const MS_DIGITS = 15
const SEQ_DIGITS = 6
const MAX_SEQ = 10 ** SEQ_DIGITS - 1
export const ORDER_KEY_LENGTH = MS_DIGITS + 1 + SEQ_DIGITS
const ORDER_KEY = /^\d{15}\.\d{6}$/

export const padMs = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(MS_DIGITS, '0')

export function isOrderKey (s: string): boolean {
  return s.length === ORDER_KEY_LENGTH && ORDER_KEY.test(s)
}

export function orderKeyMs (order: string): number {
  return Number(order.slice(0, MS_DIGITS))
}

/**
 * Strictly increasing order keys: `<receive ms, 15 digits>.<sequence within that ms, 6 digits>`. The clock may stand
 * still (many messages in one ms) or go back (NTP): the key then stays on the last ms and counts up, so arrival order is
 * the key order. Restarts continue from the last key on disk.
 */
export class OrderClock {
  private ms = -1
  private seq = 0

  /** continue after `order` (the greatest key ever handed out, or '' for none) */
  resume (order: string): void {
    if (!isOrderKey(order)) return
    const ms = orderKeyMs(order)
    const seq = Number(order.slice(MS_DIGITS + 1))
    if (ms > this.ms || (ms === this.ms && seq > this.seq)) {
      this.ms = ms
      this.seq = seq
    }
  }

  next (at: number): string {
    const ms = Math.max(0, Math.floor(at))
    if (ms > this.ms) {
      this.ms = ms
      this.seq = 0
    } else if (this.seq < MAX_SEQ) {
      this.seq++
    } else {
      this.ms++
      this.seq = 0
    }
    return this.last()
  }

  last (): string {
    return this.ms < 0 ? '' : `${padMs(this.ms)}.${String(this.seq).padStart(SEQ_DIGITS, '0')}`
  }
}

/** a bounded set of recent dedupe keys: the copy of a message that gossip and a store push both bring costs no read */
export class RecentKeys {
  private readonly keys = new Set<string>()

  constructor (private readonly max: number) {}

  has (key: string): boolean {
    return this.keys.has(key)
  }

  add (key: string): void {
    this.keys.delete(key)
    this.keys.add(key)
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value as string)
  }

  delete (key: string): void {
    this.keys.delete(key)
  }
}
