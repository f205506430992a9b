// Flagged channel names (issue 5 point 5): every answer that shows a channel says whether @kith/protocol's
// assessName flags its name and why; directory search leaves flagged channels out unless asked; a relay run with
// --refuse-flagged-names holds no directory record of a flagged channel. Real nodes and processes on 127.0.0.1,
// real LevelDB, no mocks.
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Key } from 'interface-datastore'
import { toString } from 'uint8arrays/to-string'
import { Libp2pRecord } from '@libp2p/record'
import { channelRecordKey, keywordRecordKey, SignatureVerifier, verifyKeywordRecord } from '@kith/protocol'
import { createRelayNode, type FullKithNode, type RelayNode } from '@kith/node'
import { TestNet, waitFor } from './helpers/nodes.js'
import { cleanupDaemons, dialAddr, eventually, startDaemon, startRelay } from './helpers/daemon.js'

const SCAM = 'WhatsApp Suport'
const PLAIN = 'Parents of 5B'

const routingTableSize = (n: { libp2p: unknown }): number => (n.libp2p as { services: { dht: { routingTable: { size: number } } } }).services.dht.routingTable.size

/** the value a node's DHT holds for a record key, read from its libp2p datastore (kad-dht's /dht/record/<base32>) */
async function held (node: FullKithNode | RelayNode, key: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    return Libp2pRecord.deserialize(await node.store.libp2pDatastore.get(new Key(`/dht/record/${toString(key, 'base32')}`, false))).value
  } catch {
    return undefined
  }
}

/** the channel names listed in the keyword record a node holds */
async function listed (node: FullKithNode | RelayNode, keyword: string): Promise<string[] | undefined> {
  const value = await held(node, keywordRecordKey(keyword))
  return value == null ? undefined : verifyKeywordRecord(undefined, value, new SignatureVerifier()).entries.map(m => m.name).sort()
}

describe('channels: flagged names', () => {
  const net = new TestNet()
  const relays: RelayNode[] = []
  const dirs: string[] = []
  afterEach(async () => {
    await net.close()
    await Promise.allSettled(relays.map(r => r.stop()))
    relays.length = 0
    await Promise.allSettled(dirs.map(d => rm(d, { recursive: true, force: true })))
  })

  const node = async (): Promise<FullKithNode> => await net.node() as FullKithNode

  it(`flags "${SCAM}" at creation and in every answer that shows it; "${PLAIN}" is not flagged`, async () => {
    const owner = await node()
    const follower = await node()
    await net.connect(follower, owner)
    const scam = await owner.channels.create(SCAM, { description: 'help chat' })
    const plain = await owner.channels.create(PLAIN, { description: 'class news' })
    expect(scam).toMatchObject({ flagged: true })
    expect(scam.flagReasons).toContain('official-claim:WhatsApp')
    expect(plain).toEqual({ channelId: plain.channelId, flagged: false, flagReasons: [] })

    expect(await owner.channels.info(scam.channelId)).toMatchObject({ name: SCAM, flagged: true, flagReasons: scam.flagReasons })
    expect(await owner.channels.info(plain.channelId)).toMatchObject({ name: PLAIN, flagged: false, flagReasons: [] })
    const list = await owner.channels.list()
    expect(Object.fromEntries(list.map(c => [c.name, c.flagged]))).toEqual({ [SCAM]: true, [PLAIN]: false })

    expect(await follower.channels.follow(scam.channelId)).toMatchObject({ name: SCAM, flagged: true })
    expect(await follower.channels.follow(plain.channelId)).toMatchObject({ name: PLAIN, flagged: false })
    await owner.channels.post(scam.channelId, { kind: 'text', text: 'send us your code' })
    await waitFor(async () => (await follower.channels.updates()).some(u => u.newestPost != null), 'the follower has the post')
    const updates = await follower.channels.updates()
    expect(updates.map(u => [u.name, u.flagged, u.flagReasons.length > 0])).toEqual([[SCAM, true, true], [PLAIN, false, false]])

    // a rename is judged again: the answer to the edit, and the follower's view once the new meta arrives
    const renamed = await owner.channels.edit(plain.channelId, { name: 'Kíth Support' })
    expect(renamed).toMatchObject({ name: 'Kíth Support', flagged: true })
    expect(renamed.flagReasons).toContain('impersonates:Kith')
    await waitFor(async () => (await follower.channels.info(plain.channelId)).flagged, 'the follower sees the new name flagged')
  })

  it('directory search leaves flagged channels out unless includeFlagged', async () => {
    const nodes = await Promise.all(Array.from({ length: 5 }, async () => await node()))
    for (const [i, n] of nodes.entries()) await net.connect(n, nodes[(i + 1) % nodes.length])
    await waitFor(() => nodes.every(n => routingTableSize(n) >= 2), 'routing tables')
    const [owner, , , , searcher] = nodes
    const { channelId: scamId } = await owner.channels.create(SCAM, { description: 'school chat help' })
    const { channelId: plainId } = await owner.channels.create(PLAIN, { description: 'school news' })

    const both = await waitFor(async () => {
      const found = await searcher.channels.search('school', { includeFlagged: true })
      return found.length === 2 ? found : undefined
    }, 'both channels are published')
    expect(both.map(r => [r.channelId, r.flagged])).toEqual(expect.arrayContaining([[scamId, true], [plainId, false]]))
    expect(both.find(r => r.channelId === scamId)?.flagReasons).toContain('official-claim:WhatsApp')

    expect((await searcher.channels.search('school')).map(r => [r.name, r.flagged, r.flagReasons])).toEqual([[PLAIN, false, []]])
    expect(await searcher.channels.search('whatsapp')).toEqual([])
    expect((await searcher.channels.search('whatsapp', { includeFlagged: true })).map(r => r.channelId)).toEqual([scamId])
    expect((await searcher.channels.search('parents')).map(r => r.channelId)).toEqual([plainId])
  })

  it('a relay told to refuse flagged names holds no directory record of a flagged channel, and drops one renamed to a flagged name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kith-relay-'))
    dirs.push(dir)
    const relay = await createRelayNode({ dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, refuseFlaggedNames: true })
    relays.push(relay)
    const [owner, other, searcher] = await Promise.all([node(), node(), node()])
    for (const n of [owner, other, searcher]) await n.connect(relay.getMultiaddrs()[0])
    await net.connect(owner, other)
    await net.connect(other, searcher)
    await waitFor(() => [owner, other, searcher, relay].every(n => routingTableSize(n) >= 2), 'routing tables')

    const { channelId: scamId } = await owner.channels.create(SCAM, { description: 'school chat help' })
    const { channelId: plainId } = await owner.channels.create(PLAIN, { description: 'school news' })
    await waitFor(async () => (await owner.channels.info(scamId)).directory?.status === 'published' && (await owner.channels.info(plainId)).directory?.status === 'published', 'both published')
    await waitFor(async () => (await listed(relay, 'school'))?.length === 1, 'the relay lists the plain channel under "school"')

    // the other Kith node holds everything; the relay nothing of the flagged channel
    expect(await held(other, channelRecordKey(scamId))).toBeDefined()
    expect(await listed(other, 'school')).toEqual([PLAIN, SCAM].sort())
    expect(await listed(other, 'whatsapp')).toEqual([SCAM])
    expect(await held(relay, channelRecordKey(scamId))).toBeUndefined()
    expect(await held(relay, channelRecordKey(plainId))).toBeDefined()
    expect(await listed(relay, 'school')).toEqual([PLAIN])
    expect(await listed(relay, 'whatsapp')).toBeUndefined()

    // renamed to a flagged name, the channel's older record and listing go from the relay too
    await owner.channels.edit(plainId, { name: 'Kíth Support' })
    await waitFor(async () => (await owner.channels.info(plainId)).directory?.status === 'published', 'the rename is published')
    await waitFor(async () => await held(relay, channelRecordKey(plainId)) == null, 'the relay drops the renamed channel\'s record')
    await waitFor(async () => await listed(relay, 'school') == null, 'and its listing under "school"')
    expect(await listed(other, 'school')).toEqual(['Kíth Support', SCAM].sort())
    // searches still work through the refusing relay
    const found = await searcher.channels.search('school', { includeFlagged: true })
    expect(found.map(r => r.name).sort()).toEqual(['Kíth Support', SCAM].sort())
    expect(await searcher.channels.search('school')).toEqual([])
  })
})

describe('channels: flagged names from the CLI (real processes)', () => {
  afterAll(async () => { await cleanupDaemons() })

  it('kith channel create / list / search [--include-flagged] / follow / updates carry "flagged" and "flagReasons"; kith relay --refuse-flagged-names starts', async () => {
    const relay = await startRelay({ args: ['--refuse-flagged-names'] })
    expect(relay.stderr()).toContain('"refuseFlaggedNames":true')
    const bootstrap = ['--bootstrap', dialAddr(relay)]
    const [a, b] = await Promise.all([startDaemon({ args: bootstrap }), startDaemon({ args: bootstrap })])

    const scam = await a.json<{ channelId: string, flagged: boolean, flagReasons: string[] }>(['channel', 'create', SCAM, '--description', 'school chat help'])
    expect(scam.flagged).toBe(true)
    expect(scam.flagReasons).toContain('official-claim:WhatsApp')
    const plain = await a.json(['channel', 'create', PLAIN, '--description', 'school news'])
    expect(plain).toEqual({ channelId: expect.any(String), flagged: false, flagReasons: [] })
    const human = await a.run(['channel', 'create', 'Kíth Support'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toContain('[flagged: impersonates:Kith')
    const list = await a.json<Array<{ name: string, flagged: boolean }>>(['channel', 'list'])
    expect(Object.fromEntries(list.map(c => [c.name, c.flagged]))).toEqual({ [SCAM]: true, [PLAIN]: false, 'Kíth Support': true })

    type Found = Array<{ channelId: string, flagged: boolean }>
    const everything = await eventually(async (): Promise<Found> => {
      const found = await b.json<Found>(['channel', 'search', 'school', '--include-flagged'])
      if (found.length !== 2) throw new Error(`found ${found.length}`)
      return found
    }, 60_000, 500)
    expect(everything.map(r => [r.channelId, r.flagged])).toEqual(expect.arrayContaining([[scam.channelId, true], [plain.channelId, false]]))
    expect((await b.json<Array<{ channelId: string }>>(['channel', 'search', 'school'])).map(r => r.channelId)).toEqual([plain.channelId])
    const shown = await b.run(['channel', 'search', 'school', '--include-flagged'])
    expect(shown.stdout).toContain(`${SCAM}  (`)
    expect(shown.stdout).toContain('[flagged: ')

    expect(await b.json(['channel', 'follow', scam.channelId])).toMatchObject({ name: SCAM, flagged: true })
    const updates = await b.json<Array<{ name: string, flagged: boolean, flagReasons: string[] }>>(['updates'])
    expect(updates).toEqual([expect.objectContaining({ name: SCAM, flagged: true, flagReasons: scam.flagReasons })])
  }, 180_000)
})
