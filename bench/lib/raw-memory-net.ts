// Raw libp2p 3 + gossipsub nodes on the in-process memory transport, wired along an explicit edge list and subscribed
// to a different set of topics each (raw-node.ts has loopback TCP, one topic and a ring). Also the mesh-readiness check
// both a raw and a Kith network of that shape are waited on with.
import { randomBytes } from 'node:crypto'
import { memory } from '@libp2p/memory'
import { createRawNode, meshPeers, type RawNode, type RawNodeOptions } from './raw-node.js'
import { waitFor } from './stats.js'

export async function createRawMemoryNode (listen: string, opts: RawNodeOptions): Promise<RawNode> {
  return await createRawNode(opts, { transports: [memory()], listen })
}

/** what the readiness check needs of a gossipsub node (a raw node's or a Kith node's pubsub service) */
export interface MeshView {
  getSubscribers: (topic: string) => Array<{ toString: () => string }>
  getMeshPeers: (topic: string) => string[]
}

/**
 * Every (node, topic) where the node does not yet know at least the subscribers `expected` says it must (its direct
 * neighbours on that topic), or has a mesh smaller than min(Dlo = 4, subscribers) there; empty when all are ready.
 */
export function meshGaps (views: MeshView[], topicsOf: string[][], expected: (node: number, topic: string) => number): string[] {
  const gaps: string[] = []
  for (let i = 0; i < views.length; i++) {
    for (const topic of topicsOf[i]) {
      const subs = views[i].getSubscribers(topic).length
      const mesh = views[i].getMeshPeers(topic).length
      const want = expected(i, topic)
      if (subs < want || mesh < Math.min(4, subs)) gaps.push(`node ${i} topic …${topic.slice(-8)}: ${subs}/${want} subscribers, mesh ${mesh}`)
    }
  }
  return gaps
}

/** the first gap meshGaps finds, or undefined when every mesh is ready */
export function meshNotReady (views: MeshView[], topicsOf: string[][], expected: (node: number, topic: string) => number): string | undefined {
  return meshGaps(views, topicsOf, expected)[0]
}

export interface RawTopicNetworkOptions extends RawNodeOptions {
  size: number
  /** [dialer, listener] pairs */
  edges: Array<[number, number]>
  /** topics node i subscribes to */
  topicsOf: string[][]
  meshTimeoutMs?: number
}

export interface RawTopicNetwork {
  nodes: RawNode[]
  startMs: number
  connectMs: number
  meshMs: number
  stop: () => Promise<void>
}

/** the number of i's neighbours (either direction of an edge) subscribed to `topic` */
export function neighboursOn (edges: Array<[number, number]>, topicsOf: string[][]): (node: number, topic: string) => number {
  const neighbours = topicsOf.map(() => new Set<number>())
  for (const [a, b] of edges) { neighbours[a].add(b); neighbours[b].add(a) }
  const sets = topicsOf.map(t => new Set(t))
  return (node, topic) => [...neighbours[node]].filter(j => sets[j].has(topic)).length
}

export async function startRawTopicNetwork (opts: RawTopicNetworkOptions): Promise<RawTopicNetwork> {
  const prefix = `/memory/kith-bench-raw-${randomBytes(4).toString('hex')}`
  const nodes: RawNode[] = []
  const stop = async (): Promise<void> => { await Promise.allSettled(nodes.map(async n => { await n.stop() })) }
  try {
    const t0 = performance.now()
    for (let i = 0; i < opts.size; i++) nodes.push(await createRawMemoryNode(`${prefix}-${i}`, opts))
    for (let i = 0; i < opts.size; i++) for (const topic of opts.topicsOf[i]) nodes[i].services.pubsub.subscribe(topic)
    const startMs = performance.now() - t0
    const t1 = performance.now()
    // in batches: thousands of simultaneous noise handshakes on one event loop time out
    for (let k = 0; k < opts.edges.length; k += 50) {
      await Promise.all(opts.edges.slice(k, k + 50).map(async ([a, b]) => await nodes[a].dial(nodes[b].getMultiaddrs()[0])))
    }
    const connectMs = performance.now() - t1
    const t2 = performance.now()
    const views = nodes.map(n => ({ getSubscribers: (t: string) => n.services.pubsub.getSubscribers(t), getMeshPeers: (t: string) => meshPeers(n, t) }))
    const expected = neighboursOn(opts.edges, opts.topicsOf)
    if (!await waitFor(() => meshNotReady(views, opts.topicsOf, expected) == null, opts.meshTimeoutMs ?? 60_000, 100)) {
      throw new Error(`raw: gossipsub meshes did not form (${meshNotReady(views, opts.topicsOf, expected) ?? ''})`)
    }
    return { nodes, startMs, connectMs, meshMs: performance.now() - t2, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
