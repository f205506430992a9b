// kith daemon: runs a Kith node on a data folder and serves the local API on 127.0.0.1.
import { unlinkSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { KithNode, KithNodeInit } from '@kith/node'
import { startApiServer, type ApiServer } from '../api/server.ts'
import { API_FILE } from '../api/client.ts'
import { CliError, UsageError, defineCommand, resolveDataDir } from '../cli.ts'
import { createLogger } from '../log.ts'

/** How long a clean stop may take before the process gives up and exits 1 */
const STOP_TIMEOUT_MS = 15_000
/** SIGHUP too: the terminal the daemon runs in was closed */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

export default defineCommand({
  name: 'daemon',
  usage: 'daemon [--data DIR] [--listen MULTIADDR]... [--bootstrap MULTIADDR]... [--api-port N] [--no-mdns]',
  summary: `Runs a Kith node on the data folder and serves the local API (HTTP and WebSocket) on 127.0.0.1.
When ready it prints one JSON line on stdout:
  {"event":"ready","peerId":"…","addrs":["…"],"api":"http://127.0.0.1:N"}
Logs are JSON lines on stderr. The API URL and its bearer token are written to DIR/api.json (mode 0600).
SIGINT, SIGTERM or SIGHUP stop it cleanly (API closed, node stopped, api.json removed, exit 0).`,
  optionsHelp: `  --listen MULTIADDR     listen on this address (repeatable; default /ip4/0.0.0.0/tcp/0 and /ip4/0.0.0.0/tcp/0/ws)
  --bootstrap MULTIADDR  dial this peer (with /p2p/ID) at start (repeatable)
  --api-port N           port of the local API on 127.0.0.1 (default 0: any free port)
  --no-mdns              no mDNS discovery on the local network`,
  options: {
    listen: { type: 'string', multiple: true },
    bootstrap: { type: 'string', multiple: true },
    'api-port': { type: 'string' },
    'no-mdns': { type: 'boolean', default: false }
  },
  args: [],
  async run ({ values, dataDir }) {
    const log = createLogger()
    const apiPort = parsePort(values['api-port'])

    await mkdir(dataDir, { recursive: true, mode: 0o700 })

    const init: KithNodeInit = {
      dataDir,
      bootstrap: values.bootstrap ?? [],
      mdns: values['no-mdns'] !== true
    }
    if (values.listen != null && values.listen.length > 0) init.listen = values.listen

    // a signal that arrives while the node is still starting stops it as soon as it is up
    let stopRequested: string | undefined
    const early = (sig: string): void => { stopRequested = sig }
    for (const sig of STOP_SIGNALS) process.on(sig, early)

    log('info', 'starting', { dataDir, listen: init.listen, bootstrap: init.bootstrap, mdns: init.mdns })
    let node: KithNode
    try {
      const { createKithNode } = await import('@kith/node')
      node = await createKithNode(init)
    } catch (err: any) {
      for (const sig of STOP_SIGNALS) process.off(sig, early)
      if (err?.name === 'DataFolderLockedError') {
        const pid = await daemonPid(dataDir)
        const message = `the data folder ${dataDir} is in use by another Kith process${pid != null ? ` (pid ${pid})` : ''}; ` +
          'stop it first, or use another folder with --data'
        log('error', message, { error: err.name })
        throw new CliError(message, 1, err.name)
      }
      log('error', 'failed to start the node', { error: err?.name, message: err?.message, stack: err?.stack })
      throw new CliError(`could not start the node: ${String(err?.message ?? err)}`, 1, err?.name)
    }

    let api: ApiServer
    try {
      api = await startApiServer(node, { port: apiPort, dataDir, log })
    } catch (err: any) {
      for (const sig of STOP_SIGNALS) process.off(sig, early)
      await node.stop().catch(() => {})
      log('error', 'failed to start the API', { error: err?.name, message: err?.message })
      throw new CliError(`could not start the local API: ${String(err?.message ?? err)}`, 1, err?.name)
    }

    // a stray rejection deep in the network stack must not take the daemon down; a thrown exception does,
    // after removing api.json so that clients say clearly that no daemon is running
    process.on('unhandledRejection', (err: any) => {
      log('error', 'unhandled rejection', { error: err?.name, message: err?.message ?? String(err), stack: err?.stack })
    })
    process.on('uncaughtException', (err: any) => {
      log('error', 'uncaught exception: exiting', { error: err?.name, message: err?.message ?? String(err), stack: err?.stack })
      try { unlinkSync(join(dataDir, API_FILE)) } catch {}
      process.exit(1)
    })

    for (const name of ['peer:connected', 'peer:disconnected', 'group:joined', 'group:removed'] as const) {
      node.addEventListener(name, (evt: CustomEvent) => log('info', name, evt.detail))
    }

    const stopped = new Promise<number>(resolve => {
      let stopping = false
      const stop = (signal: string): void => {
        if (stopping) {
          log('warn', 'second signal while stopping: exiting now', { signal })
          resolve(1)
          return
        }
        stopping = true
        log('info', 'stopping', { signal })
        const timer = setTimeout(() => {
          log('error', 'stop timed out', { timeoutMs: STOP_TIMEOUT_MS })
          resolve(1)
        }, STOP_TIMEOUT_MS)
        timer.unref()
        ;(async () => {
          let code = 0
          try { await api.close() } catch (err: any) { code = 1; log('error', 'closing the API failed', { message: err?.message }) }
          try { await node.stop() } catch (err: any) { code = 1; log('error', 'stopping the node failed', { message: err?.message }) }
          clearTimeout(timer)
          log('info', 'stopped')
          resolve(code)
        })()
      }
      for (const sig of STOP_SIGNALS) {
        process.off(sig, early)
        process.on(sig, () => stop(sig))
      }
      if (stopRequested != null) stop(stopRequested)
    })

    if (stopRequested == null) {
      const ready = { event: 'ready', peerId: node.peerId, addrs: node.getMultiaddrs(), api: api.url }
      process.stdout.write(JSON.stringify(ready) + '\n')
      log('info', 'ready', { peerId: node.peerId, api: api.url })
      if (process.stdout.isTTY === true || process.stderr.isTTY === true) {
        const data = dataDir === resolveDataDir(undefined) ? '' : ` --data ${shellQuote(dataDir)}`
        process.stderr.write(`\nKith daemon running (peer ${node.peerId}). Try: npx kith id${data}\nStop it with Ctrl-C.\n\n`)
      }
    }

    const code = await stopped
    // libp2p may leave timers behind: the daemon is done, leave now
    process.exit(code)
  }
})

function parsePort (v: string | undefined): number {
  if (v == null) return 0
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError(`--api-port must be a port number (0-65535), got ${JSON.stringify(v)}`)
  return Number(v)
}

async function daemonPid (dataDir: string): Promise<number | undefined> {
  try {
    const info = JSON.parse(await readFile(join(dataDir, API_FILE), 'utf8'))
    return typeof info.pid === 'number' ? info.pid : undefined
  } catch {
    return undefined
  }
}

function shellQuote (s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`
}
