// Kith's libp2p 3 configuration. Passed to helia's withLibp2pLight as is: no helia defaults
// (no autoTLS, UPnP, autoNAT, delegated HTTP routing, public bootstrappers, webRTC).
import { createHash } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayServer, circuitRelayTransport, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { gossipsub } from '@libp2p/gossipsub'
import { createPeerScoreParams } from '@libp2p/gossipsub/score'
import { identify, identifyPush } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { memory } from '@libp2p/memory'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { Identify, IdentifyPush } from '@libp2p/identify'
import type { Ed25519PrivateKey, PeerDiscovery, PeerInfo } from '@libp2p/interface'
import type { KadDHT, Selectors, Validators } from '@libp2p/kad-dht'
import type { Ping } from '@libp2p/ping'
import { WebSocket as UndiciWebSocket } from 'undici'
import type { Datastore } from 'interface-datastore'
import type { Libp2pOptions } from 'libp2p'

export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws']
export const KITH_DHT_PROTOCOL = '/kith/kad/1.0.0'
/** Kith's own mDNS service, so Kith nodes find each other and not every IPFS node on the LAN ('_p2p._udp.local') */
export const KITH_MDNS_SERVICE_TAG = '_kith._udp.local'

// a type alias, not an interface: Libp2p<T extends ServiceMap> needs an implicit index signature
export type KithServices = {
  identify: Identify
  identifyPush: IdentifyPush
  ping: Ping
  pubsub: GossipSub
  dht: KadDHT
  /** present only when mDNS is on; a service (not a peerDiscovery module) so the node can dial what it finds */
  mdns?: PeerDiscovery
  /** present only on relays: the circuit relay v2 server */
  relay?: CircuitRelayService
  /** hole punching over relayed connections (DCUtR), on nodes that are not relays */
  dcutr?: unknown
}

export interface RelayServerInit {
  /** how many peers may hold a reservation at once (default 1024) */
  maxReservations?: number
  /** how long a reservation lasts before the peer must renew it, ms (default 2 h) */
  reservationTtl?: number
}

export interface KithLibp2pConfigInit {
  privateKey: Ed25519PrivateKey
  /** libp2p's datastore (peer store, DHT records) */
  datastore: Datastore
  listen?: string[]
  bootstrap?: string[]
  mdns?: boolean
  /** default KITH_MDNS_SERVICE_TAG */
  mdnsServiceTag?: string
  /** custom DHT record validators/selectors, keyed by namespace without slashes (for keys `/ns/...`) */
  dht?: { validators?: Validators, selectors?: Selectors }
  /**
   * called for every peer mDNS hears (repeatedly, not only for peers new to the peer store). Attached when the
   * service is constructed, so peers heard while libp2p is still starting are not missed.
   */
  onMdnsPeer?(peer: PeerInfo): void
  /** run as a circuit relay v2 server (the `kith relay` role) */
  relayServer?: RelayServerInit
  /** addresses to advertise instead of the listening ones (a server's public address behind NAT or a proxy) */
  announce?: string[]
}

/** gossipsub message id: sha256 of the data, so identical payloads are de-duplicated the same way everywhere */
export function kithMsgId (msg: Message): Uint8Array {
  return createHash('sha256').update(msg.data).digest()
}

/**
 * @libp2p/websockets dials with the global WebSocket, which Node 20 lacks (Node 22+ and Electron have it):
 * without it every /ws dial fails with "WebSocket is not defined". Installs undici's WHATWG WebSocket if missing.
 */
export function ensureWebSocketGlobal (): void {
  if (typeof (globalThis as any).WebSocket !== 'function') {
    (globalThis as any).WebSocket = UndiciWebSocket
  }
}

export function kithLibp2pOptions (init: KithLibp2pConfigInit): Libp2pOptions<KithServices> {
  ensureWebSocketGlobal()
  const services: Libp2pOptions<KithServices>['services'] = {
    identify: identify(),
    identifyPush: identifyPush(),
    // one outbound ping per connection (the default) makes the connection monitor's heartbeat fail whenever the
    // DHT is pinging the same peer, and the monitor then drops a healthy connection
    ping: ping({ maxOutboundStreams: 8, maxInboundStreams: 8 }),
    pubsub: gossipsub({
      // Kith signs its own payloads; unsigned gossip is smaller and 3x faster (stack notes)
      globalSignaturePolicy: 'StrictNoSign',
      msgIdFn: kithMsgId,
      allowPublishToZeroTopicPeers: true,
      // the default IP-colocation penalty graylists peers sharing one IP (loopback, one NAT, one relay)
      scoreParams: createPeerScoreParams({ IPColocationFactorWeight: 0 }),
      // relayed connections are "limited": without this gossipsub opens no stream on them and nothing flows
      runOnLimitedConnection: true
    }),
    dht: kadDHT({
      protocol: KITH_DHT_PROTOCOL,
      clientMode: false,
      // keep private/loopback addresses: Kith runs on LANs and loopback as much as on the internet
      peerInfoMapper: passthroughMapper,
      validators: init.dht?.validators,
      selectors: init.dht?.selectors
    })
  }
  if (init.mdns !== false) {
    const createMdns = mdns({ serviceTag: init.mdnsServiceTag ?? KITH_MDNS_SERVICE_TAG })
    const onPeer = init.onMdnsPeer
    services.mdns = (components) => {
      const discovery = createMdns(components)
      if (onPeer != null) {
        discovery.addEventListener('peer', (evt) => { onPeer(evt.detail) })
      }
      return discovery
    }
  }

  if (init.relayServer != null) {
    services.relay = circuitRelayServer({
      reservations: {
        maxReservations: init.relayServer.maxReservations ?? 1024,
        reservationTtl: init.relayServer.reservationTtl ?? 2 * 60 * 60 * 1000,
        // Kith's relays carry chat and catch-up traffic, which the default 128 KiB / 2 min per relayed connection
        // would cut; the relay's own per-peer quotas bound what a peer may send instead
        applyDefaultLimit: false
      }
    })
  } else {
    services.dcutr = dcutr()
  }

  const bootstrapList = init.bootstrap ?? []
  const listen = [...(init.listen ?? DEFAULT_LISTEN)]
  // with a relay among the bootstrap peers, keep a reservation on it so peers behind NAT can reach us through it
  if (init.relayServer == null && bootstrapList.length > 0 && !listen.includes('/p2p-circuit')) listen.push('/p2p-circuit')

  return {
    privateKey: init.privateKey,
    datastore: init.datastore,
    nodeInfo: { name: 'kith', version: '0.1.0' },
    addresses: {
      listen,
      ...(init.announce != null && init.announce.length > 0 ? { announce: init.announce } : {})
    },
    transports: [
      tcp(),
      webSockets(),
      memory(),
      circuitRelayTransport()
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: bootstrapList.length > 0 ? [bootstrap({ list: bootstrapList })] : [],
    connectionManager: {
      // the defaults (5 inbound per second per IP) make loopback/LAN bursts fail with ECONNRESET
      inboundConnectionThreshold: 1000,
      maxIncomingPendingConnections: 100
    },
    // a slow ping (a busy peer, a loaded machine) is no reason to drop a connection carrying a group's traffic
    connectionMonitor: { abortConnectionOnPingFailure: false },
    connectionGater: {
      // allow private and loopback addresses (the Node default too, but say so explicitly)
      denyDialMultiaddr: () => false
    },
    services
  }
}
