// Durations (30d, 12h, 90m, 45s, 1h30m) and sizes (10GiB, 500MiB, 1GB, 4096) on the command line.
import { UsageError } from './cli.ts'

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000
}

/** Binary (KiB = 1024) and decimal (KB = 1000) size units; keys in lower case */
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4
}

/**
 * Parses a duration such as `30d`, `12h`, `90m`, `45s`, `500ms`, `2w` or a sum of them (`1h30m`) into
 * milliseconds. A number needs a unit. Throws a UsageError naming the option `--name`.
 */
export function parseDuration (name: string, value: string): number {
  const text = value.trim()
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy
  let total = 0
  let matched = 0
  let m: RegExpExecArray | null
  while ((m = part.exec(text)) != null) {
    total += Number(m[1]) * DURATION_UNITS[m[2]]
    matched = part.lastIndex
  }
  if (text === '' || matched !== text.length) {
    const hint = /^\d+(\.\d+)?$/.test(text) ? ' (a number needs a unit)' : ''
    throw new UsageError(`--${name} must be a duration such as 30d, 12h, 90m, 45s or 1h30m${hint}; got ${JSON.stringify(value)}`)
  }
  total = Math.round(total)
  if (total <= 0) throw new UsageError(`--${name} must be longer than zero; got ${JSON.stringify(value)}`)
  if (!Number.isSafeInteger(total)) throw new UsageError(`--${name} is too long; got ${JSON.stringify(value)}`)
  return total
}

/**
 * Parses a size such as `10GiB`, `500MiB`, `1GB`, `64KB` or a plain number of bytes. KiB/MiB/GiB/TiB are powers of
 * 1024, KB/MB/GB/TB powers of 1000 (case does not matter). Throws a UsageError naming the option `--name`.
 */
export function parseSize (name: string, value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value)
  const unit = m == null ? undefined : (m[2] === '' ? 1 : SIZE_UNITS[m[2].toLowerCase()])
  if (m == null || unit == null) {
    throw new UsageError(`--${name} must be a size such as 10GiB, 500MiB, 1GB or a number of bytes ` +
      `(units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB); got ${JSON.stringify(value)}`)
  }
  const bytes = Math.floor(Number(m[1]) * unit)
  if (bytes <= 0) throw new UsageError(`--${name} must be more than zero bytes; got ${JSON.stringify(value)}`)
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`--${name} is too large; got ${JSON.stringify(value)}`)
  return bytes
}

/** The shortest exact form of a duration in ms, for logs and help: 2592000000 → "30d", 5400000 → "90m" */
export function formatDuration (ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    if (ms >= DURATION_UNITS[unit] && ms % DURATION_UNITS[unit] === 0) return `${ms / DURATION_UNITS[unit]}${unit}`
  }
  return `${ms}ms`
}

/** A size for humans: 10737418240 → "10 GiB", 1500 → "1.5 KiB" */
export function formatSize (bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : Number(v.toFixed(v < 10 ? 2 : 1))} ${units[i]}`
}
