#!/usr/bin/env node
// Entry point of the `kith` command. Registers tsx so the TypeScript sources run as they are,
// loads the Node 20 polyfill before anything of the libp2p stack, then runs src/main.ts.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

// use the repository's tsconfig whatever the current directory is
const tsconfig = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url))
register({ tsconfig: existsSync(tsconfig) ? tsconfig : false })

await import('../../node/src/polyfill.ts')
const { main } = await import('../src/main.ts')
process.exitCode = await main(process.argv.slice(2))
