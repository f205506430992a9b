// `npm run bench -- communities [--json] [--members=100 --groups=50 --per-member=5 --warm=5 --pause-ms=3000 --setup=batch|add
//   --profile=DIR]`:
// one community announcement into 50 groups of 10 members drawn from 100 nodes (each node in 5 groups), time until
// the last member has it, beside raw gossipsub publishing to the same 50 topics over the same connections.
// Every node, Kith and raw, runs in this one process on the memory transport (lib/community-plan.ts has the shape,
// lib/kith-community-net.ts the Kith setup, lib/raw-memory-net.ts the raw one).
import type { Message, SignaturePolicy } from '@libp2p/gossipsub'
import type { GroupMessage } from '@kith/node'
import { info, ratioOf, type BenchOptions, type Figure } from './lib/figure.js'
import { edgesFromConnections, planCommunity, type CommunityPlan } from './lib/community-plan.js'
import { startKithCommunity, type KithCommunityNet, type KithSetup, type SetupMode } from './lib/kith-community-net.js'
import { startRawTopicNetwork } from './lib/raw-memory-net.js'
import { makePayload, makeTextPayload, readPayload, readTextPayload } from './lib/group-measure.js'
import { CpuMeter, type CpuUse } from './lib/cpu.js'
import { codeVersion } from './lib/git.js'
import { rssMB } from './lib/rss.js'
import { QUIET_CORES, waitQuiet, type QuietResult } from './lib/quiet.js'
import { percentile } from './lib/stats.js'
import { profiled, summarize, type Category } from './lib/cpu-profile.js'

const BENCH = 'communities'
const TARGET_MS = 1000
const TARGET_RATIO = 1.5
/** the Kith setup gives up when the process has run this long, so that the whole bench ends within ~10 min */
const KITH_SETUP_DEADLINE_MS = 7 * 60_000

export const METHOD = { members: 100, groups: 50, perMember: 5, extraDials: 3, textChars: 200, warm: 5, pauseMs: 3000, quietMaxMs: 30_000, roundTimeoutMs: 30_000, seed: 5 }
type Method = typeof METHOD

/** one announcement (Kith) or one publish to every topic (raw), followed to the last member */
interface Round {
  /** the wait for quiet before this round */
  settle: QuietResult
  /** ms from the call to the last member-group delivery; null when some never arrived */
  totalMs: number | null
  delivered: number
  duplicates: number
  /** Kith only: announce() resolved; the announcer's last group publish began; the slowest group's publish-to-last-member */
  callMs?: number
  lastPublishMs?: number
  slowestGroupMs?: number
}

interface Series { cold: Round, warm: Round[], cpu: CpuUse }

type Options = Method & { setup: SetupMode, profileDir?: string }

function parseArgs (args: string[]): Options {
  const m: Options = { ...METHOD, setup: 'batch' }
  const names: Record<string, keyof Method> = { members: 'members', groups: 'groups', 'per-member': 'perMember', warm: 'warm', 'pause-ms': 'pauseMs', seed: 'seed', 'extra-dials': 'extraDials' }
  for (const a of args) {
    if (a === '--setup=add' || a === '--setup=batch') {
      m.setup = a.slice('--setup='.length) as SetupMode
      continue
    }
    if (a.startsWith('--profile=')) {
      m.profileDir = a.slice('--profile='.length)
      continue
    }
    const match = /^--([a-z-]+)=(\d+)$/.exec(a)
    const key = match == null ? undefined : names[match[1]]
    if (match == null || key == null) throw new Error(`communities: unknown argument ${a}`)
    m[key] = Number(match[2])
  }
  return m
}

/** Tracks deliveries of one round: "member i got it in group/topic g" once each */
class Deliveries {
  readonly got = new Map<string, number>()
  readonly lastIn = new Map<string, number>()
  duplicates = 0
  private finish!: () => void
  readonly done: Promise<void>
  constructor (readonly nonce: number, readonly expected: number) {
    this.done = new Promise(resolve => { this.finish = resolve })
  }

  add (member: number, where: string): void {
    const key = `${member}/${where}`
    if (this.got.has(key)) { this.duplicates++; return }
    const at = performance.now()
    this.got.set(key, at)
    this.lastIn.set(where, Math.max(this.lastIn.get(where) ?? 0, at))
    if (this.got.size === this.expected) this.finish()
  }

  async wait (timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined
    const ok = await Promise.race([this.done.then(() => true), new Promise<boolean>(resolve => { timer = setTimeout(() => { resolve(false) }, timeoutMs) })])
    clearTimeout(timer)
    return ok ? Math.max(...this.got.values()) : null
  }
}

function expectedDeliveries (plan: CommunityPlan): number {
  return plan.groups.reduce((n, g) => n + g.length, 0)
}

/** at least pauseMs, then until the process is quiet (or quietMaxMs) */
async function settleBefore (m: Method, log: (s: string) => void, who: string): Promise<QuietResult> {
  const q = await waitQuiet({ cores: QUIET_CORES, windowMs: 1000, windows: 2, minMs: m.pauseMs, maxMs: m.quietMaxMs })
  if (!q.quiet) log(`${who}: not quiet after ${(q.ms / 1000).toFixed(0)} s (${q.lastCores.toFixed(2)} cores): measuring anyway`)
  return q
}

function fmt (n: number | null | undefined): string {
  return n == null ? '—' : n.toFixed(n < 10 ? 1 : 0)
}

const methods = (names: string[]): RegExp => new RegExp(`(^|\\.)(${names.join('|')}) `)
const CATEGORIES: Category[] = [
  { label: 'Kith send path (announce, outbox, flush, encrypt, publish; receipts too)', match: methods(['announce', 'sendToGroup', 'sendPayload', 'flush', 'flushOnce', 'sendInner', 'publishWire']) },
  { label: 'Kith receive path (topic validator: verify, decrypt, community payload, store)', match: methods(['processWire', 'onCipher', 'decryptAndStore', 'onPayload', 'onSealed']) },
  { label: 'gossipsub', match: /@libp2p\/gossipsub\// },
  { label: 'noise + yamux + memory transport', match: /@chainsafe\/libp2p-(noise|yamux)\/|@libp2p\/memory\// },
  { label: 'LevelDB (classic-level)', match: /(classic|abstract)-level\// },
  { label: 'garbage collector', match: /^\(garbage collector\)/ },
  { label: 'idle', match: /^\(idle\)/ }
]

/** one more round under the CPU profiler (not counted): where the event loop's time goes */
async function profileRound (dir: string, who: string, round: () => Promise<Round>, log: (s: string) => void, notes: string[]): Promise<void> {
  const file = `${dir}/communities-${who.replace(/\s+/g, '-')}.cpuprofile`
  const { result, profile } = await profiled(file, round)
  const sum = summarize(profile, CATEGORIES)
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`
  const line = `${who}: profiled round (not counted) ${fmt(result.totalMs)} ms, ${sum.samples} samples in ${file}: ` +
    sum.categories.map(c => `${c.label} ${pct(c.share)}`).join(', ') + '; top self: ' + sum.top.slice(0, 8).map(t => `${t.frame} ${pct(t.share)}`).join(', ')
  log(line)
  notes.push(line)
}

// ---------------------------------------------------------------- Kith

interface KithExtra { validateMs: number[], rssMB: number, edges: Array<[number, number]>, links: { identified: number, failed: number } }

async function measureKith (net: KithCommunityNet, plan: CommunityPlan, m: Options, log: (s: string) => void, notes: string[]): Promise<Series & KithExtra> {
  const admin = net.nodes[0]
  let current: Deliveries | undefined
  let recording = false
  // white-box timing, no change to the node: when the announcer hands each group's wire message to gossipsub…
  const publishAt = new Map<string, number>()
  const pubsub = admin.libp2p.services.pubsub as unknown as { publish: (...args: unknown[]) => Promise<unknown> }
  const publish = pubsub.publish
  pubsub.publish = async function (this: unknown, ...args: unknown[]) {
    const topic = args[0] as string
    if (recording && !publishAt.has(topic)) publishAt.set(topic, performance.now())
    return await publish.apply(this, args)
  }
  // …and how long each receiver's topic validator (the whole receive path: queue, verify, decrypt, store) takes
  const validateMs: number[] = []
  for (let i = 1; i < plan.size; i++) {
    const validators = net.nodes[i].libp2p.services.pubsub.topicValidators
    for (const g of plan.groupsOf[i]) {
      const topic = net.topics[g]
      const validate = validators.get(topic)
      if (validate == null) throw new Error(`kith: node ${i} has no validator on group ${g}'s topic`)
      validators.set(topic, async (peer, msg) => {
        const a = performance.now()
        try {
          return await validate(peer, msg)
        } finally {
          // receipts and key messages are smaller than an announcement
          if (recording && msg.data.byteLength > m.textChars) validateMs.push(performance.now() - a)
        }
      })
    }
  }
  const groupOf = new Map(net.groupIds.map((id, g) => [id, g]))
  for (let i = 1; i < plan.size; i++) {
    net.nodes[i].addEventListener('group:message', (evt: CustomEvent<GroupMessage>) => {
      const d = evt.detail
      if (current == null || d.kind !== 'announcement' || d.status != null || !groupOf.has(d.groupId)) return
      if (readTextPayload(d.text)?.nonce === current.nonce) current.add(i, d.groupId)
    })
  }
  const rss = rssMB()
  const edges = edgesFromConnections(net.nodes.map(n => n.libp2p.getConnections().map(c => c.remotePeer.toString())), net.nodes.map(n => n.peerId))

  const linksSoFar = (): string => {
    const ok = net.nodes.reduce((n, node) => n + node.gossipLinks.stats.identified, 0)
    const failed = net.nodes.reduce((n, node) => n + node.gossipLinks.stats.failed, 0)
    return `${ok}, ${failed} failed`
  }
  const round = async (nonce: number, settle: QuietResult): Promise<Round> => {
    current = new Deliveries(nonce, expectedDeliveries(plan))
    publishAt.clear()
    recording = true
    const t0 = performance.now()
    const result = await admin.communities.announce(net.communityId, makeTextPayload(nonce, m.textChars))
    const callMs = performance.now() - t0
    if (result.failures.length > 0) throw new Error(`kith: announce failed in ${result.failures.length} groups: ${result.failures[0].error}`)
    const last = await current.wait(m.roundTimeoutMs)
    recording = false
    const published = net.topics.map(t => publishAt.get(t)).filter((t): t is number => t != null)
    const slowest = net.groupIds.map((id, g) => (current?.lastIn.get(id) ?? NaN) - (publishAt.get(net.topics[g]) ?? NaN))
    const r: Round = {
      settle,
      totalMs: last == null ? null : last - t0,
      delivered: current.got.size,
      duplicates: current.duplicates,
      callMs,
      lastPublishMs: published.length === net.topics.length ? Math.max(...published) - t0 : undefined,
      slowestGroupMs: slowest.some(Number.isNaN) ? undefined : Math.max(...slowest)
    }
    log(`kith: announcement ${nonce} (after ${(settle.ms / 1000).toFixed(1)} s waiting for quiet): last member after ${fmt(r.totalMs)} ms (${r.delivered}/${current.expected} delivered, ` +
      `announce() returned after ${fmt(callMs)} ms, last group publish at ${fmt(r.lastPublishMs)} ms, slowest group publish→last member ${fmt(r.slowestGroupMs)} ms; connections re-identified so far ${linksSoFar()})`)
    return r
  }
  const settled = async (): Promise<QuietResult> => await settleBefore(m, log, 'kith')
  const meter = new CpuMeter()
  const cold = await round(1, await settled())
  const warm: Round[] = []
  for (let k = 0; k < m.warm; k++) warm.push(await round(2 + k, await settled()))
  const cpu = meter.stop()
  const counted = validateMs.length
  if (m.profileDir != null) {
    const settle = await settled()
    await profileRound(m.profileDir, 'kith', async () => await round(2 + m.warm, settle), log, notes)
  }
  const links = net.nodes.reduce((sum, n) => ({ identified: sum.identified + n.gossipLinks.stats.identified, failed: sum.failed + n.gossipLinks.stats.failed }), { identified: 0, failed: 0 })
  return { cold, warm, cpu, validateMs: validateMs.slice(0, counted), rssMB: rss, edges, links }
}

// ---------------------------------------------------------------- raw

interface RawSeries extends Series { setupMs: number }

async function measureRaw (policy: SignaturePolicy, plan: CommunityPlan, edges: Array<[number, number]>, m: Options, log: (s: string) => void, notes: string[]): Promise<RawSeries> {
  const topics = Array.from({ length: plan.groups.length }, (_, g) => `kith-bench-community-group-${g}`)
  const t0 = performance.now()
  const net = await startRawTopicNetwork({ size: plan.size, edges, topicsOf: plan.groupsOf.map(gs => gs.map(g => topics[g])), signaturePolicy: policy })
  const setupMs = performance.now() - t0
  log(`raw ${policy}: ${plan.size} nodes in ${(net.startMs / 1000).toFixed(1)} s, ${edges.length} connections in ${(net.connectMs / 1000).toFixed(1)} s, meshes ${(net.meshMs / 1000).toFixed(1)} s later`)
  try {
    let current: Deliveries | undefined
    for (let i = 1; i < plan.size; i++) {
      net.nodes[i].services.pubsub.addEventListener('message', (evt: CustomEvent<Message>) => {
        const p = readPayload(evt.detail.data)
        if (current != null && p?.nonce === current.nonce) current.add(i, evt.detail.topic)
      })
    }
    const admin = net.nodes[0].services.pubsub
    const round = async (nonce: number, settle: QuietResult): Promise<Round> => {
      current = new Deliveries(nonce, expectedDeliveries(plan))
      const start = performance.now()
      await Promise.all(topics.map(async t => await admin.publish(t, makePayload(nonce, m.textChars))))
      const last = await current.wait(m.roundTimeoutMs)
      const r: Round = { settle, totalMs: last == null ? null : last - start, delivered: current.got.size, duplicates: current.duplicates }
      log(`raw ${policy}: round ${nonce} (after ${(settle.ms / 1000).toFixed(1)} s waiting for quiet): last member after ${fmt(r.totalMs)} ms (${r.delivered}/${current.expected} delivered)`)
      return r
    }
    const settled = async (): Promise<QuietResult> => await settleBefore(m, log, `raw ${policy}`)
    const meter = new CpuMeter()
    const cold = await round(1, await settled())
    const warm: Round[] = []
    for (let k = 0; k < m.warm; k++) warm.push(await round(2 + k, await settled()))
    const cpu = meter.stop()
    if (m.profileDir != null) {
      const settle = await settled()
      await profileRound(m.profileDir, `raw ${policy}`, async () => await round(2 + m.warm, settle), log, notes)
    }
    return { cold, warm, cpu, setupMs }
  } finally {
    await net.stop()
  }
}

// ---------------------------------------------------------------- figures

const median = (xs: Array<number | null | undefined>): number | null => {
  const ok = xs.filter((x): x is number => x != null)
  return ok.length === 0 ? null : percentile(ok, 50)
}

function target (metric: string, kith: number | null, baseline: number | null): Figure {
  const ratio = ratioOf(kith, baseline)
  return { bench: BENCH, metric, unit: 'ms', kith, baseline, ratio, target: `< ${TARGET_MS} ms and ≤ ${TARGET_RATIO}× baseline`, pass: kith == null || ratio == null ? null : kith < TARGET_MS && ratio <= TARGET_RATIO }
}

type KithResult = Series & KithExtra & { setup: KithSetup }

function figures (m: Method, plan: CommunityPlan, k: KithResult | null, sign: RawSeries, noSign: RawSeries): Figure[] {
  const warmTotal = (s: Series | null): number | null => s == null ? null : median(s.warm.map(r => r.totalMs))
  const lost = (s: Series): number => [s.cold, ...s.warm].reduce((n, r) => n + (expectedDeliveries(plan) - r.delivered) + r.duplicates, 0)
  const sec = (ms: number | undefined): number | null => ms == null ? null : ms / 1000
  const row = (metric: string, unit: string, kith: number | null | undefined, baseline: number | null = null): Figure => info(BENCH, metric, unit, kith ?? null, baseline)
  return [
    target('announcement to last member, cold (first after setup; Kith also carries the community log)', k?.cold.totalMs ?? null, sign.cold.totalMs),
    target(`announcement to last member, warm (median of ${m.warm})`, warmTotal(k), warmTotal(sign)),
    row(`announcement to last member, warm (slowest of ${m.warm})`, 'ms', k == null ? null : Math.max(...k.warm.map(r => r.totalMs ?? Infinity)), Math.max(...sign.warm.map(r => r.totalMs ?? Infinity))),
    row('member-group deliveries missing or duplicated, all rounds', 'count', k == null ? null : lost(k), lost(sign)),
    row('kith announcer: announce() resolved, cold', 'ms', k?.cold.callMs),
    row('kith announcer: announce() resolved, warm median', 'ms', k == null ? null : median(k.warm.map(r => r.callMs))),
    row('kith announcer: last of the group publishes began, cold', 'ms', k?.cold.lastPublishMs),
    row('kith announcer: last of the group publishes began, warm median', 'ms', k == null ? null : median(k.warm.map(r => r.lastPublishMs))),
    row('kith: slowest group, its publish to its last member, cold', 'ms', k?.cold.slowestGroupMs),
    row('kith: slowest group, its publish to its last member, warm median', 'ms', k == null ? null : median(k.warm.map(r => r.slowestGroupMs))),
    row('kith receivers: topic validator per announcement copy p50 (queue + verify + decrypt + store)', 'ms', k == null ? null : percentile(k.validateMs, 50)),
    row('kith receivers: topic validator per announcement copy p99', 'ms', k == null ? null : percentile(k.validateMs, 99)),
    row(`before each warm round: pause ${m.pauseMs / 1000} s, then until the process was quiet (< ${QUIET_CORES} cores for 2 s), median`, 's', k == null ? null : median(k.warm.map(r => r.settle.ms / 1000)), median(sign.warm.map(r => r.settle.ms / 1000))),
    row('rounds: CPU of the bench process', 'cores', k?.cpu.ownCores, sign.cpu.ownCores),
    row('rounds: CPU of OTHER processes on the machine (noise)', 'cores', k?.cpu.otherCores, sign.cpu.otherCores),
    row(`connections between the ${plan.size} nodes when the rounds began (raw: the same)`, 'count', k?.edges.length),
    row(`setup: ${plan.size} nodes started`, 's', sec(k?.setup.startMs)),
    row(`setup: ${plan.edges.length} planned connections dialed`, 's', sec(k?.setup.connectMs)),
    row(`setup: community + ${m.groups} groups created`, 's', sec(k?.setup.communityMs)),
    row(`setup: ${expectedDeliveries(plan)} members added and welcomed, 10 groups at a time`, 's', sec(k?.setup.addsMs)),
    row('setup: of which waiting for quiet between the waves of groups', 's', sec(k?.setup.wavesQuietMs)),
    row('setup: then until keys and meshes are ready (raw: whole setup)', 's', sec(k?.setup.readyMs), sign.setupMs / 1000),
    row('setup: (node, topic) pairs whose subscribers or mesh had not formed after 30 s (measured anyway)', 'count', k?.setup.meshGaps.length),
    row('setup+rounds: connections whose identify had failed on both ends, identified again (gossip-links.ts)', 'count', k?.links.identified),
    row('setup+rounds: of those re-identifies, failed (retried after 10, 20, 40, 80 s, at most 5 per connection)', 'count', k?.links.failed),
    row('setup: welcomes the bench re-sent after 20 s (Kith itself retries every 15 s while the member is connected)', 'count', k?.setup.welcomesResent),
    row('setup: CPU of the bench process', 'cores', k?.setup.cpu.ownCores),
    row('setup: CPU of OTHER processes on the machine (noise)', 'cores', k?.setup.cpu.otherCores),
    row(`process RSS with the ${plan.size} Kith nodes running`, 'MB', k?.rssMB),
    info(BENCH, 'raw StrictNoSign: announcement to last member, cold', 'ms', null, noSign.cold.totalMs),
    info(BENCH, `raw StrictNoSign: announcement to last member, warm (median of ${m.warm})`, 'ms', null, warmTotal(noSign))
  ]
}

export async function run (opts: BenchOptions): Promise<Figure[]> {
  const m = parseArgs(opts.args)
  const log = opts.log
  const code = codeVersion()
  const plan = planCommunity({ members: m.members, groups: m.groups, groupsPerMember: m.perMember, extraDials: m.extraDials, seed: m.seed })
  const groupSize = plan.groups[0].length
  log(`communities: ${m.members} members + 1 announcer, ${m.groups} groups of ${groupSize} (+ the announcer), each member in ${m.perMember}, ` +
    `${plan.edges.length} planned connections; ${m.textChars}-character announcements, 1 cold + ${m.warm} warm; setup: ${m.setup}`)
  let kith: KithResult | null = null
  let edges = plan.edges
  let failed: string | undefined
  const tSetup = performance.now()
  let net: KithCommunityNet | undefined
  let setupS = NaN
  try {
    net = await startKithCommunity(plan, log, Date.now() + KITH_SETUP_DEADLINE_MS - performance.now(), m.setup)
    setupS = (performance.now() - tSetup) / 1000
    log(`kith: setup took ${setupS.toFixed(1)} s`)
    const series = await measureKith(net, plan, m, log, opts.notes)
    kith = { ...series, setup: net.setup }
    edges = series.edges
  } catch (err) {
    failed = err instanceof Error ? err.message : String(err)
    log(`kith: FAILED: ${failed}`)
    // run.ts sets exitCode from run()'s outcome after this returns: make the failure the last word
    process.once('exit', () => { process.exitCode = 1 })
  } finally {
    // a Kith node stops only once its groups' work queues are empty: let the last round's aftermath finish first
    if (net != null) await waitQuiet({ cores: QUIET_CORES, windowMs: 1000, windows: 2, minMs: 0, maxMs: m.quietMaxMs })
    const t = performance.now()
    await net?.stop()
    if (net != null) log(`kith: ${plan.size} nodes stopped in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  }
  const sign = await measureRaw('StrictSign', plan, edges, m, log, opts.notes)
  const noSign = await measureRaw('StrictNoSign', plan, edges, m, log, opts.notes)
  opts.notes.push(`${m.members} member nodes + 1 announcer, ${m.groups} groups of ${groupSize} members + the announcer, each member in ${m.perMember} groups (seed ${m.seed}); ` +
    `every member dials the announcer and ${m.extraDials} random other members (${plan.edges.length} connections planned; Kith's DHT adds more, and raw gets the same)`)
  opts.notes.push(failed != null
    ? `kith: FAILED, no Kith figures: ${failed}`
    : `kith: createKithNode (libp2p + helia + LevelDB each) on the memory transport, ALL ${plan.size} nodes in ONE process (one event loop, 2 cores); setup ${setupS.toFixed(0)} s ` +
      `(members added ${m.setup === 'batch' ? 'a group at a time in one membership change' : 'one by one with groups.add'}); announce() of a ${m.textChars}-character text into the community's ` +
      `${m.groups} groups (the members are not in its announcement group); cold = the first announcement after setup, which also carries the community log to every group`)
  if (kith != null && kith.setup.meshGaps.length > 0) opts.notes.push(`kith: meshes not fully formed when measured: ${kith.setup.meshGaps.join('; ')}`)
  opts.notes.push('baseline: raw libp2p 3 + @libp2p/gossipsub on the memory transport in the same process, after the Kith nodes stopped, over the connections Kith had; ' +
    `the announcer publishes one ${m.textChars}-byte message to each of the ${m.groups} topics at once; StrictSign unless marked (Kith's own gossip is StrictNoSign, it signs inside)`)
  opts.notes.push(`each figure: time from the call until the last of the ${expectedDeliveries(plan)} member-group deliveries; before every round a ${m.pauseMs / 1000} s pause, then until ` +
    `the process is quiet (< ${QUIET_CORES} cores for 2 s, at most ${m.quietMaxMs / 1000} s); code measured: ${code}`)
  return figures(m, plan, kith, sign, noSign)
}
