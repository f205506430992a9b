// How a follower reads a channel back: posts() over a long feed (one scan of the channel's edits, reactions and
// votes) and a short one (reads per post) must agree; history pages list the posts that have reactions keys-only,
// and read per post past 2,000 such keys; stored posts are not verified again, but a removed admin's posts stop
// showing. Real nodes on 127.0.0.1, real LevelDB, no mocks.
import { afterEach, describe, expect, it } from 'vitest'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  channelIdFromString, channelTopic, decodeStoreResponse, encodeChannelWire, generateIdentity, signChannelReaction, StoreRequest
} from '@kith/protocol'
import { STORE_PROTOCOL, type FullKithNode } from '@kith/node'
import { requestFrames } from '../packages/node/src/stream-rpc.js'
import { TestNet, waitFor } from './helpers/nodes.js'

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, ...new Array(300).fill(5)])

describe('channels: reading a feed back, and catching up on a busy one', () => {
  const net = new TestNet()
  afterEach(async () => { await net.close() })
  const node = async (): Promise<FullKithNode> => await net.node() as FullKithNode

  it('posts() shows the same edits, deletions, reactions, tallies and media for a 70-post feed (one scan) as for its last 10 (reads per post); updates() counts all unread', async () => {
    const owner = await node()
    const reader = await node()
    const other = await node()
    await net.connect(reader, owner)
    await net.connect(other, owner)
    const { channelId } = await owner.channels.create('Long feed')
    await reader.channels.follow(channelId)
    await other.channels.follow(channelId)
    const topic = channelTopic(channelId)
    await waitFor(() => owner.libp2p.services.pubsub.getSubscribers(topic).length === 2, 'followers subscribed')

    const ids: string[] = []
    for (let i = 0; i < 70; i++) {
      const post = i === 62
        ? { kind: 'poll' as const, poll: { question: 'Which?', options: ['a', 'b', 'c'], multiple: true } }
        : i === 64 ? { kind: 'photo' as const, bytes: PNG, text: 'a pixel' } : { kind: 'text' as const, text: `post ${i}` }
      ids.push((await owner.channels.post(channelId, post)).postId)
    }
    // `other` never lists the posts (that marks them read): its Updates entry says when it has them all
    await waitFor(async () => (await reader.channels.posts(channelId)).length === 70 && (await other.channels.updates())[0]?.unread === 70, 'both followers hold 70 posts')
    await owner.channels.editPost(ids[61], 'post 61, edited')
    await owner.channels.deletePost(ids[63])
    await reader.channels.react(ids[61], '👍')
    await other.channels.react(ids[61], '👍')
    await other.channels.react(ids[65], '🎉')
    await reader.channels.vote(ids[62], ['a', 'c'])
    await other.channels.vote(ids[62], ['c'])
    const settled = async (n: FullKithNode): Promise<boolean> => {
      const p = await n.channels.posts(channelId, { limit: 10 })
      const poll = p.find(x => x.postId === ids[62])?.poll
      return p.length === 9 && p.find(x => x.postId === ids[61])?.reactions['👍'] === 2 && p.find(x => x.postId === ids[65])?.reactions['🎉'] === 1 &&
        poll?.options[2].votes === 2 && p.find(x => x.postId === ids[64])?.media?.available === true
    }
    await waitFor(async () => await settled(reader) && await settled(owner), 'the edit, deletion, reactions and votes reach the reader and the owner')

    for (const n of [reader, owner]) {
      const all = await n.channels.posts(channelId)
      const last = await n.channels.posts(channelId, { limit: 10 })
      expect(all).toHaveLength(69)
      expect(all.slice(-9)).toEqual(last)
      expect(all.map(p => p.postId)).toEqual(ids.filter((_, i) => i !== 63))
    }
    const mine = await reader.channels.posts(channelId, { limit: 10 })
    expect(mine.find(p => p.postId === ids[61])).toMatchObject({ text: 'post 61, edited', edited: true, reactions: { '👍': 2 }, myReaction: '👍' })
    expect(mine.find(p => p.postId === ids[62])?.poll).toEqual({ question: 'Which?', options: [{ text: 'a', votes: 1 }, { text: 'b', votes: 0 }, { text: 'c', votes: 2 }], multiple: true, myVote: [0, 2] })
    expect(mine.find(p => p.postId === ids[65])).toMatchObject({ reactions: { '🎉': 1 }, myReaction: null })

    // all 69 are unread for `other`, counted over more than one chunk of the feed
    const entry = await waitFor(async () => (await other.channels.updates()).find(e => e.unread === 69), 'the deletion reaches other')
    expect(entry.channelId).toBe(channelId)
    expect(entry.newestPost?.postId).toBe(ids[69])
    await other.channels.posts(channelId)
    expect((await other.channels.updates())[0].unread).toBe(0)
  })

  it('a late follower gets every post with its reactions from a channel holding 2,100 reactions (past what a history page lists keys-only)', async () => {
    const owner = await node()
    const { channelId } = await owner.channels.create('Busy channel')
    const ids: string[] = []
    for (let i = 0; i < 30; i++) ids.push((await owner.channels.post(channelId, { kind: 'text', text: `post ${i}` })).postId)
    // 70 followers' reactions on each post, handed to the owner's store protocol as a follower's pushes would be
    const pusher = await node()
    await net.connect(pusher, owner)
    const id = channelIdFromString(channelId)
    const wires = ids.flatMap(postId => Array.from({ length: 70 }, () =>
      encodeChannelWire('reaction', signChannelReaction(generateIdentity(), { channelId: id, postId, emoji: '👍', timestamp: Date.now() }))))
    for (let i = 0; i < wires.length; i += 100) {
      const signal = AbortSignal.timeout(20_000)
      const stream = await pusher.libp2p.dialProtocol(peerIdFromString(owner.peerId), STORE_PROTOCOL, { signal })
      const [frame] = await requestFrames(stream, StoreRequest.encode({ topic: channelTopic(channelId), messages: wires.slice(i, i + 100) }), { maxFrameBytes: 4096, maxFrames: 1 }, signal)
      expect(decodeStoreResponse(frame ?? new Uint8Array(0)).stored).toBe(Math.min(100, wires.length - i))
    }
    await net.stopNode(pusher)
    expect((await owner.channels.posts(channelId)).every(p => p.reactions['👍'] === 70)).toBe(true)

    const late = await node()
    await net.connect(late, owner)
    await late.channels.follow(channelId)
    const posts = await waitFor(async () => {
      const p = await late.channels.posts(channelId)
      return p.length === 30 && p.every(x => x.reactions['👍'] === 70) ? p : undefined
    }, 'the late follower shows 30 posts with 70 reactions each')
    expect(posts.map(p => p.postId)).toEqual(ids)
  })

  it('a removed admin\'s posts stop showing (the meta no longer lists their author), for a follower and a late follower alike', async () => {
    const owner = await node()
    const admin = await node()
    const follower = await node()
    await net.connect(admin, owner)
    await net.connect(follower, owner)
    const { channelId } = await owner.channels.create('Admins come and go')
    await admin.channels.follow(channelId)
    await follower.channels.follow(channelId)
    await waitFor(() => owner.libp2p.services.pubsub.getSubscribers(channelTopic(channelId)).length === 2, 'followers subscribed')
    await owner.channels.addAdmin(channelId, admin.peerId)
    await waitFor(async () => (await admin.channels.info(channelId)).role === 'admin', 'the admin sees its role')
    const { postId: ownerPost } = await owner.channels.post(channelId, { kind: 'text', text: 'from the owner' })
    const { postId: adminPost } = await admin.channels.post(channelId, { kind: 'text', text: 'from the admin' })
    await waitFor(async () => (await follower.channels.posts(channelId)).length === 2 && (await owner.channels.posts(channelId)).length === 2, 'both posts arrive')
    expect((await follower.channels.posts(channelId)).find(p => p.postId === adminPost)?.author).toBe(admin.peerId)

    await owner.channels.removeAdmin(channelId, admin.peerId)
    await waitFor(async () => (await follower.channels.info(channelId)).admins.length === 0 && (await admin.channels.info(channelId)).role === 'follower', 'the new meta arrives')
    for (const n of [owner, follower]) expect((await n.channels.posts(channelId)).map(p => p.postId)).toEqual([ownerPost])
    await expect(admin.channels.post(channelId, { kind: 'text', text: 'still here?' })).rejects.toMatchObject({ name: 'NotAnAdminError' })

    const late = await node()
    await net.connect(late, owner)
    await late.channels.follow(channelId)
    expect((await late.channels.posts(channelId)).map(p => p.postId)).toEqual([ownerPost])
  })
})
