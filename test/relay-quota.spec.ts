// The relay's quotas and history, driven through its own protocols (/kith/relay/register/1.0.0,
// /kith/relay/store/1.0.0, /kith/history/1.0.0) by a test peer: a plain Kith node (libp2p + store, no groups) that
// signs registrations with its own peer key. Real relay nodes on 127.0.0.1, real LevelDB in temp folders.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  decodeHistoryPage, decodeRegistrationResponse, decodeStoreResponse, encryptGroupMessage, generateIdentity,
  groupTopic, HistoryRequest, identityFromSeed, Inner, newSenderChain, signTopicRegistration, StoreRequest, toHex,
  type HistoryPage, type Identity, type RegistrationResponse, type StoreResponse
} from '@kith/protocol'
import { createKithNodeCore, createRelayNode, openStore, RELAY_REGISTER_PROTOCOL, RELAY_STORE_PROTOCOL, HISTORY_PROTOCOL, type KithNodeCore, type KithStore, type RelayInit, type RelayNode } from '@kith/node'
// the same framing the node speaks (one length-prefixed request, then the answer frames)
import { requestFrames } from '../packages/node/src/stream-rpc.js'
import { RelayStore } from '../packages/node/src/relay/relay-store.js'
import type { AppDb } from '../packages/node/src/groups/group-store.js'

const T0 = 1_800_000_000_000

/** a group topic as a daemon would register it (random group id) */
function topic (): string {
  return groupTopic(new Uint8Array(randomBytes(32)))
}

/** `n` real GroupWire cipher messages (one sender chain), each with `textBytes` of text: distinct bytes, same size */
function wires (n: number, textBytes = 200): Uint8Array[] {
  const identity = generateIdentity()
  let chain = newSenderChain(new Uint8Array(randomBytes(32)))
  const out: Uint8Array[] = []
  for (let i = 0; i < n; i++) {
    const r = encryptGroupMessage(identity, chain, { seq: BigInt(i + 1), timestamp: BigInt(T0), kind: Inner.Kind.TEXT, text: 'x'.repeat(textBytes), receipts: [], padding: new Uint8Array(0) })
    out.push(r.wire)
    chain = r.chain
  }
  return out
}

const hex = (m: Uint8Array): string => toHex(m)

/** what the relay's store counts for one message: its bytes (keys and indexes are not counted) */
const storedSize = (m: Uint8Array): number => m.byteLength

interface Harness {
  relay: RelayNode
  dir: string
  clock: { now: number }
}

describe('relay: quotas, retention and history through its protocols', () => {
  const relays: RelayNode[] = []
  const peers: KithNodeCore[] = []
  const dirs: string[] = []

  afterEach(async () => {
    await Promise.allSettled(peers.map(async p => { await p.stop() }))
    await Promise.allSettled(relays.map(async r => { await r.stop() }))
    peers.length = 0
    relays.length = 0
    await Promise.allSettled(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
    dirs.length = 0
  })

  async function tempDir (prefix: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix))
    dirs.push(dir)
    return dir
  }

  /** a relay with an injected clock (starts at T0); a fresh data folder unless `dir` is given */
  async function startRelay (init: RelayInit = {}, dir?: string, clock = { now: T0 }): Promise<Harness> {
    const dataDir = dir ?? await tempDir('kith-relay-q-')
    const relay = await createRelayNode({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, now: () => clock.now, relay: init })
    relays.push(relay)
    return { relay, dir: dataDir, clock }
  }

  /** a test peer connected to the relay; `identity` is its own peer key as a Kith identity */
  async function startPeer (relay: RelayNode): Promise<{ node: KithNodeCore, identity: Identity }> {
    const node = await createKithNodeCore({ dataDir: await tempDir('kith-peer-q-'), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    peers.push(node)
    await node.connect(relay.getMultiaddrs()[0])
    return { node, identity: identityFromSeed(node.privateKey.raw) }
  }

  async function call (node: KithNodeCore, relay: RelayNode, protocol: string, request: Uint8Array): Promise<Uint8Array> {
    const signal = AbortSignal.timeout(10_000)
    const stream = await node.libp2p.dialProtocol(peerIdFromString(relay.peerId), protocol, { signal })
    const [frame] = await requestFrames(stream, request, { maxFrameBytes: 8 * 1024 * 1024, maxFrames: 1 }, signal)
    if (frame == null) throw new Error(`no answer on ${protocol}`)
    return frame
  }

  async function register (node: KithNodeCore, relay: RelayNode, topics: string[], signer: Identity): Promise<RegistrationResponse> {
    return decodeRegistrationResponse(await call(node, relay, RELAY_REGISTER_PROTOCOL, signTopicRegistration(signer, topics, Date.now())))
  }

  async function store (node: KithNodeCore, relay: RelayNode, t: string, messages: Uint8Array[]): Promise<StoreResponse> {
    return decodeStoreResponse(await call(node, relay, RELAY_STORE_PROTOCOL, StoreRequest.encode({ topic: t, messages })))
  }

  async function page (node: KithNodeCore, relay: RelayNode, t: string, since: number, cursor: string, limit: number): Promise<HistoryPage> {
    return decodeHistoryPage(await call(node, relay, HISTORY_PROTOCOL, HistoryRequest.encode({ topic: t, since: BigInt(since), cursor, limit })))
  }

  /** every page from `since`, as a requester pages: until the cursor comes back empty */
  async function history (node: KithNodeCore, relay: RelayNode, t: string, since = 0, limit = 500): Promise<{ messages: Uint8Array[], pages: number[] }> {
    const messages: Uint8Array[] = []
    const pages: number[] = []
    let cursor = ''
    for (let i = 0; i < 1000; i++) {
      const p = await page(node, relay, t, since, cursor, limit)
      messages.push(...p.messages)
      pages.push(p.messages.length)
      cursor = p.cursor
      if (cursor === '' || p.messages.length === 0) break
    }
    return { messages, pages }
  }

  const unlimited = { perSecond: 1e9, burst: 1e9 }

  it('storage quota: evicts the oldest first and keeps the newest', async () => {
    const t = topic()
    const msgs = wires(40, 1000)
    const sizes = msgs.map(storedSize)
    const maxStorageBytes = 12 * 1200 // room for about 12 of them
    // what must survive: the newest messages whose sizes fit in the quota together
    let keep = 0
    for (let i = msgs.length - 1, sum = 0; i >= 0 && sum + sizes[i] <= maxStorageBytes; i--) {
      sum += sizes[i]
      keep++
    }
    expect(keep).toBeGreaterThan(5)
    expect(keep).toBeLessThan(20)
    const { relay, clock } = await startRelay({ maxStorageBytes, peerRate: unlimited })
    const { node, identity } = await startPeer(relay)
    expect((await register(node, relay, [t], identity)).accepted).toEqual([t])

    // one message per request, one (fake) second apart: arrival order is unambiguous
    for (const m of msgs) {
      expect((await store(node, relay, t, [m])).stored).toBe(1)
      clock.now += 1000
    }
    // the relay prunes in the background once it is over quota; force the last round and wait for it
    await relay.relay.prune()
    await relay.relay.prune()
    const stats = relay.relay.stats()
    expect(stats.storedBytes).toBeLessThanOrEqual(maxStorageBytes)
    expect(stats.storedMessages).toBe(keep)
    expect(stats.evicted).toBe(msgs.length - keep)
    expect(stats.expired).toBe(0)
    const { messages } = await history(node, relay, t)
    expect(messages.map(hex)).toEqual(msgs.slice(-keep).map(hex))
  })

  it('retention: expired messages are deleted and history no longer serves them', async () => {
    const retention = 60_000
    const { relay, clock } = await startRelay({ retention, peerRate: unlimited })
    const { node, identity } = await startPeer(relay)
    const t = topic()
    await register(node, relay, [t], identity)
    const [old, fresh] = [wires(5), wires(5)]
    expect((await store(node, relay, t, old)).stored).toBe(5)
    clock.now += 30_000
    expect((await store(node, relay, t, fresh)).stored).toBe(5)

    clock.now = T0 + retention - 1 // nothing is older than the retention yet
    expect(await relay.relay.prune()).toEqual({ expired: 0, evicted: 0 })
    expect((await history(node, relay, t)).messages).toHaveLength(10)

    clock.now = T0 + retention + 1 // the first five are now older than the retention
    expect(await relay.relay.prune()).toEqual({ expired: 5, evicted: 0 })
    expect(relay.relay.stats()).toMatchObject({ storedMessages: 5, expired: 5 })
    const served = (await history(node, relay, t)).messages.map(hex)
    expect(served.sort()).toEqual(fresh.map(hex).sort())
    for (const m of old) expect(served).not.toContain(hex(m))

    clock.now = T0 + 30_000 + retention + 1
    expect(await relay.relay.prune()).toEqual({ expired: 5, evicted: 0 })
    expect((await history(node, relay, t)).messages).toHaveLength(0)
    expect(relay.relay.stats()).toMatchObject({ storedMessages: 0, storedBytes: 0, expired: 10 })
  })

  it('per-peer topic quota: the topics past maxTopicsPerPeer are refused, and messages for them are not kept', async () => {
    const { relay } = await startRelay({ maxTopicsPerPeer: 3, peerRate: unlimited })
    const { node, identity } = await startPeer(relay)
    const topics = [topic(), topic(), topic(), topic(), topic()]

    const first = await register(node, relay, topics, identity)
    expect(first.accepted).toEqual(topics.slice(0, 3))
    expect(first.error).toMatch(/quota/)
    expect(relay.relay.stats().rejected.quota).toBe(2)
    // a topic it already holds is fine again; a new one is not
    expect(await register(node, relay, [topics[0]], identity)).toEqual({ accepted: [topics[0]], error: '' })
    expect((await register(node, relay, [topics[4]], identity)).accepted).toEqual([])
    expect(relay.relay.topics().sort()).toEqual(topics.slice(0, 3).sort())

    // the quota is per peer: another peer may register its own (and join a topic the first one holds)
    const other = await startPeer(relay)
    expect((await register(other.node, relay, [topics[3], topics[4], topics[0]], other.identity)).accepted).toEqual([topics[3], topics[4], topics[0]])
    expect(relay.relay.topics()).toHaveLength(5)

    // messages for a topic nobody registered are not kept
    const stray = topic()
    const response = await store(node, relay, stray, wires(2))
    expect(response.stored).toBe(0)
    expect(response.error).not.toBe('')
    expect(relay.relay.stats().rejected['unregistered-topic']).toBe(1)
    expect((await history(node, relay, stray)).messages).toHaveLength(0)
  })

  it('a registration signed by another key than the stream\'s peer is refused', async () => {
    const { relay } = await startRelay()
    const { node, identity } = await startPeer(relay)
    const t = topic()
    const someoneElse = generateIdentity()
    const refused = await register(node, relay, [t], someoneElse)
    expect(refused.accepted).toEqual([])
    expect(refused.error).toMatch(/peer that signed it/)
    expect(relay.relay.topics()).toEqual([])

    // a registration whose signature does not verify is refused too
    const forged = signTopicRegistration(identity, [t], Date.now())
    forged[forged.length - 1] ^= 1
    const bad = decodeRegistrationResponse(await call(node, relay, RELAY_REGISTER_PROTOCOL, forged))
    expect(bad.accepted).toEqual([])
    expect(bad.error).not.toBe('')
    expect(relay.relay.topics()).toEqual([])

    // and nothing is kept for the topic
    expect((await store(node, relay, t, wires(1))).stored).toBe(0)
    // signed by the peer itself, the same registration is accepted
    expect(await register(node, relay, [t], identity)).toEqual({ accepted: [t], error: '' })
  })

  it('history pages page correctly over 1,200 messages (since, cursor, limit)', async () => {
    const { relay, clock } = await startRelay({ peerRate: unlimited })
    const { node, identity } = await startPeer(relay)
    const t = topic()
    const other = topic()
    await register(node, relay, [t, other], identity)
    const msgs = wires(1200, 100)
    // 12 store requests of 100 (the most one may carry), one fake second apart
    const batchAt: number[] = []
    for (let b = 0; b < 12; b++) {
      batchAt.push(clock.now)
      expect((await store(node, relay, t, msgs.slice(b * 100, b * 100 + 100))).stored).toBe(100)
      clock.now += 1000
    }
    // another topic's messages never leak into this one's pages
    await store(node, relay, other, wires(50, 100))
    expect(relay.relay.stats().storedMessages).toBe(1250)

    /** within one store request the messages share a receive time; across requests the order is the arrival order */
    const batchesOf = (served: Uint8Array[]): string[][] => {
      const out: string[][] = []
      for (let i = 0; i < served.length; i += 100) out.push(served.slice(i, i + 100).map(hex).sort())
      return out
    }
    const expected = (from: number): string[][] => Array.from({ length: 12 - from }, (_, i) => msgs.slice((from + i) * 100, (from + i) * 100 + 100).map(hex).sort())

    // the whole history at the largest page size: 500 + 500 + 200, then an empty cursor
    const all = await history(node, relay, t)
    expect(all.pages).toEqual([500, 500, 200])
    expect(new Set(all.messages.map(hex)).size).toBe(1200)
    expect(batchesOf(all.messages)).toEqual(expected(0))

    // an odd page size: every message once, in the same order
    const small = await history(node, relay, t, 0, 7)
    expect(small.pages.length).toBe(Math.ceil(1200 / 7) + (1200 % 7 === 0 ? 1 : 0))
    expect(small.messages.map(hex)).toEqual(all.messages.map(hex))

    // limits are clamped to 1..500
    expect((await page(node, relay, t, 0, '', 0)).messages).toHaveLength(1)
    expect((await page(node, relay, t, 0, '', 100_000)).messages).toHaveLength(500)

    // since: from the receive time of the 8th request on (the 8th included)
    const since = await history(node, relay, t, batchAt[7])
    expect(since.messages).toHaveLength(500)
    expect(batchesOf(since.messages)).toEqual(expected(7))
    expect((await history(node, relay, t, clock.now)).messages).toHaveLength(0)

    // a cursor continues exactly where its page ended
    const p1 = await page(node, relay, t, 0, '', 250)
    const p2 = await page(node, relay, t, 0, p1.cursor, 250)
    expect([...p1.messages, ...p2.messages].map(hex)).toEqual(all.messages.slice(0, 500).map(hex))
    // a cursor from another topic, or garbage, cannot move the start: it pages from `since`
    const foreign = await page(node, relay, other, 0, '', 10)
    expect((await page(node, relay, t, 0, foreign.cursor, 10)).messages.map(hex)).toEqual(all.messages.slice(0, 10).map(hex))
    expect((await page(node, relay, t, 0, 'rx/\uffff', 10)).messages.map(hex)).toEqual(all.messages.slice(0, 10).map(hex))
    // a topic the relay does not carry has no history
    expect(await page(node, relay, topic(), 0, '', 500)).toEqual({ messages: [], cursor: '' })
  })

  // was a bug (messages of one millisecond came back in hash order): order keys are `<ms>.<sequence>` now
  it('history serves messages of one store request in the order they were sent', async () => {
    const { relay } = await startRelay({ peerRate: unlimited })
    const { node, identity } = await startPeer(relay)
    const t = topic()
    await register(node, relay, [t], identity)
    const msgs = wires(100, 50)
    await store(node, relay, t, msgs)
    const { messages } = await history(node, relay, t)
    expect(messages.map(hex)).toEqual(msgs.map(hex))
  })

  it('concurrent store requests (written together) are each acknowledged and kept whole, in the order sent', async () => {
    // the clock stands still: every message has the same receive ms, so only the sequence orders them
    const { relay } = await startRelay({ peerRate: unlimited })
    const a = await startPeer(relay)
    const b = await startPeer(relay)
    const t = topic()
    await register(a.node, relay, [t], a.identity)
    await register(b.node, relay, [t], b.identity)
    const requests = Array.from({ length: 20 }, () => wires(50, 50))
    const responses = await Promise.all(requests.map(async (msgs, i) => await store(i % 2 === 0 ? a.node : b.node, relay, t, msgs)))
    expect(responses.map(r => r.stored)).toEqual(requests.map(() => 50))
    expect(relay.relay.stats().storedMessages).toBe(1000)
    const served = (await history(a.node, relay, t, 0, 77)).messages.map(hex)
    expect(served).toHaveLength(1000)
    // the relay's arrival order of the requests is its own; each request's messages come whole and in order
    const firsts = requests.map(msgs => served.indexOf(hex(msgs[0])))
    requests.forEach((msgs, i) => { expect(served.slice(firsts[i], firsts[i] + 50)).toEqual(msgs.map(hex)) })
    // the same copies again (as gossip brings what a store push already brought): nothing new
    expect((await store(b.node, relay, t, requests[3])).stored).toBe(50)
    expect(relay.relay.stats().storedMessages).toBe(1000)
  })

  // was a bug: the per-topic index key was `rx/<topic>/<receivedAt>/<hash>` and topics could contain '/', so a topic
  // registered as `<T>/000000000000001` put a key inside T's range that cut T's history short. Now only group and
  // channel topic names are carried, and the index is by a fixed-length hash of the topic.
  it('another peer cannot register a topic that extends a topic\'s name, nor cut that topic\'s history short', async () => {
    const { relay, clock } = await startRelay({ peerRate: unlimited })
    const victim = await startPeer(relay)
    const attacker = await startPeer(relay)
    const t = topic()
    await register(victim.node, relay, [t], victim.identity)
    const msgs = wires(600, 50)
    for (let b = 0; b < 6; b++) {
      await store(victim.node, relay, t, msgs.slice(b * 100, b * 100 + 100))
      clock.now += 1000
    }
    expect((await history(victim.node, relay, t)).messages).toHaveLength(600)

    const shadow = `${t}/000000000000001`
    const channel = `/kith/c/1/${t.slice('/kith/g/1/'.length)}` // a well-formed 32-byte id in a channel topic
    const bad = [shadow, `${t}0`, '/kith/g/1/', '/kith/g/2/abc', 'plain', `/kith/c/1/${'1'.repeat(44)}`, t.slice(0, -1) + '0']
    const response = await register(attacker.node, relay, [...bad, channel], attacker.identity)
    expect(response.accepted).toEqual([channel])
    expect(response.error).toMatch(/not a group or channel topic/)
    expect(relay.relay.stats().rejected.malformed).toBe(bad.length)
    expect((await store(attacker.node, relay, shadow, wires(1))).stored).toBe(0)
    expect((await history(victim.node, relay, t)).messages.map(hex)).toEqual(msgs.map(hex))
  })

  it('a restarted relay keeps its registrations, its messages and its per-peer quota', async () => {
    const clock = { now: T0 }
    const first = await startRelay({ maxTopicsPerPeer: 2, peerRate: unlimited }, undefined, clock)
    let relay = first.relay
    const { node, identity } = await startPeer(relay)
    const [a, b, c] = [topic(), topic(), topic()]
    expect((await register(node, relay, [a, b], identity)).accepted).toEqual([a, b])
    const msgsA = wires(30)
    const msgsB = wires(20)
    for (let i = 0; i < 3; i++) {
      await store(node, relay, a, msgsA.slice(i * 10, i * 10 + 10))
      clock.now += 1000
    }
    await store(node, relay, b, msgsB)
    const before = relay.relay.stats()
    const servedA = (await history(node, relay, a)).messages.map(hex)
    expect(servedA).toHaveLength(30)

    await relay.stop()
    relays.splice(relays.indexOf(relay), 1)
    relay = (await startRelay({ maxTopicsPerPeer: 2, peerRate: unlimited }, first.dir, clock)).relay
    expect(relay.peerId).toBe(first.relay.peerId)
    expect(relay.relay.topics().sort()).toEqual([a, b].sort())
    expect(relay.relay.stats()).toMatchObject({ topics: 2, storedMessages: 50, storedBytes: before.storedBytes })

    await node.connect(relay.getMultiaddrs()[0])
    expect((await history(node, relay, a)).messages.map(hex)).toEqual(servedA)
    expect((await history(node, relay, b)).messages.map(hex).sort()).toEqual(msgsB.map(hex).sort())
    // the peer still holds its two topics after the restart: a third is refused
    expect((await register(node, relay, [c], identity)).accepted).toEqual([])
    // duplicates of what was kept before the restart are recognised
    await store(node, relay, a, msgsA.slice(0, 10))
    expect(relay.relay.stats().storedMessages).toBe(50)
  })

  // ---------------------------------------------------------------- the store on disk

  /** the app sublevel of a data folder, as the relay node hands it to its store */
  function appDb (kithStore: KithStore): AppDb {
    const app = kithStore.app
    return {
      get: async (key) => (await app.get(key)) ?? undefined,
      put: async (key, value) => { await app.put(key, value) },
      del: async (key) => { await app.del(key) },
      batch: async (ops, options?: object) => { await app.batch(ops as any, options as any) },
      iterator: (options) => app.iterator(options as any) as any
    }
  }

  async function keysOf (kithStore: KithStore, prefix: string): Promise<string[]> {
    const out: string[] = []
    for await (const key of kithStore.app.keys({ gte: prefix, lt: prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1) })) out.push(key)
    return out
  }

  async function allPages (store: RelayStore, t: string, limit = 500): Promise<Uint8Array[]> {
    const out: Uint8Array[] = []
    let cursor = ''
    do {
      const p = await store.page(t, 0, cursor, limit, 4 * 1024 * 1024)
      out.push(...p.messages)
      cursor = p.cursor
    } while (cursor !== '')
    return out
  }

  it('store: a topic whose name extends another\'s shares none of its keys; order survives a clock going back and a restart', async () => {
    const dir = await tempDir('kith-relay-store-')
    let kithStore = await openStore(dir)
    try {
      let store = new RelayStore(appDb(kithStore))
      await store.load()
      const t = topic()
      const shadow = `${t}/000000000000001`
      const msgs = wires(30, 20)
      await store.put(t, msgs.slice(0, 10), T0)
      await store.put(shadow, wires(3, 20), T0)
      await store.put(t, msgs.slice(10, 20), T0 - 5000) // the clock went back: still after what came before
      expect((await allPages(store, t, 4)).map(hex)).toEqual(msgs.slice(0, 20).map(hex))
      expect(await allPages(store, shadow)).toHaveLength(3)

      await kithStore.close()
      kithStore = await openStore(dir)
      store = new RelayStore(appDb(kithStore))
      await store.load()
      expect({ count: store.count, bytes: store.bytes }).toEqual({ count: 23, bytes: [...msgs.slice(0, 20), ...wires(3, 20)].reduce((n, m) => n + m.byteLength, 0) })
      await store.put(t, msgs.slice(20), T0 - 10_000) // after the restart too
      expect((await allPages(store, t, 7)).map(hex)).toEqual(msgs.map(hex))
      // one key of each index per message, whatever the topic names
      expect(await keysOf(kithStore, 'rm/')).toHaveLength(33)
      expect(await keysOf(kithStore, 'rq/')).toHaveLength(33)
    } finally {
      await kithStore.close()
    }
  })

  it('store: an acknowledged store is one batch written with { sync: true }, with the copies gossip brought before it', async () => {
    const dir = await tempDir('kith-relay-sync-')
    const kithStore = await openStore(dir)
    try {
      const db = appDb(kithStore)
      const batches: Array<{ ops: number, sync: boolean }> = []
      const recording: AppDb = { ...db, batch: async (ops, options) => { batches.push({ ops: ops.length, sync: options?.sync === true }); await db.batch(ops, options) } }
      const store = new RelayStore(recording)
      await store.load()
      const t = topic()
      const [a, b, c] = wires(3, 20)
      // gossip (not acknowledged): one batch for the messages that arrive together, not waiting for the disk
      expect(await Promise.all([store.put(t, [a], T0), store.put(t, [b], T0)])).toEqual([1, 1])
      expect(batches).toEqual([{ ops: 7, sync: false }])
      // acknowledged: a new message, and one gossip wrote already (the disk must hold it before the ack)
      expect(await store.put(t, [c], T0, true)).toBe(1)
      expect(await store.put(t, [a], T0, true)).toBe(0)
      expect(batches.slice(1)).toEqual([{ ops: 4, sync: true }])
      expect(store.count).toBe(3)
    } finally {
      await kithStore.close()
    }
  })

  /** what a relay before layout 2 wrote for `messages` received at `receivedAt` (relay-store.ts of that version) */
  function legacyOps (t: string, messages: Uint8Array[], receivedAt: number): Array<{ type: 'put', key: string, value: Uint8Array }> {
    const ms = String(receivedAt).padStart(15, '0')
    const topicBytes = Buffer.from(t)
    return messages.flatMap(data => {
      const hash = createHash('sha256').update(data).digest('hex').slice(0, 32)
      const key = `rm/${ms}/${hash}`
      const value = new Uint8Array(2 + topicBytes.byteLength + data.byteLength)
      new DataView(value.buffer).setUint16(0, topicBytes.byteLength)
      value.set(topicBytes, 2)
      value.set(data, 2 + topicBytes.byteLength)
      return [
        { type: 'put' as const, key, value },
        { type: 'put' as const, key: `rx/${t}/${ms}/${hash}`, value: new Uint8Array(0) },
        { type: 'put' as const, key: `rh/${hash}`, value: new TextEncoder().encode(key) }
      ]
    })
  }

  it('a relay upgraded on a data folder of the old layout converts it once and serves every stored message', async () => {
    const dir = await tempDir('kith-relay-legacy-')
    const [a, b] = [topic(), topic()]
    const shadow = `${a}/000000000000001` // accepted by the old relay, dropped by this one
    const msgsA = wires(700, 30)
    const msgsB = wires(40, 30)
    const shadowMsgs = wires(1, 30)
    const old = await openStore(dir)
    const enc = new TextEncoder()
    for (const t of [a, b, shadow]) await old.app.put(`rt/${t}`, enc.encode(JSON.stringify({ by: ['12D3KooWold'], at: T0 })))
    // 7 writes of 100 on `a` (one receive ms each), `b` in between, one message on the shadow topic
    for (let w = 0; w < 7; w++) await old.app.batch(legacyOps(a, msgsA.slice(w * 100, w * 100 + 100), T0 + w * 1000) as any)
    await old.app.batch(legacyOps(b, msgsB, T0 + 2500) as any)
    await old.app.batch(legacyOps(shadow, shadowMsgs, T0 + 3000) as any)
    await old.close()

    const clock = { now: T0 + 10_000 }
    let { relay } = await startRelay({ peerRate: unlimited }, dir, clock)
    const { node, identity } = await startPeer(relay)
    expect(relay.relay.topics().sort()).toEqual([a, b].sort())
    const bytes = [...msgsA, ...msgsB, ...shadowMsgs].reduce((n, m) => n + m.byteLength, 0)
    expect(relay.relay.stats()).toMatchObject({ topics: 2, storedMessages: 741, storedBytes: bytes })
    // within one old write the order was the hash order; the writes keep their order
    const byWrite = (list: Uint8Array[]): string[][] => Array.from({ length: list.length / 100 }, (_, w) => list.slice(w * 100, w * 100 + 100).map(hex).sort())
    const servedA = (await history(node, relay, a)).messages
    expect(byWrite(servedA)).toEqual(byWrite(msgsA))
    expect((await history(node, relay, b)).messages.map(hex).sort()).toEqual(msgsB.map(hex).sort())
    // the old copies are recognised as held; new messages come after the old ones
    await register(node, relay, [a], identity)
    expect((await store(node, relay, a, msgsA.slice(0, 100))).stored).toBe(100)
    const fresh = wires(5, 30)
    await store(node, relay, a, fresh)
    expect(relay.relay.stats().storedMessages).toBe(746)
    const served = (await history(node, relay, a)).messages.map(hex)
    expect(served).toEqual([...servedA.map(hex), ...fresh.map(hex)])

    // nothing of the old layout is left, and a second start converts nothing
    const stats = relay.relay.stats()
    await relay.stop()
    relays.splice(relays.indexOf(relay), 1)
    const check = await openStore(dir)
    try {
      expect(await keysOf(check, 'rx/')).toEqual([])
      expect(await keysOf(check, 'rh/')).toEqual([])
      expect(await keysOf(check, 'rm/')).toHaveLength(746)
      expect((await keysOf(check, 'rm/')).every(k => /^rm\/\d{15}\.\d{6}$/.test(k))).toBe(true)
      expect(await keysOf(check, 'rt/')).toHaveLength(2)
    } finally {
      await check.close()
    }
    relay = (await startRelay({ peerRate: unlimited }, dir, clock)).relay
    expect(relay.relay.stats()).toMatchObject({ storedMessages: stats.storedMessages, storedBytes: stats.storedBytes })
    await node.connect(relay.getMultiaddrs()[0])
    expect((await history(node, relay, a)).messages.map(hex)).toEqual(served)
  })
})
