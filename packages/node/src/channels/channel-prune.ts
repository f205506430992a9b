// Deleting expired channel posts with their edits, reactions, votes and media references.
//
// Range reads and big batches, never a read per post: every key of an expired post is known from its retention
// index entry (chexp/<timestamp>/<channel>/<post>), and its reactions, votes and media references are found in one
// key-only pass over each range that holds them. (A read and two range iterators per post took 1.2 ms a post:
// 120 s for 100,000.)
import { channelKeys as keys } from './channel-store.js'
import type { AppDb, BatchOp } from '../groups/group-store.js'

const BATCH = 5000

export interface PruneResult {
  posts: number
  /** media files no post references any more: to unpin */
  unreferenced: string[]
}

/** the keys of a range, without reading values (abstract-level's `values: false`, which AppDb passes through) */
export async function * keysOf (db: AppDb, range: { gte: string, lt: string }): AsyncGenerator<string> {
  const it = db.iterator({ ...range, values: false } as Parameters<AppDb['iterator']>[0])
  try {
    for await (const [key] of it) yield key
  } finally {
    await (it as any).close?.()
  }
}

/** deletes in batches of BATCH keys, one batch written while the next is gathered */
class Deleter {
  private ops: BatchOp[] = []
  private writing: Promise<void> = Promise.resolve()
  constructor (private readonly db: AppDb) {}

  /** returns a promise only when the caller must wait (a batch is full and the previous one still writing) */
  del (key: string): Promise<void> | undefined {
    this.ops.push({ type: 'del', key })
    return this.ops.length >= BATCH ? this.write() : undefined
  }

  private async write (): Promise<void> {
    const ops = this.ops
    this.ops = []
    await this.writing
    this.writing = this.db.batch(ops)
    // awaited by the next write or flush, which throw if it failed; until then it must not count as unhandled
    this.writing.catch(() => {})
  }

  async flush (): Promise<void> {
    if (this.ops.length > 0) await this.write()
    await this.writing
  }
}

/** the post id a reaction or vote key (ch/<c>/r/<post>/<follower>) is about */
function postOf (key: string, prefixLength: number): string {
  return key.slice(prefixLength, key.indexOf('/', prefixLength))
}

/** delete every post dated before `before` (ms) and what belongs to it; media files are left to the caller */
export async function pruneExpired (db: AppDb, before: number): Promise<PruneResult> {
  const deleter = new Deleter(db)
  const byChannel = new Map<string, Set<string>>()
  const all = new Set<string>()
  let posts = 0
  for await (const key of keysOf(db, keys.expiryRange(before))) {
    // chexp/<timestamp>/<channel>/<post>: the post is keyed by the same timestamp
    const [, timestamp, c, postId] = key.split('/')
    let expired = byChannel.get(c)
    if (expired == null) {
      expired = new Set()
      byChannel.set(c, expired)
    }
    expired.add(postId)
    all.add(postId)
    posts++
    for (const k of [key, keys.post(c, BigInt(timestamp), postId), keys.postIndex(c, postId), keys.channelOfPost(postId), keys.edit(c, postId)]) {
      await deleter.del(k)
    }
  }
  if (posts === 0) return { posts: 0, unreferenced: [] }

  for (const [c, expired] of byChannel) {
    for (const kind of ['r', 'v']) {
      const prefix = `ch/${c}/${kind}/`
      for await (const key of keysOf(db, { gte: prefix, lt: `ch/${c}/${kind}0` })) {
        if (expired.has(postOf(key, prefix.length))) await deleter.del(key)
      }
    }
  }

  // chmedia/<cid>/<post>: a file stays while any post not expiring now references it
  const dropped = new Set<string>()
  const kept = new Set<string>()
  for await (const key of keysOf(db, { gte: 'chmedia/', lt: 'chmedia0' })) {
    const cut = key.lastIndexOf('/')
    const cid = key.slice('chmedia/'.length, cut)
    if (all.has(key.slice(cut + 1))) {
      dropped.add(cid)
      await deleter.del(key)
    } else {
      kept.add(cid)
    }
  }
  await deleter.flush()
  return { posts, unreferenced: [...dropped].filter(cid => !kept.has(cid)) }
}
