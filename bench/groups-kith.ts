// The Kith half of `npm run bench -- groups`: 10 real Kith nodes (createKithNode from @kith/node) in ONE process,
// like the raw baseline, measured with the same method (bench/lib/group-measure.ts), plus the per-message crypto of
// @kith/protocol and the RSS of a real, separate daemon process.
//
// Contract (used by groups.ts): `kithGroups(method)` resolves with
//   p50, p99       ms, publish to delivery at the LAST of the other members, one message at a time, rotating sender
//   throughput     messages per second delivered to ALL other members, every member sending, bounded window
//   rssIdleMB      resident memory of one idle Kith daemon process, MB (a spawned `kith daemon`, /proc/PID/status)
//   cryptoUsPerMsg Kith's own per-message crypto cost (seal + sign on send, verify + open on receive), µs
// and stops every node / daemon it started before resolving or throwing.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  decodeGroupWire, decryptGroupMessage, encryptGroupMessage, generateIdentity, Inner, newSenderChain, SignatureVerifier,
  verifyCipherSignature, type DecodedCipher, type ReceivingChain, type SenderChain
} from '@kith/protocol'
import { createKithNode, type CreateKithNodeInit, type FullKithNode } from '@kith/node'
import type { GroupMessage } from '@kith/node'
import { makeTextPayload, measureLatency, measureThroughput, readTextPayload, type BenchGroup, type LatencyResult, type ThroughputResult } from './lib/group-measure.js'
import { removeOnInterrupt } from './lib/cleanup.js'
import { CpuMeter, type CpuUse } from './lib/cpu.js'
import { measureDaemonRss } from './lib/kith-daemon.js'
import { sleep } from './lib/stats.js'

export interface GroupsMethod {
  /** group members (10) */
  members: number
  /** every member dials the next `dialNext` (3), mod members */
  dialNext: number
  /** payload size in bytes (200); each payload carries a nonce and its send time (see makePayload) */
  payloadBytes: number
  /** latency: warm-up messages, then measured messages */
  latencyWarmup: number
  latencyMessages: number
  /** throughput: ms of load before counting, ms counted, messages outstanding across the group at most */
  throughputWarmupMs: number
  throughputDurationMs: number
  throughputWindow: number
}

export interface KithGroupsResult {
  p50: number
  p99: number
  throughput: number
  rssIdleMB: number
  cryptoUsPerMsg: number
  /** details for informational rows (optional so that a bare result still fits the contract) */
  detail?: KithGroupsDetail
}

export interface KithGroupsDetail {
  latency: LatencyResult
  throughput: ThroughputResult
  /** send side alone (encryptGroupMessage) and receive side alone (decode + verify + decrypt), µs */
  cryptoSendUs: number
  cryptoReceiveUs: number
  /** ms: 10 nodes started, ring dialed, 9 joins done, every member reading every other's warm-up message */
  startMs: number
  connectMs: number
  joinMs: number
  keysMs: number
  daemonReadyMs: number
  /** CPU of this process and of the rest of the machine during the throughput run */
  cpu: CpuUse
}

export type KithGroupsFn = (method: GroupsMethod) => Promise<KithGroupsResult>

// ---------------------------------------------------------------------------------------------- crypto

/** µs per call of fn, run for about ms milliseconds after a warm-up */
function usPerOp (fn: () => void, ms: number): number {
  for (let i = 0; i < 200; i++) fn()
  let ops = 0
  const t0 = performance.now()
  let t = t0
  while (t - t0 < ms) {
    for (let i = 0; i < 100; i++) fn()
    ops += 100
    t = performance.now()
  }
  return ((t - t0) * 1000) / ops
}

/**
 * Kith's per-message crypto with the real @kith/protocol functions: encryptGroupMessage (HMAC ratchet, HKDF,
 * AES-256-GCM, Ed25519 sign) on send; decodeGroupWire, verifyCipherSignature (with a SignatureVerifier that caches
 * the imported key, as the node does) and decryptGroupMessage on receive. 200-character texts.
 */
export function kithCrypto (payloadBytes: number, ms = 700): { sendUs: number, receiveUs: number, roundTripUs: number } {
  const identity = generateIdentity()
  const verifier = new SignatureVerifier()
  let send: SenderChain = newSenderChain(new Uint8Array(randomBytes(32)))
  let recv: ReceivingChain = { ...send, sender: identity.publicKey, skipped: new Map() }
  const text = 'x'.repeat(payloadBytes)
  let seq = 0n
  const inner = (): Inner => ({ seq: ++seq, timestamp: BigInt(Date.now()), kind: Inner.Kind.TEXT, text, receipts: [], padding: new Uint8Array(0) })
  const encrypt = (): Uint8Array => {
    const r = encryptGroupMessage(identity, send, inner())
    send = r.chain
    return r.wire
  }
  const receive = (wire: Uint8Array): void => {
    const decoded = decodeGroupWire(wire)
    if (decoded.kind !== 'cipher') throw new Error('expected a cipher message')
    if (!verifyCipherSignature(verifier, recv.sender, decoded as DecodedCipher)) throw new Error('kith signature did not verify')
    const r = decryptGroupMessage(recv, decoded.body)
    recv = r.chain
    if (r.inner.text.length !== payloadBytes) throw new Error('kith round trip failed')
  }
  const roundTripUs = usPerOp(() => { receive(encrypt()) }, ms)
  // the two halves apart, in batches (the receiving chain must follow the sending one, in order)
  let sendMs = 0
  let receiveMs = 0
  let n = 0
  const end = performance.now() + ms
  while (performance.now() < end) {
    const a = performance.now()
    const wires: Uint8Array[] = []
    for (let i = 0; i < 200; i++) wires.push(encrypt())
    const b = performance.now()
    for (const w of wires) receive(w)
    const c = performance.now()
    sendMs += b - a
    receiveMs += c - b
    n += 200
  }
  const sendUs = (sendMs * 1000) / n
  const receiveUs = (receiveMs * 1000) / n
  return { sendUs, receiveUs, roundTripUs }
}

// ---------------------------------------------------------------------------------------------- the network

export interface KithNet {
  nodes: FullKithNode[]
  groupId: string
  startMs: number
  connectMs: number
  joinMs: number
  keysMs: number
  stop: () => Promise<void>
}

/** resolves when cond() holds (polled every 25 ms); throws after timeoutMs */
async function until (what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number, detail?: () => string | Promise<string>): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`kith: timed out after ${timeoutMs} ms waiting for ${what}${detail != null ? ` (${await detail()})` : ''}`)
    await sleep(25)
  }
}

/** the Kith part gives up after this much time of its own… */
export const KITH_BUDGET_MS = 120_000
/** …or once the bench process has run this long (performance.now() counts from process start): the bench as a whole must end in < 3 min */
export const PROCESS_DEADLINE_MS = 170_000

function kithDeadline (): number {
  return Date.now() + Math.min(KITH_BUDGET_MS, PROCESS_DEADLINE_MS - performance.now())
}

export type KithNodeFactory = (init: CreateKithNodeInit) => Promise<FullKithNode>

export async function startKithNetwork (m: GroupsMethod, log: (s: string) => void, deadline = kithDeadline(), create: KithNodeFactory = createKithNode): Promise<KithNet> {
  const left = (max: number): number => Math.max(1000, Math.min(max, deadline - Date.now()))
  const nodes: FullKithNode[] = []
  const dirs: string[] = []
  const unregister: Array<() => void> = []
  const stop = async (): Promise<void> => {
    await Promise.allSettled(nodes.map(async n => { await n.stop() }))
    await Promise.allSettled(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
    for (const u of unregister) u()
  }
  try {
    const t0 = performance.now()
    for (let i = 0; i < m.members; i++) {
      const dataDir = await mkdtemp(join(tmpdir(), 'kith-bench-'))
      dirs.push(dataDir)
      unregister.push(removeOnInterrupt(dataDir))
      nodes.push(await create({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false }))
    }
    const startMs = performance.now() - t0

    const t1 = performance.now()
    const dials: Array<Promise<unknown>> = []
    for (let i = 0; i < m.members; i++) {
      for (let k = 1; k <= m.dialNext; k++) {
        const j = (i + k) % m.members
        if (j === i) continue
        const addr = nodes[j].getMultiaddrs().find(a => a.includes('/ip4/127.0.0.1/tcp/') && !a.includes('/ws'))
        if (addr == null) throw new Error(`kith: node ${j} has no loopback TCP address (${nodes[j].getMultiaddrs().join(', ')})`)
        dials.push(nodes[i].connect(addr))
      }
    }
    await Promise.all(dials)
    const connectMs = performance.now() - t1

    // node 0 creates the group; the others join one after another with its invite (joins admitted at the same
    // time by different members would fork the log; Kith resolves forks, but that is not what is measured here)
    const t2 = performance.now()
    const { groupId, invite } = await nodes[0].groups.create('bench')
    for (let i = 1; i < m.members; i++) {
      const joined = await nodes[i].groups.join(invite, { timeout: left(30_000) })
      if (joined.groupId !== groupId) throw new Error(`kith: node ${i} joined ${joined.groupId}, not ${groupId}`)
    }
    await until('every node to list all members', async () => {
      for (const n of nodes) if ((await n.groups.members(groupId)).length !== m.members) return false
      return true
    }, left(30_000), async () => (await Promise.all(nodes.map(async n => (await n.groups.members(groupId)).length))).join(' '))
    const joinMs = performance.now() - t2

    // sender keys: every member sends a warm-up message and we wait until every member reads every other's
    const t3 = performance.now()
    const heard = nodes.map(() => new Set<string>())
    const removers = nodes.map((n, i) => {
      const listener = (evt: CustomEvent<GroupMessage>): void => {
        const d = evt.detail
        if (d.status == null && d.groupId === groupId && d.text.startsWith('warm-up ')) heard[i].add(d.from)
      }
      n.addEventListener('group:message', listener)
      return () => { n.removeEventListener('group:message', listener) }
    })
    try {
      for (let i = 0; i < m.members; i++) await nodes[i].groups.send(groupId, `warm-up ${i}`)
      await until('every member to read every other member\'s warm-up message (sender keys distributed)',
        () => heard.every(s => s.size === m.members - 1), left(60_000), () => heard.map(s => s.size).join(' '))
    } finally {
      for (const remove of removers) remove()
    }
    const keysMs = performance.now() - t3
    log(`kith: ${m.members} nodes started in ${startMs.toFixed(0)} ms, connected in ${connectMs.toFixed(0)} ms, ` +
      `${m.members - 1} joins in ${joinMs.toFixed(0)} ms, every member reads every other after ${keysMs.toFixed(0)} ms more`)
    return { nodes, groupId, startMs, connectMs, joinMs, keysMs, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

export function kithGroup (net: KithNet, payloadBytes: number): BenchGroup {
  return {
    size: net.nodes.length,
    publish: async (sender, nonce, sentAt) => await net.nodes[sender].groups.send(net.groupId, makeTextPayload(nonce, payloadBytes, sentAt)),
    onDeliver: handler => {
      const removers = net.nodes.map((node, i) => {
        const listener = (evt: CustomEvent<GroupMessage>): void => {
          const d = evt.detail
          // the event fires for this node's own messages too, with a status: not a delivery
          if (d.status != null || d.groupId !== net.groupId) return
          const p = readTextPayload(d.text)
          if (p != null) handler(i, p.nonce, p.sentAt)
        }
        node.addEventListener('group:message', listener)
        return () => { node.removeEventListener('group:message', listener) }
      })
      return () => { for (const remove of removers) remove() }
    }
  }
}

export const kithGroups: undefined | KithGroupsFn = async (m: GroupsMethod): Promise<KithGroupsResult> => {
  const log = (s: string): void => { process.stderr.write(`[groups] ${s}\n`) }

  const crypto = kithCrypto(m.payloadBytes)
  log(`kith crypto: encrypt+sign ${crypto.sendUs.toFixed(1)} µs, decode+verify+decrypt ${crypto.receiveUs.toFixed(1)} µs, round trip ${crypto.roundTripUs.toFixed(1)} µs`)

  // the daemon first, on its own: its RSS is measured while this process is idle
  const daemon = await measureDaemonRss(5000)
  log(`kith daemon: ready in ${daemon.readyMs.toFixed(0)} ms, VmRSS ${daemon.rssMB.toFixed(1)} MB after 5 s idle`)

  const deadline = kithDeadline()
  const net = await startKithNetwork(m, log, deadline)
  let latency!: LatencyResult
  let throughput!: ThroughputResult
  let cpu!: CpuUse
  let timer: NodeJS.Timeout | undefined
  try {
    const group = kithGroup(net, m.payloadBytes)
    const measure = async (): Promise<void> => {
      latency = await measureLatency(group, { warmup: m.latencyWarmup, messages: m.latencyMessages })
      log(`kith: latency to last member p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms (${latency.samples} messages, ${latency.lost} lost, ${latency.publishErrors} send errors)`)
      const meter = new CpuMeter()
      throughput = await measureThroughput(group, { warmupMs: m.throughputWarmupMs, durationMs: m.throughputDurationMs, window: m.throughputWindow })
      cpu = meter.stop()
      log(`kith: ${throughput.perSecond.toFixed(0)} msg/s delivered to all (${throughput.completed} in ${m.throughputDurationMs} ms, ${throughput.lost} lost, ${throughput.publishErrors} send errors, under load p50 ${throughput.p50.toFixed(1)} ms; ` +
        `CPU ${cpu.ownCores.toFixed(2)} cores, other processes ${cpu.otherCores.toFixed(2)} of ${cpu.cores})`)
    }
    const overtime = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { reject(new Error(`kith: gave up at the bench's time limit (latency ${latency == null ? 'not finished' : 'done'}, throughput not finished)`)) }, Math.max(0, deadline - Date.now()))
    })
    const work = measure()
    // after a give-up the measurement may still fail on the stopped nodes: that is already reported
    work.catch(() => {})
    await Promise.race([work, overtime])
  } finally {
    clearTimeout(timer)
    await net.stop()
  }
  return {
    p50: latency.p50,
    p99: latency.p99,
    throughput: throughput.perSecond,
    rssIdleMB: daemon.rssMB,
    cryptoUsPerMsg: crypto.roundTripUs,
    detail: {
      latency,
      throughput,
      cryptoSendUs: crypto.sendUs,
      cryptoReceiveUs: crypto.receiveUs,
      startMs: net.startMs,
      connectMs: net.connectMs,
      joinMs: net.joinMs,
      keysMs: net.keysMs,
      daemonReadyMs: daemon.readyMs,
      cpu
    }
  }
}
