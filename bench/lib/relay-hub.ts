// A hub alone in its process, for `npm run bench -- relay` (spawned by spawnHub in ./relay-bench.ts):
//   node --expose-gc --import tsx bench/lib/relay-hub.ts MODE DATADIR CONFIG_JSON
// MODE kith: a Kith relay (createRelayNode on DATADIR, config.relay as its RelayInit)
//      raw:  a plain libp2p + gossipsub node configured as Kith configures gossipsub, subscribed to config.topics
//      bare: a plain libp2p node (tcp, noise, yamux, identify), nothing else
// Prints {"event":"ready",peerId,addr,startMs}, then answers one JSON line per stdin command:
//   stats        → {stats (kith only), rss, cpuMs: user + system CPU time of the process so far}
//   rss MS       → {rss} after a GC and MS ms of rest (MB)
//   stop         → stops the node and exits
import '../../packages/node/src/polyfill.ts'
import { createInterface } from 'node:readline'
import { createBarePeer, createPeer } from './relay-peer.js'

const MB = 1024 * 1024
const [mode, dataDir, configJson] = process.argv.slice(2)
const config = JSON.parse(configJson ?? '{}') as { relay?: Record<string, unknown>, topics?: string[] }

interface Running { peerId: string, addr: string, stats: () => unknown, stop: () => Promise<void> }

async function start (): Promise<Running> {
  if (mode === 'kith') {
    // loaded only here, so that the raw and bare hubs carry none of Kith's modules
    const { createRelayNode } = await import('@kith/node')
    const node = await createRelayNode({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, relay: config.relay as any })
    return { peerId: node.peerId, addr: node.getMultiaddrs()[0], stats: () => node.relay.stats(), stop: async () => { await node.stop() } }
  }
  if (mode === 'raw') {
    const node = await createPeer()
    for (const topic of config.topics ?? []) node.services.pubsub.subscribe(topic)
    return { peerId: node.peerId.toString(), addr: node.getMultiaddrs()[0].toString(), stats: () => null, stop: async () => { await node.stop() } }
  }
  if (mode === 'bare') {
    const node = await createBarePeer()
    return { peerId: node.peerId.toString(), addr: node.getMultiaddrs()[0].toString(), stats: () => null, stop: async () => { await node.stop() } }
  }
  throw new Error(`unknown mode ${mode}`)
}

const t0 = performance.now()
const running = await start()
const out = (msg: unknown): void => { process.stdout.write(JSON.stringify(msg) + '\n') }
out({ event: 'ready', peerId: running.peerId, addr: running.addr, startMs: performance.now() - t0 })

const lines = createInterface({ input: process.stdin })
for await (const line of lines) {
  const [command, arg] = line.trim().split(/\s+/)
  if (command === 'stats') {
    const cpu = process.cpuUsage()
    out({ stats: running.stats(), rss: process.memoryUsage().rss / MB, cpuMs: (cpu.user + cpu.system) / 1000 })
  } else if (command === 'rss') {
    ;(globalThis as { gc?: () => void }).gc?.()
    await new Promise(resolve => setTimeout(resolve, Number(arg ?? 1000)))
    out({ rss: process.memoryUsage().rss / MB, heapUsed: process.memoryUsage().heapUsed / MB })
  } else if (command === 'stop') {
    break
  } else {
    out({ error: `unknown command ${command}` })
  }
}
await running.stop()
process.exit(0)
