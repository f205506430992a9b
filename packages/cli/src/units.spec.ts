import { describe, expect, it } from 'vitest'
import { UsageError } from './cli.ts'
import { formatDuration, formatSize, parseDuration, parseSize } from './units.ts'

describe('parseDuration', () => {
  it('reads days, hours, minutes, seconds, weeks, milliseconds and sums of them', () => {
    expect(parseDuration('retention', '30d')).toBe(30 * 86_400_000)
    expect(parseDuration('retention', '12h')).toBe(12 * 3_600_000)
    expect(parseDuration('retention', '90m')).toBe(90 * 60_000)
    expect(parseDuration('retention', '45s')).toBe(45_000)
    expect(parseDuration('retention', '2w')).toBe(14 * 86_400_000)
    expect(parseDuration('retention', '500ms')).toBe(500)
    expect(parseDuration('retention', '1h30m')).toBe(90 * 60_000)
    expect(parseDuration('retention', '1.5h')).toBe(90 * 60_000)
    expect(parseDuration('retention', ' 7d ')).toBe(7 * 86_400_000)
  })

  it('refuses what is not a duration, naming the option', () => {
    for (const bad of ['30', '', 'd', '30x', '30 d', '-1d', 'forever', '1h 30m', '0s', '0d']) {
      expect(() => parseDuration('retention', bad), bad).toThrow(UsageError)
    }
    expect(() => parseDuration('retention', '30')).toThrow('--retention must be a duration such as 30d, 12h, 90m, 45s or 1h30m (a number needs a unit); got "30"')
    expect(() => parseDuration('stats-interval', '0s')).toThrow('--stats-interval must be longer than zero')
    expect(() => parseDuration('retention', '99999999999999999d')).toThrow('--retention is too long')
  })

  it('formats back to the shortest exact unit', () => {
    expect(formatDuration(30 * 86_400_000)).toBe('30d')
    expect(formatDuration(90 * 60_000)).toBe('90m')
    expect(formatDuration(14 * 86_400_000)).toBe('2w')
    expect(formatDuration(1500)).toBe('1500ms')
  })
})

describe('parseSize', () => {
  it('reads binary and decimal units, any case, and plain bytes', () => {
    expect(parseSize('max-storage', '10GiB')).toBe(10 * 1024 ** 3)
    expect(parseSize('max-storage', '500MiB')).toBe(500 * 1024 ** 2)
    expect(parseSize('max-storage', '1GB')).toBe(1e9)
    expect(parseSize('max-storage', '64KB')).toBe(64_000)
    expect(parseSize('max-storage', '2TiB')).toBe(2 * 1024 ** 4)
    expect(parseSize('max-storage', '1.5gib')).toBe(1.5 * 1024 ** 3)
    expect(parseSize('max-storage', '10 GiB')).toBe(10 * 1024 ** 3)
    expect(parseSize('max-storage', '4096')).toBe(4096)
    expect(parseSize('max-storage', '4096B')).toBe(4096)
  })

  it('refuses what is not a size, naming the option and the units', () => {
    for (const bad of ['', 'GiB', '10G', '10 parsecs', '-1GiB', '0', '0MiB', '1e3', '10GiBs']) {
      expect(() => parseSize('max-storage', bad), bad).toThrow(UsageError)
    }
    expect(() => parseSize('max-storage', '10G')).toThrow('--max-storage must be a size such as 10GiB, 500MiB, 1GB or a number of bytes (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB); got "10G"')
    expect(() => parseSize('max-storage', '0MiB')).toThrow('--max-storage must be more than zero bytes')
  })

  it('formats sizes for people', () => {
    expect(formatSize(10 * 1024 ** 3)).toBe('10 GiB')
    expect(formatSize(1536)).toBe('1.5 KiB')
    expect(formatSize(512)).toBe('512 B')
  })
})
