// `npm run bench -- relay`: a Kith relay (createRelayNode) against raw libp2p 3 + gossipsub 17 and raw LevelDB.
//  (a) messages per second stored and forwarded: 20 publishers and 1 subscriber connected only to a hub, the hub alone in
//      its own process; the same with a raw gossipsub hub (no storage) in the same run
//  (b) a returning peer pages a 10,000-message history over /kith/history/1.0.0, against iterating the same 10,000
//      values straight from LevelDB
//  (c) resident memory of a relay carrying 1,000 topics with 100,000 stored messages (its own process), against a bare
//      libp2p node's
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import { multiaddr } from '@multiformats/multiaddr'
import type { Message } from '@libp2p/gossipsub'
import { groupTopic, toHex } from '@kith/protocol'
import { info, ratioOf, type BenchOptions, type Figure } from './lib/figure.js'
import { measureThroughput, type BenchGroup, type ThroughputResult } from './lib/group-measure.js'
import { meshPeers, type RawNode } from './lib/raw-node.js'
import {
  createPeer, createSigningPeer, groupWirePayload, pageHistory, readGroupWirePayload, registerTopics, spawnHub, withRelayStore,
  wireSender, type Hub, type Peer
} from './lib/relay-bench.js'
import { percentile, waitFor } from './lib/stats.js'

const BENCH = 'relay'

export const METHOD = {
  publishers: 20,
  payloadBytes: 200,
  throughputWarmupMs: 1500,
  throughputDurationMs: 6000,
  throughputWindow: 200,
  /** ms of the hub at rest before the load, to measure its idle CPU */
  idleCpuMs: 2000,
  historyMessages: 10_000,
  historyRuns: 3,
  topics: 1000,
  storedMessages: 100_000,
  rssSettleMs: 3000
}

const THROUGHPUT_MIN_RATIO = 0.7
const HISTORY_MAX_MS = 2000
const RSS_MAX_MB = 300
/** the throughput run measures the relay's capacity, not its per-peer limit (50/s, bursts of 200, by default) */
const UNLIMITED = { peerRate: { perSecond: 1e9, burst: 1e9 } }

const newTopic = (): string => groupTopic(new Uint8Array(randomBytes(32)))

async function tempDir (prefix: string): Promise<string> {
  return await mkdtemp(join(tmpdir(), prefix))
}

// ------------------------------------------------------------------------------------------------ (a) throughput

interface ThroughputRun {
  result: ThroughputResult
  /** unique messages the subscriber got in the whole run (warm-up and drain included) */
  delivered: number
  /** messages the relay stored (kith only) */
  stored: number | null
  hubRssMB: number
  hubStartMs: number
  /** CPU time of the hub process per delivered message, µs (user + system, whole measurement incl. warm-up) */
  hubCpuUsPerMsg: number
}

async function throughput (mode: 'raw' | 'kith', log: (s: string) => void): Promise<ThroughputRun> {
  const m = METHOD
  const dir = await tempDir(`kith-bench-relay-${mode}-`)
  const topic = newTopic()
  let hub: Hub | undefined
  const peers: Peer[] = []
  try {
    hub = await spawnHub(mode, dir, mode === 'kith' ? { relay: UNLIMITED } : { topics: [topic] })
    const hubAddr = multiaddr(hub.addr)
    const hubId = hub.peerId
    const subscriber = await createSigningPeer()
    peers.push(subscriber.peer)
    for (let i = 0; i < m.publishers; i++) peers.push(await createPeer())
    const publishers = peers.slice(1)

    const t0 = performance.now()
    await subscriber.peer.dial(hubAddr)
    // a daemon registers its topics with a relay; a raw hub is subscribed from the start
    if (mode === 'kith') await registerTopics(subscriber, hubId, [topic])
    subscriber.peer.services.pubsub.subscribe(topic)
    await Promise.all(publishers.map(async p => { await p.dial(hubAddr) }))
    const isHub = (p: { toString: () => string }): boolean => p.toString() === hubId
    const ready = await waitFor(() => meshPeers(subscriber.peer as unknown as RawNode, topic).includes(hubId) &&
      publishers.every(p => p.services.pubsub.getSubscribers(topic).some(isHub)), 20_000)
    if (!ready) throw new Error(`${mode}: the hub is not on the topic for every peer`)
    // gossipsub drops a publish while its outbound stream is still opening: probe until each publisher reaches the hub
    const senders = publishers.map(() => wireSender())
    for (let i = 0; i < publishers.length; i++) {
      let reached = false
      for (let k = 0; k < 200 && !reached; k++) {
        reached = (await publishers[i].services.pubsub.publish(topic, groupWirePayload(senders[i], 0, m.payloadBytes))).recipients.some(isHub)
        if (!reached) await new Promise(resolve => setTimeout(resolve, 25))
      }
      if (!reached) throw new Error(`${mode}: publisher ${i} cannot reach the hub`)
    }
    log(`${mode}: hub ready in its own process (start ${hub.startMs.toFixed(0)} ms), 1 subscriber + ${m.publishers} publishers connected and on the topic in ${(performance.now() - t0).toFixed(0)} ms`)

    const seen = new Set<number>()
    const group: BenchGroup = {
      size: publishers.length,
      publish: async (s, nonce, sentAt) => await publishers[s].services.pubsub.publish(topic, groupWirePayload(senders[s], nonce, m.payloadBytes, sentAt)),
      onDeliver: handler => {
        const listener = (evt: CustomEvent<Message>): void => {
          if (evt.detail.topic !== topic) return
          const p = readGroupWirePayload(evt.detail.data)
          if (p == null || p.nonce === 0) return
          seen.add(p.nonce)
          // one subscriber stands for "every other member": a message is complete once it has it
          for (let r = 0; r < publishers.length; r++) handler(r, p.nonce, p.sentAt)
        }
        subscriber.peer.services.pubsub.addEventListener('message', listener)
        return () => { subscriber.peer.services.pubsub.removeEventListener('message', listener) }
      }
    }
    // the hub's CPU while idle (timers, DHT upkeep …), subtracted from its CPU under load
    const idle0 = await hub.request('stats')
    const i0 = performance.now()
    await new Promise(resolve => setTimeout(resolve, m.idleCpuMs))
    const before = await hub.request('stats')
    const idleCpuPerMs = (before.cpuMs - idle0.cpuMs) / (performance.now() - i0)
    const l0 = performance.now()
    const result = await measureThroughput(group, { warmupMs: m.throughputWarmupMs, durationMs: m.throughputDurationMs, window: m.throughputWindow })
    const after = await hub.request('stats')
    const loadCpuMs = (after.cpuMs - before.cpuMs) - idleCpuPerMs * (performance.now() - l0)
    const hubCpuUsPerMsg = loadCpuMs * 1000 / Math.max(1, seen.size)
    const stored = mode === 'kith' ? (after.stats.messagesIn as number) - publishers.length : null
    log(`${mode}: ${result.perSecond.toFixed(0)} msg/s to the subscriber (${result.completed} counted, ${result.lost} lost, p50 ${result.p50.toFixed(1)} ms under load); ` +
      `${seen.size} delivered in all${stored != null ? `, ${stored} stored` : ''}; hub CPU ${hubCpuUsPerMsg.toFixed(0)} µs per message, RSS ${after.rss.toFixed(0)} MB`)
    return { result, delivered: seen.size, stored, hubRssMB: after.rss, hubStartMs: hub.startMs, hubCpuUsPerMsg }
  } finally {
    await Promise.allSettled(peers.map(async p => { await p.stop() }))
    await hub?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

// ------------------------------------------------------------------------------------------------ (b) history, (c) RSS

interface StoredRelayRun {
  fillMs: number
  historyMs: number[]
  historyPages: number
  historyOk: boolean
  rawReadMs: number
  storePageMs: number
  relayStartMs: number
  relayRssMB: number
  relayRssAfterHistoryMB: number
  relayStats: any
}

async function storedRelay (log: (s: string) => void): Promise<StoredRelayRun> {
  const m = METHOD
  const dir = await tempDir('kith-bench-relay-store-')
  const rawDir = await tempDir('kith-bench-relay-level-')
  const topics = Array.from({ length: m.topics }, newTopic)
  const big = topics[0]
  const sender = wireSender()
  let nonce = 1
  const bigMessages: Uint8Array[] = []
  let hub: Hub | undefined
  let requester: Peer | undefined
  try {
    // fill the relay's store directly (its own RelayStore on its data folder), 100 messages per write, a new receive
    // time per write: 10,000 on one topic, the rest spread over the other 999
    const t0 = performance.now()
    let storePageMs = 0
    await withRelayStore(dir, async (store) => {
      const at = Date.now() - 60 * 60_000
      for (const topic of topics) await store.saveRegistration(topic, { by: ['bench'], at })
      let writes = 0
      for (let i = 0; i < m.historyMessages; i += 100) {
        const batch = Array.from({ length: 100 }, () => groupWirePayload(sender, nonce++, m.payloadBytes))
        bigMessages.push(...batch)
        await store.put(big, batch, at + writes++)
      }
      for (let i = 0; i < m.storedMessages - m.historyMessages; i += 100) {
        const topic = topics[1 + (i / 100) % (topics.length - 1)]
        await store.put(topic, Array.from({ length: 100 }, () => groupWirePayload(sender, nonce++, m.payloadBytes)), at + writes++)
      }
      if (store.count !== m.storedMessages) throw new Error(`filled ${store.count} messages, not ${m.storedMessages}`)
      // the store alone (no network, no protocol): the same 20 pages the relay serves
      const s0 = performance.now()
      let cursor = ''
      let n = 0
      do {
        const page = await store.page(big, 0, cursor, 500, 4 * 1024 * 1024)
        n += page.messages.length
        cursor = page.cursor
      } while (cursor !== '')
      storePageMs = performance.now() - s0
      if (n !== m.historyMessages) throw new Error(`store paged ${n} messages`)
    })
    const fillMs = performance.now() - t0
    log(`filled the relay store: ${m.topics} topics, ${m.storedMessages} messages in ${(fillMs / 1000).toFixed(1)} s; the store alone pages the 10,000 in ${storePageMs.toFixed(0)} ms`)

    // raw: the same 10,000 values in a plain LevelDB, iterated
    const level = new Level<string, Uint8Array>(rawDir, { keyEncoding: 'utf8', valueEncoding: 'view' })
    await level.open()
    await level.batch(bigMessages.map((value, i) => ({ type: 'put' as const, key: String(i).padStart(8, '0'), value })))
    await level.close()
    await level.open()
    const r0 = performance.now()
    let rawCount = 0
    for await (const value of level.values()) rawCount += value.byteLength > 0 ? 1 : 0
    const rawReadMs = performance.now() - r0
    await level.close()
    if (rawCount !== m.historyMessages) throw new Error(`raw read ${rawCount} values`)

    // the relay, alone in its process, on that data folder
    hub = await spawnHub('kith', dir)
    const relayRss = await hub.request(`rss ${m.rssSettleMs}`)
    log(`relay on the filled store: started in ${hub.startMs.toFixed(0)} ms, RSS ${relayRss.rss.toFixed(0)} MB after ${m.rssSettleMs} ms`)

    requester = await createPeer()
    await requester.dial(multiaddr(hub.addr))
    // served in the order stored, message by message (the store's order key counts within a millisecond)
    const expected = bigMessages.map(toHex)
    // one small request first, on another topic: the relay's code is warm, the big topic's blocks are not
    await pageHistory(requester, hub.peerId, topics[1])
    const historyMs: number[] = []
    let historyOk = true
    let historyPages = 0
    for (let run = 0; run < m.historyRuns; run++) {
      const h0 = performance.now()
      const { messages, pages } = await pageHistory(requester, hub.peerId, big)
      historyMs.push(performance.now() - h0)
      historyPages = pages
      if (messages.length !== m.historyMessages || messages.some((msg, i) => toHex(msg) !== expected[i])) historyOk = false
    }
    const after = await hub.request(`rss ${m.rssSettleMs}`)
    const stats = (await hub.request('stats')).stats
    log(`history: ${historyMs.map(ms => ms.toFixed(0)).join(' / ')} ms for ${m.historyMessages} messages in ${historyPages} requests (${historyOk ? 'all, in order' : 'WRONG'}); raw LevelDB ${rawReadMs.toFixed(1)} ms; RSS after ${after.rss.toFixed(0)} MB`)
    return { fillMs, historyMs, historyPages, historyOk, rawReadMs, storePageMs, relayStartMs: hub.startMs, relayRssMB: relayRss.rss, relayRssAfterHistoryMB: after.rss, relayStats: stats }
  } finally {
    await requester?.stop()
    await hub?.stop()
    await rm(dir, { recursive: true, force: true })
    await rm(rawDir, { recursive: true, force: true })
  }
}

async function idleRss (mode: 'bare' | 'raw', topics: string[] = []): Promise<number> {
  const dir = await tempDir('kith-bench-relay-idle-')
  let hub: Hub | undefined
  try {
    hub = await spawnHub(mode, dir, { topics })
    return (await hub.request(`rss ${METHOD.rssSettleMs}`)).rss
  } finally {
    await hub?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

// ------------------------------------------------------------------------------------------------ figures

export async function run (opts: BenchOptions): Promise<Figure[]> {
  const m = METHOD
  const log = opts.log
  log(`relay: (a) ${m.publishers} publishers + 1 subscriber around one hub in its own process, ${m.payloadBytes}-byte payloads; (b) ${m.historyMessages} messages of history; (c) ${m.topics} topics, ${m.storedMessages} messages`)
  const raw = await throughput('raw', log)
  const kith = await throughput('kith', log)
  // `npm run bench -- relay throughput`: (a) alone, e.g. to profile the hub (KITH_BENCH_HUB_NODE_ARGS, bench/lib/relay-bench.ts)
  if (opts.args.includes('throughput')) return throughputFigures(raw, kith)
  const stored = await storedRelay(log)
  const bareRss = await idleRss('bare')
  const rawTopicsRss = await idleRss('raw', Array.from({ length: m.topics }, newTopic))
  log(`RSS: bare libp2p ${bareRss.toFixed(0)} MB, raw gossipsub with ${m.topics} topics ${rawTopicsRss.toFixed(0)} MB`)

  const historyMs = percentile(stored.historyMs, 50)
  const historyPass = stored.historyOk && historyMs < HISTORY_MAX_MS
  opts.notes.push(`(a) hub alone in a child process (\`node --import tsx bench/lib/relay-hub.ts\`); ${m.publishers} publishers (not subscribed) and 1 subscriber, plain libp2p + gossipsub ` +
    `nodes configured as Kith configures gossipsub (StrictNoSign), all in the bench process and connected only to the hub; GroupWire-shaped ${m.payloadBytes}-byte payloads; ` +
    `at most ${m.throughputWindow} messages outstanding, ${m.throughputWarmupMs / 1000} s warm-up, ${m.throughputDurationMs / 1000} s counted. Kith relay with per-peer limits lifted (its capacity, not its quota); raw hub: same gossipsub, no validator, no storage. ` +
    'Hub CPU: user + system time of the hub process over the whole measurement (warm-up and drain included) less its idle CPU (measured for 2 s before), per message delivered.')
  opts.notes.push(`(b) relay store filled directly (RelayStore on its data folder: ${m.topics} topics, ${m.storedMessages} messages, 10,000 on one topic); relay in its own process; ` +
    `a returning peer pages with limit 500 (as a daemon does), median of ${m.historyRuns}; raw: iterating the same 10,000 values in a plain LevelDB.`)
  opts.notes.push(`(c) RSS of the relay process ${m.rssSettleMs / 1000} s after its start on the filled folder (GC first); baseline: a bare libp2p node (tcp, noise, yamux, identify) in the same kind of process. Both run under tsx.`)
  return [
    ...throughputFigures(raw, kith),
    { bench: BENCH, metric: `history of ${m.historyMessages.toLocaleString('en-US')} messages to a returning peer (${stored.historyPages} requests of ≤ 500)`, unit: 'ms', kith: historyMs, baseline: stored.rawReadMs, ratio: ratioOf(historyMs, stored.rawReadMs), target: `< ${HISTORY_MAX_MS} ms`, pass: historyPass },
    info(BENCH, 'history: the relay store alone, same pages, no network', 'ms', stored.storePageMs, stored.rawReadMs),
    info(BENCH, 'history: first run (the topic not yet read since the relay started)', 'ms', stored.historyMs[0], null),
    info(BENCH, 'history: slowest run', 'ms', Math.max(...stored.historyMs), null),
    { bench: BENCH, metric: `relay RSS, ${m.topics.toLocaleString('en-US')} topics + ${m.storedMessages.toLocaleString('en-US')} messages`, unit: 'MB', kith: stored.relayRssMB, baseline: bareRss, ratio: ratioOf(stored.relayRssMB, bareRss), target: `< ${RSS_MAX_MB} MB`, pass: stored.relayRssMB < RSS_MAX_MB },
    info(BENCH, 'relay RSS after serving the history runs', 'MB', stored.relayRssAfterHistoryMB, bareRss),
    info(BENCH, `raw: libp2p + gossipsub subscribed to ${m.topics.toLocaleString('en-US')} topics, RSS`, 'MB', null, rawTopicsRss),
    info(BENCH, `relay start on the filled store (createRelayNode)`, 'ms', stored.relayStartMs, null),
    info(BENCH, `filling the store directly (${m.storedMessages.toLocaleString('en-US')} messages)`, 'ms', stored.fillMs, null)
  ]
}

function throughputFigures (raw: ThroughputRun, kith: ThroughputRun): Figure[] {
  const tputRatio = ratioOf(kith.result.perSecond, raw.result.perSecond)
  // on 2 cores the bench process (21 peers) and the hub share the machine: when the peers are the bottleneck both hubs
  // deliver alike, so the hub's own CPU per message is the measure of what it could carry
  const capacityRatio = raw.hubCpuUsPerMsg / kith.hubCpuUsPerMsg
  const allStored = kith.stored != null && kith.stored >= kith.delivered
  return [
    { bench: BENCH, metric: 'stored and forwarded, 20 publishers → 1 subscriber', unit: 'msg/s', kith: kith.result.perSecond, baseline: raw.result.perSecond, ratio: tputRatio, target: `≥ ${THROUGHPUT_MIN_RATIO}× baseline`, pass: tputRatio == null ? null : tputRatio >= THROUGHPUT_MIN_RATIO && allStored },
    info(BENCH, 'send to subscriber p50 under load', 'ms', kith.result.p50, raw.result.p50),
    info(BENCH, 'messages lost (throughput run)', 'count', kith.result.lost, raw.result.lost),
    info(BENCH, 'relay stored / delivered to the subscriber (whole run)', 'msgs', kith.stored, kith.delivered),
    info(BENCH, 'hub CPU time per message (user + system, idle CPU subtracted)', 'µs', kith.hubCpuUsPerMsg, raw.hubCpuUsPerMsg),
    { bench: BENCH, metric: 'hub capacity if CPU-bound on one core (10⁶ / CPU µs per message)', unit: 'msg/s', kith: 1e6 / kith.hubCpuUsPerMsg, baseline: 1e6 / raw.hubCpuUsPerMsg, ratio: capacityRatio, target: `≥ ${THROUGHPUT_MIN_RATIO}× baseline`, pass: capacityRatio >= THROUGHPUT_MIN_RATIO },
    info(BENCH, 'hub RSS after the throughput run', 'MB', kith.hubRssMB, raw.hubRssMB)
  ]
}
