// Pure folds over verified channel records: reaction counts, poll results and a post's edited state. The result
// depends only on the set of records, never on the order they arrived in, so every follower that holds the same
// records shows the same numbers.
//
// Ties (two records of one follower for one post with the same timestamp, which only that follower can make)
// are broken by content so the fold stays order-independent: the smaller emoji / ballot wins, which makes a
// withdrawal ('' / []) win over a reaction or ballot of the same millisecond.
import { equals, toHex } from './bytes.js'
import { checkBallot, type VerifiedChannelPost } from './channel-records.js'
import type { ChannelPostEdit, ChannelReaction, ChannelVote } from './proto/kith.js'
import type { Verified } from './verified.js'

function compareNumbers (a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}

function later<T extends { timestamp: bigint }> (a: T, b: T, tie: (a: T, b: T) => number): boolean {
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp
  return tie(a, b) < 0
}

/**
 * Reaction counts per post id: for each (follower, post) only the latest reaction counts, and a withdrawn one
 * ('') counts for nothing. Posts left without any reaction are absent.
 */
export function tallyReactions (reactions: Iterable<Verified<ChannelReaction>>): Map<string, Record<string, number>> {
  const latest = new Map<string, Verified<ChannelReaction>>()
  for (const r of reactions) {
    const key = `${r.postId}/${toHex(r.follower)}`
    const held = latest.get(key)
    if (held == null || later(r, held, (a, b) => a.emoji < b.emoji ? -1 : a.emoji > b.emoji ? 1 : 0)) latest.set(key, r)
  }
  const out = new Map<string, Record<string, number>>()
  for (const r of latest.values()) {
    if (r.emoji === '') continue
    let counts = out.get(r.postId)
    if (counts == null) {
      counts = {}
      out.set(r.postId, counts)
    }
    counts[r.emoji] = (counts[r.emoji] ?? 0) + 1
  }
  return out
}

/**
 * Votes per option of `poll` (a verified POLL post): one ballot per follower, the latest; a withdrawn ballot
 * counts for nothing. Votes on other posts, and ballots the poll does not allow, are ignored.
 */
export function tallyVotes (poll: VerifiedChannelPost, votes: Iterable<Verified<ChannelVote>>): number[] {
  const counts = new Array<number>(poll.poll?.options.length ?? 0).fill(0)
  const latest = new Map<string, Verified<ChannelVote>>()
  for (const v of votes) {
    if (v.postId !== poll.postId || !equals(v.channelId, poll.channelId)) continue
    const key = toHex(v.follower)
    const held = latest.get(key)
    if (held == null || later(v, held, (a, b) => compareNumbers([...a.options].sort((x, y) => x - y), [...b.options].sort((x, y) => x - y)))) latest.set(key, v)
  }
  for (const v of latest.values()) {
    try {
      checkBallot(poll, v.options)
    } catch {
      continue
    }
    for (const o of v.options) counts[o]++
  }
  return counts
}

export interface PostState {
  readonly text: string
  readonly deleted: boolean
  /** timestamp of the edit that gave this state, or undefined when never edited */
  readonly editedAt?: bigint
}

/**
 * A post's text after its edits: the latest edit wins (tie: the smaller text), and a deletion is final, whatever
 * is dated after it (its text is '' and the earliest deletion's timestamp is editedAt). Edits of other posts are
 * ignored.
 */
export function applyPostEdits (post: VerifiedChannelPost, edits: Iterable<Verified<ChannelPostEdit>>): PostState {
  let latest: Verified<ChannelPostEdit> | undefined
  let deletion: Verified<ChannelPostEdit> | undefined
  for (const e of edits) {
    if (e.postId !== post.postId || !equals(e.channelId, post.channelId)) continue
    if (e.deleted) {
      if (deletion == null || e.timestamp < deletion.timestamp) deletion = e
    } else if (latest == null || later(e, latest, (a, b) => a.text < b.text ? -1 : a.text > b.text ? 1 : 0)) {
      latest = e
    }
  }
  if (deletion != null) return { text: '', deleted: true, editedAt: deletion.timestamp }
  if (latest != null) return { text: latest.text, deleted: false, editedAt: latest.timestamp }
  return { text: post.text, deleted: false }
}
