import { readFile } from 'node:fs/promises'

const MB = 1024 * 1024

/** resident set size of this process, MB */
export function rssMB (): number {
  return process.memoryUsage().rss / MB
}

/** resident set size of another process (e.g. a Kith daemon started by the bench), MB, from /proc (Linux) */
export async function rssOfPidMB (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
  if (m == null) throw new Error(`no VmRSS for pid ${pid}`)
  return Number(m[1]) / 1024
}

/** RSS after letting the process settle for `settleMs` (and a GC when node runs with --expose-gc) */
export async function settledRssMB (settleMs = 1000, pid?: number): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (pid == null && gc != null) gc()
  await new Promise(resolve => setTimeout(resolve, settleMs))
  return pid == null ? rssMB() : await rssOfPidMB(pid)
}
