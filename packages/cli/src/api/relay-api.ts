// The local API of `kith relay`: the same server, token scheme and DIR/api.json as the daemon's, with the routes a
// relay has (no groups): GET /v1/id, GET /v1/peers, GET /v1/relay/stats; peer events on the WebSocket /v1/events.
import type { RelayNode, RelayStats } from '@kith/node'
import { route, startHttpApi, type ApiServer, type ApiServerOptions, type EventSource } from './server.ts'

/** What GET /v1/relay/stats answers: the relay service's counters plus the network side */
export interface RelayStatsResponse extends RelayStats {
  /** open libp2p connections */
  connections: number
  /** distinct connected peers */
  peers: number
  /** current circuit relay v2 reservations */
  reservations: number
  /** the limits this relay runs with */
  retentionMs: number
  maxStorageBytes: number
  /** seconds since the relay started */
  uptime: number
}

export interface RelayLimits {
  retentionMs: number
  maxStorageBytes: number
}

/** Connection and reservation counts of a running relay node (0 when it is not started) */
export function relayNetworkCounts (node: RelayNode): { connections: number, peers: number, reservations: number } {
  if (!node.isStarted) return { connections: 0, peers: 0, reservations: 0 }
  const conns = node.libp2p.getConnections().filter(c => c.status === 'open')
  return {
    connections: conns.length,
    peers: new Set(conns.map(c => c.remotePeer.toString())).size,
    reservations: node.libp2p.services.relay?.reservations.size ?? 0
  }
}

export function relayStats (node: RelayNode, limits: RelayLimits, startedAt: number): RelayStatsResponse {
  return {
    ...node.relay.stats(),
    ...relayNetworkCounts(node),
    ...limits,
    uptime: Math.round((Date.now() - startedAt) / 1000)
  }
}

export async function startRelayApiServer (node: RelayNode, limits: RelayLimits, options: ApiServerOptions): Promise<ApiServer> {
  const startedAt = Date.now()
  return startHttpApi({
    ...options,
    routes: [
      route('GET', '/v1/id', async () => ({ peerId: node.peerId, addrs: node.getMultiaddrs() })),
      route('GET', '/v1/peers', async () => node.peers()),
      route('GET', '/v1/relay/stats', async () => relayStats(node, limits, startedAt))
    ],
    events: { source: node.events as unknown as EventSource, names: ['peer:connected', 'peer:disconnected'] }
  })
}
