// Expands data/name-seeds.json (hand-written) and data/protected-names.json into data/names-labelled.json, the
// labelled list the name classifier is trained and evaluated on. Deterministic (fixed seed): rerunning it gives
// the same file. Run: npx tsx packages/protocol/scripts/build-name-dataset.ts
// What each origin means is in data/PROVENANCE.md.
import { readFileSync, writeFileSync } from 'node:fs'
import confusables from '../data/confusables-ascii.json' with { type: 'json' }
import protectedNames from '../data/protected-names.json' with { type: 'json' }

interface Seeds {
  benign: string[]
  benignTemplates: string[]
  slots: Record<string, string[]>
  scam: string[]
  scamTemplates: string[]
  officialFill: string[]
  brandPerturbations: string[]
  hardBenignTemplates: string[]
}
export interface Row { name: string, label: 'suspicious' | 'benign', group: string, origin: string }

const seeds = JSON.parse(readFileSync(new URL('../data/name-seeds.json', import.meta.url), 'utf8')) as Seeds

// mulberry32: small, seedable, and the same in every JavaScript engine
let state = 0x6b697468
function random (): number {
  state = (state + 0x6d2b79f5) >>> 0
  let t = state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]

// look-alikes from other scripts for each ASCII letter, taken from the vendored TR39 table
const LOOKALIKES = new Map<string, string[]>()
for (const [from, to] of Object.entries(confusables.map as Record<string, string>)) {
  if (!/^[A-Za-z]$/.test(to) || !/^[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}]$/u.test(from)) continue
  LOOKALIKES.set(to, [...(LOOKALIKES.get(to) ?? []), from])
}
const DIGITS: Record<string, string> = { o: '0', O: '0', i: '1', I: '1', l: '1', e: '3', E: '3', a: '4', A: '4', s: '5', S: '5', B: '8' }

function replaceAt (s: string[], positions: number[], f: (c: string) => string): string {
  if (positions.length === 0) return s.join('')
  const i = pick(positions)
  return [...s.slice(0, i), f(s[i]), ...s.slice(i + 1)].join('')
}

function perturb (brand: string, how: string): string {
  const cs = [...brand]
  const letters = cs.flatMap((c, i) => /\p{L}/u.test(c) ? [i] : [])
  const interior = letters.filter((i) => i > 0 && i < cs.length - 1)
  switch (how) {
    case 'homoglyph': {
      let out = replaceAt(cs, cs.flatMap((c, i) => LOOKALIKES.has(c) ? [i] : []), (c) => pick(LOOKALIKES.get(c)!))
      if (random() < 0.3) out = replaceAt([...out], [...out].flatMap((c, i) => LOOKALIKES.has(c) ? [i] : []), (c) => pick(LOOKALIKES.get(c)!))
      return out
    }
    case 'digit': {
      const at = cs.flatMap((c, i) => DIGITS[c] !== undefined ? [i] : [])
      return at.length > 0 ? replaceAt(cs, at, (c) => DIGITS[c]) : perturb(brand, 'homoglyph')
    }
    case 'accent':
      return replaceAt(cs, cs.flatMap((c, i) => /[aeiouAEIOU]/.test(c) ? [i] : []), (c) => (c + pick(['\u0301', '\u0300', '\u0308', '\u0302'])).normalize('NFC'))
    case 'typo': {
      if (interior.length === 0) return perturb(brand, 'accent')
      const i = pick(interior)
      const kind = pick(['drop', 'double', 'swap'])
      if (kind === 'drop') return [...cs.slice(0, i), ...cs.slice(i + 1)].join('')
      if (kind === 'double') return [...cs.slice(0, i + 1), cs[i], ...cs.slice(i + 1)].join('')
      return [...cs.slice(0, i - 1), cs[i], cs[i - 1], ...cs.slice(i + 1)].join('')
    }
    case 'zero-width':
      return replaceAt(cs, interior, (c) => pick(['\u200b', '\u200c', '\u2060']) + c)
    case 'spacing':
      return replaceAt(cs, interior, (c) => pick([' ', '.', '-', '_']) + c)
    case 'case':
      return cs.map((c) => random() < 0.5 ? c.toUpperCase() : c.toLowerCase()).join('')
    case 'fullwidth':
      return cs.map((c) => /[!-~]/.test(c) ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c).join('')
    default:
      return brand
  }
}

function fill (template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? pick(seeds.slots[k] ?? ['?']))
}

const rows: Row[] = []
const seen = new Set<string>()
function add (row: Row): void {
  if (seen.has(row.name)) return
  seen.add(row.name)
  rows.push(row)
}

for (const name of seeds.benign) add({ name, label: 'benign', group: `benign:${name}`, origin: 'benign-hand-written' })
seeds.benignTemplates.forEach((t, ti) => {
  for (let k = 0; k < 40; k++) add({ name: fill(t, {}), label: 'benign', group: `benign-template:${ti}`, origin: 'benign-template' })
})
for (const name of seeds.scam) {
  add({ name, label: 'suspicious', group: `scam:${name}`, origin: 'scam-hand-written' })
  // the same scam as it often appears: shouted, or dressed with emoji; same group, so it never straddles the split
  const variant = pick([name.toUpperCase(), `${name} 🔥`, `✅ ${name}`, `${name}!!!`, `💰 ${name} 💰`])
  add({ name: variant, label: 'suspicious', group: `scam:${name}`, origin: 'scam-variant' })
}
for (const e of protectedNames.names) {
  for (const spelling of [e.name, ...(e.aliases ?? [])]) {
    const brand = (e as { upperOnly?: boolean }).upperOnly === true ? spelling.toUpperCase() : spelling
    for (let k = 0; k < 6; k++) {
      const how = pick(seeds.brandPerturbations)
      const template = pick(seeds.scamTemplates)
      // an everyday word alone, spelt plainly, is not an impersonation (name-risk.ts `common`)
      if ((how === 'plain' || how === 'case') && template === '{brand}' && (e as { common?: boolean }).common === true) continue
      const name = fill(template, { brand: perturb(brand, how), official: pick(seeds.officialFill), official2: pick(seeds.officialFill) })
      add({ name, label: 'suspicious', group: `brand:${e.name}`, origin: `impersonation:${how}` })
    }
    for (let k = 0; k < 2; k++) {
      add({ name: fill(pick(seeds.hardBenignTemplates), { brand: spelling }), label: 'benign', group: `brand:${e.name}`, origin: 'brand-benign-template' })
    }
  }
}

const header = '{\n"about": "Labelled community/group/channel names for the Kith name classifier. Generated by packages/protocol/scripts/build-name-dataset.ts from name-seeds.json and protected-names.json; see PROVENANCE.md.",\n"rows": [\n'
writeFileSync(new URL('../data/names-labelled.json', import.meta.url), header + rows.map((r) => JSON.stringify(r)).join(',\n') + '\n]}\n')
const count = (f: (r: Row) => boolean): number => rows.filter(f).length
console.log(`${rows.length} rows: ${count((r) => r.label === 'suspicious')} suspicious, ${count((r) => r.label === 'benign')} benign`)
