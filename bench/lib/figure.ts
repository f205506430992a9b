/** One line of a benchmark's result: a Kith figure beside the raw baseline it is compared with. */
export interface Figure {
  bench: string
  metric: string
  unit: string
  /** Kith's figure; null when not measured (yet) */
  kith: number | null
  /** the raw libp2p / node:crypto figure; null when there is none */
  baseline: number | null
  /** kith / baseline when both exist */
  ratio: number | null
  /** the target in words, e.g. "≤ 1.3× baseline"; "info" for informational rows */
  target: string
  /** null when there is no target or no Kith figure */
  pass: boolean | null
}

export interface BenchOptions {
  /** print JSON lines instead of a table (progress goes to stderr either way) */
  json: boolean
  /** arguments after NAME that are not --json */
  args: string[]
  /** progress output; writes to stderr */
  log: (line: string) => void
  /** free-form notes a bench wants printed under the table (not part of --json output) */
  notes: string[]
}

export interface Bench {
  run: (opts: BenchOptions) => Promise<Figure[]>
}

export function ratioOf (kith: number | null, baseline: number | null): number | null {
  if (kith == null || baseline == null || baseline === 0) return null
  return kith / baseline
}

/** a figure without a target: pass is always null */
export function info (bench: string, metric: string, unit: string, kith: number | null, baseline: number | null, target = 'info'): Figure {
  return { bench, metric, unit, kith, baseline, ratio: ratioOf(kith, baseline), target, pass: null }
}

/** the JSON line for one figure, with the keys in a fixed order */
export function figureToJson (f: Figure): string {
  const fix = (n: number | null): number | null => (n == null || !Number.isFinite(n)) ? null : Number(n.toPrecision(6))
  return JSON.stringify({
    bench: f.bench,
    metric: f.metric,
    unit: f.unit,
    kith: fix(f.kith),
    baseline: fix(f.baseline),
    ratio: fix(f.ratio),
    target: f.target,
    pass: f.pass
  })
}

export function formatNumber (n: number | null): string {
  if (n == null || !Number.isFinite(n)) return '—'
  const a = Math.abs(n)
  if (Number.isInteger(n) && a < 1000) return String(n)
  if (a >= 1000) return Math.round(n).toLocaleString('en-US')
  if (a >= 100) return n.toFixed(0)
  if (a >= 10) return n.toFixed(1)
  return n.toFixed(2)
}

function formatRatio (n: number | null): string {
  return n == null || !Number.isFinite(n) ? '—' : `${n.toFixed(2)}×`
}

function formatPass (p: boolean | null): string {
  return p == null ? '—' : p ? 'yes' : 'NO'
}

/** an aligned plain-text table; numbers right-aligned */
export function formatTable (figures: Figure[]): string {
  const header = ['metric', 'unit', 'kith', 'baseline', 'ratio', 'target', 'pass']
  const rows = figures.map(f => [f.metric, f.unit, formatNumber(f.kith), formatNumber(f.baseline), formatRatio(f.ratio), f.target, formatPass(f.pass)])
  const right = [false, false, true, true, true, false, false]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
  const line = (cells: string[]): string => cells.map((c, i) => right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])).join('  ').trimEnd()
  return [line(header), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

/**
 * the same table as GitHub markdown, for docs/BENCHMARKS.md; a null Kith figure reads "not yet measured" except on
 * reference rows, whose metric starts with "raw" and which never have one
 */
export function formatMarkdown (figures: Figure[]): string {
  const kithCell = (f: Figure): string => f.kith != null ? formatNumber(f.kith) : f.metric.startsWith('raw') ? '—' : 'not yet measured'
  const rows = figures.map(f => `| ${f.metric} | ${f.unit} | ${kithCell(f)} | ${formatNumber(f.baseline)} | ${formatRatio(f.ratio)} | ${f.target} | ${formatPass(f.pass)} |`)
  return ['| metric | unit | kith | baseline | ratio | target | pass |', '|---|---|--:|--:|--:|---|---|', ...rows].join('\n')
}
