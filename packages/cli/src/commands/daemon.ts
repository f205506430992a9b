// kith daemon: runs a Kith node on a data folder and serves the local API on 127.0.0.1.
import { mkdir } from 'node:fs/promises'
import type { KithNode, KithNodeInit } from '@kith/node'
import { startApiServer, type ApiServer } from '../api/server.ts'
import { CliError, defineCommand, resolveDataDir } from '../cli.ts'
import { createLogger } from '../log.ts'
import { catchStopSignals, folderInUseMessage, installCrashHandlers, parsePortOption, shellQuote } from '../service.ts'

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
    const apiPort = parsePortOption('api-port', values['api-port']) ?? 0

    await mkdir(dataDir, { recursive: true, mode: 0o700 })

    const init: KithNodeInit = {
      dataDir,
      bootstrap: values.bootstrap ?? [],
      mdns: values['no-mdns'] !== true
    }
    if (values.listen != null && values.listen.length > 0) init.listen = values.listen

    // a signal that arrives while the node is still starting stops it as soon as it is up
    const signals = catchStopSignals(log)

    log('info', 'starting', { dataDir, listen: init.listen, bootstrap: init.bootstrap, mdns: init.mdns })
    let node: KithNode
    try {
      const { createKithNode } = await import('@kith/node')
      node = await createKithNode(init)
    } catch (err: any) {
      signals.release()
      if (err?.name === 'DataFolderLockedError') {
        const message = await folderInUseMessage(dataDir)
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
      signals.release()
      await node.stop().catch(() => {})
      log('error', 'failed to start the API', { error: err?.name, message: err?.message })
      throw new CliError(`could not start the local API: ${String(err?.message ?? err)}`, 1, err?.name)
    }

    // a stray rejection must not take the daemon down; a thrown exception does, after removing api.json
    installCrashHandlers(log, dataDir)

    for (const name of ['peer:connected', 'peer:disconnected', 'group:joined', 'group:removed'] as const) {
      node.addEventListener(name, (evt: CustomEvent) => log('info', name, evt.detail))
    }

    const stopped = signals.whenStopped(async () => {
      let code = 0
      try { await api.close() } catch (err: any) { code = 1; log('error', 'closing the API failed', { message: err?.message }) }
      try { await node.stop() } catch (err: any) { code = 1; log('error', 'stopping the node failed', { message: err?.message }) }
      log('info', 'stopped')
      return code
    }, () => node.stopStage)

    if (signals.early == null) {
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
