// A raw libp2p 3 node (tcp + noise + yamux + identify + gossipsub 17) for baselines, and a ring-ish network of them.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, type GossipSub, type GossipsubOpts, type SignaturePolicy } from '@libp2p/gossipsub'
import { createPeerScoreParams } from '@libp2p/gossipsub/score'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p, type Libp2pOptions } from 'libp2p'
import { waitFor } from './stats.js'

export type RawNode = Libp2p<{ identify: unknown, pubsub: GossipSub }>

/** the GossipSub interface does not list getMeshPeers; the implementation has it */
export function meshPeers (node: RawNode, topic: string): string[] {
  return (node.services.pubsub as unknown as { getMeshPeers: (topic: string) => string[] }).getMeshPeers(topic)
}

export interface RawNodeOptions {
  signaturePolicy: SignaturePolicy
  /** extra gossipsub options for experiments (the baseline uses none) */
  gossipsub?: Partial<GossipsubOpts>
}

/** where a raw node listens: loopback TCP unless told otherwise (raw-memory-net.ts uses the memory transport) */
export interface RawNodeTransport {
  transports: NonNullable<Libp2pOptions['transports']>
  listen: string
}

export async function createRawNode (opts: RawNodeOptions, on: RawNodeTransport = { transports: [tcp()], listen: '/ip4/127.0.0.1/tcp/0' }): Promise<RawNode> {
  return await createLibp2p({
    addresses: { listen: [on.listen] },
    transports: on.transports,
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // loopback dials must be allowed
    connectionGater: { denyDialMultiaddr: async () => false },
    // the default (5 inbound per second per IP) makes loopback dials fail
    connectionManager: { inboundConnectionThreshold: 1000, maxIncomingPendingConnections: 100 },
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: opts.signaturePolicy,
        emitSelf: false,
        allowPublishToZeroTopicPeers: false,
        // every node is on 127.0.0.1: without this the IP-colocation penalty graylists peers past 10 per IP
        scoreParams: createPeerScoreParams({ IPColocationFactorWeight: 0 }),
        ...opts.gossipsub
      })
    }
  })
}

export interface RawNetworkOptions extends RawNodeOptions {
  /** number of nodes */
  size: number
  /** node i dials nodes (i+1 .. i+dialNext) mod size */
  dialNext: number
  /** every node subscribes to this topic before dialing */
  topic: string
  /** ms to wait for the mesh; throws after it */
  meshTimeoutMs?: number
}

export interface RawNetwork {
  nodes: RawNode[]
  /** ms from start to all dials done, and to the mesh being formed */
  connectMs: number
  meshMs: number
  stop: () => Promise<void>
}

/**
 * Starts `size` nodes in this process, subscribes them to `topic`, dials the ring-ish topology and waits until
 * every node knows all its connected peers as subscribers and has a mesh of min(Dlo = 4, peers) or more.
 */
export async function startRawNetwork (opts: RawNetworkOptions): Promise<RawNetwork> {
  const t0 = performance.now()
  const nodes: RawNode[] = []
  const stop = async (): Promise<void> => { await Promise.allSettled(nodes.map(async n => { await n.stop() })) }
  try {
    for (let i = 0; i < opts.size; i++) nodes.push(await createRawNode(opts))
    for (const n of nodes) n.services.pubsub.subscribe(opts.topic)
    const dials: Array<Promise<unknown>> = []
    for (let i = 0; i < opts.size; i++) {
      for (let k = 1; k <= opts.dialNext; k++) {
        const j = (i + k) % opts.size
        if (j !== i) dials.push(nodes[i].dial(nodes[j].getMultiaddrs()[0]))
      }
    }
    await Promise.all(dials)
    const connectMs = performance.now() - t0
    const ready = (): boolean => nodes.every(n => {
      const peers = n.getPeers().length
      const subs = n.services.pubsub.getSubscribers(opts.topic).length
      const mesh = meshPeers(n, opts.topic).length
      return subs >= peers && mesh >= Math.min(4, peers)
    })
    if (!await waitFor(ready, opts.meshTimeoutMs ?? 15_000)) {
      const state = nodes.map(n => `${n.getPeers().length}/${n.services.pubsub.getSubscribers(opts.topic).length}/${meshPeers(n, opts.topic).length}`).join(' ')
      throw new Error(`gossipsub mesh did not form (peers/subscribers/mesh per node: ${state})`)
    }
    return { nodes, connectMs, meshMs: performance.now() - t0 - connectMs, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
