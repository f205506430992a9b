import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore, type KithStore } from '../store.ts'
import { WriteBatcher } from './write-batcher.ts'
import type { AppDb, BatchOp } from './group-store.ts'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
const text = (b: Uint8Array | undefined): string | undefined => b == null ? undefined : new TextDecoder().decode(b)

describe('WriteBatcher on a real store', () => {
  let dir: string
  let store: KithStore
  let batches: BatchOp[][]
  let db: AppDb

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kith-batcher-'))
    store = await openStore(dir)
    batches = []
    // the app sublevel, counting the batches that reach it
    db = {
      get: async (key) => (await store.app.get(key)) ?? undefined,
      put: async (key, value) => { await store.app.put(key, value) },
      del: async (key) => { await store.app.del(key) },
      batch: async (ops, options) => { batches.push(ops); await store.app.batch(ops as any, (options ?? {}) as any) },
      iterator: (options) => store.app.iterator(options as any) as any
    }
  })

  afterEach(async () => {
    await store.close().catch(() => {})
    await rm(dir, { recursive: true, force: true })
  })

  it('commits what was queued with the next awaited write, as one batch, a re-written key keeping its last value', async () => {
    const w = new WriteBatcher(db)
    w.queue([{ type: 'put', key: 'a', value: bytes('1') }, { type: 'put', key: 'b', value: bytes('1') }])
    w.queue([{ type: 'put', key: 'a', value: bytes('2') }])
    const last = w.put('c', bytes('3'))
    await last
    expect(batches).toHaveLength(1)
    expect(text(await store.app.get('a'))).toBe('2')
    expect(text(await store.app.get('b'))).toBe('1')
    expect(text(await store.app.get('c'))).toBe('3')
  })

  it('reads its queued writes before they reach the disk, and an iterator sees them all', async () => {
    await db.put('gone', bytes('x'))
    const w = new WriteBatcher(db)
    w.queue([{ type: 'put', key: 'k/1', value: bytes('one') }, { type: 'del', key: 'gone' }])
    expect(text(await w.get('k/1'))).toBe('one')
    expect(await w.get('gone')).toBeUndefined()
    expect(await store.app.get('k/1')).toBeUndefined()
    w.queue([{ type: 'put', key: 'k/2', value: bytes('two') }])
    const seen: string[] = []
    for await (const [key] of w.iterator({ gte: 'k/', lt: 'k0' })) seen.push(key)
    expect(seen).toEqual(['k/1', 'k/2'])
  })

  it('never puts a later write in an earlier batch: writes made while one batch commits go in the next', async () => {
    const w = new WriteBatcher(db)
    const first = w.put('chain', bytes('1'))
    await new Promise(resolve => setImmediate(resolve))
    // the first batch is on its way; this one waits for it
    const second = w.batch([{ type: 'put', key: 'chain', value: bytes('2') }, { type: 'put', key: 'msg', value: bytes('m2') }])
    expect(text(await w.get('chain'))).toBe('2')
    await Promise.all([first, second])
    expect(batches.map(b => b.map(op => op.key))).toEqual([['chain'], ['chain', 'msg']])
    expect(text(await store.app.get('chain'))).toBe('2')
    await w.flush()
    await w.batch([])
  })

  it('commits a batch with no key in common with the one being committed at once; one that shares a key waits for it', async () => {
    let release!: () => void
    const gate = new Promise<void>(resolve => { release = resolve })
    const slow: AppDb = { ...db, batch: async (ops) => { if (ops.some(op => op.key === 'slow')) await gate; await db.batch(ops) } }
    const w = new WriteBatcher(slow)
    const first = w.put('slow', bytes('1'))
    await new Promise(resolve => setImmediate(resolve))
    // the first batch hangs; one on other keys goes past it, one on the same key waits for it
    await w.batch([{ type: 'put', key: 'send', value: bytes('s') }])
    expect(text(await store.app.get('send'))).toBe('s')
    let sameKeyDone = false
    const sameKey = w.batch([{ type: 'put', key: 'slow', value: bytes('2') }]).then(() => { sameKeyDone = true })
    // a few turns of the event loop: plenty for a batch that was not held back
    for (let i = 0; i < 5; i++) await w.batch([{ type: 'put', key: `other/${i}`, value: bytes('o') }])
    expect(sameKeyDone).toBe(false)
    const flushed = w.flush()
    release()
    await Promise.all([first, sameKey, flushed])
    expect(text(await store.app.get('slow'))).toBe('2')
  })

  it('makes a lazy value once, when its batch is committed, however often its key was queued; get makes it early', async () => {
    const w = new WriteBatcher(db, () => {}, 5)
    let made = 0
    const lazy = (v: string) => () => { made++; return bytes(v) }
    w.queue([{ type: 'put', key: 'chain', value: lazy('1') }])
    w.queue([{ type: 'put', key: 'chain', value: lazy('2') }, { type: 'put', key: 'window', value: lazy('w') }])
    expect(made).toBe(0)
    expect(text(await w.get('window'))).toBe('w')
    expect(made).toBe(1)
    await w.flush()
    expect(made).toBe(2)
    expect(batches).toHaveLength(1)
    expect(text(await store.app.get('chain'))).toBe('2')
    expect(text(await store.app.get('window'))).toBe('w')
  })

  it('reports a failed commit to the waiting caller and to onError, and to nobody as an unhandled rejection', async () => {
    const errors: unknown[] = []
    const w = new WriteBatcher(db, err => { errors.push(err) })
    await store.close()
    w.queue([{ type: 'put', key: 'lost', value: bytes('x') }])
    await expect(w.put('also', bytes('y'))).rejects.toThrow()
    expect(errors).toHaveLength(1)
    // the queue is not stuck after a failure: the next write is tried (and fails the same way)
    await expect(w.put('third', bytes('z'))).rejects.toThrow()
    expect(errors).toHaveLength(2)
  })
})
