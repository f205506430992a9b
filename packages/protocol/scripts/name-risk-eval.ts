// Precision and recall of the name scorer on the held-out part of data/names-labelled.json (isHeldOut in
// src/name-classifier.ts): the classifier alone, the rules alone, and the full assessName. Deterministic.
// Run: npm run name-risk:eval   (add --errors to list the misclassified held-out names)
import { readFileSync } from 'node:fs'
import { CLASSIFIER_MAX_WEIGHT, CLASSIFIER_MIN, FLAG_THRESHOLD, assessName } from '../src/name-risk.js'
import { classifierProbability, isHeldOut } from '../src/name-classifier.js'

interface Row { name: string, label: 'suspicious' | 'benign', group: string, origin: string }
const rows = (JSON.parse(readFileSync(new URL('../data/names-labelled.json', import.meta.url), 'utf8')) as { rows: Row[] }).rows
const heldOut = rows.filter((r) => isHeldOut(r.group))

// the classifier probability above which assessName flags on the classifier alone (see name-risk.ts)
const classifierFlagAt = CLASSIFIER_MIN + FLAG_THRESHOLD / CLASSIFIER_MAX_WEIGHT * (1 - CLASSIFIER_MIN)

interface Scored { row: Row, flagged: boolean, detail: string }
function report (title: string, scored: Scored[]): void {
  const tp = scored.filter((s) => s.flagged && s.row.label === 'suspicious').length
  const fp = scored.filter((s) => s.flagged && s.row.label === 'benign').length
  const fn = scored.filter((s) => !s.flagged && s.row.label === 'suspicious').length
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp)
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn)
  console.log(`${title.padEnd(44)} precision ${(precision * 100).toFixed(1).padStart(5)}%  recall ${(recall * 100).toFixed(1).padStart(5)}%  (tp ${tp}, fp ${fp}, fn ${fn})`)
  if (process.argv.includes('--errors')) {
    for (const s of scored.filter((s) => s.flagged !== (s.row.label === 'suspicious'))) {
      console.log(`    ${s.row.label === 'benign' ? 'FP' : 'FN'} ${JSON.stringify(s.row.name)} [${s.row.origin}] ${s.detail}`)
    }
  }
}

const suspicious = heldOut.filter((r) => r.label === 'suspicious').length
const groups = new Set(heldOut.map((r) => r.group)).size
console.log(`held-out: ${heldOut.length} of ${rows.length} names (${suspicious} suspicious, ${heldOut.length - suspicious} benign) in ${groups} groups`)
const probs = heldOut.map((row) => ({ row, p: classifierProbability(row.name) }))
report('classifier alone, p >= 0.5', probs.map(({ row, p }) => ({ row, flagged: p >= 0.5, detail: `p=${p.toFixed(2)}` })))
report(`classifier alone, p >= ${classifierFlagAt.toFixed(2)} (as in assessName)`, probs.map(({ row, p }) => ({ row, flagged: p >= classifierFlagAt, detail: `p=${p.toFixed(2)}` })))
const assessed = heldOut.map((row) => ({ row, risk: assessName(row.name) }))
report('rules alone (assessName minus classifier)', assessed.map(({ row, risk }) => ({ row, flagged: risk.reasons.some((r) => !r.startsWith('classifier:')), detail: risk.reasons.join(' ') })))
report('assessName (flagged)', assessed.map(({ row, risk }) => ({ row, flagged: risk.flagged, detail: `${risk.score} ${risk.reasons.join(' ')}` })))

console.log('\nassessName recall by origin (suspicious) / false-positive rate by origin (benign), held-out:')
const origins = [...new Set(heldOut.map((r) => r.origin))].sort()
for (const o of origins) {
  const of = assessed.filter((a) => a.row.origin === o)
  const flagged = of.filter((a) => a.risk.flagged).length
  const what = of[0].row.label === 'suspicious' ? 'flagged' : 'false positives'
  console.log(`  ${o.padEnd(28)} ${String(flagged).padStart(4)} / ${String(of.length).padEnd(4)} ${what}`)
}
