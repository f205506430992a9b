// Waiting for in-process nodes to go quiet: after a burst of traffic (membership changes, an announcement and its
// receipts) background work goes on for seconds; a measurement taken during it measures that work, not the message.
import { sleep } from './stats.js'

/**
 * What the communities bench counts as quiet: 101 idle Kith nodes use 0.3–0.5 cores (connection-monitor pings and
 * gossipsub heartbeats over ~1,000 connections, peer-store updates), the raw nodes ~0.05.
 */
export const QUIET_CORES = 0.6

export interface QuietOptions {
  /** quiet = this process used less than this many cores over a window */
  cores: number
  windowMs: number
  /** consecutive quiet windows needed */
  windows: number
  /** wait at least this long */
  minMs: number
  /** give up after this long (then quiet is false) */
  maxMs: number
}

export interface QuietResult {
  /** ms waited in all */
  ms: number
  quiet: boolean
  /** cores used in the last window */
  lastCores: number
}

export async function waitQuiet (o: QuietOptions): Promise<QuietResult> {
  const t0 = performance.now()
  await sleep(o.minMs)
  let streak = 0
  let lastCores = NaN
  while (performance.now() - t0 < o.maxMs) {
    const cpu0 = process.cpuUsage()
    const w0 = performance.now()
    await sleep(o.windowMs)
    const used = process.cpuUsage(cpu0)
    lastCores = (used.user + used.system) / 1000 / (performance.now() - w0)
    streak = lastCores < o.cores ? streak + 1 : 0
    if (streak >= o.windows) return { ms: performance.now() - t0, quiet: true, lastCores }
  }
  return { ms: performance.now() - t0, quiet: false, lastCores }
}
