// Real `kith daemon` and `kith relay` processes on real data folders in os.tmpdir(), and the `kith` CLI run against them.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const KITH_BIN = join(REPO_ROOT, 'packages/cli/bin/kith.js')

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** extra environment variables */
  env?: Record<string, string | undefined>
  /** kill the command after this many ms (default 60 s) */
  timeout?: number
}

/** Runs `node packages/cli/bin/kith.js ...args` from the repository root */
export function runKith (args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KITH_BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s })
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout ?? 60_000)
    child.on('error', err => { clearTimeout(timer); reject(err) })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** Puts `--data DIR` after the command's own arguments (before a `--` if there is one) */
export function withData (args: string[], dataDir: string): string[] {
  const i = args.indexOf('--')
  return i === -1 ? [...args, '--data', dataDir] : [...args.slice(0, i), '--data', dataDir, ...args.slice(i)]
}

export async function makeDataDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kith-cli-'))
  tempDirs.add(dir)
  return dir
}

export interface Ready {
  event: 'ready'
  peerId: string
  addrs: string[]
  api: string
}

export interface StartDaemonOptions {
  /** extra daemon arguments, after --data DIR --listen /ip4/127.0.0.1/tcp/0 --no-mdns */
  args?: string[]
  /** listen addresses instead of /ip4/127.0.0.1/tcp/0 (e.g. ['/p2p-circuit'] for a daemon reachable only through a relay) */
  listen?: string[]
  /** an existing data folder (default: a new one in os.tmpdir()) */
  dataDir?: string
  env?: Record<string, string | undefined>
  /** how long to wait for the ready line (default 30 s) */
  timeout?: number
}

export interface Daemon {
  dataDir: string
  peerId: string
  addrs: string[]
  /** http://127.0.0.1:N */
  api: string
  token: string
  /** the parsed ready line */
  ready: Ready
  process: ChildProcess
  /** everything the daemon wrote to stdout / stderr so far */
  stdout (): string
  stderr (): string
  /** resolves when the process has exited */
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  /** runs a CLI command against this daemon (adds --data DIR) */
  run (cliArgs: string[], options?: RunOptions): Promise<RunResult>
  /** runs a CLI command with --json and parses stdout; throws with stderr if it exits non-zero */
  json<T = any> (cliArgs: string[], options?: RunOptions): Promise<T>
  /** sends SIGTERM (or `signal`) and waits for the exit; the data folder is kept (see cleanupDaemons) */
  stop (signal?: NodeJS.Signals): Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

const running = new Set<{ process: ChildProcess, stop: () => Promise<unknown> }>()
const tempDirs = new Set<string>()

interface Spawned<R> {
  child: ChildProcess
  ready: R
  stdout (): string
  stderr (): string
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

/** Spawns `kith ...argv` and waits for its first stdout line, the JSON ready line */
async function spawnUntilReady<R> (what: string, argv: string[], options: { env?: Record<string, string | undefined>, timeout?: number }): Promise<Spawned<R>> {
  const child = spawn(process.execPath, [KITH_BIN, ...argv], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s })
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s
    if (process.env.KITH_TEST_DEBUG != null) process.stderr.write(`[${what} ${child.pid}] ${s}`)
  })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => {
    child.on('exit', (code, signal) => resolve({ code, signal }))
  })

  const timeout = options.timeout ?? 30_000
  const ready = await new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${what} not ready after ${timeout} ms\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, timeout)
    const onData = (): void => {
      const nl = stdout.indexOf('\n')
      if (nl === -1) return
      clearTimeout(timer)
      child.stdout.off('data', onData)
      try {
        const line = JSON.parse(stdout.slice(0, nl))
        if (line?.event !== 'ready') throw new Error(`first stdout line is not the ready line: ${stdout.slice(0, nl)}`)
        resolve(line)
      } catch (err) {
        child.kill('SIGKILL')
        reject(err)
      }
    }
    child.stdout.on('data', onData)
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`${what} exited (code ${code}, signal ${signal}) before ready\nstdout: ${stdout}\nstderr: ${stderr}`))
    })
  })
  return { child, ready, stdout: () => stdout, stderr: () => stderr, exited }
}

export async function startDaemon (options: StartDaemonOptions = {}): Promise<Daemon> {
  const dataDir = options.dataDir ?? await makeDataDir()
  const listen = (options.listen ?? ['/ip4/127.0.0.1/tcp/0']).flatMap(a => ['--listen', a])
  const { child, ready, stdout, stderr, exited } = await spawnUntilReady<Ready>('daemon',
    ['daemon', '--data', dataDir, ...listen, '--no-mdns', ...(options.args ?? [])], options)

  const info = JSON.parse(await readFile(join(dataDir, 'api.json'), 'utf8'))

  const daemon: Daemon = {
    dataDir,
    peerId: ready.peerId,
    addrs: ready.addrs,
    api: ready.api,
    token: info.token,
    ready,
    process: child,
    stdout,
    stderr,
    exited,
    run: async (cliArgs, runOptions) => runKith(withData(cliArgs, dataDir), runOptions),
    json: async (cliArgs, runOptions) => {
      const res = await runKith(withData([...cliArgs, '--json'], dataDir), runOptions)
      if (res.code !== 0) {
        throw Object.assign(new Error(`kith ${cliArgs.join(' ')} exited ${res.code}: ${res.stderr.trim()}`), { result: res })
      }
      return JSON.parse(res.stdout)
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode == null && child.signalCode == null) child.kill(signal)
      const res = await exited
      running.delete(daemon)
      return res
    }
  }
  running.add(daemon)
  return daemon
}

export interface RelayReady {
  event: 'ready'
  peerId: string
  addrs: string[]
  /** the local API's URL, or null without --api-port */
  api: string | null
  /** http://127.0.0.1:N/metrics, or null without --metrics-port */
  metrics: string | null
}

export interface StartRelayOptions {
  /** extra relay arguments, after --data DIR --listen … --no-mdns */
  args?: string[]
  /** listen addresses (default /ip4/127.0.0.1/tcp/0) */
  listen?: string[]
  /** an existing data folder (default: a new one in os.tmpdir()) */
  dataDir?: string
  env?: Record<string, string | undefined>
  /** how long to wait for the ready line (default 30 s) */
  timeout?: number
}

export interface Relay {
  dataDir: string
  peerId: string
  addrs: string[]
  ready: RelayReady
  process: ChildProcess
  stdout (): string
  stderr (): string
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  /** GET the metrics URL: status, content type and body */
  scrape (): Promise<{ status: number, contentType: string, text: string }>
  /** one sample of the Prometheus text, e.g. metric('kith_relay_stored_messages') or with labels '{reason="quota"}' */
  metric (name: string): Promise<number | undefined>
  stop (signal?: NodeJS.Signals): Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

/** Runs `kith relay --data DIR --listen /ip4/127.0.0.1/tcp/0 --no-mdns --metrics-port 0 ...args` */
export async function startRelay (options: StartRelayOptions = {}): Promise<Relay> {
  const dataDir = options.dataDir ?? await makeDataDir()
  const listen = (options.listen ?? ['/ip4/127.0.0.1/tcp/0']).flatMap(a => ['--listen', a])
  const args = options.args ?? []
  const { child, ready, stdout, stderr, exited } = await spawnUntilReady<RelayReady>('relay',
    ['relay', '--data', dataDir, ...listen, '--no-mdns', ...(args.includes('--metrics-port') ? [] : ['--metrics-port', '0']), ...args], options)
  const scrape = async (): Promise<{ status: number, contentType: string, text: string }> => {
    if (ready.metrics == null) throw new Error('this relay serves no metrics')
    const res = await fetch(ready.metrics)
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() }
  }
  const relay: Relay = {
    dataDir,
    peerId: ready.peerId,
    addrs: ready.addrs,
    ready,
    process: child,
    stdout,
    stderr,
    exited,
    scrape,
    metric: async (name) => {
      const { text } = await scrape()
      return parseMetric(text, name)
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode == null && child.signalCode == null) child.kill(signal)
      const res = await exited
      running.delete(relay)
      return res
    }
  }
  running.add(relay)
  return relay
}

/** The value of the sample `name` (with its labels, if any, as written: 'x_total{reason="quota"}') in Prometheus text */
export function parseMetric (text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const sp = line.lastIndexOf(' ')
    if (sp > 0 && line.slice(0, sp) === name) return Number(line.slice(sp + 1))
  }
  return undefined
}

/** A TCP port that was free a moment ago on 127.0.0.1 (for a process that must come back on the same port) */
export async function freePort (): Promise<number> {
  const { createServer } = await import('node:net')
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address != null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** A multiaddr of the daemon that others can dial (ends with /p2p/PEER_ID) */
export function dialAddr (d: { peerId: string, addrs: string[] }): string {
  const addr = d.addrs.find(a => a.includes('/127.0.0.1/tcp/') && !a.includes('/ws')) ?? d.addrs[0]
  if (addr == null) throw new Error(`daemon ${d.peerId} has no address`)
  return addr.includes('/p2p/') ? addr : `${addr}/p2p/${d.peerId}`
}

/** Stops every daemon and relay still running (SIGTERM, then SIGKILL after 10 s) and removes the data folders made here */
export async function cleanupDaemons (): Promise<void> {
  await Promise.all([...running].map(async d => {
    const t = setTimeout(() => d.process.kill('SIGKILL'), 10_000)
    await d.stop().catch(() => {})
    clearTimeout(t)
  }))
  await Promise.all([...tempDirs].map(async dir => rm(dir, { recursive: true, force: true })))
  tempDirs.clear()
}

/** Polls `fn` until it returns without throwing (or a truthy value), up to `timeout` ms; rethrows the last error */
export async function eventually<T> (fn: () => Promise<T>, timeout = 15_000, interval = 250): Promise<T> {
  const deadline = Date.now() + timeout
  let lastErr: unknown
  while (true) {
    try {
      const v = await fn()
      if (v !== false) return v
      lastErr = new Error('condition still false')
    } catch (err) {
      lastErr = err
    }
    if (Date.now() > deadline) throw lastErr
    await new Promise(resolve => setTimeout(resolve, interval))
  }
}

/**
 * Stops these processes together (SIGTERM) and fails, with the end of its stderr, for any that does not exit 0: a
 * bare list of exit codes says nothing about why a daemon failed on a run that cannot be repeated at will
 */
export async function stopCleanly (...procs: Array<{ stop: () => Promise<{ code: number | null, signal: NodeJS.Signals | null }>, stderr: () => string, process: ChildProcess }>): Promise<void> {
  const results = await Promise.all(procs.map(async p => ({ pid: p.process.pid, ...(await p.stop()), stderr: p.stderr() })))
  const failed = results.filter(r => r.code !== 0)
  if (failed.length === 0) return
  throw new Error(failed.map(r => `process ${r.pid} exited with code ${r.code} (signal ${r.signal}); its stderr ends:\n${r.stderr.slice(-4000)}`).join('\n\n'))
}
