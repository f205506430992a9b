import type { AppDb, BatchOp } from './group-store.js'

interface Deferred {
  promise: Promise<void>
  resolve: () => void
  reject: (err: unknown) => void
}

function deferred (): Deferred {
  let resolve!: () => void
  let reject!: (err: unknown) => void
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej })
  // callers that do not wait for a write must not turn a failed commit into an unhandled rejection
  promise.catch(() => {})
  return { promise, resolve, reject }
}

/** a put whose value is made when its batch is committed (once, however often the key was queued meanwhile) */
export interface LazyPut {
  type: 'put'
  key: string
  value: () => Uint8Array
}

export type QueuedOp = BatchOp | LazyPut

function materialize (op: QueuedOp): BatchOp {
  return op.type === 'put' && typeof op.value === 'function' ? { type: 'put', key: op.key, value: op.value() } : op as BatchOp
}

interface InFlight {
  keys: Set<string>
  done: Promise<void>
}

/**
 * An AppDb whose `queue` collects writes and commits what was queued within `delayMs` as one LevelDB batch: the
 * receive path queues its writes without waiting (their values may be made at commit time), so neither the store
 * nor the serializing is on the forwarding path. `batch`, `put` and `del` are for a caller that must know its writes
 * are on disk (a send, before it publishes): they commit at once, with whatever was queued, and resolve when done.
 *
 * What it guarantees: the ops of one call land in one batch (atomic), and writes to the same key reach the disk in
 * the order they were made — a batch that touches a key of a batch still being committed waits for it. So chain
 * state written with the message it produced stays with it, and a later chain position never loses to an earlier
 * one. Batches with no key in common may commit side by side (a send does not wait behind received messages).
 *
 * Reads see queued writes: `get` looks at the queue first, and an iterator waits until everything queued before it
 * is committed (iterators are not on the hot path).
 */
export class WriteBatcher implements AppDb {
  /** ops not yet handed to the store; a key written twice keeps its last op (LevelDB's last-wins, fewer bytes) */
  private pending = new Map<string, QueuedOp>()
  private next?: Deferred
  /** the op each key was last written with, until the batch holding it is committed */
  private readonly overlay = new Map<string, BatchOp>()
  private readonly inFlight = new Set<InFlight>()
  private scheduled = false
  /** a write queued now asked for sync */
  private syncDue = false

  /**
   * target is public so that an experiment (bench/groups-diag.ts) can swap the store underneath. delayMs: how long
   * queued writes wait for more to join them (0: until the end of this event-loop turn)
   */
  constructor (public target: AppDb, private readonly onError: (err: unknown) => void = () => {}, private readonly delayMs = 0) {}

  /** commit now; resolves when committed. sync: with LevelDB's sync (an fsync) */
  async batch (ops: BatchOp[], options?: { sync?: boolean }): Promise<void> {
    if (options?.sync === true) this.syncDue = true
    return this.write(ops, true)
  }

  async put (key: string, value: Uint8Array): Promise<void> {
    return this.write([{ type: 'put', key, value }], true)
  }

  async del (key: string): Promise<void> {
    return this.write([{ type: 'del', key }], true)
  }

  /** queue ops without waiting; a failed commit is reported to onError */
  queue (ops: QueuedOp[]): void {
    if (ops.length > 0) void this.write(ops)
  }

  async get (key: string): Promise<Uint8Array | undefined> {
    const queued = this.pending.get(key)
    if (queued != null) {
      const op = materialize(queued)
      this.pending.set(key, op)
      return op.type === 'put' ? op.value : undefined
    }
    const op = this.overlay.get(key)
    if (op != null) return op.type === 'put' ? op.value : undefined
    return this.target.get(key)
  }

  iterator (options: { gte?: string, lt?: string, reverse?: boolean, limit?: number }): AsyncIterableIterator<[string, Uint8Array]> {
    return this.iterate(options)
  }

  private async * iterate (options: { gte?: string, lt?: string, reverse?: boolean, limit?: number }): AsyncGenerator<[string, Uint8Array]> {
    await this.flush().catch(() => {})
    const it = this.target.iterator(options)
    try {
      for await (const entry of it) yield entry
    } finally {
      await (it as { close?: () => Promise<void> }).close?.()
    }
  }

  /** resolves when everything queued so far is committed (rejects if the last queued batch failed) */
  async flush (): Promise<void> {
    const waiting = [...this.inFlight].map(async b => b.done)
    const next = this.next
    if (next != null) {
      waiting.push(next.promise)
      this.commit()
    }
    await Promise.all(waiting)
  }

  private write (ops: QueuedOp[], urgent = false): Promise<void> {
    if (ops.length === 0) return this.flush()
    if (urgent && this.next != null && this.blocked() && !this.touchesQueued(ops)) {
      // what is queued waits for a batch being committed; this has nothing to do with either: it goes on its own
      const own = deferred()
      const sync = this.syncDue
      this.syncDue = false
      this.start(ops.map(materialize), own, sync)
      return own.promise
    }
    for (const op of ops) {
      // delete first: a re-written key moves to the end, so the batch keeps the order in which keys were last written
      this.pending.delete(op.key)
      this.pending.set(op.key, op)
    }
    const next = this.next ?? (this.next = deferred())
    if (urgent) this.commit()
    else this.schedule()
    return next.promise
  }

  /** does any of these ops touch a key that is queued or being committed? */
  private touchesQueued (ops: QueuedOp[]): boolean {
    for (const op of ops) {
      if (this.pending.has(op.key)) return true
      for (const batch of this.inFlight) if (batch.keys.has(op.key)) return true
    }
    return false
  }

  private schedule (): void {
    if (this.scheduled) return
    this.scheduled = true
    const run = (): void => {
      this.scheduled = false
      this.commit()
    }
    if (this.delayMs > 0) setTimeout(run, this.delayMs)
    else setImmediate(run)
  }

  /** does what is queued touch a key of a batch being committed? */
  private blocked (): boolean {
    for (const batch of this.inFlight) {
      for (const key of this.pending.keys()) if (batch.keys.has(key)) return true
    }
    return false
  }

  /** hand what is queued to the store, unless it touches a key still being committed (then it goes after that) */
  private commit (): void {
    const done = this.next
    if (done == null || this.blocked()) return
    const queued = [...this.pending.values()]
    const sync = this.syncDue
    this.pending = new Map()
    this.next = undefined
    this.syncDue = false
    let ops: BatchOp[]
    try {
      ops = queued.map(materialize)
    } catch (err) {
      // a value that cannot be made loses its batch, not the process (commit runs from a timer)
      this.onError(err)
      done.reject(err)
      return
    }
    this.start(ops, done, sync)
  }

  private start (ops: BatchOp[], done: Deferred, sync: boolean): void {
    for (const op of ops) this.overlay.set(op.key, op)
    const settle = (): void => {
      for (const op of ops) if (this.overlay.get(op.key) === op) this.overlay.delete(op.key)
    }
    const batch: InFlight = {
      keys: new Set(ops.map(op => op.key)),
      done: this.target.batch(ops, sync ? { sync } : undefined).then(() => {
        settle()
        done.resolve()
      }, (err: unknown) => {
        settle()
        this.onError(err)
        done.reject(err)
      }).finally(() => {
        this.inFlight.delete(batch)
        // what waited for this batch's keys may go now
        if (this.next != null) this.commit()
      })
    }
    this.inFlight.add(batch)
  }
}
