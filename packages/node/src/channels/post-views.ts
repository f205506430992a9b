// Posts as the API shows them: text after edits, media availability, reaction counts and poll tallies.
//
// Records come back from the store without a second signature check (stored-records.ts). A long feed reads the
// channel's edits, reactions and votes in one range scan each: per post, two range iterators and two reads cost
// ~0.3 ms a post, a second of a 3,000-post catch-up. A short one (`--limit`, the Updates view) reads per post, so
// it does not scan the reactions of a whole month to show a few posts.
import { applyPostEdits, ChannelPostKind, peerIdFromPublicKey, tallyReactions, tallyVotes, type VerifiedChannelMeta, type VerifiedChannelPost, type VerifiedChannelPostEdit, type VerifiedChannelReaction, type VerifiedChannelVote } from '@kith/protocol'
import { channelKeys as keys } from './channel-store.js'
import { getMany } from './channel-tx.js'
import { storedEdit, storedPost, storedReaction, storedVote } from './stored-records.js'
import type { GroupStore } from '../groups/group-store.js'

export type PostKindName = 'text' | 'photo' | 'video' | 'sticker' | 'poll'

export const KIND_NAMES: Record<string, PostKindName> = { TEXT: 'text', PHOTO: 'photo', VIDEO: 'video', STICKER: 'sticker', POLL: 'poll' }
export const KIND_OF: Record<PostKindName, ChannelPostKind> = { text: ChannelPostKind.TEXT, photo: ChannelPostKind.PHOTO, video: ChannelPostKind.VIDEO, sticker: ChannelPostKind.STICKER, poll: ChannelPostKind.POLL }

export interface ChannelPostView {
  postId: string
  channelId: string
  seq: number
  kind: PostKindName
  text: string
  author: string
  media: { cid: string, mime: string, size: number, available: boolean } | null
  poll: { question: string, options: Array<{ text: string, votes: number }>, multiple: boolean, myVote: number[] } | null
  reactions: Record<string, number>
  myReaction: string | null
  edited: boolean
  timestamp: number
}

/** from this many posts on, one scan per range of the channel rather than reads per post */
const SCAN_FROM = 64

interface Extras {
  edits: Map<string, VerifiedChannelPostEdit>
  /** per post: [follower hex, reaction] */
  reactions: Map<string, Array<[string, VerifiedChannelReaction]>>
  votes: Map<string, Array<[string, VerifiedChannelVote]>>
}

function push<T> (map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list == null) map.set(key, [value])
  else list.push(value)
}

/** `<prefix><post>/<follower>` → [post, follower] */
function splitKey (key: string, prefixLength: number): [string, string] {
  const cut = key.indexOf('/', prefixLength)
  return [key.slice(prefixLength, cut), key.slice(cut + 1)]
}

async function scanExtras (store: GroupStore, c: string, meta: VerifiedChannelMeta, posts: VerifiedChannelPost[], out: Extras): Promise<void> {
  const wanted = new Set(posts.map(p => p.postId))
  const editPrefix = keys.editRange(c).gte.length
  for await (const [key, bytes] of store.entries(keys.editRange(c))) {
    const postId = key.slice(editPrefix)
    const edit = wanted.has(postId) ? storedEdit(meta, bytes) : undefined
    if (edit != null) out.edits.set(postId, edit)
  }
  const ranges: Array<['reactions' | 'votes', { gte: string, lt: string }]> = [['reactions', keys.reactionsRange(c)]]
  if (posts.some(p => p.poll != null)) ranges.push(['votes', keys.votesRange(c)])
  for (const [kind, range] of ranges) {
    for await (const [key, bytes] of store.entries(range)) {
      const [postId, follower] = splitKey(key, range.gte.length)
      if (!wanted.has(postId)) continue
      if (kind === 'reactions') {
        const r = storedReaction(bytes)
        if (r != null) push(out.reactions, postId, [follower, r])
      } else {
        const v = storedVote(bytes)
        if (v != null) push(out.votes, postId, [follower, v])
      }
    }
  }
}

async function readExtras (store: GroupStore, c: string, meta: VerifiedChannelMeta, posts: VerifiedChannelPost[], out: Extras): Promise<void> {
  const edits = await getMany(store.db, posts.map(p => keys.edit(c, p.postId)))
  posts.forEach((p, i) => {
    const edit = edits[i] != null ? storedEdit(meta, edits[i] as Uint8Array) : undefined
    if (edit != null) out.edits.set(p.postId, edit)
  })
  await Promise.all(posts.map(async p => {
    const reactions = keys.reactionRange(c, p.postId)
    for await (const [key, bytes] of store.entries(reactions)) {
      const r = storedReaction(bytes)
      if (r != null) push(out.reactions, p.postId, [key.slice(reactions.gte.length), r])
    }
    if (p.poll == null) return
    const votes = keys.voteRange(c, p.postId)
    for await (const [key, bytes] of store.entries(votes)) {
      const v = storedVote(bytes)
      if (v != null) push(out.votes, p.postId, [key.slice(votes.gte.length), v])
    }
  }))
}

/**
 * Views of stored posts (`rows`: [key, Signed post] from the channel's post range), in the order given; deleted
 * posts and posts whose author the meta no longer lists are left out. `me`: this node's key, hex.
 */
export async function postViews (store: GroupStore, channel: { id: string, meta?: VerifiedChannelMeta }, rows: Array<[string, Uint8Array]>, me: string): Promise<ChannelPostView[]> {
  const meta = channel.meta
  if (meta == null || rows.length === 0) return []
  const c = channel.id
  const posts: VerifiedChannelPost[] = []
  for (const [key, bytes] of rows) {
    const post = storedPost(meta, bytes, key.slice(key.lastIndexOf('/') + 1))
    if (post != null) posts.push(post)
  }
  const extras: Extras = { edits: new Map(), reactions: new Map(), votes: new Map() }
  await (posts.length >= SCAN_FROM ? scanExtras : readExtras)(store, c, meta, posts, extras)
  const mediaCids = [...new Set(posts.flatMap(p => p.media != null ? [p.media.cid] : []))]
  const held = await getMany(store.db, mediaCids.map(cid => keys.mediaOk(cid)))
  const available = new Set(mediaCids.filter((_, i) => held[i] != null))
  const out: ChannelPostView[] = []
  for (const post of posts) {
    const edit = extras.edits.get(post.postId)
    const state = applyPostEdits(post, edit != null ? [edit] : [])
    if (state.deleted) continue
    const reactions = extras.reactions.get(post.postId) ?? []
    const mine = reactions.find(([follower, r]) => follower === me && r.emoji !== '')
    let poll: ChannelPostView['poll'] = null
    if (post.poll != null) {
      const votes = extras.votes.get(post.postId) ?? []
      const counts = tallyVotes(post, votes.map(([, v]) => v))
      const myVote = votes.find(([follower]) => follower === me)?.[1].options ?? []
      poll = { question: post.poll.question, options: post.poll.options.map((text, i) => ({ text, votes: counts[i] ?? 0 })), multiple: post.poll.multiple, myVote: [...myVote] }
    }
    out.push({
      postId: post.postId,
      channelId: c,
      seq: Number(post.seq),
      kind: KIND_NAMES[post.kind] ?? 'text',
      text: state.text,
      author: peerIdFromPublicKey(post.author),
      media: post.media == null ? null : { cid: post.media.cid, mime: post.media.mime, size: Number(post.media.size), available: available.has(post.media.cid) },
      poll,
      reactions: tallyReactions(reactions.map(([, r]) => r)).get(post.postId) ?? {},
      myReaction: mine?.[1].emoji ?? null,
      edited: state.editedAt != null,
      timestamp: Number(post.timestamp)
    })
  }
  return out
}
