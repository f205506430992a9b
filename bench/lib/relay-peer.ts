// A plain libp2p 3 node with gossipsub 17 configured as Kith configures it, for `npm run bench -- relay`. Only libp2p
// imports here: the hub process (./relay-hub.ts) loads this for its raw and bare modes without loading Kith.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { createPeerScoreParams } from '@libp2p/gossipsub/score'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { Ed25519PrivateKey } from '@libp2p/interface'

export type Peer = Libp2p<{ identify: unknown, pubsub: GossipSub }>

/**
 * tcp, noise, yamux, identify and gossipsub as Kith configures it (StrictNoSign, so the message id is the SHA-256 of
 * the data; IP-colocation penalty off; publishing with no known subscriber allowed)
 */
export async function createPeer (privateKey?: Ed25519PrivateKey): Promise<Peer> {
  return await createLibp2p({
    ...(privateKey != null ? { privateKey } : {}),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: async () => false },
    connectionManager: { inboundConnectionThreshold: 1000, maxIncomingPendingConnections: 100 },
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictNoSign',
        emitSelf: false,
        allowPublishToZeroTopicPeers: true,
        scoreParams: createPeerScoreParams({ IPColocationFactorWeight: 0 })
      })
    }
  })
}

/** a bare libp2p node: tcp, noise, yamux, identify and nothing else */
export async function createBarePeer (): Promise<Libp2p> {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: async () => false },
    services: { identify: identify() }
  })
}
