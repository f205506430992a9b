/** nearest-rank percentile (p in 0..100) of unsorted samples; NaN for no samples */
export function percentile (samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

export function mean (samples: readonly number[]): number {
  return samples.length === 0 ? NaN : samples.reduce((a, b) => a + b, 0) / samples.length
}

/** milliseconds with sub-millisecond resolution on a clock shared by processes on one machine (epoch based) */
export function nowMs (): number {
  return performance.timeOrigin + performance.now()
}

export const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** polls cond every `every` ms until it is true; false on timeout */
export async function waitFor (cond: () => boolean, timeoutMs: number, every = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) return false
    await sleep(every)
  }
  return true
}
