// npm run bench -- NAME [--json]
import '../packages/node/src/polyfill.ts'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { figureToJson, formatTable, type Bench, type BenchOptions } from './lib/figure.js'

async function main (): Promise<number> {
  const argv = process.argv.slice(2)
  const json = argv.includes('--json')
  const rest = argv.filter(a => a !== '--json')
  const name = rest.shift()
  if (name == null || !/^[a-z0-9][a-z0-9-]*$/.test(name) || name === 'run' || name.endsWith('-kith')) {
    process.stderr.write('usage: npm run bench -- NAME [--json]   (NAME: a bench/NAME.ts exporting run(), e.g. groups)\n')
    return 2
  }
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url))
  if (!existsSync(file)) {
    process.stderr.write(`bench: no bench/${name}.ts\n`)
    return 2
  }
  const mod = await import(`./${name}.ts`) as Partial<Bench>
  if (typeof mod.run !== 'function') {
    process.stderr.write(`bench: bench/${name}.ts does not export run()\n`)
    return 2
  }
  const opts: BenchOptions = { json, args: rest, log: line => process.stderr.write(`[${name}] ${line}\n`), notes: [] }
  const t0 = performance.now()
  const figures = await mod.run(opts)
  if (json) {
    for (const f of figures) process.stdout.write(figureToJson(f) + '\n')
  } else {
    process.stdout.write(`\n${name} (${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}, ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`)
    for (const n of opts.notes) process.stdout.write(`${n}\n`)
    process.stdout.write(formatTable(figures) + '\n')
  }
  return 0
}

main().then(code => {
  process.exitCode = code
  // every bench stops its own nodes; if a handle is still open, say so instead of hanging
  setTimeout(() => {
    process.stderr.write('bench: the process did not exit 5 s after the bench finished (open handles); forcing exit\n')
    process.exit(process.exitCode ?? 0)
  }, 5000).unref()
}, err => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
