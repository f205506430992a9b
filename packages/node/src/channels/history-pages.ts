// A channel's history as this node serves it (/kith/history/1.0.0): the meta on the first page, then posts since
// `since`, oldest first, each with its edit, reactions and (for a poll) votes.
//
// Reading a post's records costs a read and one or two range scans, which for a 500-post page was most of its
// time (~400 ms). Most posts have no edit, reaction or vote: a page first lists, keys only, which posts of the
// channel have any, and reads those only. A channel with more such records than a scan may list (SCAN_CAP) reads
// per post, as before; its pages then hold few posts, as reactions fill them.
import { ChannelPost, ChannelPostKind, encodeChannelWire, MAX_HISTORY_PAGE_BYTES, Signed, type HistoryRequest, type VerifiedChannelMeta } from '@kith/protocol'
import { channelKeys as keys } from './channel-store.js'
import { keysOf } from './channel-prune.js'
import type { GroupStore } from '../groups/group-store.js'
import type { HistoryPageResult } from '../history-server.js'

const SCAN_CAP = 2000
/** posts whose records are read at the same time */
const CHUNK = 64

/** the posts that have a key in `range` (`<range.gte><post>[/…]`), or undefined when there are over SCAN_CAP keys */
async function postsIn (store: GroupStore, range: { gte: string, lt: string }): Promise<Set<string> | undefined> {
  const posts = new Set<string>()
  let n = 0
  for await (const key of keysOf(store.db, range)) {
    if (++n > SCAN_CAP) return undefined
    const rest = key.slice(range.gte.length)
    const cut = rest.indexOf('/')
    posts.add(cut < 0 ? rest : rest.slice(0, cut))
  }
  return posts
}

/** whether a stored post is a poll (votes are kept for polls only); true when it does not decode, to look anyway */
function isPoll (bytes: Uint8Array): boolean {
  try {
    return ChannelPost.decode(Signed.decode(bytes).body).kind === ChannelPostKind.POLL
  } catch {
    return true
  }
}

async function values (store: GroupStore, range: { gte: string, lt: string }): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  for await (const [, value] of store.entries(range)) out.push(value)
  return out
}

interface Having { edits?: Set<string>, reactions?: Set<string>, votes?: Set<string> }

/** a stored post as history sends it: the post, its edit, reactions and (for a poll) votes */
async function postRecords (store: GroupStore, c: string, key: string, bytes: Uint8Array, having: Having): Promise<Uint8Array[]> {
  const postId = key.slice(key.lastIndexOf('/') + 1)
  const may = (set: Set<string> | undefined): boolean => set?.has(postId) ?? true
  const [edit, reactions, votes] = await Promise.all([
    may(having.edits) ? store.db.get(keys.edit(c, postId)) : undefined,
    may(having.reactions) ? values(store, keys.reactionRange(c, postId)) : [],
    may(having.votes) && isPoll(bytes) ? values(store, keys.voteRange(c, postId)) : []
  ])
  const out = [encodeChannelWire('post', bytes)]
  if (edit != null) out.push(encodeChannelWire('edit', edit))
  for (const r of reactions) out.push(encodeChannelWire('reaction', r))
  for (const v of votes) out.push(encodeChannelWire('vote', v))
  return out
}

export async function channelHistoryPage (store: GroupStore, c: string, meta: VerifiedChannelMeta, request: HistoryRequest & { limit: number }): Promise<HistoryPageResult> {
  const messages: Uint8Array[] = []
  let size = 0
  if (request.cursor === '') {
    messages.push(encodeChannelWire('meta', meta.bytes))
    size += meta.bytes.byteLength
  }
  const range = keys.postRange(c, Number(request.since))
  if (request.cursor.startsWith(`ch/${c}/p/`) && request.cursor >= range.gte) range.gte = request.cursor + '\x00'
  const [edits, reactions, votes] = await Promise.all([postsIn(store, keys.editRange(c)), postsIn(store, keys.reactionsRange(c)), postsIn(store, keys.votesRange(c))])
  const having: Having = { edits, reactions, votes }
  let cursor = ''
  let full = false
  const posts = store.entries(range)
  try {
    while (!full) {
      // no more posts at a time than the page has room for
      const chunk: Array<[string, Uint8Array]> = []
      const room = Math.max(1, Math.min(CHUNK, request.limit - messages.length))
      while (chunk.length < room) {
        const next = await posts.next()
        if (next.done === true) break
        chunk.push(next.value)
      }
      if (chunk.length === 0) break
      const records = await Promise.all(chunk.map(async ([key, bytes]) => await postRecords(store, c, key, bytes, having)))
      for (const [i, batch] of records.entries()) {
        // a post goes into a page whole, with its edit, reactions and votes, or waits for the next page
        const batchBytes = batch.reduce((n, b) => n + b.byteLength, 0)
        if (messages.length + batch.length > request.limit || size + batchBytes > MAX_HISTORY_PAGE_BYTES) {
          full = true
          if (messages.length > 0) break
          // one post with more reactions than a page holds: send what fits rather than stall
          batch.length = Math.max(1, Math.min(batch.length, request.limit))
        }
        messages.push(...batch)
        size += batchBytes
        cursor = chunk[i][0]
        if (full) break
      }
    }
  } finally {
    await posts.return(undefined)
  }
  return { messages, cursor: full ? cursor : '' }
}
