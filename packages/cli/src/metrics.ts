// Prometheus metrics of `kith relay`: a prom-client Registry of its own (no global registry), whose metrics read the
// relay's counters when scraped, served as text on GET /metrics by a small node:http server.
import { createServer } from 'node:http'
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import type { RelayStats, RejectReason } from '@kith/node'

/** What the metrics read on every scrape */
export interface RelayMetricsSource {
  stats (): RelayStats
  /** open connections, distinct peers, current circuit relay v2 reservations */
  network (): { connections: number, peers: number, reservations: number }
}

export interface RelayMetricsInfo {
  peerId: string
  version: string
  retentionMs: number
  maxStorageBytes: number
}

export const REJECT_REASONS: readonly RejectReason[] = ['malformed', 'oversize', 'rate-limited', 'unregistered-topic', 'quota']

/**
 * A Registry with the relay's metrics (kith_relay_*) and prom-client's default process and Node.js metrics
 * (process_*, nodejs_*). Counters restart from 0 when the relay restarts, as Prometheus counters may.
 */
export function createRelayMetrics (source: RelayMetricsSource, info: RelayMetricsInfo): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })

  // one stats() per scrape, however many metrics read it
  let cached: { at: number, stats: RelayStats, network: ReturnType<RelayMetricsSource['network']> } | undefined
  const read = (): NonNullable<typeof cached> => {
    const now = Date.now()
    if (cached == null || now - cached.at > 100) cached = { at: now, stats: source.stats(), network: source.network() }
    return cached
  }
  const registers = [registry]

  const gauge = (name: string, help: string, value: () => number): void => {
    // eslint-disable-next-line no-new
    new Gauge({ name, help, registers, collect () { this.set(value()) } })
  }
  /** a counter mirroring a total kept by the relay service */
  const counter = (name: string, help: string, value: () => number): void => {
    // eslint-disable-next-line no-new
    new Counter({ name, help, registers, collect () { this.reset(); this.inc(value()) } })
  }

  // eslint-disable-next-line no-new
  new Gauge({
    name: 'kith_relay_info',
    help: 'Always 1; the labels say which relay this is',
    labelNames: ['peer_id', 'version'] as const,
    registers,
    collect () { this.set({ peer_id: info.peerId, version: info.version }, 1) }
  })
  gauge('kith_relay_retention_seconds', 'How long the relay keeps messages (--retention)', () => info.retentionMs / 1000)
  gauge('kith_relay_max_storage_bytes', 'The most bytes of messages the relay keeps (--max-storage)', () => info.maxStorageBytes)

  gauge('kith_relay_connections', 'Open libp2p connections', () => read().network.connections)
  gauge('kith_relay_peers', 'Distinct connected peers', () => read().network.peers)
  gauge('kith_relay_reservations', 'Current circuit relay v2 reservations', () => read().network.reservations)
  gauge('kith_relay_topics', 'Topics the relay carries and keeps', () => read().stats.topics)
  gauge('kith_relay_stored_messages', 'Messages held in the relay store', () => read().stats.storedMessages)
  gauge('kith_relay_stored_bytes', 'Bytes of messages held in the relay store', () => read().stats.storedBytes)

  counter('kith_relay_messages_in_total', 'Messages received and stored (gossip and acknowledged stores)', () => read().stats.messagesIn)
  counter('kith_relay_messages_out_total', 'Messages served in history pages', () => read().stats.messagesOut)
  counter('kith_relay_history_requests_total', 'History page requests answered', () => read().stats.historyRequests)
  counter('kith_relay_expired_messages_total', 'Messages deleted because they were older than the retention', () => read().stats.expired)
  counter('kith_relay_evicted_messages_total', 'Messages deleted, oldest first, to stay within the storage quota', () => read().stats.evicted)

  // eslint-disable-next-line no-new
  new Counter({
    name: 'kith_relay_rejected_messages_total',
    help: 'Messages (or, for quota, topic registrations) the relay refused, by reason',
    labelNames: ['reason'] as const,
    registers,
    collect () {
      const rejected = read().stats.rejected
      this.reset()
      for (const reason of REJECT_REASONS) this.inc({ reason }, rejected[reason] ?? 0)
    }
  })

  return registry
}

export interface MetricsServer {
  /** http://HOST:PORT/metrics */
  url: string
  port: number
  close (): Promise<void>
}

/**
 * Serves `registry` on GET /metrics at host:port (port 0: any free port). No authentication: keep it on 127.0.0.1
 * (the default) or behind a firewall.
 */
export async function startMetricsServer (registry: Registry, options: { host?: string, port: number, log?: (level: 'error', msg: string, fields?: Record<string, unknown>) => void }): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1'
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('not found: the metrics are at /metrics\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' })
      res.end('method not allowed\n')
      return
    }
    registry.metrics().then(text => {
      res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' })
      res.end(req.method === 'HEAD' ? undefined : text)
    }, (err: any) => {
      options.log?.('error', 'collecting metrics failed', { message: err?.message })
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('collecting metrics failed\n')
    })
  })
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host, port: options.port, exclusive: true }, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err: any) {
    if (err.code === 'EADDRINUSE') {
      throw Object.assign(new Error(`metrics port ${options.port} on ${host} is already in use (choose another with --metrics-port, or 0 for any)`), { name: 'MetricsPortInUseError', code: err.code })
    }
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
      throw Object.assign(new Error(`cannot listen on --metrics-host ${host}: ${String(err.message)}`), { name: 'MetricsHostError', code: err.code })
    }
    throw err
  }
  server.on('error', (err) => options.log?.('error', 'metrics server error', { message: err.message }))
  const address = server.address()
  if (address == null || typeof address === 'string') throw new Error('unexpected server address')
  const shown = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address
  const url = `http://${shown}:${address.port}/metrics`
  let closing: Promise<void> | undefined
  return {
    url,
    port: address.port,
    close: async () => {
      closing ??= new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    }
  }
}
