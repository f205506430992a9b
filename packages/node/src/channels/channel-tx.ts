// The writes of one record, or of a whole history page, gathered into one LevelDB batch.
//
// A follower catching up used to write each record in its own batch after two reads of its own: ~3 round trips
// through libuv's thread pool per record, most of the time of a catch-up of 3,000 posts. A page now costs one
// getMany of the keys its records will look at, then one batch. Reads see what the batch will write, so a page
// that holds a poll and votes on it, or the same post twice, is settled as if written record by record.
import type { AppDb, BatchOp } from '../groups/group-store.js'

type GetMany = (keys: string[]) => Promise<Array<Uint8Array | undefined>>

/** abstract-level's getMany (one trip to the thread pool for all the keys) where the store has it */
export async function getMany (db: AppDb, keys: string[]): Promise<Array<Uint8Array | undefined>> {
  if (keys.length === 0) return []
  const many = (db as Partial<{ getMany: GetMany }>).getMany?.bind(db)
  const values = many != null ? await many(keys) : await Promise.all(keys.map(async k => await db.get(k)))
  return values.map(v => v ?? undefined)
}

export class ChannelTx {
  private readonly pending = new Map<string, Uint8Array>()
  private readonly read = new Map<string, Uint8Array | undefined>()
  private readonly committed: Array<() => void> = []
  private readonly memos = new Map<string, unknown>()

  constructor (private readonly db: AppDb) {}

  /**
   * Read `keys` in one go. Only for keys no one writes outside the channel's queue (which the caller holds):
   * a value read here is not read again.
   */
  async prefetch (keys: string[]): Promise<void> {
    const wanted = [...new Set(keys)].filter(k => !this.pending.has(k) && !this.read.has(k))
    if (wanted.length === 0) return
    const values = await getMany(this.db, wanted)
    wanted.forEach((key, i) => this.read.set(key, values[i]))
  }

  async get (key: string): Promise<Uint8Array | undefined> {
    if (this.pending.has(key)) return this.pending.get(key)
    if (this.read.has(key)) return this.read.get(key)
    return await this.db.get(key)
  }

  put (key: string, value: Uint8Array): void {
    this.pending.set(key, value)
  }

  /**
   * Something derived from what this transaction sees (the poll a page's votes are checked against), made once.
   * Nothing is kept for undefined (the poll may come later in the page); `forget` drops the rest (a new meta).
   */
  async memo<T> (key: string, make: () => Promise<T | undefined>): Promise<T | undefined> {
    if (this.memos.has(key)) return this.memos.get(key) as T
    const value = await make()
    if (value !== undefined) this.memos.set(key, value)
    return value
  }

  forget (): void {
    this.memos.clear()
  }

  /** runs after the batch is written: events and media fetches must not see a record before it is stored */
  afterCommit (task: () => void): void {
    this.committed.push(task)
  }

  async commit (): Promise<void> {
    if (this.pending.size > 0) {
      const ops: BatchOp[] = [...this.pending].map(([key, value]) => ({ type: 'put', key, value }))
      this.pending.clear()
      this.memos.clear()
      await this.db.batch(ops)
    }
    for (const task of this.committed.splice(0)) task()
  }
}
