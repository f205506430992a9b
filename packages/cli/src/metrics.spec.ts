import { describe, expect, it } from 'vitest'
import { createRelayMetrics, startMetricsServer } from './metrics.ts'
import type { RelayStats } from '@kith/node'

function fakeRelay (): { stats: RelayStats, network: { connections: number, peers: number, reservations: number } } {
  return {
    stats: {
      topics: 3,
      storedMessages: 120,
      storedBytes: 54_321,
      messagesIn: 130,
      messagesOut: 40,
      historyRequests: 7,
      expired: 8,
      evicted: 2,
      rejected: { malformed: 1, oversize: 0, 'rate-limited': 5, 'unregistered-topic': 0, quota: 2 }
    },
    network: { connections: 4, peers: 3, reservations: 2 }
  }
}

const info = { peerId: '12D3KooWtest', version: '0.1.0', retentionMs: 30 * 86_400_000, maxStorageBytes: 10 * 1024 ** 3 }

function sample (text: string, name: string): number | undefined {
  const line = text.split('\n').find(l => !l.startsWith('#') && l.slice(0, l.lastIndexOf(' ')) === name)
  return line == null ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

describe('relay metrics', () => {
  it('read the relay counters on every scrape, in a registry of their own', async () => {
    const relay = fakeRelay()
    const registry = createRelayMetrics({ stats: () => relay.stats, network: () => relay.network }, info)
    let text = await registry.metrics()
    expect(sample(text, 'kith_relay_connections')).toBe(4)
    expect(sample(text, 'kith_relay_peers')).toBe(3)
    expect(sample(text, 'kith_relay_reservations')).toBe(2)
    expect(sample(text, 'kith_relay_topics')).toBe(3)
    expect(sample(text, 'kith_relay_stored_messages')).toBe(120)
    expect(sample(text, 'kith_relay_stored_bytes')).toBe(54_321)
    expect(sample(text, 'kith_relay_messages_in_total')).toBe(130)
    expect(sample(text, 'kith_relay_messages_out_total')).toBe(40)
    expect(sample(text, 'kith_relay_history_requests_total')).toBe(7)
    expect(sample(text, 'kith_relay_expired_messages_total')).toBe(8)
    expect(sample(text, 'kith_relay_evicted_messages_total')).toBe(2)
    expect(sample(text, 'kith_relay_rejected_messages_total{reason="malformed"}')).toBe(1)
    expect(sample(text, 'kith_relay_rejected_messages_total{reason="rate-limited"}')).toBe(5)
    expect(sample(text, 'kith_relay_rejected_messages_total{reason="oversize"}')).toBe(0)
    expect(sample(text, 'kith_relay_rejected_messages_total{reason="quota"}')).toBe(2)
    expect(sample(text, 'kith_relay_retention_seconds')).toBe(30 * 86_400)
    expect(sample(text, 'kith_relay_max_storage_bytes')).toBe(10 * 1024 ** 3)
    expect(sample(text, 'kith_relay_info{peer_id="12D3KooWtest",version="0.1.0"}')).toBe(1)
    expect(text).toContain('# TYPE kith_relay_rejected_messages_total counter')
    expect(text).toContain('# TYPE kith_relay_stored_messages gauge')
    expect(text).toContain('process_cpu_seconds_total')
    expect(text).toContain('nodejs_eventloop_lag_seconds')

    // the next scrape sees the new values (counters follow the relay's totals, they do not add up scrapes)
    relay.stats = { ...relay.stats, storedMessages: 100, messagesIn: 150, rejected: { ...relay.stats.rejected, malformed: 3 } }
    relay.network = { connections: 1, peers: 1, reservations: 0 }
    await new Promise(resolve => setTimeout(resolve, 150))
    text = await registry.metrics()
    expect(sample(text, 'kith_relay_stored_messages')).toBe(100)
    expect(sample(text, 'kith_relay_messages_in_total')).toBe(150)
    expect(sample(text, 'kith_relay_rejected_messages_total{reason="malformed"}')).toBe(3)
    expect(sample(text, 'kith_relay_connections')).toBe(1)

    // two relays in one process do not share metrics
    const other = createRelayMetrics({ stats: () => ({ ...relay.stats, topics: 9 }), network: () => relay.network }, info)
    expect(sample(await other.metrics(), 'kith_relay_topics')).toBe(9)
    expect(sample(await registry.metrics(), 'kith_relay_topics')).toBe(3)
  })

  it('are served on GET /metrics as Prometheus text, on 127.0.0.1 by default', async () => {
    const relay = fakeRelay()
    const server = await startMetricsServer(createRelayMetrics({ stats: () => relay.stats, network: () => relay.network }, info), { port: 0 })
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
      const res = await fetch(server.url)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
      expect(sample(await res.text(), 'kith_relay_topics')).toBe(3)
      expect((await fetch(server.url.replace('/metrics', '/'))).status).toBe(404)
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(405)
      // a second server on the same port: a clear error
      await expect(startMetricsServer(createRelayMetrics({ stats: () => relay.stats, network: () => relay.network }, info), { port: server.port }))
        .rejects.toThrow(`metrics port ${server.port} on 127.0.0.1 is already in use`)
    } finally {
      await server.close()
    }
  })
})
