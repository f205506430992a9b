// `npm run bench -- groups-diag`: where Kith's time goes in the `groups` bench. The same 10-node Kith group and method,
// measured four times with one cause switched off at a time:
//   as is          Kith unchanged
//   no receipts    receiptDelay 1e9 (GroupsInit, public): no standalone RECEIPT messages (receipts riding on texts stay)
//   memory store   the groups service's app store swapped for an in-memory map AFTER setup (an experiment that reaches
//                  into the service's private `store.db` — under its write batcher, `store.db.target`, when it has one;
//                  LevelDB stays under libp2p / helia)
//   both           no receipts + memory store
// These are experiments, not Kith configurations: an in-memory store loses everything on a crash. They show how much
// of the gap to raw gossipsub each cause explains. Nodes share one process, like the `groups` bench.
import { createKithNode } from '@kith/node'
import { info, type BenchOptions, type Figure } from './lib/figure.js'
import { measureLatency, measureThroughput } from './lib/group-measure.js'
import { CpuMeter } from './lib/cpu.js'
import { kithGroup, startKithNetwork } from './groups-kith.js'
import { METHOD } from './groups.js'

const BENCH = 'groups-diag'

type Variant = 'as is' | 'no receipts' | 'memory store' | 'both'

interface AppDbLike {
  get: (key: string) => Promise<Uint8Array | undefined>
  put: (key: string, value: Uint8Array) => Promise<void>
  del: (key: string) => Promise<void>
  batch: (ops: Array<{ type: 'put', key: string, value: Uint8Array } | { type: 'del', key: string }>) => Promise<void>
  iterator: (o: { gte?: string, lt?: string, reverse?: boolean, limit?: number }) => AsyncIterableIterator<[string, Uint8Array]>
}

/** an in-memory AppDb with LevelDB's semantics for what the service uses (sorted ranges, snapshot iterators) */
async function memoryDb (from: AppDbLike): Promise<AppDbLike> {
  const map = new Map<string, Uint8Array>()
  for await (const [k, v] of from.iterator({ gte: '', lt: '\uffff' })) map.set(k, v)
  return {
    get: async k => map.get(k),
    put: async (k, v) => { map.set(k, v) },
    del: async k => { map.delete(k) },
    batch: async ops => { for (const o of ops) { if (o.type === 'put') map.set(o.key, o.value); else map.delete(o.key) } },
    iterator: o => {
      let keys = [...map.keys()].filter(k => (o.gte == null || k >= o.gte) && (o.lt == null || k < o.lt)).sort()
      if (o.reverse === true) keys.reverse()
      if (o.limit != null && o.limit >= 0) keys = keys.slice(0, o.limit)
      const snapshot = keys.map(k => [k, map.get(k) as Uint8Array] as [string, Uint8Array])
      return (async function * () { yield * snapshot })()
    }
  }
}

async function measure (variant: Variant, log: (s: string) => void): Promise<Figure[]> {
  const noReceipts = variant === 'no receipts' || variant === 'both'
  const memory = variant === 'memory store' || variant === 'both'
  const m = METHOD
  const net = await startKithNetwork(m, s => { log(`${variant}: ${s}`) }, Date.now() + 60_000,
    noReceipts ? async init => await createKithNode({ ...init, groups: { receiptDelay: 1e9 } }) : undefined)
  try {
    if (memory) {
      for (const node of net.nodes) {
        const svc = node.groups as unknown as { store: { db: AppDbLike & { target?: AppDbLike, flush?: () => Promise<void> } } }
        const db = svc.store.db
        if (db.target != null) {
          await db.flush?.()
          db.target = await memoryDb(db.target)
        } else {
          svc.store.db = await memoryDb(db)
        }
      }
    }
    const group = kithGroup(net, m.payloadBytes)
    const latency = await measureLatency(group, { warmup: m.latencyWarmup, messages: m.latencyMessages })
    const meter = new CpuMeter()
    const tput = await measureThroughput(group, { warmupMs: m.throughputWarmupMs, durationMs: m.throughputDurationMs, window: m.throughputWindow })
    const cpu = meter.stop()
    log(`${variant}: latency p50 ${latency.p50.toFixed(2)} ms, ${tput.perSecond.toFixed(0)} msg/s, CPU ${cpu.ownCores.toFixed(2)} cores (others ${cpu.otherCores.toFixed(2)})`)
    return [
      info(BENCH, `${variant}: latency to last member p50`, 'ms', latency.p50, null),
      info(BENCH, `${variant}: latency to last member p99`, 'ms', latency.p99, null),
      info(BENCH, `${variant}: delivered to all members`, 'msg/s', tput.perSecond, null),
      info(BENCH, `${variant}: CPU per message delivered to all`, 'ms', (cpu.ownCores * 1000) / tput.perSecond, null),
      info(BENCH, `${variant}: CPU of OTHER processes during the throughput run (noise)`, 'cores', cpu.otherCores, null)
    ]
  } finally {
    await net.stop()
  }
}

export async function run (opts: BenchOptions): Promise<Figure[]> {
  const figures: Figure[] = []
  // `npm run bench -- groups-diag "memory store"` runs the variants named; none named: all four
  const all: Variant[] = ['as is', 'no receipts', 'memory store', 'both']
  const chosen = all.filter(v => opts.args.length === 0 || opts.args.includes(v))
  for (const v of chosen) figures.push(...await measure(v, opts.log))
  opts.notes.push('groups-diag: Kith with one cause switched off at a time (experiments, not configurations); 10 nodes in ONE process, method of `groups`')
  return figures
}
