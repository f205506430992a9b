// What the long-running commands (`kith daemon`, `kith relay`) share: stop signals, a bounded clean stop, crash
// handlers that leave no stale api.json, the "data folder in use" message, port options.
import { unlinkSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { API_FILE } from './api/client.ts'
import { UsageError } from './cli.ts'
import type { Logger } from './log.ts'

/** How long a clean stop may take before the process gives up and exits 1 */
export const STOP_TIMEOUT_MS = 15_000
/** SIGHUP too: the terminal the process runs in was closed */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

export interface StopSignals {
  /** the signal that arrived before whenStopped() took over, if any */
  readonly early: string | undefined
  /** stop listening (the start failed) */
  release (): void
  /**
   * From now on a stop signal runs `stop` (once; a second signal while stopping exits 1 at once). Resolves with the
   * exit code: `stop`'s, or 1 if it threw or took longer than STOP_TIMEOUT_MS (logged with what `stage` says it was
   * waiting for). A signal that came early stops now.
   */
  whenStopped (stop: () => Promise<number>, stage?: () => string | undefined): Promise<number>
}

/**
 * Catches stop signals from now on, so that a signal arriving while the node is still starting stops it as soon
 * as it is up instead of killing the process halfway through opening the store.
 */
export function catchStopSignals (log: Logger): StopSignals {
  let early: string | undefined
  const onEarly = (sig: string): void => { early = sig }
  for (const sig of STOP_SIGNALS) process.on(sig, onEarly)
  const release = (): void => { for (const sig of STOP_SIGNALS) process.off(sig, onEarly) }
  return {
    get early () { return early },
    release,
    whenStopped: async (stop, stage) => new Promise<number>(resolve => {
      let stopping = false
      const onSignal = (signal: string): void => {
        if (stopping) {
          log('warn', 'second signal while stopping: exiting now', { signal })
          resolve(1)
          return
        }
        stopping = true
        log('info', 'stopping', { signal })
        const timer = setTimeout(() => {
          log('error', 'stop timed out', { timeoutMs: STOP_TIMEOUT_MS, waitingFor: stage?.() })
          resolve(1)
        }, STOP_TIMEOUT_MS)
        timer.unref()
        stop().then(code => {
          clearTimeout(timer)
          resolve(code)
        }, (err: any) => {
          clearTimeout(timer)
          log('error', 'stop failed', { message: err?.message ?? String(err) })
          resolve(1)
        })
      }
      release()
      for (const sig of STOP_SIGNALS) process.on(sig, onSignal)
      if (early != null) onSignal(early)
    })
  }
}

/**
 * A stray rejection deep in the network stack must not take the process down; a thrown exception does, after
 * removing DIR/api.json so that clients say clearly that nothing is running.
 */
export function installCrashHandlers (log: Logger, dataDir: string): void {
  process.on('unhandledRejection', (err: any) => {
    log('error', 'unhandled rejection', { error: err?.name, message: err?.message ?? String(err), stack: err?.stack })
  })
  process.on('uncaughtException', (err: any) => {
    log('error', 'uncaught exception: exiting', { error: err?.name, message: err?.message ?? String(err), stack: err?.stack })
    try { unlinkSync(join(dataDir, API_FILE)) } catch {}
    process.exit(1)
  })
}

/** The message for DataFolderLockedError, with the pid of the holder when its api.json names one */
export async function folderInUseMessage (dataDir: string, otherFolderFlag = '--data'): Promise<string> {
  const pid = await apiPid(dataDir)
  return `the data folder ${dataDir} is in use by another Kith process${pid != null ? ` (pid ${pid})` : ''}; ` +
    `stop it first, or use another folder with ${otherFolderFlag}`
}

async function apiPid (dataDir: string): Promise<number | undefined> {
  try {
    const info = JSON.parse(await readFile(join(dataDir, API_FILE), 'utf8'))
    return typeof info.pid === 'number' ? info.pid : undefined
  } catch {
    return undefined
  }
}

/** Parses a port option (0-65535; 0 = any free port); undefined when the option is absent */
export function parsePortOption (name: string, v: string | undefined): number | undefined {
  if (v == null) return undefined
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError(`--${name} must be a port number (0-65535), got ${JSON.stringify(v)}`)
  return Number(v)
}

export function shellQuote (s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`
}
