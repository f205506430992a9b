import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, describe, expect, it } from 'vitest'
import { createKithNode } from './create-node.ts'
import { ConnectFailedError, DataFolderLockedError, InvalidArgumentError, NotStartedError } from './errors.ts'
import { IDENTITY_KEY } from './identity.ts'
import type { KithNodeCore, KithNodeCoreInit } from './create-node.ts'

async function waitFor (cond: () => boolean | Promise<boolean>, what: string, timeout = 5_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

describe('createKithNode', () => {
  const nodes: KithNodeCore[] = []
  const dirs: string[] = []

  afterEach(async () => {
    await Promise.allSettled(nodes.splice(0).map(async n => n.stop()))
    await Promise.allSettled(dirs.splice(0).map(async d => rm(d, { recursive: true, force: true })))
  })

  async function tempDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'kith-node-'))
    dirs.push(dir)
    return dir
  }

  async function node (init: Partial<KithNodeCoreInit> = {}): Promise<KithNodeCore> {
    const n = await createKithNode({
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      ...init,
      dataDir: init.dataDir ?? await tempDir()
    })
    nodes.push(n)
    return n
  }

  it('creates an identity on first start and reuses it after a restart', async () => {
    const dir = await tempDir()
    const a = await node({ dataDir: dir })
    expect(a.peerId).toMatch(/^12D3KooW/)
    expect(a.libp2p.peerId.toString()).toBe(a.peerId)
    expect(a.dataDir).toBe(dir)
    expect(a.privateKey.type).toBe('Ed25519')
    expect(await a.store.app.get(IDENTITY_KEY)).toBeInstanceOf(Uint8Array)
    await a.stop()

    const b = await node({ dataDir: dir })
    expect(b.peerId).toBe(a.peerId)
    expect(b.privateKey.equals(a.privateKey)).toBe(true)
  })

  it('composes only Kith\'s services: no autoTLS, UPnP, delegated HTTP routing or gateways', async () => {
    const a = await node({ listen: [] })
    expect(Object.keys(a.libp2p.services).sort()).toEqual(['dcutr', 'dht', 'identify', 'identifyPush', 'ping', 'pubsub'])
    expect((a.helia.routing as any).routers.map((r: any) => r.name)).toEqual(['libp2p-router'])
    expect((a.helia as any).blockBrokers.map((b: any) => b.name)).toEqual(['bitswap'])
    expect(a.libp2p.getProtocols()).toContain('/kith/kad/1.0.0')
    expect(a.libp2p.getProtocols()).not.toContain('/ipfs/kad/1.0.0')
  })

  it('refuses a second open of a data folder held by a running node', async () => {
    const dir = await tempDir()
    const a = await node({ dataDir: dir })
    const err = await createKithNode({ dataDir: dir, listen: [], mdns: false }).then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(DataFolderLockedError)
    expect((err as Error).message).toBe(`another Kith process holds the data folder ${dir}`)
    // the running node is unaffected, and once it stops the folder opens
    expect(a.isStarted).toBe(true)
    await a.stop()
    const b = await node({ dataDir: dir })
    expect(b.peerId).toBe(a.peerId)
  })

  it('connects two nodes over TCP on 127.0.0.1 and exchanges a gossipsub message', async () => {
    const a = await node()
    const b = await node()
    const connected: string[] = []
    b.addEventListener('peer:connected', (evt) => { connected.push(evt.detail.peerId) })

    const addr = a.getMultiaddrs().find(ma => ma.includes('/tcp/'))
    expect(addr).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW/)
    const info = await b.connect(addr!)
    expect(info.peerId).toBe(a.peerId)
    expect(info.addrs.length).toBeGreaterThan(0)
    expect(b.peers().map(p => p.peerId)).toContain(a.peerId)
    await waitFor(() => a.peers().some(p => p.peerId === b.peerId), 'a to see b')
    expect(connected).toContain(a.peerId)

    const topic = 'kith/test/' + randomBytes(4).toString('hex')
    a.libp2p.services.pubsub.subscribe(topic)
    b.libp2p.services.pubsub.subscribe(topic)
    await waitFor(() => a.libp2p.services.pubsub.getSubscribers(topic).some(p => p.toString() === b.peerId), 'a to see b subscribed')
    await waitFor(() => (b.libp2p.services.pubsub as any).getMeshPeers(topic).includes(a.peerId), 'b to graft a')

    const received = new Promise<Uint8Array>((resolve) => {
      b.libp2p.services.pubsub.addEventListener('message', (evt) => {
        if (evt.detail.topic === topic) resolve(evt.detail.data)
      })
    })
    const payload = new TextEncoder().encode('hello kith')
    const result = await a.libp2p.services.pubsub.publish(topic, payload)
    expect(result.recipients.map(String)).toContain(b.peerId)
    // gossipsub hands data over as a Node Buffer (a Uint8Array subclass)
    expect(Uint8Array.from(await received)).toEqual(payload)

    // identical payloads have the same id (sha256 of the data): a repeat is a duplicate
    await expect(a.libp2p.services.pubsub.publish(topic, payload)).rejects.toThrow(/[Dd]uplicate/)

    const disconnected = new Promise<string>((resolve) => {
      b.addEventListener('peer:disconnected', (evt) => { resolve(evt.detail.peerId) })
    })
    await a.stop()
    expect(await disconnected).toBe(a.peerId)
  })

  it('relays gossip through a middle node (B - A - C)', async () => {
    const a = await node()
    const b = await node()
    const c = await node()
    await b.connect(a.getMultiaddrs()[0])
    await c.connect(a.getMultiaddrs()[0])
    const topic = 'kith/relay/' + randomBytes(4).toString('hex')
    for (const n of [a, b, c]) n.libp2p.services.pubsub.subscribe(topic)
    const got: string[] = []
    c.libp2p.services.pubsub.addEventListener('message', (evt) => { got.push(new TextDecoder().decode(evt.detail.data)) })
    // Wait for the mesh, not just for A to list C as a subscriber: A learns C's subscription over C's stream before
    // its own stream to C is open, and a message A forwards before C is grafted never reaches C (gossip IHAVE goes
    // only to non-mesh peers, and C is grafted at the next heartbeat).
    const mesh = (n: KithNodeCore): string[] => (n.libp2p.services.pubsub as any).getMeshPeers(topic)
    await waitFor(() => mesh(a).includes(b.peerId) && mesh(a).includes(c.peerId) && mesh(b).includes(a.peerId) && mesh(c).includes(a.peerId), 'the mesh')
    await b.libp2p.services.pubsub.publish(topic, new TextEncoder().encode('from b'))
    await a.libp2p.services.pubsub.publish(topic, new TextEncoder().encode('from a'))
    await waitFor(() => got.length === 2, 'c to receive both')
    expect(got.sort()).toEqual(['from a', 'from b'])
  })

  it('connects two nodes over the memory transport', async () => {
    const name = `/memory/kith-${randomBytes(6).toString('hex')}`
    const a = await node({ listen: [name] })
    const b = await node({ listen: [] })
    expect(a.getMultiaddrs()).toEqual([`${name}/p2p/${a.peerId}`])
    const info = await b.connect(a.getMultiaddrs()[0])
    expect(info.peerId).toBe(a.peerId)
    expect(info.addrs[0]).toContain('/memory/')
    // libp2p and helia share the connection: a ping over it works
    const rtt = await b.libp2p.services.ping.ping(a.libp2p.peerId, { signal: AbortSignal.timeout(5_000) })
    expect(rtt).toBeGreaterThanOrEqual(0)
  })

  it('connects over WebSockets (Node 20 needs a WebSocket global)', async () => {
    const a = await node({ listen: ['/ip4/127.0.0.1/tcp/0/ws'] })
    const b = await node({ listen: [] })
    const addr = a.getMultiaddrs()[0]
    expect(addr).toContain('/ws/p2p/')
    expect((await b.connect(addr)).peerId).toBe(a.peerId)
  })

  it('runs the Kith DHT with custom record validators and selectors', async () => {
    const validated: string[] = []
    const dht = {
      validators: { kithtest: async (key: Uint8Array) => { validated.push(new TextDecoder().decode(key)) } },
      selectors: { kithtest: () => 0 }
    }
    const a = await node({ dht })
    const b = await node({ dht })
    await b.connect(a.getMultiaddrs()[0])
    expect(a.libp2p.getProtocols()).toContain('/kith/kad/1.0.0')
    const tableSize = (n: KithNodeCore): number => (n.libp2p.services.dht as any).routingTable.size
    await waitFor(() => tableSize(a) > 0 && tableSize(b) > 0, 'the peers in each other\'s DHT routing table')
    const key = new TextEncoder().encode('/kithtest/hello')
    await a.libp2p.contentRouting.put(key, new TextEncoder().encode('world'), { signal: AbortSignal.timeout(5_000) })
    const value = await b.libp2p.contentRouting.get(key, { signal: AbortSignal.timeout(5_000) })
    expect(new TextDecoder().decode(value)).toBe('world')
    expect(validated).toContain('/kithtest/hello')
  })

  it('keeps a block put into helia across a restart', async () => {
    const dir = await tempDir()
    const a = await node({ dataDir: dir, listen: [] })
    const bytes = randomBytes(1024)
    const cid = CID.createV1(raw.code, await sha256.digest(bytes))
    await a.helia.blockstore.put(cid, bytes)
    expect(await a.helia.blockstore.has(cid)).toBe(true)
    await a.stop()

    const b = await node({ dataDir: dir, listen: [] })
    const chunks: Uint8Array[] = []
    for await (const chunk of b.helia.blockstore.get(cid, { offline: true, signal: AbortSignal.timeout(5_000) })) {
      chunks.push(chunk)
    }
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true)
  })

  it('stops and starts again on the same object, running services in order', async () => {
    const a = await node({ start: false })
    expect(a.isStarted).toBe(false)
    expect(() => a.libp2p).toThrow(NotStartedError)
    expect(a.getMultiaddrs()).toEqual([])

    const calls: string[] = []
    const service = (name: string) => ({
      start: async () => { calls.push(`start ${name} libp2p=${a.libp2p.status}`) },
      stop: () => { calls.push(`stop ${name} libp2p=${a.libp2p.status}`) }
    })
    await a.addService(service('one'))
    await a.addService(service('two'))
    await a.start()
    await a.start() // idempotent
    expect(calls).toEqual(['start one libp2p=started', 'start two libp2p=started'])

    // added to a running node: started at once
    await a.addService(service('three'))
    expect(calls.at(-1)).toBe('start three libp2p=started')

    calls.length = 0
    await Promise.all([a.stop(), a.stop()])
    expect(calls).toEqual(['stop three libp2p=started', 'stop two libp2p=started', 'stop one libp2p=started'])
    expect(a.store.isOpen).toBe(false)
    expect(a.peers()).toEqual([])

    calls.length = 0
    await a.start()
    expect(a.store.isOpen).toBe(true)
    expect(a.getMultiaddrs().length).toBeGreaterThan(0)
    expect(calls).toEqual(['start one libp2p=started', 'start two libp2p=started', 'start three libp2p=started'])
    const b = await node()
    expect((await b.connect(a.getMultiaddrs()[0])).peerId).toBe(a.peerId)
  })

  it('dials bootstrap peers at start', async () => {
    const a = await node()
    const b = await node({ bootstrap: [a.getMultiaddrs()[0]] })
    await waitFor(() => b.peers().some(p => p.peerId === a.peerId), 'b to dial its bootstrap peer')
    // tagged keep-alive, so libp2p redials it after a disconnect
    await waitFor(async () => (await b.libp2p.peerStore.get(a.libp2p.peerId)).tags.has('keep-alive'), 'the keep-alive tag')
  })

  it('finds and dials peers on the local network with mDNS', async () => {
    // a unique service tag keeps this test apart from any other Kith node on the machine
    const mdnsServiceTag = `_kith-${randomBytes(4).toString('hex')}._udp.local`
    const a = await node({ mdns: true, mdnsServiceTag })
    const b = await node({ mdns: true, mdnsServiceTag })
    await waitFor(() => b.peers().some(p => p.peerId === a.peerId) && a.peers().some(p => p.peerId === b.peerId), 'mDNS peers to connect')
    // after a restart the peer is already in the persistent peer store: it is still dialed
    await b.stop()
    await waitFor(() => !a.peers().some(p => p.peerId === b.peerId), 'the disconnect')
    await b.start()
    await waitFor(() => b.peers().some(p => p.peerId === a.peerId), 'mDNS to reconnect after a restart')
  })

  it('reports bad and unreachable addresses with named errors', async () => {
    const a = await node({ listen: [] })
    await expect(a.connect('not a multiaddr')).rejects.toBeInstanceOf(InvalidArgumentError)
    const other = await node()
    const addr = other.getMultiaddrs()[0]
    await other.stop()
    const err = await a.connect(addr, { signal: AbortSignal.timeout(2_000) }).then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(ConnectFailedError)
    expect((err as Error).message).toContain(addr)
    await a.stop()
    await expect(a.connect(addr)).rejects.toBeInstanceOf(NotStartedError)
  })

  it('rejects a missing dataDir and releases the folder when start fails', async () => {
    await expect(createKithNode({ dataDir: '' })).rejects.toBeInstanceOf(InvalidArgumentError)
    const dir = await tempDir()
    await expect(createKithNode({ dataDir: dir, listen: ['/ip4/127.0.0.1/udp/0/not-a-transport'], mdns: false }))
      .rejects.toThrow()
    // the folder is not left locked
    const a = await node({ dataDir: dir })
    expect(a.isStarted).toBe(true)
  })
})
