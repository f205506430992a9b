// Forged channel records are refused by every validator a record can reach a follower through: gossip on the
// channel topic, a direct store push, and history served by a relay. Reactions and votes count once per follower.
// Real nodes on 127.0.0.1, real LevelDB, no mocks; the attacker is an ordinary Kith node that follows the channel.
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import {
  channelIdFromString, channelPostId, channelTopic, ChannelMeta, ChannelPost, ChannelPostKind, ChannelReaction, decodeStoreResponse,
  Domain, encodeChannelWire, fromHex, generateIdentity, identityFromSeed, sign, signChannelMeta, signChannelPost, signChannelReaction,
  signChannelVote, Signed, StoreRequest, type Identity, type StoreResponse
} from '@kith/protocol'
import { createRelayNode, STORE_PROTOCOL, type FullKithNode, type RelayNode } from '@kith/node'
import { requestFrames } from '../packages/node/src/stream-rpc.js'
import { TestNet, waitFor } from './helpers/nodes.js'

const MiB = 1024 * 1024
const DAY = 24 * 3600_000

function png (fill: number, size = 300): Uint8Array {
  return Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, ...new Array(size).fill(fill)])
}
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, ...new Array(400).fill(3)])
const NOT_AN_IMAGE = new TextEncoder().encode('#!/bin/sh\necho this is not an image\n'.repeat(10))

/** a Signed ChannelPost made without signChannelPost's own checks, as a forger would */
function rawSignedPost (author: Identity, post: Omit<ChannelPost, 'author'>): Uint8Array {
  const body = ChannelPost.encode({ ...post, author: author.publicKey })
  return Signed.encode({ body, signature: sign(author, Domain.channelPost, body) })
}

function flipLastByte (bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes)
  out[out.length - 1] ^= 0x01
  return out
}

describe('channels: forged records and once-per-follower tallies', () => {
  const net = new TestNet()
  const relays: RelayNode[] = []
  const dirs: string[] = []
  afterEach(async () => {
    await net.close()
    await Promise.allSettled(relays.map(r => r.stop()))
    relays.length = 0
    await Promise.allSettled(dirs.map(d => rm(d, { recursive: true, force: true })))
  })

  const node = async (init: Parameters<TestNet['node']>[0] = {}): Promise<FullKithNode> => await net.node(init) as FullKithNode
  const connectedTo = (n: FullKithNode, peerId: string): boolean => n.peers().some(p => p.peerId === peerId)

  async function startRelay (): Promise<RelayNode> {
    const dir = await mkdtemp(join(tmpdir(), 'kith-relay-'))
    dirs.push(dir)
    const relay = await createRelayNode({ dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    relays.push(relay)
    return relay
  }

  /** hand records straight to a peer's store protocol, as pushStore does */
  async function push (from: FullKithNode, to: FullKithNode, topic: string, wires: Uint8Array[]): Promise<StoreResponse> {
    const signal = AbortSignal.timeout(10_000)
    const stream = await from.libp2p.dialProtocol(peerIdFromString(to.peerId), STORE_PROTOCOL, { signal })
    const [frame] = await requestFrames(stream, StoreRequest.encode({ topic, messages: wires }), { maxFrameBytes: 4096, maxFrames: 1 }, signal)
    return decodeStoreResponse(frame ?? new Uint8Array(0))
  }

  it('refuses posts signed by a wrong key, a follower key, with a bad signature, dated 10 min ahead or 31 days old, or with oversize media; the nodes stay up', async () => {
    const relay = await startRelay()
    const relayAddr = relay.getMultiaddrs()[0]
    const owner = await node({ bootstrap: [relayAddr] })
    const f1 = await node({ bootstrap: [relayAddr] })
    const f2 = await node({ bootstrap: [relayAddr] })
    const attacker = await node({ bootstrap: [relayAddr] })
    await waitFor(() => [owner, f1, f2, attacker].every(n => connectedTo(n, relay.peerId)), 'everyone connected to the relay')
    // the attacker also reaches the followers directly, so its gossip does not depend on the relay forwarding it
    await net.connect(attacker, f1)
    await net.connect(attacker, f2)

    const { channelId } = await owner.channels.create('Forgery target', { description: 'only the owner posts here' })
    const topic = channelTopic(channelId)
    await waitFor(() => relay.relay.topics().includes(topic), 'the relay carries the topic')
    for (const f of [f1, f2, attacker]) await f.channels.follow(channelId)
    await waitFor(() => [f1, f2].every(f => {
      const subs = f.libp2p.services.pubsub.getSubscribers(topic).map(String)
      return subs.includes(attacker.peerId) && subs.includes(relay.peerId)
    }), 'the followers see the attacker and the relay on the topic')

    const { postId: firstId } = await owner.channels.post(channelId, { kind: 'text', text: 'genuine 1' })
    await waitFor(async () => (await f1.channels.posts(channelId)).length === 1 && (await f2.channels.posts(channelId)).length === 1, 'the first genuine post arrives')

    // the service refuses media that is not an image, or too large, before signing anything
    await expect(owner.channels.post(channelId, { kind: 'photo', bytes: NOT_AN_IMAGE })).rejects.toMatchObject({ name: 'InvalidArgumentError' })
    const huge = new Uint8Array(16 * MiB + 1)
    huge.set(png(1, 0))
    await expect(owner.channels.post(channelId, { kind: 'photo', bytes: huge })).rejects.toMatchObject({ name: 'InvalidArgumentError' })

    const ownerKey = identityFromSeed(fromHex((await owner.channels.exportKey(channelId)).key))
    const attackerKey = identityFromSeed(attacker.privateKey.raw)
    const id = channelIdFromString(channelId)
    const now = Date.now()
    const text = (author: Identity, label: string, timestamp = now, seq = 100): Uint8Array =>
      signChannelPost(author, { channelId: id, seq, kind: ChannelPostKind.TEXT, text: `forged: ${label}`, timestamp })
    const someCid = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
    const forged: Record<string, Uint8Array> = {
      'wrong key': text(generateIdentity(), 'wrong key'),
      'follower key': text(attackerKey, 'follower key'),
      'bad signature': flipLastByte(text(ownerKey, 'bad signature')),
      '10 min ahead': text(ownerKey, '10 min ahead', now + 10 * 60_000),
      '31 days old': text(ownerKey, '31 days old', now - 31 * DAY),
      'oversize photo': rawSignedPost(ownerKey, {
        channelId: id, seq: 101n, kind: ChannelPostKind.PHOTO, text: 'forged: oversize photo', timestamp: BigInt(now),
        media: { cid: someCid, mime: 'image/png', size: BigInt(16 * MiB + 1) }
      }),
      'photo as svg': rawSignedPost(ownerKey, {
        channelId: id, seq: 102n, kind: ChannelPostKind.PHOTO, text: 'forged: svg', timestamp: BigInt(now),
        media: { cid: someCid, mime: 'image/svg+xml', size: 100n }
      })
    }
    // and a meta: the channel renamed, signed by the attacker rather than the channel key
    const forgedMetaBody = ChannelMeta.encode({ channelId: id, version: 99n, name: 'Hijacked', description: '', avatar: '', category: '', language: '', admins: [attackerKey.publicKey], timestamp: BigInt(now) })
    const forgedMeta = Signed.encode({ body: forgedMetaBody, signature: sign(attackerKey, Domain.channelMeta, forgedMetaBody) })
    // the attacker holds the channel key's signatures for nothing else, so a genuine post it relays is the marker
    // that everything it published before has been through the followers' validators
    const marker = signChannelPost(ownerKey, { channelId: id, seq: 2, kind: ChannelPostKind.TEXT, text: 'genuine 2 (relayed by the attacker)', timestamp: Date.now() })

    const pubsub = attacker.libp2p.services.pubsub
    for (const bytes of Object.values(forged)) await pubsub.publish(topic, encodeChannelWire('post', bytes))
    await pubsub.publish(topic, encodeChannelWire('meta', forgedMeta))
    await pubsub.publish(topic, encodeChannelWire('post', marker))
    for (const f of [f1, f2, owner]) {
      await waitFor(async () => (await f.channels.posts(channelId)).some(p => p.postId === channelPostId(marker)), 'the marker post arrives')
    }

    // pushed straight to a follower's store protocol, each forged record is refused too
    for (const [label, bytes] of Object.entries(forged)) {
      const response = await push(attacker, f1, topic, [encodeChannelWire('post', bytes)])
      expect(response.stored, `store push of "${label}"`).toBe(0)
    }
    expect((await push(attacker, f1, topic, [encodeChannelWire('meta', forgedMeta)])).stored).toBe(0)

    // the owner can still post, and it arrives
    const { postId: lastId, acks } = await owner.channels.post(channelId, { kind: 'text', text: 'genuine 3' })
    expect(acks).toBeGreaterThanOrEqual(1)
    const genuine = [firstId, channelPostId(marker), lastId]
    // (the attacker itself is left out: gossipsub does not run a node's validators on what it publishes itself)
    for (const f of [f1, f2, owner]) {
      await waitFor(async () => (await f.channels.posts(channelId)).length === 3, 'genuine 3 arrives')
      const posts = await f.channels.posts(channelId)
      expect(posts.map(p => p.postId)).toEqual(genuine)
      expect(posts.some(p => p.text.startsWith('forged'))).toBe(false)
      const info = await f.channels.info(channelId)
      expect(info.name).toBe('Forgery target')
      expect(info.admins).toEqual([])
    }

    // the relay checks only the shape of what it carries, so it may keep the forgeries; a late follower whose only
    // source is the relay runs them through its own validators on the way in from history
    await waitFor(() => relay.relay.stats().storedMessages >= 3 + Object.keys(forged).length, 'the relay kept the forged posts beside the genuine ones')
    await net.stopNode(attacker)
    await net.stopNode(owner)
    const f3 = await node({ bootstrap: [relayAddr] })
    await waitFor(() => connectedTo(f3, relay.peerId), 'F3 connected to the relay')
    await f3.channels.follow(channelId)
    await waitFor(async () => (await f3.channels.posts(channelId)).length >= 3, 'F3 gets the history from the relay')
    expect((await f3.channels.posts(channelId)).map(p => p.postId)).toEqual(genuine)
    expect((await f3.channels.info(channelId)).name).toBe('Forgery target')
  })

  it('keeps a post whose media lies about its type or size, but never marks that media available', async () => {
    const owner = await node()
    const follower = await node({ bootstrap: [owner.getMultiaddrs()[0]] })
    const attacker = await node({ bootstrap: [owner.getMultiaddrs()[0]] })
    await waitFor(() => connectedTo(follower, owner.peerId) && connectedTo(attacker, owner.peerId), 'connected')
    await net.connect(attacker, follower)
    const { channelId } = await owner.channels.create('Media checks')
    const topic = channelTopic(channelId)
    await follower.channels.follow(channelId)
    await attacker.channels.follow(channelId)
    await waitFor(() => follower.libp2p.services.pubsub.getSubscribers(topic).map(String).includes(attacker.peerId), 'the attacker is on the topic')

    // an admin key leaked to the attacker: posts are validly signed, but their media lie
    const ownerKey = identityFromSeed(fromHex((await owner.channels.exportKey(channelId)).key))
    const id = channelIdFromString(channelId)
    const fs = unixfs(attacker.helia as any)
    const host = async (bytes: Uint8Array): Promise<string> => (await fs.addBytes(bytes)).toString()
    let seq = 10
    const photo = (cid: string, mime: string, size: number, label: string): Uint8Array =>
      signChannelPost(ownerKey, { channelId: id, seq: seq++, kind: ChannelPostKind.PHOTO, text: label, media: { cid, mime, size }, timestamp: Date.now() })

    const jpegCid = await host(JPEG)
    const shortPng = png(5, 100)
    const shortCid = await host(shortPng)
    const scriptCid = await host(NOT_AN_IMAGE)
    const lies = [
      photo(jpegCid, 'image/png', JPEG.byteLength, 'declares png, is a jpeg'),
      photo(shortCid, 'image/png', shortPng.byteLength + 500, 'declares 500 bytes more than it has'),
      photo(scriptCid, 'image/png', NOT_AN_IMAGE.byteLength, 'declares png, is a shell script')
    ]
    const pubsub = attacker.libp2p.services.pubsub
    for (const bytes of lies) await pubsub.publish(topic, encodeChannelWire('post', bytes))
    await waitFor(async () => (await follower.channels.posts(channelId)).length === 3, 'the posts themselves are valid and kept')
    // the follower fetched every lying file (the blocks are in its blockstore) and checked it against the post
    for (const cid of [jpegCid, shortCid, scriptCid]) {
      await waitFor(async () => await follower.helia.blockstore.has(CID.parse(cid)), `follower fetched ${cid}`)
    }
    // an honest photo hosted the same way, published after those fetches finished, becomes available
    const honestBytes = png(11, 200)
    const honest = photo(await host(honestBytes), 'image/png', honestBytes.byteLength, 'honest')
    await pubsub.publish(topic, encodeChannelWire('post', honest))
    await waitFor(async () => (await follower.channels.posts(channelId)).find(p => p.postId === channelPostId(honest))?.media?.available === true, 'the honest photo is available')

    const posts = await follower.channels.posts(channelId)
    for (const bytes of lies) {
      const post = posts.find(p => p.postId === channelPostId(bytes))
      expect(post?.media?.available, post?.text).toBe(false)
    }
  })

  it('counts a reaction and a vote once per follower: a changed vote replaces the old, a removed reaction disappears, replays and forgeries change nothing', async () => {
    const owner = await node()
    const ownerAddr = owner.getMultiaddrs()[0]
    const f1 = await node({ bootstrap: [ownerAddr] })
    const f2 = await node({ bootstrap: [ownerAddr] })
    const attacker = await node({ bootstrap: [ownerAddr] })
    await waitFor(() => [f1, f2, attacker].every(n => connectedTo(n, owner.peerId)), 'connected to the owner')
    const { channelId } = await owner.channels.create('Tallies')
    const topic = channelTopic(channelId)
    for (const f of [f1, f2, attacker]) await f.channels.follow(channelId)
    await waitFor(() => owner.libp2p.services.pubsub.getSubscribers(topic).length === 3, 'followers subscribed')
    const { postId } = await owner.channels.post(channelId, { kind: 'text', text: 'react to me' })
    const { postId: pollId } = await owner.channels.post(channelId, { kind: 'poll', poll: { question: 'Which?', options: ['tea', 'coffee', 'water'] } })
    await waitFor(async () => (await f1.channels.posts(channelId)).length === 2 && (await f2.channels.posts(channelId)).length === 2 && (await attacker.channels.posts(channelId)).length === 2, 'posts arrive')

    const everyone = [owner, f1, f2, attacker]
    /** reaction counts (keys sorted, so two tallies compare as JSON) and poll counts as one node shows them */
    const tally = async (n: FullKithNode): Promise<{ reactions: Record<string, number>, votes: number[] }> => {
      const posts = await n.channels.posts(channelId)
      const reactions = Object.fromEntries(Object.entries(posts.find(p => p.postId === postId)?.reactions ?? {}).sort(([a], [b]) => a < b ? -1 : 1))
      return { reactions, votes: posts.find(p => p.postId === pollId)?.poll?.options.map(o => o.votes) ?? [] }
    }
    const everyoneShows = async (expected: { reactions: Record<string, number>, votes: number[] }, what: string): Promise<void> => {
      await waitFor(async () => {
        const shown = await Promise.all(everyone.map(tally))
        // thrown so that a timeout says what each node shows (owner, F1, F2, attacker)
        const want = JSON.stringify({ reactions: Object.fromEntries(Object.entries(expected.reactions).sort(([a], [b]) => a < b ? -1 : 1)), votes: expected.votes })
        if (shown.some(t => JSON.stringify(t) !== want)) throw new Error(JSON.stringify(shown))
        return true
      }, what)
    }

    await f1.channels.react(postId, '👍')
    await f1.channels.vote(pollId, ['tea'])
    await everyoneShows({ reactions: { '👍': 1 }, votes: [1, 0, 0] }, 'F1\'s first reaction and vote')
    // the attacker keeps F1's old records to replay them later
    const f1Hex = Buffer.from(identityFromSeed(f1.privateKey.raw).publicKey).toString('hex')
    const oldReaction = await attacker.store.app.get(`ch/${channelId}/r/${postId}/${f1Hex}`) as Uint8Array
    const oldVote = await attacker.store.app.get(`ch/${channelId}/v/${pollId}/${f1Hex}`) as Uint8Array
    expect(oldReaction).toBeTruthy()
    expect(oldVote).toBeTruthy()

    await f1.channels.react(postId, '❤️')
    await f1.channels.vote(pollId, ['coffee'])
    await f2.channels.react(postId, '👍')
    await f2.channels.vote(pollId, ['coffee'])
    await everyoneShows({ reactions: { '❤️': 1, '👍': 1 }, votes: [0, 2, 0] }, 'F1\'s changed reaction and vote replace the old, F2 adds its own')

    await f1.channels.react(postId, '')
    await everyoneShows({ reactions: { '👍': 1 }, votes: [0, 2, 0] }, 'F1\'s removed reaction disappears')
    expect((await f1.channels.posts(channelId))[0].myReaction).toBeNull()

    // a replay of F1's older reaction and vote, pushed to every other node, changes nothing
    for (const n of [owner, f2]) {
      await push(attacker, n, topic, [encodeChannelWire('reaction', oldReaction), encodeChannelWire('vote', oldVote)])
    }
    // forgeries: a reaction in F2's name signed by the attacker, a ballot for an option the poll does not have,
    // a second ballot option on a single-choice poll
    const attackerKey = identityFromSeed(attacker.privateKey.raw)
    const f2Key = identityFromSeed(f2.privateKey.raw).publicKey
    const reactionBody = ChannelReaction.encode({ channelId: channelIdFromString(channelId), postId, emoji: '💩', timestamp: BigInt(Date.now()), follower: f2Key })
    const inF2sName = Signed.encode({ body: reactionBody, signature: sign(attackerKey, Domain.channelReaction, reactionBody) })
    const outOfRange = signChannelVote(attackerKey, { channelId: channelIdFromString(channelId), postId: pollId, options: [7], timestamp: Date.now() })
    const twoChoices = signChannelVote(attackerKey, { channelId: channelIdFromString(channelId), postId: pollId, options: [0, 2], timestamp: Date.now() })
    const forgedWires = [encodeChannelWire('reaction', inF2sName), encodeChannelWire('vote', outOfRange), encodeChannelWire('vote', twoChoices)]
    for (const n of [owner, f1, f2]) {
      const response = await push(attacker, n, topic, forgedWires)
      expect(response.stored, 'forged reaction and ballots refused').toBe(0)
    }
    const pubsub = attacker.libp2p.services.pubsub
    for (const wire of forgedWires) await pubsub.publish(topic, wire)
    // the attacker's own genuine reaction, published last over gossip, marks that the forgeries were processed
    const own = signChannelReaction(attackerKey, { channelId: channelIdFromString(channelId), postId, emoji: '🎉', timestamp: Date.now() })
    await pubsub.publish(topic, encodeChannelWire('reaction', own))
    await waitFor(async () => {
      for (const n of [owner, f1, f2]) if ((await tally(n)).reactions['🎉'] !== 1) return false
      return true
    }, 'the attacker\'s own reaction counts')
    for (const n of [owner, f1, f2]) expect(await tally(n)).toEqual({ reactions: { '👍': 1, '🎉': 1 }, votes: [0, 2, 0] })
  })

  // The store keeps one reaction / ballot per follower; of two with the same timestamp it must keep the one
  // channel-tally.ts counts (the smaller emoji / ballot, so a withdrawal wins), whichever arrived first.
  it('settles two records of one follower with the same timestamp the same way on every node, whatever order they arrive in', async () => {
    // channel-tally.ts breaks such ties by content (the smaller emoji / ballot wins, so a withdrawal wins) so that
    // every follower holding the same records shows the same numbers; the store must keep the same winner
    const owner = await node()
    const a = await node({ bootstrap: [owner.getMultiaddrs()[0]] })
    const b = await node({ bootstrap: [owner.getMultiaddrs()[0]] })
    const follower = await node({ bootstrap: [owner.getMultiaddrs()[0]] })
    await waitFor(() => [a, b, follower].every(n => connectedTo(n, owner.peerId)), 'connected')
    const { channelId } = await owner.channels.create('Ties')
    const topic = channelTopic(channelId)
    const { postId } = await owner.channels.post(channelId, { kind: 'text', text: 'tie me' })
    const { postId: pollId } = await owner.channels.post(channelId, { kind: 'poll', poll: { question: 'Which?', options: ['x', 'y'] } })
    for (const n of [a, b, follower]) await n.channels.follow(channelId)
    await waitFor(async () => (await a.channels.posts(channelId)).length === 2 && (await b.channels.posts(channelId)).length === 2, 'a and b have the posts')

    // the follower reacted and withdrew (and voted and withdrew its ballot) within one millisecond
    const key = identityFromSeed(follower.privateKey.raw)
    const id = channelIdFromString(channelId)
    const t = Date.now()
    const reacted = encodeChannelWire('reaction', signChannelReaction(key, { channelId: id, postId, emoji: '👍', timestamp: t }))
    const withdrawn = encodeChannelWire('reaction', signChannelReaction(key, { channelId: id, postId, emoji: '', timestamp: t }))
    const voted = encodeChannelWire('vote', signChannelVote(key, { channelId: id, postId: pollId, options: [1], timestamp: t }))
    const unvoted = encodeChannelWire('vote', signChannelVote(key, { channelId: id, postId: pollId, options: [], timestamp: t }))
    await push(follower, a, topic, [reacted, withdrawn, voted, unvoted])
    await push(follower, b, topic, [withdrawn, reacted, unvoted, voted])

    const shown = async (n: FullKithNode): Promise<unknown> => {
      const posts = await n.channels.posts(channelId)
      return { reactions: posts.find(p => p.postId === postId)?.reactions, votes: posts.find(p => p.postId === pollId)?.poll?.options.map(o => o.votes) }
    }
    // the withdrawal wins the tie on both nodes
    expect(await shown(b)).toEqual({ reactions: {}, votes: [0, 0] })
    expect(await shown(a)).toEqual({ reactions: {}, votes: [0, 0] })
  })
})
