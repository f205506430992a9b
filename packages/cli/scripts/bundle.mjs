// Bundles the `kith` command (packages/cli/src/main.ts with @kith/node, @kith/protocol and their dependencies) into
// dist/kith.mjs, so daemons and relays run as one plain JavaScript file: under tsx a daemon carries the TypeScript
// transform and hundreds of separately loaded modules (measured here: 214 MB RSS idle under tsx, 145 MB with only
// Kith's own code bundled, 93 MB with everything bundled). Packages with native addons stay external.
//
// Runs on `npm install` / `npm ci` (the root package's `prepare`). bin/kith.js uses the bundle only when it is newer
// than every source file, and falls back to tsx otherwise, so a failed or stale bundle never runs old code.
import { statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const cli = dirname(dirname(fileURLToPath(import.meta.url)))
const packages = dirname(cli)
// native addons (LevelDB) load their .node file relative to their package; tsx is only the fallback
const external = ['classic-level', 'tsx', 'tsx/*', 'esbuild']

try {
  const { build } = await import('esbuild')
  const started = Date.now()
  await build({
    entryPoints: [join(cli, 'src', 'bundle-entry.ts')],
    outfile: join(cli, 'dist', 'kith.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    external,
    // some CommonJS dependencies call require(); an ES module bundle has none of its own
    banner: { js: "import { createRequire as __kithCreateRequire } from 'node:module'; const require = __kithCreateRequire(import.meta.url);" },
    logLevel: 'warning',
    tsconfig: join(dirname(packages), 'tsconfig.json')
  })
  const size = statSync(join(cli, 'dist', 'kith.mjs')).size
  console.log(`kith: bundled packages/cli/dist/kith.mjs (${(size / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)`)
} catch (err) {
  // never fail an install over it: bin/kith.js runs the sources with tsx instead
  console.warn(`kith: could not bundle the command (${err?.message ?? err}); it will run through tsx`)
}
