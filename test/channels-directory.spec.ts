// The channel directory on the Kademlia DHT: a node that never talked to a channel's owner finds the channel by
// words of its name (accent- and case-insensitive), ranked, with names that come from verified metas, and still
// finds it once the owner is offline. Real nodes on 127.0.0.1, real LevelDB, no mocks.
import { afterEach, describe, expect, it } from 'vitest'
import {
  channelIdFromString, channelRecordKey, ChannelMeta, Domain, generateIdentity, keywordRecordKey, mergeKeywordRecord, sign,
  signChannelMeta, Signed, SignatureVerifier, verifyChannelMeta
} from '@kith/protocol'
import type { FullKithNode } from '@kith/node'
import { TestNet, waitFor } from './helpers/nodes.js'

describe('channels: the DHT directory', () => {
  const net = new TestNet()
  afterEach(async () => { await net.close() })

  const connectedTo = (n: FullKithNode, other: FullKithNode): boolean => n.peers().some(p => p.peerId === other.peerId)
  const routingTableSize = (n: FullKithNode): number => (n.libp2p.services.dht as unknown as { routingTable: { size: number } }).routingTable.size

  /**
   * Keeps two nodes from ever connecting, in either direction, by their connection gaters (the hook libp2p's
   * `connectionGater` option fills): the DHT would otherwise dial any peer it learns of.
   */
  function firewall (a: FullKithNode, b: FullKithNode): void {
    for (const [self, other] of [[a, b], [b, a]]) {
      const gater = (self.libp2p as unknown as { components: { connectionGater: Record<string, ((...args: any[]) => unknown) | undefined> } }).components.connectionGater
      const blocked = (peer: { toString: () => string }): boolean => peer.toString() === other.peerId
      for (const hook of ['denyDialPeer', 'denyInboundEncryptedConnection', 'denyOutboundEncryptedConnection']) {
        const previous = gater[hook]
        gater[hook] = async (peer: { toString: () => string }, ...rest: unknown[]) => blocked(peer) || (await previous?.call(gater, peer, ...rest)) === true
      }
    }
  }

  /**
   * `count` nodes on loopback, node i dialing nodes i+1 and i+2 (mod count), with `apart` pairs firewalled from each
   * other; resolves once every routing table has peers
   */
  async function dht (count: number, apart: Array<[number, number]> = []): Promise<FullKithNode[]> {
    const nodes = await Promise.all(Array.from({ length: count }, async () => await net.node() as FullKithNode))
    for (const [i, j] of apart) firewall(nodes[i], nodes[j])
    await Promise.all(nodes.map(async (n, i) => {
      for (const d of [1, 2]) await net.connect(n, nodes[(i + d) % count])
    }))
    await waitFor(() => nodes.every(n => routingTableSize(n) >= 2), 'every routing table has peers')
    return nodes
  }

  /** searches until `check` accepts the results (the owner publishes in the background after create) */
  async function searchUntil (n: FullKithNode, words: string, check: (names: string[]) => boolean, what: string): Promise<Awaited<ReturnType<FullKithNode['channels']['search']>>> {
    return await waitFor(async () => {
      const results = await n.channels.search(words)
      return check(results.map(r => r.name)) ? results : undefined
    }, what)
  }

  it('finds a channel from a peer that never talked to its owner: accent- and case-insensitive, ranked, with verified names', async () => {
    // 7 nodes: node 4 dials 5 and 6 and is dialed by 2 and 3; its gater and the owners' keep it from ever
    // connecting to the owners 0 and 1, whatever peers the DHT tells it about
    const nodes = await dht(7, [[4, 0], [4, 1]])
    const [owner, cookOwner, velosOwner, , searcher] = nodes
    expect(connectedTo(searcher, owner) || connectedTo(searcher, cookOwner)).toBe(false)

    const [{ channelId: santeId }, { channelId: cookingId }] = await Promise.all([
      owner.channels.create('Santé publique Paris', { description: 'Nouvelles de santé', category: 'health' }),
      cookOwner.channels.create('Cooking club', { description: 'Recipes and kitchen tips' })
    ])

    const sante = await searchUntil(searcher, 'sante', names => names.includes('Santé publique Paris'), '"sante" finds Santé publique Paris')
    expect(sante.map(r => r.channelId)).toEqual([santeId])
    expect(sante[0]).toMatchObject({ name: 'Santé publique Paris', description: 'Nouvelles de santé', category: 'health', score: 1 })
    for (const words of ['SANTÉ', 'santé PUBLIQUE']) {
      expect((await searcher.channels.search(words)).map(r => r.channelId), words).toEqual([santeId])
    }
    const cooking = await searchUntil(searcher, 'cooking', names => names.includes('Cooking club'), '"cooking" finds Cooking club')
    expect(cooking.map(r => r.channelId)).toEqual([cookingId])
    expect(cooking[0].description).toBe('Recipes and kitchen tips')

    // a second channel with one of the words: the one matching both ranks first
    await velosOwner.channels.create('Vélos de Paris', { description: 'cycling in the city' })
    const ranked = await searchUntil(searcher, 'paris sante', names => names.includes('Vélos de Paris') && names.includes('Santé publique Paris'), '"paris sante" finds both')
    expect(ranked.map(r => r.name)).toEqual(['Santé publique Paris', 'Vélos de Paris'])
    expect(ranked[0].score).toBeGreaterThan(ranked[1].score)
    expect(connectedTo(searcher, owner) || connectedTo(searcher, cookOwner), 'the searcher never connected to the owners').toBe(false)

    // results carry the name of a meta signed by the channel key: the searcher can check it itself in the DHT
    const record = await searcher.libp2p.contentRouting.get(channelRecordKey(santeId))
    expect(verifyChannelMeta(record, new SignatureVerifier(), channelIdFromString(santeId)).name).toBe(sante[0].name)
  })

  it('still finds a channel once its owner is offline, while DHT peers hold the records', async () => {
    const nodes = await dht(6)
    const [owner, , , , searcher] = nodes
    const { channelId } = await owner.channels.create('Santé publique Paris', { description: 'Nouvelles de santé' })
    await searchUntil(searcher, 'paris', names => names.includes('Santé publique Paris'), 'published')

    await net.stopNode(owner)
    const offline = await searcher.channels.search('Santé Paris')
    expect(offline.map(r => r.channelId)).toEqual([channelId])
    expect(offline[0].name).toBe('Santé publique Paris')
    // and a node that joins afterwards, knowing one peer only, finds it too
    const late = await net.node({ bootstrap: [nodes[3].getMultiaddrs()[0]] }) as FullKithNode
    await waitFor(() => routingTableSize(late) > 0, 'the late node has a routing table')
    const found = await searchUntil(late, 'sante', names => names.length > 0, 'the late node finds it')
    expect(found.map(r => r.channelId)).toEqual([channelId])
  })

  it('shows the newest name after the owner renames the channel, and never a name the channel key did not sign', async () => {
    const nodes = await dht(7, [[4, 0], [4, 1]])
    const [owner, , attacker, , searcher] = nodes
    const { channelId } = await owner.channels.create('Santé publique Paris', { description: 'Nouvelles de santé' })
    await searchUntil(searcher, 'sante', names => names.includes('Santé publique Paris'), 'found')

    // a stranger puts a meta that renames the channel, signed by its own key, under the channel's record and a keyword
    const stranger = generateIdentity()
    const body = ChannelMeta.encode({ channelId: channelIdFromString(channelId), version: 50n, name: 'Santé publique Paris (fermé, allez sur spam.example)', description: '', avatar: '', category: '', language: '', admins: [], timestamp: BigInt(Date.now()) })
    const forged = Signed.encode({ body, signature: sign(stranger, Domain.channelMeta, body) })
    await attacker.libp2p.contentRouting.put(channelRecordKey(channelId), forged).catch(() => {})
    const searched = await searcher.channels.search('sante')
    expect(searched.map(r => r.name)).toEqual(['Santé publique Paris'])

    await owner.channels.edit(channelId, { name: 'Santé publique Île-de-France' })
    const renamed = await searchUntil(searcher, 'sante', names => names.includes('Santé publique Île-de-France'), 'the new name is found')
    expect(renamed.map(r => r.channelId)).toEqual([channelId])
    expect((await searchUntil(searcher, 'ile', names => names.length > 0, '"ile" finds the new name'))[0].channelId).toBe(channelId)
  })

  it('publishes a channel its owner created with no DHT peer as soon as it has some, not at the 6-hourly republish', async () => {
    const nodes = await dht(4)
    // alone, the owner's DHT queries wait for a peer until they time out (here after 1.5 s); the retries that
    // follow (from 200 ms, at most 1 s apart) are the only publishes before the 6-hourly republish
    const owner = await net.node({ channels: { requestTimeout: 1500, publishRetry: { first: 200, max: 1000 } } }) as FullKithNode
    const { channelId } = await owner.channels.create('Lonely bakery', { description: 'bread at dawn' })
    expect((await owner.channels.info(channelId)).directory?.status).toBe('publishing')
    // attempts counts failed publishes until one lands; 'retrying' is only the status between two attempts, which a
    // loaded machine's polls can keep missing
    await waitFor(async () => {
      const directory = (await owner.channels.info(channelId)).directory
      if ((directory?.attempts ?? 0) >= 1) return true
      throw new Error(`directory ${JSON.stringify(directory)}`)
    }, 'the first publish failed')
    await net.connect(owner, nodes[0])
    await net.connect(owner, nodes[1])
    await waitFor(async () => (await owner.channels.info(channelId)).directory?.status === 'published', 'the retried publish lands')
    expect((await nodes[3].channels.info(channelId)).directory).toBeNull()
    // the DHT peers hold the records, not only the owner (whose own store kept them from the first attempt)
    await net.stopNode(owner)
    const found = await searchUntil(nodes[3], 'bakery', names => names.includes('Lonely bakery'), 'found with the owner offline')
    expect(found.map(r => r.channelId)).toEqual([channelId])
  })

  // Publishers that overlap each read a keyword record without the others' channels and put it back; DHT peers
  // merge keyword records on store (channels/directory-store.ts), so none of the eight is lost.
  it('lists eight channels created at the same moment by eight owners under the keyword they share', async () => {
    const nodes = await dht(10)
    const searcher = nodes[9]
    const words = ['partage', 'plantes', 'botanique', 'ouvrier', 'familial', 'potager', 'japonais', 'secret']
    const names = words.map(w => `Jardin ${w}`)
    const created = await Promise.all(names.map(async (name, i) => (await nodes[i].channels.create(name)).channelId))
    // each is published: found by a word of its own ...
    for (const [i, word] of words.entries()) {
      await searchUntil(searcher, word, found => found.includes(names[i]), `${names[i]} is published`)
    }
    // ... and all eight must be listed under the keyword they share
    const jardin = await searcher.channels.search('jardin')
    expect(jardin.map(r => r.channelId).sort()).toEqual([...created].sort())
  })

  // Any peer can put a keyword record every validator accepts (its own channel, validly signed, with the keyword):
  // DHT peers merge it into the listing they hold rather than replace that listing with it.
  it('a stranger cannot wipe a keyword\'s listing by putting a valid record of its own channel alone', async () => {
    const nodes = await dht(7, [[4, 0], [4, 1]])
    const [owner, , attacker, , searcher] = nodes
    const { channelId } = await owner.channels.create('Santé publique Paris', { description: 'Nouvelles de santé' })
    await searchUntil(searcher, 'sante', names => names.includes('Santé publique Paris'), 'found')

    // a record every validator accepts: the attacker's own channel, validly signed, has the keyword
    const spamKey = generateIdentity()
    const spamMeta = signChannelMeta(spamKey, { version: 1, name: 'Santé spam', timestamp: Date.now() })
    await attacker.libp2p.contentRouting.put(keywordRecordKey('sante'), mergeKeywordRecord(undefined, spamMeta, 'sante'))

    const results = await searcher.channels.search('sante')
    expect(results.map(r => r.channelId)).toContain(channelId)
  })
})
