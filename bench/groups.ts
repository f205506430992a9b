// `npm run bench -- groups`: a 10-member group, Kith against raw libp2p 3 + gossipsub 17 on loopback TCP.
// Raw baseline: 10 raw nodes in ONE process (they share one event loop on 2 cores: the figures are CPU-bound).
import { createCipheriv, createDecipheriv, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto'
import type { GossipsubOpts, Message, SignaturePolicy } from '@libp2p/gossipsub'
import { kithGroups, type GroupsMethod, type KithGroupsResult } from './groups-kith.js'
import { info, ratioOf, type BenchOptions, type Figure } from './lib/figure.js'
import { makePayload, measureLatency, measureThroughput, readPayload, type BenchGroup, type LatencyResult, type ThroughputResult } from './lib/group-measure.js'
import { startRawNetwork, type RawNetwork } from './lib/raw-node.js'
import { CpuMeter, type CpuUse } from './lib/cpu.js'
import { codeVersion } from './lib/git.js'
import { rssMB, settledRssMB } from './lib/rss.js'

const BENCH = 'groups'
const TOPIC = 'kith-bench-group'

export const METHOD: GroupsMethod = {
  members: 10,
  dialNext: 3,
  payloadBytes: 200,
  latencyWarmup: 30,
  latencyMessages: 300,
  throughputWarmupMs: 1000,
  throughputDurationMs: 5000,
  throughputWindow: 50
}

/** Targets: Kith against raw StrictSign */
const LATENCY_MAX_RATIO = 1.3
const THROUGHPUT_MIN_RATIO = 0.7
const RSS_MAX_MB = 150

interface RawResult {
  policy: SignaturePolicy
  latency: LatencyResult
  throughput: ThroughputResult
  connectMs: number
  meshMs: number
  /** process RSS with the network idle, MB (includes node, tsx and the loaded modules) */
  rssIdleMB: number
  /** (RSS with the network idle − RSS before starting it) / members; meaningful for the first network of the run */
  rssPerNodeMB: number
  /** CPU of this process and of the rest of the machine during the throughput run */
  cpu: CpuUse
}

function rawGroup (net: RawNetwork, payloadBytes: number): BenchGroup {
  return {
    size: net.nodes.length,
    publish: async (sender, nonce, sentAt) => await net.nodes[sender].services.pubsub.publish(TOPIC, makePayload(nonce, payloadBytes, sentAt)),
    onDeliver: handler => {
      const removers = net.nodes.map((node, i) => {
        const listener = (evt: CustomEvent<Message>): void => {
          if (evt.detail.topic !== TOPIC) return
          const p = readPayload(evt.detail.data)
          if (p != null) handler(i, p.nonce, p.sentAt)
        }
        node.services.pubsub.addEventListener('message', listener)
        return () => { node.services.pubsub.removeEventListener('message', listener) }
      })
      return () => { for (const remove of removers) remove() }
    }
  }
}

/**
 * gossipsub 17 verifies a StrictSign signature BEFORE its duplicate check unless fastMsgIdFn is set, so every duplicate
 * copy (each member gets one from each mesh peer) costs a verify. With this cheap id (from + seqno, what the default
 * StrictSign msgId uses anyway) duplicates are dropped before the verify. Informational rows only: the baseline Kith
 * is compared against is gossipsub's default.
 */
export const fastMsgIdFromSeqno: Partial<GossipsubOpts> = {
  fastMsgIdFn: msg => `${toHex(msg.from)}:${toHex(msg.seqno)}`
}

function toHex (b: Uint8Array | undefined): string {
  return b == null ? '' : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}

export async function runRaw (policy: SignaturePolicy, m: GroupsMethod, log: (s: string) => void, extra?: Partial<GossipsubOpts>, label: string = policy): Promise<RawResult> {
  const rss0 = rssMB()
  const net = await startRawNetwork({ size: m.members, dialNext: m.dialNext, topic: TOPIC, signaturePolicy: policy, gossipsub: extra })
  try {
    log(`raw ${label}: ${m.members} nodes connected in ${net.connectMs.toFixed(0)} ms, mesh ${net.meshMs.toFixed(0)} ms later`)
    const rssIdleMB = await settledRssMB(1000)
    const rssPerNodeMB = (rssIdleMB - rss0) / m.members
    const group = rawGroup(net, m.payloadBytes)
    const latency = await measureLatency(group, { warmup: m.latencyWarmup, messages: m.latencyMessages })
    log(`raw ${label}: latency to last member p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms (${latency.samples} messages, ${latency.lost} lost)`)
    const meter = new CpuMeter()
    const throughput = await measureThroughput(group, { warmupMs: m.throughputWarmupMs, durationMs: m.throughputDurationMs, window: m.throughputWindow })
    const cpu = meter.stop()
    log(`raw ${label}: ${throughput.perSecond.toFixed(0)} msg/s delivered to all (${throughput.completed} in ${m.throughputDurationMs} ms, ${throughput.lost} lost, under load p50 ${throughput.p50.toFixed(1)} ms; ` +
      `CPU ${cpu.ownCores.toFixed(2)} cores, other processes ${cpu.otherCores.toFixed(2)} of ${cpu.cores})`)
    return { policy, latency, throughput, connectMs: net.connectMs, meshMs: net.meshMs, rssIdleMB, rssPerNodeMB, cpu }
  } finally {
    await net.stop()
  }
}

export interface CryptoResult { opsPerSec: number, usPerOp: number }

/** runs fn repeatedly for about ms milliseconds (after a short warm-up) */
function timeOps (fn: () => void, ms: number): CryptoResult {
  for (let i = 0; i < 200; i++) fn()
  let ops = 0
  const t0 = performance.now()
  let t = t0
  while (t - t0 < ms) {
    for (let i = 0; i < 100; i++) fn()
    ops += 100
    t = performance.now()
  }
  const usPerOp = ((t - t0) * 1000) / ops
  return { opsPerSec: 1e6 / usPerOp, usPerOp }
}

export function rawCrypto (payloadBytes: number, ms = 700): { ed25519: CryptoResult, aesGcm: CryptoResult } {
  const msg = randomBytes(payloadBytes)
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const ed25519 = timeOps(() => {
    const sig = sign(null, msg, privateKey)
    if (!verify(null, msg, publicKey, sig)) throw new Error('ed25519 verify failed')
  }, ms)
  const key = randomBytes(32)
  const aesGcm = timeOps(() => {
    const iv = randomBytes(12)
    const c = createCipheriv('aes-256-gcm', key, iv)
    const ct = Buffer.concat([c.update(msg), c.final()])
    const tag = c.getAuthTag()
    const d = createDecipheriv('aes-256-gcm', key, iv)
    d.setAuthTag(tag)
    const pt = Buffer.concat([d.update(ct), d.final()])
    if (pt.length !== msg.length) throw new Error('aes-256-gcm round trip failed')
  }, ms)
  return { ed25519, aesGcm }
}

/** Kith part: null figures while groups-kith.ts leaves kithGroups undefined, or when it failed (then `failed` says why) */
export async function runKith (m: GroupsMethod, log: (s: string) => void): Promise<KithGroupsResult | { failed: string } | null> {
  if (kithGroups == null) {
    log('kith: not built yet (bench/groups-kith.ts exports kithGroups = undefined)')
    return null
  }
  let r: KithGroupsResult
  try {
    r = await kithGroups(m)
  } catch (err) {
    // the raw figures are still printed; the failure is said in the notes and by the exit code
    const failed = err instanceof Error ? err.message : String(err)
    log(`kith: FAILED: ${failed}`)
    // run.ts sets exitCode from run()'s outcome after this returns: make the failure the last word
    process.once('exit', () => { process.exitCode = 1 })
    return { failed }
  }
  log(`kith: latency p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.throughput.toFixed(0)} msg/s, RSS ${r.rssIdleMB.toFixed(0)} MB, crypto ${r.cryptoUsPerMsg.toFixed(1)} µs/msg`)
  return r
}

export function figures (kith: KithGroupsResult | null, sign: RawResult, noSign: RawResult, signFast: RawResult, crypto: ReturnType<typeof rawCrypto>): Figure[] {
  const k = kith
  const atMost = (v: number | null, limit: number | null): boolean | null => v == null || limit == null ? null : v <= limit
  const latRatio = ratioOf(k?.p50 ?? null, sign.latency.p50)
  const tputRatio = ratioOf(k?.throughput ?? null, sign.throughput.perSecond)
  const rawCryptoUs = crypto.ed25519.usPerOp + crypto.aesGcm.usPerOp
  return [
    { bench: BENCH, metric: 'latency to last member p50', unit: 'ms', kith: k?.p50 ?? null, baseline: sign.latency.p50, ratio: latRatio, target: `≤ ${LATENCY_MAX_RATIO}× baseline`, pass: atMost(latRatio, LATENCY_MAX_RATIO) },
    info(BENCH, 'latency to last member p99', 'ms', k?.p99 ?? null, sign.latency.p99),
    { bench: BENCH, metric: 'delivered to all members', unit: 'msg/s', kith: k?.throughput ?? null, baseline: sign.throughput.perSecond, ratio: tputRatio, target: `≥ ${THROUGHPUT_MIN_RATIO}× baseline`, pass: tputRatio == null ? null : tputRatio >= THROUGHPUT_MIN_RATIO },
    { bench: BENCH, metric: 'daemon RSS idle', unit: 'MB', kith: k?.rssIdleMB ?? null, baseline: null, ratio: null, target: `< ${RSS_MAX_MB} MB`, pass: k == null ? null : k.rssIdleMB < RSS_MAX_MB },
    info(BENCH, 'crypto per message (Kith: its own; raw: Ed25519 sign+verify + AES-GCM enc+dec)', 'µs/msg', k?.cryptoUsPerMsg ?? null, rawCryptoUs),
    // Kith details (informational; measured by groups-kith.ts)
    ...(k?.detail == null ? [] : kithDetailRows(k.detail, sign)),
    // raw reference rows (no Kith figure)
    info(BENCH, 'raw StrictNoSign: latency to last member p50', 'ms', null, noSign.latency.p50),
    info(BENCH, 'raw StrictNoSign: latency to last member p99', 'ms', null, noSign.latency.p99),
    info(BENCH, 'raw StrictNoSign: delivered to all members', 'msg/s', null, noSign.throughput.perSecond),
    info(BENCH, 'raw StrictSign + fastMsgIdFn: latency to last member p50', 'ms', null, signFast.latency.p50),
    info(BENCH, 'raw StrictSign + fastMsgIdFn: latency to last member p99', 'ms', null, signFast.latency.p99),
    info(BENCH, 'raw StrictSign + fastMsgIdFn: delivered to all members', 'msg/s', null, signFast.throughput.perSecond),
    info(BENCH, 'raw StrictSign: latency to last member p50 under load', 'ms', null, sign.throughput.p50),
    info(BENCH, 'raw StrictNoSign: latency to last member p50 under load', 'ms', null, noSign.throughput.p50),
    info(BENCH, 'raw, all runs: messages lost', 'count', null, [sign, noSign, signFast].reduce((n, r) => n + r.latency.lost + r.throughput.lost, 0)),
    info(BENCH, 'raw: process RSS, 10 nodes idle (node + tsx + modules)', 'MB', null, sign.rssIdleMB),
    info(BENCH, 'raw: RSS per node (10 in one process)', 'MB', null, sign.rssPerNodeMB),
    info(BENCH, 'raw Ed25519 sign+verify 200 B', 'µs/op', null, crypto.ed25519.usPerOp),
    info(BENCH, 'raw Ed25519 sign+verify 200 B', 'ops/s', null, crypto.ed25519.opsPerSec),
    info(BENCH, 'raw AES-256-GCM encrypt+decrypt 200 B', 'µs/op', null, crypto.aesGcm.usPerOp),
    info(BENCH, 'raw AES-256-GCM encrypt+decrypt 200 B', 'ops/s', null, crypto.aesGcm.opsPerSec)
  ]
}

function kithDetailRows (d: NonNullable<KithGroupsResult['detail']>, sign: RawResult): Figure[] {
  const perMsg = (c: CpuUse, perSecond: number): number => (c.ownCores * 1000) / perSecond
  return [
    info(BENCH, 'throughput run: CPU of the bench process', 'cores', d.cpu.ownCores, sign.cpu.ownCores),
    info(BENCH, 'throughput run: CPU per message delivered to all', 'ms', perMsg(d.cpu, d.throughput.perSecond), perMsg(sign.cpu, sign.throughput.perSecond)),
    info(BENCH, 'throughput run: CPU of OTHER processes on the machine (noise)', 'cores', d.cpu.otherCores, sign.cpu.otherCores),
    info(BENCH, 'kith: latency to last member p50 under load', 'ms', d.throughput.p50, sign.throughput.p50),
    info(BENCH, 'kith: messages lost (latency + throughput runs)', 'count', d.latency.lost + d.throughput.lost, null),
    info(BENCH, 'kith crypto: encryptGroupMessage (send side)', 'µs/msg', d.cryptoSendUs, null),
    info(BENCH, 'kith crypto: decodeGroupWire + verifyCipherSignature + decryptGroupMessage (receive side)', 'µs/msg', d.cryptoReceiveUs, null),
    info(BENCH, 'kith: 9 joins, one after another', 'ms', d.joinMs, null),
    info(BENCH, 'kith: after the joins, until every member reads every other', 'ms', d.keysMs, null),
    info(BENCH, 'kith daemon: spawn to ready line', 'ms', d.daemonReadyMs, null)
  ]
}

export async function run (opts: BenchOptions): Promise<Figure[]> {
  const m = METHOD
  const log = opts.log
  const code = codeVersion()
  log(`groups: ${m.members} members, each dialing the next ${m.dialNext}, ${m.payloadBytes}-byte messages, raw nodes share one process`)
  const sign = await runRaw('StrictSign', m, log)
  const noSign = await runRaw('StrictNoSign', m, log)
  const signFast = await runRaw('StrictSign', m, log, fastMsgIdFromSeqno, 'StrictSign + fastMsgIdFn')
  const crypto = rawCrypto(m.payloadBytes)
  log(`raw crypto: Ed25519 sign+verify ${crypto.ed25519.usPerOp.toFixed(1)} µs, AES-256-GCM enc+dec ${crypto.aesGcm.usPerOp.toFixed(2)} µs`)
  const outcome = await runKith(m, log)
  const kith = outcome == null || 'failed' in outcome ? null : outcome
  opts.notes.push(outcome == null
    ? 'kith: not built yet (Kith figures are null; set kithGroups in bench/groups-kith.ts)'
    : 'failed' in outcome
      ? `kith: FAILED, no Kith figures: ${outcome.failed}`
      : `kith: ${m.members} Kith nodes (createKithNode: libp2p + helia + LevelDB each) in ONE process like the raw baseline, same topology and method; ` +
      'RSS: a separate `kith daemon` process (VmRSS 5 s after its ready line); crypto: @kith/protocol vs node:crypto, one send + one receive')
  opts.notes.push(`code measured: ${code}`)
  opts.notes.push(`baseline: ${m.members} raw libp2p 3 + gossipsub 17 nodes in ONE process, loopback TCP, StrictSign unless marked; ` +
    `latency: ${m.latencyMessages} messages one at a time after ${m.latencyWarmup} warm-up; throughput: window ${m.throughputWindow}, ${m.throughputDurationMs / 1000} s after ${m.throughputWarmupMs / 1000} s warm-up`)
  return figures(kith, sign, noSign, signFast, crypto)
}
