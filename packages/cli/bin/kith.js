#!/usr/bin/env node
// Entry point of the `kith` command. Runs the bundle (dist/kith.mjs, made by scripts/bundle.mjs on npm install)
// when it is newer than every source file; otherwise registers tsx so the TypeScript sources run as they are.
// KITH_NO_BUNDLE=1 forces the sources.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const packages = fileURLToPath(new URL('../../', import.meta.url))
const bundle = join(packages, 'cli', 'dist', 'kith.mjs')

function newestSource (dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path))
    else newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

function bundleIsFresh () {
  if (process.env.KITH_NO_BUNDLE === '1' || !existsSync(bundle)) return false
  try {
    // the name scorer's model and lists are bundled too
    const sources = [...['cli', 'node', 'protocol'].map(p => newestSource(join(packages, p, 'src'))), newestSource(join(packages, 'protocol', 'data'))]
    return statSync(bundle).mtimeMs >= Math.max(...sources)
  } catch {
    return false
  }
}

if (bundleIsFresh()) {
  await import(bundle)
} else {
  const { register } = await import('tsx/esm/api')
  // use the repository's tsconfig whatever the current directory is
  const tsconfig = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url))
  register({ tsconfig: existsSync(tsconfig) ? tsconfig : false })
  await import('../../node/src/polyfill.ts')
  const { main } = await import('../src/main.ts')
  process.exitCode = await main(process.argv.slice(2))
}
