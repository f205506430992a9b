// The Kith half of the `communities` bench: an announcer and its members as real Kith nodes (createKithNode, each
// with libp2p + helia + its own LevelDB) in ONE process on the memory transport, wired and grouped by a CommunityPlan.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LogOp, publicKeyFromPeerId, toHex } from '@kith/protocol'
import { createKithNode, type FullKithNode } from '@kith/node'
import { removeOnInterrupt } from './cleanup.js'
import type { CommunityPlan } from './community-plan.js'
import { CpuMeter, type CpuUse } from './cpu.js'
import { QUIET_CORES, waitQuiet } from './quiet.js'
import { meshGaps, meshNotReady, type MeshView } from './raw-memory-net.js'
import { sleep } from './stats.js'

/** what the bench reads of the groups service's per-group state (not part of its API: white-box readiness checks) */
interface SessionView {
  topic: string
  myChain?: { senderKeyId: Uint8Array, epoch: Uint8Array }
  chains: Map<string, unknown>
  log: unknown[]
  state: { head: Uint8Array }
  acked: Set<string>
  keyRetries: Map<string, { attempts: number, nextAt: number }>
}

export function sessionsOf (node: FullKithNode): Map<string, SessionView> {
  return (node.groups as unknown as { sessions: Map<string, SessionView> }).sessions
}

/** 'add': one groups.add per member, one after another; 'batch': a group's members in one membership change */
export type SetupMode = 'add' | 'batch'

export interface KithSetup {
  startMs: number
  connectMs: number
  communityMs: number
  /** adding and welcoming every member, the waits for quiet between waves included */
  addsMs: number
  wavesQuietMs: number
  /** after the adds, until every member holds the announcer's key and the meshes formed */
  readyMs: number
  welcomesResent: number
  /** (node, topic) pairs whose subscribers or mesh had not formed when the bench went on */
  meshGaps: string[]
  /** CPU of this process and of the rest of the machine during the whole setup */
  cpu: CpuUse
}

export interface KithCommunityNet {
  nodes: FullKithNode[]
  communityId: string
  /** group ids, in plan order */
  groupIds: string[]
  /** gossipsub topic of each group, in plan order */
  topics: string[]
  setup: KithSetup
  stop: () => Promise<void>
}

/** a member not welcomed this long after its add gets its pending welcomes re-sent */
const WELCOME_WAIT_MS = 20_000
const GROUPS_AT_ONCE = 10
const WAVE_QUIET_MAX_MS = 20_000
const MESH_WAIT_MS = 30_000
const STOP_TIMEOUT_MS = 30_000

async function until (what: string, cond: () => string | undefined, timeoutMs: number, log: (s: string) => void): Promise<void> {
  const end = Date.now() + timeoutMs
  let lastLog = Date.now()
  for (;;) {
    const missing = cond()
    if (missing == null) return
    if (Date.now() > end) throw new Error(`kith: timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what} (${missing})`)
    if (Date.now() - lastLog > 10_000) {
      log(`kith: still waiting for ${what} (${missing})`)
      lastLog = Date.now()
    }
    await sleep(200)
  }
}

export async function startKithCommunity (plan: CommunityPlan, log: (s: string) => void, deadline: number, mode: SetupMode = 'batch'): Promise<KithCommunityNet> {
  const left = (): number => Math.max(1000, deadline - Date.now())
  const prefix = `/memory/kith-bench-${randomBytes(4).toString('hex')}`
  const nodes: FullKithNode[] = []
  const dirs: string[] = []
  const unregister: Array<() => void> = []
  const stop = async (): Promise<void> => {
    const stopped = Promise.allSettled(nodes.map(async n => { await n.stop() })).then(() => true)
    if (!await Promise.race([stopped, sleep(STOP_TIMEOUT_MS).then(() => false)])) log(`kith: some nodes had not stopped after ${STOP_TIMEOUT_MS / 1000} s; going on`)
    await Promise.allSettled(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
    for (const u of unregister) u()
  }
  try {
    const meter = new CpuMeter()
    const t0 = performance.now()
    for (let i = 0; i < plan.size; i++) {
      const dataDir = await mkdtemp(join(tmpdir(), 'kith-bench-comm-'))
      dirs.push(dataDir)
      unregister.push(removeOnInterrupt(dataDir))
      nodes.push(await createKithNode({ dataDir, listen: [`${prefix}-${i}`], mdns: false }))
      if (i % 20 === 20 - 1 || i === plan.size - 1) log(`kith: ${i + 1}/${plan.size} nodes started (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
    }
    const startMs = performance.now() - t0

    const t1 = performance.now()
    for (let k = 0; k < plan.edges.length; k += 25) {
      await Promise.all(plan.edges.slice(k, k + 25).map(async ([a, b]) => await nodes[a].connect(nodes[b].getMultiaddrs()[0])))
    }
    const connectMs = performance.now() - t1
    log(`kith: ${plan.edges.length} connections in ${(connectMs / 1000).toFixed(1)} s`)

    const t2 = performance.now()
    const admin = nodes[0]
    const { communityId } = await admin.communities.create('Bench school')
    const groupIds: string[] = []
    for (let g = 0; g < plan.groups.length; g++) groupIds.push((await admin.communities.createGroup(communityId, `Class ${g + 1}`)).groupId)
    const communityMs = performance.now() - t2
    log(`kith: community and its ${groupIds.length} groups created in ${(communityMs / 1000).toFixed(1)} s`)

    // Members are added by the announcer and welcomed over a stream. 'add': one groups.add per member, one after
    // another (each a new epoch); 'batch' (the default): all of a group's members in ONE membership change, through
    // the groups service's private commit() (what groups.add does with a one-entry list) — every epoch change makes
    // each member fetch the group's history again, and ten one-by-one epochs per group swamp the nodes (see
    // docs/BENCHMARKS.md). A welcome whose delivery timed out is sent again on reconnection and every 15 s while the
    // member stays connected (deliverWelcomes); a member not welcomed after WELCOME_WAIT_MS also gets its pending
    // welcomes re-sent by the bench through that same private method, and those re-sends are counted.
    const t3 = performance.now()
    let adds = 0
    let welcomesResent = 0
    const internals = admin.groups as unknown as {
      deliverWelcomes: (peerId: string) => Promise<void>
      activeSession: (groupId: string) => unknown
      commit: (session: unknown, changes: Array<[LogOp, { target: Uint8Array }]>) => Promise<void>
    }
    const joined = new Map<string, () => void>()
    for (let i = 1; i < plan.size; i++) {
      nodes[i].addEventListener('group:joined', (evt: CustomEvent<{ groupId: string }>) => { joined.get(`${i}/${evt.detail.groupId}`)?.() })
    }
    const adoption = async (m: number, gid: string): Promise<void> => await new Promise<void>(resolve => { joined.set(`${m}/${gid}`, resolve) })
    const welcomed = async (m: number, gid: string, adopted: Promise<void>, g: number): Promise<void> => {
      for (;;) {
        if (sessionsOf(nodes[m]).has(gid)) break
        let timer: NodeJS.Timeout | undefined
        const ok = await Promise.race([adopted.then(() => true), new Promise<boolean>(resolve => { timer = setTimeout(() => { resolve(false) }, WELCOME_WAIT_MS) })])
        clearTimeout(timer)
        if (ok) break
        if (Date.now() > deadline) throw new Error(`kith: node ${m} was not welcomed into group ${g} by the deadline`)
        welcomesResent++
        void internals.deliverWelcomes.call(admin.groups, nodes[m].peerId)
      }
      joined.delete(`${m}/${gid}`)
      adds++
    }
    const addTo = async (members: number[], g: number): Promise<void> => {
      const gid = groupIds[g]
      if (mode === 'add') {
        for (const m of members) {
          const adopted = adoption(m, gid)
          await admin.groups.add(gid, nodes[m].peerId)
          await welcomed(m, gid, adopted, g)
        }
      } else {
        const adopted = members.map(async m => await adoption(m, gid))
        await internals.commit.call(admin.groups, internals.activeSession.call(admin.groups, gid), members.map(m => [LogOp.ADD, { target: publicKeyFromPeerId(nodes[m].peerId) }]))
        await Promise.all(members.map(async (m, k) => { await welcomed(m, gid, adopted[k], g) }))
      }
    }
    // GROUPS_AT_ONCE groups at a time, then a wait until the process is quiet: every adoption makes the member fetch
    // the group's history from two others, and waves that overlap the previous one's fetches time welcomes out
    let wavesQuietMs = 0
    for (let first = 0; first < plan.groups.length; first += GROUPS_AT_ONCE) {
      const wave = plan.groups.slice(first, first + GROUPS_AT_ONCE)
      await Promise.all(wave.map(async (members, k) => { await addTo(members, first + k) }))
      const q = await waitQuiet({ cores: QUIET_CORES, windowMs: 1000, windows: 2, minMs: 0, maxMs: WAVE_QUIET_MAX_MS })
      wavesQuietMs += q.ms
      log(`kith: groups ${first + 1}–${first + wave.length} formed (${((performance.now() - t3) / 1000).toFixed(1)} s, ${welcomesResent} welcomes re-sent), ` +
        `quiet ${(q.ms / 1000).toFixed(1)} s later${q.quiet ? '' : ` (still ${q.lastCores.toFixed(2)} cores: going on)`}`)
    }
    const addsMs = performance.now() - t3

    // ready: every member holds the announcer's current sender key in each of its groups, and every gossipsub mesh
    // has formed
    const t4 = performance.now()
    const adminSessions = sessionsOf(admin)
    const topics = groupIds.map(g => adminSessions.get(g)?.topic as string)
    const keysMissing = (): string | undefined => {
      let missing = 0
      let example = ''
      for (let i = 1; i < plan.size; i++) {
        const sessions = sessionsOf(nodes[i])
        for (const g of plan.groupsOf[i]) {
          const adminSession = adminSessions.get(groupIds[g])
          const keyId = adminSession?.myChain?.senderKeyId
          const s = sessions.get(groupIds[g])
          // keys are made when a member next sends: a chain the log has moved past is not handed out any more, and
          // the next announcement makes a new one (the cold round pays for it)
          const current = adminSession?.myChain != null && toHex(adminSession.myChain.epoch) === toHex(adminSession.state.head)
          if (keyId == null || s == null || (current && !s.chains.has(toHex(keyId)))) {
            missing++
            const hex = toHex(publicKeyFromPeerId(nodes[i].peerId))
            const retry = adminSession?.keyRetries.get(hex)
            example = `node ${i} group ${g}: ${s == null ? 'not welcomed' : `no announcer key (its log ${s.log.length} entries, the announcer's ${adminSession?.log.length}; ` +
              `announcer's retries ${retry == null ? 'none' : `${retry.attempts}, next in ${((retry.nextAt - Date.now()) / 1000).toFixed(0)} s`}, acked ${adminSession?.acked.has(hex) === true})`}`
          }
        }
      }
      return missing === 0 ? undefined : `${missing} member-groups, e.g. ${example}`
    }
    await until('every member to hold the announcer\'s keys', keysMissing, left(), log)
    const views: MeshView[] = nodes.map(n => n.libp2p.services.pubsub as unknown as MeshView)
    const topicsOf = plan.groupsOf.map(gs => gs.map(g => topics[g]))
    // what each node must know: its connected peers on the topic now (Kith's DHT adds connections; one may close)
    const index = new Map(nodes.map((n, i) => [n.peerId, i]))
    const topicSets = topicsOf.map(t => new Set(t))
    const expected = (i: number, topic: string): number => {
      const peers = new Set(nodes[i].libp2p.getConnections().map(c => index.get(c.remotePeer.toString())))
      return [...peers].filter(j => j != null && topicSets[j].has(topic)).length
    }
    // bounded: a subscription a node never learns of (seen: the announcer missing one member of a topic although
    // connected to it) is reported, not waited for; the announcement then has to reach that member another way
    let gaps: string[] = []
    try {
      await until('the gossipsub meshes', () => meshNotReady(views, topicsOf, expected), Math.min(MESH_WAIT_MS, left()), log)
    } catch {
      gaps = meshGaps(views, topicsOf, expected)
      log(`kith: ${gaps.length} (node, topic) pairs still short of subscribers or mesh after ${MESH_WAIT_MS / 1000} s, going on: ${gaps.slice(0, 3).join('; ')}`)
    }
    const readyMs = performance.now() - t4
    const cpu = meter.stop()
    log(`kith: ${adds} members added and welcomed in ${(addsMs / 1000).toFixed(1)} s (${(wavesQuietMs / 1000).toFixed(1)} s of it waiting for quiet between waves, ` +
      `${welcomesResent} welcomes re-sent); keys and meshes ready ${(readyMs / 1000).toFixed(1)} s later; setup CPU ${cpu.ownCores.toFixed(2)} cores, other processes ${cpu.otherCores.toFixed(2)}`)
    return { nodes, communityId, groupIds, topics, setup: { startMs, connectMs, communityMs, addsMs, wavesQuietMs, readyMs, welcomesResent, meshGaps: gaps, cpu }, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
