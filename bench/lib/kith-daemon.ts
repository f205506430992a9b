// A real Kith daemon process (`node packages/cli/bin/kith.js daemon`) for benches that measure the process itself.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { onInterrupt, removeOnInterrupt } from './cleanup.js'
import { settledRssMB } from './rss.js'

const KITH_BIN = fileURLToPath(new URL('../../packages/cli/bin/kith.js', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BUNDLE_SCRIPT = fileURLToPath(new URL('../../packages/cli/scripts/bundle.mjs', import.meta.url))

export interface DaemonRss {
  /** VmRSS of the daemon process after it printed its ready line and settled, MB */
  rssMB: number
  /** ms from spawn to the ready line */
  readyMs: number
  pid: number
}

/**
 * Spawns `node packages/cli/bin/kith.js daemon --data TMP --listen /ip4/127.0.0.1/tcp/0 --no-mdns`, waits for its
 * JSON ready line on stdout, lets it settle `settleMs`, reads VmRSS from /proc/PID/status, then stops it with
 * SIGTERM (SIGKILL if it has not exited 15 s later) and removes the data folder.
 */
export async function measureDaemonRss (settleMs = 5000, readyTimeoutMs = 60_000): Promise<DaemonRss> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kith-bench-daemon-'))
  const unregisterDir = removeOnInterrupt(dataDir)
  let unregisterChild = (): void => {}
  let child: ChildProcess | undefined
  let stderr = ''
  try {
    // measure what a user runs after `npm install`: the bundle, made fresh from the current sources
    execFileSync(process.execPath, [BUNDLE_SCRIPT], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } })
    const t0 = performance.now()
    child = spawn(process.execPath, [KITH_BIN, 'daemon', '--data', dataDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // the bench's own flags (--import tsx, --cpu-prof …) are not the daemon's
      env: { ...process.env, NODE_OPTIONS: '' }
    })
    const proc = child
    unregisterChild = onInterrupt(() => { proc.kill('SIGKILL') })
    proc.stderr?.setEncoding('utf8')
    proc.stderr?.on('data', (s: string) => { stderr = (stderr + s).slice(-4000) })
    await new Promise<void>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => { reject(new Error(`daemon not ready after ${readyTimeoutMs} ms; stderr: ${stderr}`)) }, readyTimeoutMs)
      proc.stdout?.setEncoding('utf8')
      proc.stdout?.on('data', (s: string) => {
        out += s
        for (const line of out.split('\n').slice(0, -1)) {
          try {
            if (JSON.parse(line)?.event === 'ready') { clearTimeout(timer); resolve(); return }
          } catch {}
        }
      })
      proc.once('exit', code => { clearTimeout(timer); reject(new Error(`daemon exited with ${String(code)} before ready; stderr: ${stderr}`)) })
    })
    const readyMs = performance.now() - t0
    const rssMB = await settledRssMB(settleMs, proc.pid as number)
    return { rssMB, readyMs, pid: proc.pid as number }
  } finally {
    if (child != null && child.exitCode == null && child.signalCode == null) {
      const proc = child
      const exited = new Promise<void>(resolve => { proc.once('exit', () => { resolve() }) })
      proc.kill('SIGTERM')
      const kill = setTimeout(() => { proc.kill('SIGKILL') }, 15_000)
      await exited
      clearTimeout(kill)
    }
    await rm(dataDir, { recursive: true, force: true })
    unregisterChild()
    unregisterDir()
  }
}
