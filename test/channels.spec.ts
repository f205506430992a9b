import { afterEach, describe, expect, it } from 'vitest'
import { TestNet, waitFor } from './helpers/nodes.js'

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, ...new Array(300).fill(7)])

describe('channels between real nodes', () => {
  const net = new TestNet()
  afterEach(async () => { await net.close() })

  it('creates a channel, posts every kind, and a follower receives them live with reactions and votes counted once', async () => {
    const owner = await net.node()
    const follower = await net.node()
    const other = await net.node()
    await net.connect(follower, owner)
    await net.connect(other, owner)
    const { channelId } = await owner.channels.create('Santé publique', { description: 'Health news', category: 'health' })
    await follower.channels.follow(channelId)
    await other.channels.follow(channelId)
    await waitFor(() => owner.libp2p.services.pubsub.getSubscribers(`/kith/c/1/${channelId}`).length === 2, 'followers subscribed')

    const { postId: textId } = await owner.channels.post(channelId, { kind: 'text', text: 'hello followers' })
    const { postId: photoId } = await owner.channels.post(channelId, { kind: 'photo', bytes: PNG, text: 'a pixel' })
    const { postId: pollId } = await owner.channels.post(channelId, { kind: 'poll', poll: { question: 'Tea or coffee?', options: ['tea', 'coffee'] } })
    await waitFor(async () => (await follower.channels.posts(channelId)).length === 3, 'follower gets 3 posts')
    const posts = await follower.channels.posts(channelId)
    expect(posts.map(p => p.kind)).toEqual(['text', 'photo', 'poll'])
    await waitFor(async () => (await follower.channels.posts(channelId)).find(p => p.postId === photoId)?.media?.available === true, 'photo fetched over bitswap')

    await follower.channels.react(textId, '👍')
    await follower.channels.react(textId, '❤️')
    await other.channels.react(textId, '👍')
    await follower.channels.vote(pollId, ['coffee'])
    await other.channels.vote(pollId, ['tea'])
    await follower.channels.vote(pollId, ['tea'])
    await waitFor(async () => {
      const p = await owner.channels.posts(channelId)
      const text = p.find(x => x.postId === textId)
      const poll = p.find(x => x.postId === pollId)
      return text?.reactions['👍'] === 1 && text?.reactions['❤️'] === 1 && poll?.poll?.options[0].votes === 2 && poll?.poll?.options[1].votes === 0
    }, 'reactions and votes counted once per follower')

    await expect(follower.channels.post(channelId, { kind: 'text', text: 'I am not an admin' })).rejects.toMatchObject({ name: 'NotAnAdminError' })
    const updates = await other.channels.updates()
    expect(updates[0]).toMatchObject({ channelId, name: 'Santé publique' })
    expect(updates[0].newestPost?.postId).toBe(pollId)
  })

  it('prunes posts, reactions, votes and media 30 days after posting, on every peer', async () => {
    let clock = Date.now()
    const now = (): number => clock
    const owner = await net.node({ now })
    const follower = await net.node({ now })
    await net.connect(follower, owner)
    const { channelId } = await owner.channels.create('News')
    await follower.channels.follow(channelId)
    await waitFor(() => owner.libp2p.services.pubsub.getSubscribers(`/kith/c/1/${channelId}`).length === 1, 'follower subscribed')
    const { postId } = await owner.channels.post(channelId, { kind: 'photo', bytes: PNG })
    await waitFor(async () => (await follower.channels.posts(channelId))[0]?.media?.available === true, 'photo kept')
    clock += 29 * 24 * 3600_000
    await owner.channels.post(channelId, { kind: 'text', text: 'newer' })
    await waitFor(async () => (await follower.channels.posts(channelId)).length === 2, 'second post')
    clock += 2 * 24 * 3600_000
    for (const node of [owner, follower]) {
      const result = await node.channels.pruneExpiredPosts()
      expect(result.posts).toBe(1)
      const left = await node.channels.posts(channelId)
      expect(left.map(p => p.text)).toEqual(['newer'])
      expect(left.some(p => p.postId === postId)).toBe(false)
    }
  })
  it('pruning removes an expired post\'s reactions, votes and media references, and keeps a file a live post still shows', async () => {
    let clock = Date.now()
    const now = (): number => clock
    const owner = await net.node({ now })
    const follower = await net.node({ now })
    await net.connect(follower, owner)
    const { channelId } = await owner.channels.create('Prune me')
    await follower.channels.follow(channelId)
    await waitFor(() => owner.libp2p.services.pubsub.getSubscribers(`/kith/c/1/${channelId}`).length === 1, 'follower subscribed')
    const { postId: photoId } = await owner.channels.post(channelId, { kind: 'photo', bytes: PNG })
    const { postId: pollId } = await owner.channels.post(channelId, { kind: 'poll', poll: { question: 'Old?', options: ['yes', 'no'] } })
    await waitFor(async () => (await follower.channels.posts(channelId)).length === 2, 'follower has the first two posts')
    await follower.channels.react(photoId, '👍')
    await follower.channels.vote(pollId, ['yes'])

    clock += 29 * 24 * 3600_000
    // the same file again (same CID) and a text post, both still live at the first prune
    const { postId: againId } = await owner.channels.post(channelId, { kind: 'photo', bytes: PNG })
    const { postId: textId } = await owner.channels.post(channelId, { kind: 'text', text: 'live' })
    await waitFor(async () => (await follower.channels.posts(channelId)).length === 4, 'follower has all four posts')
    await follower.channels.react(textId, '🔥')
    await waitFor(async () => (await owner.channels.posts(channelId)).find(p => p.postId === textId)?.reactions['🔥'] === 1, 'the owner has the reaction')
    await waitFor(async () => (await owner.channels.posts(channelId))[1]?.poll?.options[0].votes === 1, 'the owner has the vote')
    const cid = (await owner.channels.posts(channelId))[0].media?.cid as string

    const keysUnder = async (node: typeof owner, prefix: string): Promise<string[]> => {
      const out: string[] = []
      for await (const [key] of node.store.app.iterator({ gte: prefix, lt: prefix + '\xff' })) out.push(key as string)
      return out
    }
    clock += 2 * 24 * 3600_000
    for (const node of [owner, follower]) {
      expect(await node.channels.pruneExpiredPosts()).toEqual({ posts: 2, media: 0 })
      const left = await node.channels.posts(channelId)
      expect(left.map(p => p.postId)).toEqual([againId, textId])
      expect(left[0].media?.available, 'the file a live post shows stays').toBe(true)
      expect(left[1].reactions).toEqual({ '🔥': 1 })
      expect(await keysUnder(node, `ch/${channelId}/r/${photoId}`)).toEqual([])
      expect(await keysUnder(node, `ch/${channelId}/v/${pollId}`)).toEqual([])
      expect(await keysUnder(node, `chmedia/${cid}/`)).toEqual([`chmedia/${cid}/${againId}`])
      for (const id of [photoId, pollId]) {
        expect(await node.store.app.get(`chpost/${id}`)).toBeUndefined()
        expect(await node.store.app.get(`ch/${channelId}/pi/${id}`)).toBeUndefined()
      }
    }

    clock += 30 * 24 * 3600_000
    for (const node of [owner, follower]) {
      expect(await node.channels.pruneExpiredPosts()).toEqual({ posts: 2, media: 1 })
      expect(await node.channels.posts(channelId)).toEqual([])
      for (const prefix of [`ch/${channelId}/p/`, `ch/${channelId}/pi/`, `ch/${channelId}/r/`, `ch/${channelId}/v/`, 'chexp/', 'chpost/', 'chmedia/', 'chmediaok/']) {
        expect(await keysUnder(node, prefix), prefix).toEqual([])
      }
      expect(await node.channels.pruneExpiredPosts()).toEqual({ posts: 0, media: 0 })
    }
  })
})
