// The bundle's entry (scripts/bundle.mjs): the polyfill first, before anything of the libp2p stack is evaluated.
import '../../node/src/polyfill.ts'
import { main } from './main.ts'

process.exitCode = await main(process.argv.slice(2))
