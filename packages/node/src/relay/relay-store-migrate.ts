import type { AppDb, BatchOp } from '../groups/group-store.js'
import { dedupeKey, OrderClock, topicKey } from './relay-keys.js'

const dec = new TextDecoder()
const enc = new TextEncoder()
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
const CHUNK = 500
/** `rm/` + 15-digit receive ms + `/` + 32 hex */
const LEGACY_KEY_LENGTH = 51

/**
 * One-time conversion of a store written by a relay before layout version 2:
 *
 *   rm/<receivedAt>/<hash>          → topic length (2 bytes) || topic || message
 *   rx/<topic>/<receivedAt>/<hash>  → (empty)
 *   rh/<hash>                       → the rm key
 *
 * Each chunk moves its messages in one batch (new keys in, old keys out), so a crash part-way leaves every message in
 * exactly one layout and the next start carries on. Messages keep their receive time; those of one millisecond keep
 * the order the old keys had (which was hash order: the arrival order within a millisecond was never on disk).
 * Registrations (`rt/<topic>`) are unchanged. Runs while the store has no layout-2 counters (`rs/meta`), which are
 * written once it is done. Returns whether anything was converted.
 */
export async function migrateLegacyRelayStore (db: AppDb, log: (msg: string, ...args: unknown[]) => void): Promise<boolean> {
  const clock = new OrderClock()
  const started = Date.now()
  let moved = 0
  let dropped = 0
  let gt = 'rm/'
  for (;;) {
    const chunk: Array<[string, Uint8Array]> = []
    let read = 0
    const it = db.iterator({ gte: gt, lt: 'rm0', limit: CHUNK })
    try {
      for await (const [key, value] of it) {
        read++
        if (key === gt) continue
        chunk.push([key, value])
      }
    } finally {
      await (it as any).close?.()
    }
    if (chunk.length === 0) break
    gt = chunk[chunk.length - 1][0]
    const ops: BatchOp[] = []
    for (const [key, value] of chunk) {
      if (!isLegacyKey(key)) {
        // written by this version (a conversion that was cut short): new keys continue after it
        clock.resume(key.slice(3))
        continue
      }
      const ms = key.slice(3, 18)
      const hash = key.slice(19)
      ops.push({ type: 'del', key }, { type: 'del', key: `rh/${hash}` })
      const entry = decodeLegacy(value)
      if (entry == null) {
        dropped++
        continue
      }
      ops.push({ type: 'del', key: `rx/${entry.topic}/${ms}/${hash}` })
      const tk = topicKey(entry.topic)
      const dk = hex(dedupeKey(tk, entry.data))
      const order = clock.next(Number(ms))
      const index = new Uint8Array(36)
      index.set(tk, 0)
      index.set(Buffer.from(dk, 'hex'), 16)
      new DataView(index.buffer).setUint32(32, entry.data.byteLength)
      ops.push(
        { type: 'put', key: `rm/${order}`, value: index },
        { type: 'put', key: `rq/${hex(tk)}/${order}`, value: entry.data },
        { type: 'put', key: `rd/${dk}`, value: enc.encode(order) }
      )
      moved++
    }
    if (ops.length > 0) await db.batch(ops)
    if (read < CHUNK) break
  }
  // index keys of the old layout whose message was gone (there should be none: the old layout wrote and deleted in
  // whole batches too)
  const orphans = await sweep(db, 'rx/', 'rx0') + await sweep(db, 'rh/', 'rh0')
  if (moved + dropped + orphans > 0) {
    log('converted the relay store to layout 2: %d messages moved, %d unreadable and %d stray index keys deleted, in %d ms', moved, dropped, orphans, Date.now() - started)
  }
  return moved + dropped + orphans > 0
}

function isLegacyKey (key: string): boolean {
  return key.length === LEGACY_KEY_LENGTH && key[18] === '/'
}

function decodeLegacy (value: Uint8Array): { topic: string, data: Uint8Array } | undefined {
  if (value.byteLength < 2) return undefined
  const length = new DataView(value.buffer, value.byteOffset, value.byteLength).getUint16(0)
  if (value.byteLength < 2 + length) return undefined
  return { topic: dec.decode(value.subarray(2, 2 + length)), data: value.subarray(2 + length) }
}

async function sweep (db: AppDb, gte: string, lt: string): Promise<number> {
  let n = 0
  for (;;) {
    const keys: string[] = []
    const it = db.iterator({ gte, lt, limit: CHUNK })
    try {
      for await (const [key] of it) keys.push(key)
    } finally {
      await (it as any).close?.()
    }
    if (keys.length === 0) return n
    await db.batch(keys.map(key => ({ type: 'del' as const, key })))
    n += keys.length
  }
}
