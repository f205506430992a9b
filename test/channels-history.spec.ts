// A late follower catches up on a channel while its publisher is offline: from a relay, or from another follower.
// Real nodes on 127.0.0.1, real LevelDB, no mocks.
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  channelIdFromString, channelPostId, channelTopic, SignatureVerifier, verifyChannelMeta, verifyChannelPost
} from '@kith/protocol'
import { createRelayNode, type FullKithNode, type RelayNode } from '@kith/node'
import { TestNet, waitFor } from './helpers/nodes.js'

/** a PNG by its magic bytes and IHDR, followed by filler: what the service's content check looks at */
function png (fill: number, size = 300): Uint8Array {
  return Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, ...new Array(size).fill(fill)])
}
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, ...new Array(400).fill(3)])

interface Published { postId: string, kind: string, text: string }

/** five posts of every kind but video, each acknowledged by at least one peer that stores it */
async function publishFive (owner: FullKithNode, channelId: string): Promise<Published[]> {
  const posts: Array<Parameters<FullKithNode['channels']['post']>[1]> = [
    { kind: 'text', text: 'first: hello followers' },
    { kind: 'photo', bytes: png(7), text: 'a photo' },
    { kind: 'poll', text: 'vote please', poll: { question: 'Tea or coffee?', options: ['tea', 'coffee', 'water'] } },
    { kind: 'sticker', bytes: png(9, 120) },
    { kind: 'photo', bytes: JPEG, text: 'last: a jpeg' }
  ]
  const out: Published[] = []
  for (const post of posts) {
    const { postId, acks } = await owner.channels.post(channelId, post)
    expect(acks, `post ${post.kind} acknowledged`).toBeGreaterThanOrEqual(1)
    out.push({ postId, kind: post.kind, text: post.text ?? '' })
  }
  return out
}

/**
 * The posts a node keeps, read from its own store and checked again here, independently of the service: each must
 * be a post of the channel signed by its owner under the channel's meta (which is itself checked against the
 * channel id), and its id must be the hash of exactly those bytes.
 */
async function storedPostsVerify (node: FullKithNode, channelId: string): Promise<string[]> {
  const app = node.store.app
  const verifier = new SignatureVerifier()
  const metaBytes = await app.get(`ch/${channelId}/meta`)
  expect(metaBytes, 'the follower holds the channel meta').toBeTruthy()
  const meta = verifyChannelMeta(metaBytes as Uint8Array, verifier, channelIdFromString(channelId))
  const ids: string[] = []
  for await (const [, bytes] of app.iterator({ gte: `ch/${channelId}/p/`, lt: `ch/${channelId}/p0` })) {
    const post = verifyChannelPost(meta, bytes, verifier, Date.now())
    expect(post.postId).toBe(channelPostId(bytes))
    expect(Buffer.from(post.author).equals(Buffer.from(channelIdFromString(channelId))), 'signed by the channel key').toBe(true)
    ids.push(post.postId)
  }
  return ids
}

describe('channels: history for late followers while the publisher is offline', () => {
  const net = new TestNet()
  const relays: RelayNode[] = []
  const dirs: string[] = []
  afterEach(async () => {
    await net.close()
    await Promise.allSettled(relays.map(r => r.stop()))
    relays.length = 0
    await Promise.allSettled(dirs.map(d => rm(d, { recursive: true, force: true })))
  })

  async function startRelay (): Promise<RelayNode> {
    const dir = await mkdtemp(join(tmpdir(), 'kith-relay-'))
    dirs.push(dir)
    const relay = await createRelayNode({ dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    relays.push(relay)
    return relay
  }

  const node = async (init: Parameters<TestNet['node']>[0] = {}): Promise<FullKithNode> => await net.node(init) as FullKithNode
  const connectedTo = (n: FullKithNode, peerId: string): boolean => n.peers().some(p => p.peerId === peerId)

  /** the follower's view, reduced to what must match the publisher's */
  async function summary (n: FullKithNode, channelId: string): Promise<Array<{ postId: string, kind: string, text: string }>> {
    return (await n.channels.posts(channelId)).map(p => ({ postId: p.postId, kind: p.kind, text: p.text }))
  }

  it('from a relay: F2, whose only peer is the relay (owner and F1 offline), gets all 5 posts in order, verified, with F1\'s reactions and vote', async () => {
    const relay = await startRelay()
    const relayAddr = relay.getMultiaddrs()[0]
    const owner = await node({ bootstrap: [relayAddr] })
    const f1 = await node({ bootstrap: [relayAddr] })
    await waitFor(() => connectedTo(owner, relay.peerId) && connectedTo(f1, relay.peerId), 'owner and F1 connected to the relay')

    const { channelId } = await owner.channels.create('Relay news', { description: 'kept by a relay' })
    const topic = channelTopic(channelId)
    await waitFor(() => relay.relay.topics().includes(topic), 'the relay carries the channel topic')
    await f1.channels.follow(channelId)
    expect((await f1.channels.info(channelId)).name).toBe('Relay news')
    await waitFor(() => relay.libp2p.services.pubsub.getSubscribers(topic).length >= 2, 'owner and F1 subscribed at the relay')

    const published = await publishFive(owner, channelId)
    await waitFor(async () => (await f1.channels.posts(channelId)).length === 5, 'F1 receives the 5 posts live through the relay')
    const [text, , poll] = published
    await f1.channels.react(text.postId, '🔥')
    await f1.channels.vote(poll.postId, ['coffee'])
    // the relay holds the 5 posts, the reaction and the vote
    await waitFor(() => relay.relay.stats().storedMessages >= 7, 'the relay stored the posts, the reaction and the vote')

    // the relay is the only source left: the publisher and F1 are both offline
    await net.stopNode(owner)
    await net.stopNode(f1)

    const f2 = await node({ bootstrap: [relayAddr] })
    await waitFor(() => connectedTo(f2, relay.peerId), 'F2 connected to the relay')
    await f2.channels.follow(channelId)
    await waitFor(async () => (await f2.channels.posts(channelId)).length === 5, 'F2 catches up on 5 posts from the relay alone')

    expect(f2.peers().map(p => p.peerId)).toEqual([relay.peerId])
    expect(await summary(f2, channelId)).toEqual(published)
    const view = await f2.channels.posts(channelId)
    expect(view[0].reactions).toEqual({ '🔥': 1 })
    expect(view[2].poll?.options.map(o => o.votes)).toEqual([0, 1, 0])
    expect(view[2].poll?.myVote).toEqual([])
    expect((await f2.channels.info(channelId)).name).toBe('Relay news')
    expect((await storedPostsVerify(f2, channelId)).sort()).toEqual(published.map(p => p.postId).sort())
  })

  // The relay must hold the channel's meta, not only its posts: the owner hands it over once the relay accepted the
  // channel's topic (create() cannot: its registration is still in flight), and a follower whose follow() ran
  // before it reached any peer gets it, with the posts, once the relay is identified.
  it('from a relay, for a follower that follows right after it starts, before its dial to the relay completes', async () => {
    // what `kith channel follow` does on a daemon that has just started: follow() runs before the bootstrap
    // connection is up, so the channel's meta can only come later, from the relay's history
    const relay = await startRelay()
    const relayAddr = relay.getMultiaddrs()[0]
    const owner = await node({ bootstrap: [relayAddr] })
    await waitFor(() => connectedTo(owner, relay.peerId), 'owner connected to the relay')
    const { channelId } = await owner.channels.create('Early follow', { description: 'followed before connecting' })
    const topic = channelTopic(channelId)
    await waitFor(() => relay.relay.topics().includes(topic), 'the relay carries the channel topic')
    const ids: string[] = []
    for (const text of ['one', 'two', 'three']) {
      const { postId, acks } = await owner.channels.post(channelId, { kind: 'text', text })
      expect(acks).toBeGreaterThanOrEqual(1)
      ids.push(postId)
    }
    await waitFor(() => relay.relay.stats().storedMessages >= 3, 'the relay stored the posts')
    await net.stopNode(owner)

    const f2 = await node({ bootstrap: [relayAddr] })
    await f2.channels.follow(channelId)
    await waitFor(() => connectedTo(f2, relay.peerId), 'F2 reaches the relay')
    await waitFor(async () => (await f2.channels.posts(channelId)).length === 3, 'F2 catches up from the relay once it reaches it', 10_000)
    expect((await f2.channels.posts(channelId)).map(p => p.postId)).toEqual(ids)
    expect((await f2.channels.info(channelId)).name).toBe('Early follow')
  })

  it('from a relay, for a channel created before its owner met the relay: the meta is handed over on connecting', async () => {
    const relay = await startRelay()
    const owner = await node()
    const { channelId } = await owner.channels.create('Made offline', { description: 'created alone' })
    await owner.connect(relay.getMultiaddrs()[0])
    const topic = channelTopic(channelId)
    await waitFor(() => relay.relay.topics().includes(topic), 'the relay carries the channel topic')
    const ids: string[] = []
    for (const text of ['after meeting the relay', 'and another']) {
      const { postId, acks } = await owner.channels.post(channelId, { kind: 'text', text })
      expect(acks).toBeGreaterThanOrEqual(1)
      ids.push(postId)
    }
    await waitFor(() => relay.relay.stats().storedMessages >= 3, 'the relay stored the meta and the 2 posts')
    await net.stopNode(owner)

    const f2 = await node({ bootstrap: [relay.getMultiaddrs()[0]] })
    await waitFor(() => connectedTo(f2, relay.peerId), 'F2 reaches the relay')
    await f2.channels.follow(channelId)
    await waitFor(async () => (await f2.channels.posts(channelId)).length === 2, 'F2 catches up from the relay')
    expect((await f2.channels.posts(channelId)).map(p => p.postId)).toEqual(ids)
    expect((await f2.channels.info(channelId)).name).toBe('Made offline')
  })

  /** whether `n` shows `expected` posts; throws otherwise, so that a timeout says how many it shows */
  async function shows (n: FullKithNode, channelId: string, expected: number): Promise<boolean> {
    const shown = (await n.channels.posts(channelId)).length
    if (shown !== expected) throw new Error(`it shows ${shown} posts`)
    return true
  }

  /** the owner posts `texts` while alone (fast: no peer to push to), then F2 connects to it and follows */
  async function lateFollowerOf (texts: string[]): Promise<{ f2: FullKithNode, channelId: string, ids: string[] }> {
    const owner = await node()
    const { channelId } = await owner.channels.create('Busy channel')
    const ids: string[] = []
    for (const text of texts) ids.push((await owner.channels.post(channelId, { kind: 'text', text })).postId)
    const f2 = await node({ bootstrap: [owner.getMultiaddrs()[0]] })
    await waitFor(() => connectedTo(f2, owner.peerId), 'F2 connected to the owner')
    await f2.channels.follow(channelId)
    return { f2, channelId, ids }
  }

  it('catches up on more than 500 posts: history pages never hold more messages than a page may', async () => {
    // a page answers `limit` (500) posts, plus the meta on the first page and each post's edit, reactions and votes,
    // while decodeHistoryPage refuses a page of more than 500 messages
    const { f2, channelId, ids } = await lateFollowerOf(Array.from({ length: 520 }, (_, i) => `post ${i}`))
    await waitFor(async () => await shows(f2, channelId, 520), 'F2 has all 520 posts', 15_000)
    expect((await f2.channels.posts(channelId)).map(p => p.postId)).toEqual(ids)
  })

  it('catches up on long posts that fill more than one history page by size', async () => {
    // 300 posts of 4,096 four-byte characters (16 KiB each): the first page is cut by MAX_HISTORY_PAGE_BYTES (4 MiB)
    // after about 250 posts, and must say where to go on
    const long = (i: number): string => `${i} ` + '𝄞'.repeat(4000)
    const { f2, channelId, ids } = await lateFollowerOf(Array.from({ length: 300 }, (_, i) => long(i)))
    await waitFor(async () => await shows(f2, channelId, 300), 'F2 has all 300 posts', 15_000)
    expect((await f2.channels.posts(channelId)).map(p => p.postId)).toEqual(ids)
  })

  it('from a follower: F2, whose only peer is F1 (not a relay), gets all 5 posts, verified, with reactions, votes and the photos', async () => {
    const owner = await node()
    const f1 = await node({ bootstrap: [owner.getMultiaddrs()[0]] })
    await waitFor(() => connectedTo(f1, owner.peerId), 'F1 connected to the owner')
    const { channelId } = await owner.channels.create('Follower news', { description: 'kept by followers' })
    const topic = channelTopic(channelId)
    await f1.channels.follow(channelId)
    await waitFor(() => owner.libp2p.services.pubsub.getSubscribers(topic).length === 1, 'F1 subscribed')

    // with no relay, F1 itself acknowledges the posts: it stores them for the channel
    const published = await publishFive(owner, channelId)
    await waitFor(async () => {
      const p = await f1.channels.posts(channelId)
      return p.length === 5 && p.every(x => x.media == null || x.media.available)
    }, 'F1 has the 5 posts and their media')
    await f1.channels.react(published[0].postId, '👍')
    await f1.channels.react(published[1].postId, '❤️')
    await f1.channels.vote(published[2].postId, ['water'])
    await waitFor(async () => (await owner.channels.posts(channelId))[2].poll?.options[2].votes === 1, 'the owner sees F1\'s vote')

    await net.stopNode(owner)
    const f2 = await node({ bootstrap: [f1.getMultiaddrs()[0]] })
    await waitFor(() => connectedTo(f2, f1.peerId), 'F2 connected to F1')
    await f2.channels.follow(channelId)
    await waitFor(async () => (await f2.channels.posts(channelId)).length === 5, 'F2 catches up on 5 posts from F1 alone')

    expect(f2.peers().map(p => p.peerId)).toEqual([f1.peerId])
    expect(await summary(f2, channelId)).toEqual(published)
    const view = await f2.channels.posts(channelId)
    expect(view[0].reactions).toEqual({ '👍': 1 })
    expect(view[1].reactions).toEqual({ '❤️': 1 })
    expect(view[2].poll?.options.map(o => o.votes)).toEqual([0, 0, 1])
    expect((await storedPostsVerify(f2, channelId)).sort()).toEqual(published.map(p => p.postId).sort())
    // F1 pinned the media it fetched, so F2 gets the files from F1 over bitswap while the owner is away
    await waitFor(async () => (await f2.channels.posts(channelId)).filter(p => p.media != null).every(p => p.media?.available === true), 'F2 fetches the 3 media files from F1')
  })
})

