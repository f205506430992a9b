// Latency and throughput of "send to a group, delivered at every other member", independent of what the group is
// (raw gossipsub nodes, Kith nodes, Kith daemons): the caller adapts its group to BenchGroup.
import { randomBytes } from 'node:crypto'
import { nowMs, percentile } from './stats.js'

/** Header of every payload: 8-byte nonce, 8-byte float64 send time (epoch ms, sub-ms resolution), then filler */
export const PAYLOAD_HEADER_BYTES = 16

export function makePayload (nonce: number, size: number, sentAt = nowMs()): Uint8Array {
  if (size < PAYLOAD_HEADER_BYTES) throw new Error(`payload must be at least ${PAYLOAD_HEADER_BYTES} bytes`)
  const buf = new Uint8Array(size)
  const view = new DataView(buf.buffer)
  view.setBigUint64(0, BigInt(nonce))
  view.setFloat64(8, sentAt)
  buf.set(randomBytes(size - PAYLOAD_HEADER_BYTES), PAYLOAD_HEADER_BYTES)
  return buf
}

export function readPayload (data: Uint8Array): { nonce: number, sentAt: number } | undefined {
  if (data.byteLength < PAYLOAD_HEADER_BYTES) return undefined
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  return { nonce: Number(view.getBigUint64(0)), sentAt: view.getFloat64(8) }
}

/** The same payload as text of `size` characters (for APIs that send text): "nonce:sentAt:" then filler */
export function makeTextPayload (nonce: number, size: number, sentAt = nowMs()): string {
  const head = `${nonce}:${sentAt.toFixed(3)}:`
  return head + 'x'.repeat(Math.max(0, size - head.length))
}

export function readTextPayload (text: string): { nonce: number, sentAt: number } | undefined {
  const m = /^(\d+):([\d.]+):/.exec(text)
  return m == null ? undefined : { nonce: Number(m[1]), sentAt: Number(m[2]) }
}

/**
 * A group of `size` members seen from the bench. publish() sends one message from member `sender`; every member
 * that receives a message calls the handler given to onDeliver (with nonce and sentAt read from the payload).
 * A member never reports its own messages.
 */
export interface BenchGroup {
  size: number
  publish: (sender: number, nonce: number, sentAt: number) => Promise<unknown>
  /** registers a delivery handler; may return a function that removes it (called when a measurement ends) */
  onDeliver: (handler: (receiver: number, nonce: number, sentAt: number) => void) => void | (() => void)
}

interface Pending {
  sender: number
  sentAt: number
  receivers: Set<number>
  lastAt: number
  done: (ok: boolean) => void
  timer: NodeJS.Timeout
}

/** Tracks every message in flight and calls back when the last of the size-1 other members has it. */
class Tracker {
  private readonly pending = new Map<number, Pending>()
  private nextNonce = 1
  lost = 0
  publishErrors = 0
  lastError: unknown
  private readonly unsubscribe: void | (() => void)

  constructor (private readonly group: BenchGroup, private readonly timeoutMs: number) {
    this.unsubscribe = group.onDeliver((receiver, nonce) => { this.delivered(receiver, nonce) })
  }

  get inFlight (): number { return this.pending.size }

  /** resolves with the ms from send to delivery at the last member, or null when lost / publish failed */
  send (sender: number): Promise<number | null> {
    return new Promise(resolve => {
      const nonce = this.nextNonce++
      const sentAt = nowMs()
      const p: Pending = {
        sender,
        sentAt,
        receivers: new Set(),
        lastAt: 0,
        done: ok => {
          clearTimeout(p.timer)
          this.pending.delete(nonce)
          resolve(ok ? p.lastAt - p.sentAt : null)
        },
        timer: setTimeout(() => { this.lost++; p.done(false) }, this.timeoutMs)
      }
      this.pending.set(nonce, p)
      this.group.publish(sender, nonce, sentAt).catch(err => {
        this.publishErrors++
        this.lastError = err
        p.done(false)
      })
    })
  }

  private delivered (receiver: number, nonce: number): void {
    const p = this.pending.get(nonce)
    if (p == null || receiver === p.sender || p.receivers.has(receiver)) return
    p.receivers.add(receiver)
    if (p.receivers.size === this.group.size - 1) {
      p.lastAt = nowMs()
      p.done(true)
    }
  }

  /** stop listening for good: later deliveries are ignored */
  close (): void {
    for (const p of [...this.pending.values()]) p.done(false)
    if (typeof this.unsubscribe === 'function') this.unsubscribe()
  }
}

export interface LatencyOptions {
  warmup: number
  messages: number
  /** a message not at every member after this is counted lost */
  timeoutMs?: number
}

export interface LatencyResult {
  p50: number
  p99: number
  max: number
  samples: number
  lost: number
  publishErrors: number
}

/** One message at a time from a rotating sender; the next is sent once all others have the previous one. */
export async function measureLatency (group: BenchGroup, opts: LatencyOptions): Promise<LatencyResult> {
  const tracker = new Tracker(group, opts.timeoutMs ?? 5000)
  const samples: number[] = []
  try {
    for (let k = 0; k < opts.warmup + opts.messages; k++) {
      const ms = await tracker.send(k % group.size)
      if (k >= opts.warmup && ms != null) samples.push(ms)
    }
  } finally {
    tracker.close()
  }
  if (samples.length === 0) throw new Error(`no message reached every member (last error: ${String(tracker.lastError)})`)
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: Math.max(...samples),
    samples: samples.length,
    lost: tracker.lost,
    publishErrors: tracker.publishErrors
  }
}

export interface ThroughputOptions {
  /** ms of load before counting starts */
  warmupMs: number
  /** ms during which completions are counted */
  durationMs: number
  /** messages outstanding across the whole group at most */
  window: number
  timeoutMs?: number
}

export interface ThroughputResult {
  /** messages per second that reached every other member */
  perSecond: number
  completed: number
  lost: number
  publishErrors: number
  /** median / p99 send-to-last-member time under load, ms */
  p50: number
  p99: number
}

/**
 * Every member publishes (round robin) while at most `window` messages are outstanding; a message counts when the
 * last other member gets it. Counts completions during durationMs after warmupMs.
 */
export async function measureThroughput (group: BenchGroup, opts: ThroughputOptions): Promise<ThroughputResult> {
  const tracker = new Tracker(group, opts.timeoutMs ?? 5000)
  const start = nowMs()
  const countFrom = start + opts.warmupMs
  const countTo = countFrom + opts.durationMs
  let completed = 0
  let lostBefore = 0
  let sender = 0
  const latencies: number[] = []
  let stopping = false
  let finished!: () => void
  const allDone = new Promise<void>(resolve => { finished = resolve })

  const pump = (): void => {
    while (!stopping && tracker.inFlight < opts.window) {
      if (nowMs() >= countTo) { stopping = true; break }
      const s = sender
      sender = (sender + 1) % group.size
      void tracker.send(s).then(ms => {
        const at = nowMs()
        if (ms != null && at >= countFrom && at < countTo) {
          completed++
          latencies.push(ms)
        }
        // pumping from a microtask would starve the event loop (the network never gets a turn): defer
        if (!stopping) setImmediate(pump)
        else if (tracker.inFlight === 0) finished()
      })
    }
    if (stopping && tracker.inFlight === 0) finished()
  }
  const warmupEnd = setTimeout(() => { lostBefore = tracker.lost }, opts.warmupMs)
  const stopTimer = setTimeout(() => { stopping = true; pump() }, opts.warmupMs + opts.durationMs)
  pump()
  await allDone
  clearTimeout(warmupEnd)
  clearTimeout(stopTimer)
  tracker.close()
  return {
    perSecond: completed / (opts.durationMs / 1000),
    completed,
    lost: tracker.lost - lostBefore,
    publishErrors: tracker.publishErrors,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99)
  }
}
