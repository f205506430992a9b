import { describe, expect, it } from 'vitest'
import {
  ChannelPostKind, signChannelMeta, signChannelPost, signChannelPostEdit, signChannelReaction, signChannelVote, verifyChannelMeta, verifyChannelPost,
  verifyChannelPostEdit, verifyChannelReaction, verifyChannelVote, type VerifiedChannelPost, type VerifiedChannelReaction, type VerifiedChannelVote
} from './channel-records.js'
import { applyPostEdits, tallyReactions, tallyVotes } from './channel-tally.js'
import { generateIdentity, SignatureVerifier, type Identity } from './signing.js'
import { markVerified } from './verified.js'

const verifier = new SignatureVerifier()
const owner = generateIdentity()
const admin = generateIdentity()
const [ann, ben, cat] = [generateIdentity(), generateIdentity(), generateIdentity()]
const channelId = owner.publicKey
const now = 1_750_000_000_000
const meta = verifyChannelMeta(signChannelMeta(owner, { version: 1, name: 'tallies', admins: [admin.publicKey], timestamp: now }), verifier)

let seq = 0
function post (fields: { kind?: ChannelPostKind, poll?: { question: string, options: string[], multiple?: boolean } } = {}): VerifiedChannelPost {
  const kind = fields.kind ?? ChannelPostKind.TEXT
  return verifyChannelPost(meta, signChannelPost(owner, { channelId, seq: ++seq, kind, text: kind === ChannelPostKind.TEXT ? `post ${seq}` : '', poll: fields.poll, timestamp: now }), verifier, now)
}

const p1 = post()
const p2 = post()

function react (who: Identity, postId: string, emoji: string, at: number): VerifiedChannelReaction {
  return verifyChannelReaction(channelId, signChannelReaction(who, { channelId, postId, emoji, timestamp: at }), verifier, now)
}

function vote (who: Identity, poll: VerifiedChannelPost, options: number[], at: number): VerifiedChannelVote {
  return verifyChannelVote(poll, signChannelVote(who, { channelId, postId: poll.postId, options, timestamp: at }), verifier, now)
}

/** a few orders of the same records: the result must not depend on arrival order */
function orders<T> (xs: T[]): T[][] {
  const rotations = xs.map((_, i) => [...xs.slice(i), ...xs.slice(0, i)])
  return [...rotations, [...xs].reverse()]
}

describe('tallyReactions', () => {
  it('counts each follower once per post, by its latest reaction, whatever the order', () => {
    const reactions = [
      react(ann, p1.postId, '👍', now - 30),
      react(ann, p1.postId, '❤️', now - 10), // ann changes her mind
      react(ben, p1.postId, '👍', now - 20),
      react(cat, p1.postId, '👍', now - 20),
      react(cat, p1.postId, '', now - 5), // cat withdraws
      react(ann, p2.postId, '🎉', now - 1),
      react(ben, p2.postId, '🎉', now - 1)
    ]
    for (const order of orders(reactions)) {
      const t = tallyReactions(order)
      expect(Object.fromEntries(t)).toEqual({ [p1.postId]: { '👍': 1, '❤️': 1 }, [p2.postId]: { '🎉': 2 } })
    }
  })

  it('a withdrawn reaction counts for nothing; a post left without reactions is absent', () => {
    const t = tallyReactions([react(ann, p1.postId, '👍', now - 2), react(ann, p1.postId, '', now - 1)])
    expect(t.size).toBe(0)
    expect(tallyReactions([]).size).toBe(0)
  })

  it('an older reaction arriving late does not override a newer one', () => {
    expect(Object.fromEntries(tallyReactions([react(ann, p1.postId, '🔥', now), react(ann, p1.postId, '👎', now - 1000)]))).toEqual({ [p1.postId]: { '🔥': 1 } })
  })

  it('ties of one follower in the same millisecond are broken by content, the withdrawal first', () => {
    for (const order of orders([react(ann, p1.postId, '👍', now), react(ann, p1.postId, '', now)])) expect(tallyReactions(order).size).toBe(0)
    const a = react(ben, p1.postId, '👍', now)
    const b = react(ben, p1.postId, '🎉', now)
    const winner = a.emoji < b.emoji ? a.emoji : b.emoji
    for (const order of orders([a, b])) expect(tallyReactions(order).get(p1.postId)).toEqual({ [winner]: 1 })
  })
})

describe('tallyVotes', () => {
  const single = post({ kind: ChannelPostKind.POLL, poll: { question: 'Tea or coffee?', options: ['tea', 'coffee', 'water'] } })
  const multi = post({ kind: ChannelPostKind.POLL, poll: { question: 'Which days?', options: ['mon', 'tue', 'wed', 'thu'], multiple: true } })

  it('one ballot per follower, the latest, whatever the order', () => {
    const votes = [
      vote(ann, single, [0], now - 30),
      vote(ann, single, [1], now - 10),
      vote(ben, single, [1], now - 20),
      vote(cat, single, [2], now - 20),
      vote(cat, single, [], now - 5) // withdrawn
    ]
    for (const order of orders(votes)) expect(tallyVotes(single, order)).toEqual([0, 2, 0])
  })

  it('counts every option of a multiple-choice ballot', () => {
    const votes = [vote(ann, multi, [0, 2], now - 3), vote(ben, multi, [2, 3], now - 2), vote(cat, multi, [0, 1, 2, 3], now - 1), vote(cat, multi, [3], now - 9)]
    for (const order of orders(votes)) expect(tallyVotes(multi, order)).toEqual([2, 1, 3, 2])
  })

  it('ignores votes on other polls and ballots the poll does not allow', () => {
    const other = vote(ann, multi, [1], now)
    // a ballot that never went through verifyChannelVote against this poll
    const bogus = markVerified({ ...vote(ben, single, [0], now), options: [0, 1] })
    const outOfRange = markVerified({ ...vote(cat, single, [0], now), options: [7] })
    expect(tallyVotes(single, [other, bogus, outOfRange, vote(ann, single, [2], now - 1)])).toEqual([0, 0, 1])
    expect(tallyVotes(single, [])).toEqual([0, 0, 0])
  })

  it('ties of one follower in the same millisecond are broken by content, the withdrawal first', () => {
    for (const order of orders([vote(ann, single, [1], now), vote(ann, single, [], now), vote(ann, single, [0], now)])) expect(tallyVotes(single, order)).toEqual([0, 0, 0])
    for (const order of orders([vote(ann, single, [1], now), vote(ann, single, [0], now)])) expect(tallyVotes(single, order)).toEqual([1, 0, 0])
  })
})

describe('applyPostEdits', () => {
  const edit = (who: Identity, fields: { text?: string, deleted?: boolean, postId?: string }, at: number) =>
    verifyChannelPostEdit(meta, signChannelPostEdit(who, { channelId, postId: fields.postId ?? p1.postId, text: fields.text, deleted: fields.deleted, timestamp: at }), verifier, now)

  it('an unedited post keeps its text', () => {
    expect(applyPostEdits(p1, [])).toEqual({ text: p1.text, deleted: false })
  })

  it('the latest edit wins, whatever the order; edits of other posts are ignored', () => {
    const edits = [edit(admin, { text: 'first fix' }, now - 20), edit(owner, { text: 'second fix' }, now - 10), edit(owner, { text: 'of p2', postId: p2.postId }, now)]
    for (const order of orders(edits)) expect(applyPostEdits(p1, order)).toEqual({ text: 'second fix', deleted: false, editedAt: BigInt(now - 10) })
  })

  it('a deletion is final, even against a later edit', () => {
    const edits = [edit(admin, { deleted: true }, now - 20), edit(owner, { text: 'back again?' }, now - 10)]
    for (const order of orders(edits)) expect(applyPostEdits(p1, order)).toEqual({ text: '', deleted: true, editedAt: BigInt(now - 20) })
  })
})
