// kith relay: runs a Kith relay on a data folder — a circuit relay v2 server for peers that cannot be reached
// directly, and store-and-forward of the group topics daemons ask it to carry (ciphertext only) — with optional
// Prometheus metrics and an optional local API. See docs/RELAY.md.
import { mkdir, statfs } from 'node:fs/promises'
import { homedir } from 'node:os'
import { resolve } from 'node:path'
import type { CreateRelayNodeInit, RelayNode, RelayStats } from '@kith/node'
import { relayNetworkCounts, relayStats, startRelayApiServer } from '../api/relay-api.ts'
import type { ApiServer } from '../api/server.ts'
import { CliError, UsageError, VERSION, defineCommand } from '../cli.ts'
import { createLogger } from '../log.ts'
import { createRelayMetrics, startMetricsServer, type MetricsServer } from '../metrics.ts'
import { catchStopSignals, folderInUseMessage, installCrashHandlers, parsePortOption, shellQuote } from '../service.ts'
import { formatDuration, formatSize, parseDuration, parseSize } from '../units.ts'

export const DEFAULT_RELAY_LISTEN = ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/4002/ws']
export const DEFAULT_RETENTION = '30d'
export const DEFAULT_MAX_STORAGE = '10GiB'
export const DEFAULT_STATS_INTERVAL = '60s'
/** how often the stats are compared to log what retention and the quota deleted */
const PRUNE_WATCH_MS = 5_000

/** $KITH_RELAY_DATA, then ~/.kith-relay: never the daemon's folder by accident */
export function defaultRelayDataDir (): string {
  const env = process.env.KITH_RELAY_DATA
  return resolve(env != null && env !== '' ? env : resolve(homedir(), '.kith-relay'))
}

export const RELAY_DATA_HELP = '  --data DIR   the relay\'s data folder (default: $KITH_RELAY_DATA, then ~/.kith-relay)'

export default defineCommand({
  name: 'relay',
  usage: 'relay [--data DIR] [--listen MULTIADDR]... [--announce MULTIADDR]... [--retention 30d] [--max-storage 10GiB]\n' +
    '                 [--metrics-port N] [--metrics-host HOST] [--api-port N] [--no-mdns] [--refuse-flagged-names] ...',
  summary: `Runs a Kith relay: a circuit relay v2 server, so that peers behind NAT can be reached through it, and
store-and-forward of the group topics daemons ask it to carry, so that members that were away catch up from it.
It keeps only what passes on those topics (ciphertext), for --retention, within --max-storage (oldest first).
When ready it prints one JSON line on stdout:
  {"event":"ready","peerId":"…","addrs":["…"],"api":"http://127.0.0.1:N"|null,"metrics":"http://127.0.0.1:M/metrics"|null}
Logs are JSON lines on stderr (startup configuration, stats every --stats-interval, prunes, shutdown).
SIGINT, SIGTERM or SIGHUP stop it cleanly (exit 0). Daemons use it with: kith daemon --bootstrap ADDR/p2p/PEER_ID
See docs/RELAY.md.`,
  optionsHelp: `  --listen MULTIADDR     listen on this address (repeatable; default /ip4/0.0.0.0/tcp/4001 and /ip4/0.0.0.0/tcp/4002/ws)
  --announce MULTIADDR   advertise this address instead of the listening ones (repeatable; a public IP or DNS name)
  --bootstrap MULTIADDR  dial this peer (with /p2p/ID) at start, e.g. another relay (repeatable)
  --retention DURATION   how long messages are kept: 30d, 12h, 90m, 45s, 1h30m… (default ${DEFAULT_RETENTION})
  --max-storage SIZE     the most message bytes kept; past it the oldest go first: 10GiB, 500MiB, 1GB… (default ${DEFAULT_MAX_STORAGE})
  --max-reservations N   how many peers may hold a circuit relay reservation at once (default 1024)
  --metrics-port N       serve Prometheus metrics on http://HOST:N/metrics (0: any free port; default: no metrics)
  --metrics-host HOST    the address the metrics listen on (default 127.0.0.1; 0.0.0.0 exposes them, unauthenticated)
  --api-port N           serve the local API on 127.0.0.1:N and write DIR/api.json (0: any free port; default: no API)
  --stats-interval DUR   how often a stats line is logged (default ${DEFAULT_STATS_INTERVAL})
  --no-mdns              no mDNS discovery on the local network
  --refuse-flagged-names do not hold channel directory records (DHT) of channels whose name is flagged as a likely
                         impersonation or scam; keyword listings are kept without them`,
  dataHelp: RELAY_DATA_HELP,
  defaultDataDir: defaultRelayDataDir,
  options: {
    listen: { type: 'string', multiple: true },
    announce: { type: 'string', multiple: true },
    bootstrap: { type: 'string', multiple: true },
    retention: { type: 'string' },
    'max-storage': { type: 'string' },
    'max-reservations': { type: 'string' },
    'metrics-port': { type: 'string' },
    'metrics-host': { type: 'string' },
    'api-port': { type: 'string' },
    'stats-interval': { type: 'string' },
    'no-mdns': { type: 'boolean', default: false },
    'refuse-flagged-names': { type: 'boolean', default: false }
  },
  args: [],
  async run ({ values, dataDir }) {
    const log = createLogger()
    // every option is checked before anything starts
    const retentionMs = parseDuration('retention', values.retention ?? DEFAULT_RETENTION)
    const maxStorageBytes = parseSize('max-storage', values['max-storage'] ?? DEFAULT_MAX_STORAGE)
    const statsIntervalMs = parseDuration('stats-interval', values['stats-interval'] ?? DEFAULT_STATS_INTERVAL)
    const metricsPort = parsePortOption('metrics-port', values['metrics-port'])
    const metricsHost = values['metrics-host'] ?? '127.0.0.1'
    const apiPort = parsePortOption('api-port', values['api-port'])
    const maxReservations = values['max-reservations'] == null ? undefined : positiveCount('max-reservations', values['max-reservations'])
    if (values['metrics-host'] != null && metricsPort == null) {
      throw new UsageError('--metrics-host needs --metrics-port')
    }
    const listen = values.listen != null && values.listen.length > 0 ? values.listen : DEFAULT_RELAY_LISTEN
    const announce = values.announce ?? []
    const bootstrap = values.bootstrap ?? []
    const mdns = values['no-mdns'] !== true
    const refuseFlaggedNames = values['refuse-flagged-names'] === true

    await mkdir(dataDir, { recursive: true, mode: 0o700 })

    const init: CreateRelayNodeInit = {
      dataDir,
      listen,
      bootstrap,
      mdns,
      relay: { retention: retentionMs, maxStorageBytes },
      relayServer: maxReservations != null ? { maxReservations } : {},
      refuseFlaggedNames
    }
    if (announce.length > 0) init.announce = announce

    const signals = catchStopSignals(log)

    log('info', 'starting relay', {
      version: VERSION,
      dataDir,
      listen,
      announce,
      bootstrap,
      mdns,
      retention: formatDuration(retentionMs),
      retentionMs,
      maxStorage: formatSize(maxStorageBytes),
      maxStorageBytes,
      maxReservations: maxReservations ?? 1024,
      metrics: metricsPort != null ? { host: metricsHost, port: metricsPort } : null,
      apiPort: apiPort ?? null,
      statsIntervalMs,
      refuseFlaggedNames
    })
    await warnIfDiskSmall(dataDir, maxStorageBytes, log)

    let node: RelayNode
    try {
      const { createRelayNode } = await import('@kith/node')
      node = await createRelayNode(init)
    } catch (err: any) {
      signals.release()
      if (err?.name === 'DataFolderLockedError') {
        const message = await folderInUseMessage(dataDir)
        log('error', message, { error: err.name })
        throw new CliError(message, 1, err.name)
      }
      const listenFailure = listenFailureMessage(err)
      if (listenFailure != null) {
        log('error', listenFailure, { error: err.name })
        throw new CliError(listenFailure, 1, err.name)
      }
      log('error', 'failed to start the relay', { error: err?.name, message: err?.message, stack: err?.stack })
      throw new CliError(`could not start the relay: ${String(err?.message ?? err)}`, 1, err?.name)
    }

    // the metrics server and the API; on failure, undo what started and say why
    const limits = { retentionMs, maxStorageBytes }
    let metrics: MetricsServer | undefined
    let api: ApiServer | undefined
    try {
      if (metricsPort != null) {
        const registry = createRelayMetrics({
          stats: () => node.relay.stats(),
          network: () => relayNetworkCounts(node)
        }, { peerId: node.peerId, version: VERSION, ...limits })
        metrics = await startMetricsServer(registry, { host: metricsHost, port: metricsPort, log })
      }
      if (apiPort != null) api = await startRelayApiServer(node, limits, { port: apiPort, dataDir, log })
    } catch (err: any) {
      signals.release()
      await metrics?.close().catch(() => {})
      await node.stop().catch(() => {})
      log('error', 'failed to start', { error: err?.name, message: err?.message })
      throw new CliError(`could not start the relay: ${String(err?.message ?? err)}`, 1, err?.name)
    }

    installCrashHandlers(log, dataDir)

    const startedAt = Date.now()
    node.events.addEventListener('peer:connected', (evt) => log('debug', 'peer:connected', evt.detail))
    node.events.addEventListener('peer:disconnected', (evt) => log('debug', 'peer:disconnected', evt.detail))

    // a stats line every --stats-interval; a "pruned" line whenever retention or the quota deleted something
    const statsTimer = setInterval(() => {
      log('info', 'stats', relayStats(node, limits, startedAt) as unknown as Record<string, unknown>)
    }, statsIntervalMs)
    statsTimer.unref()
    let seen = { expired: 0, evicted: 0 }
    const watchPrunes = (): void => {
      if (!node.isStarted) return
      const s: RelayStats = node.relay.stats()
      const expired = s.expired - seen.expired
      const evicted = s.evicted - seen.evicted
      if (expired > 0 || evicted > 0) {
        log('info', 'pruned', { expired, evicted, storedMessages: s.storedMessages, storedBytes: s.storedBytes })
      }
      seen = { expired: s.expired, evicted: s.evicted }
    }
    watchPrunes() // what the start-up prune deleted
    const pruneTimer = setInterval(watchPrunes, Math.min(PRUNE_WATCH_MS, statsIntervalMs))
    pruneTimer.unref()

    const stopped = signals.whenStopped(async () => {
      clearInterval(statsTimer)
      clearInterval(pruneTimer)
      let code = 0
      try { await api?.close() } catch (err: any) { code = 1; log('error', 'closing the API failed', { message: err?.message }) }
      try { await metrics?.close() } catch (err: any) { code = 1; log('error', 'closing the metrics server failed', { message: err?.message }) }
      try { await node.stop() } catch (err: any) { code = 1; log('error', 'stopping the relay failed', { message: err?.message }) }
      log('info', 'stopped', { ...node.relay.stats(), uptime: Math.round((Date.now() - startedAt) / 1000) })
      return code
    }, () => node.stopStage)

    if (signals.early == null) {
      const addrs = node.getMultiaddrs()
      const ready = { event: 'ready', peerId: node.peerId, addrs, api: api?.url ?? null, metrics: metrics?.url ?? null }
      process.stdout.write(JSON.stringify(ready) + '\n')
      const s = node.relay.stats()
      log('info', 'ready', { peerId: node.peerId, addrs, api: ready.api, metrics: ready.metrics, topics: s.topics, storedMessages: s.storedMessages, storedBytes: s.storedBytes })
      if (process.stdout.isTTY === true || process.stderr.isTTY === true) {
        const addr = addrs.find(a => !a.includes('/ws') && !a.includes('/127.0.0.1/')) ?? addrs[0]
        process.stderr.write(`\nKith relay running (peer ${node.peerId}).\n` +
          (addr != null ? `Daemons use it with: kith daemon --bootstrap ${shellQuote(addr)}\n` : '') +
          'Stop it with Ctrl-C.\n\n')
      }
    }

    const code = await stopped
    // libp2p may leave timers behind: the relay is done, leave now
    process.exit(code)
  }
})

/**
 * libp2p's UnsupportedListenAddressesError lists each address that failed with a stack trace; say it in one line:
 * "could not listen on /ip4/0.0.0.0/tcp/4001 (address already in use) …"
 */
export function listenFailureMessage (err: any): string | undefined {
  if (err?.name !== 'UnsupportedListenAddressesError' || typeof err.message !== 'string') return undefined
  const failures: string[] = []
  for (const m of err.message.matchAll(/^\s*(\/\S+): (?:\w*Error: )?(.*)$/gm)) {
    const reason = m[2].replace(/^listen /, '')
    const code = /\b(EADDRINUSE|EADDRNOTAVAIL|EACCES)\b/.exec(reason)?.[1]
    const human = code === 'EADDRINUSE' ? 'address already in use'
      : code === 'EADDRNOTAVAIL' ? 'no such address on this machine'
        : code === 'EACCES' ? 'permission denied: ports below 1024 need privileges'
          : reason
    failures.push(`${m[1]} (${human})`)
  }
  if (failures.length === 0) return undefined
  return `could not listen on ${failures.join(', ')}; another relay or program may hold the port: choose others with --listen`
}

function positiveCount (name: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
    throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(v)}`)
  }
  return Number(v)
}

async function warnIfDiskSmall (dataDir: string, maxStorageBytes: number, log: ReturnType<typeof createLogger>): Promise<void> {
  try {
    const fs = await statfs(dataDir)
    const free = Number(fs.bavail) * Number(fs.bsize)
    if (free < maxStorageBytes) {
      log('warn', 'the disk has less free space than --max-storage: the relay may fill it', {
        dataDir, freeBytes: free, free: formatSize(free), maxStorage: formatSize(maxStorageBytes)
      })
    }
  } catch {}
}
