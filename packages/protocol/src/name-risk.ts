// Suspicious-name scoring for community, group and channel names, before they are shown or indexed (issue 5.5).
// Pure: the protected names, the confusables table and the classifier are JSON files in packages/protocol/data,
// loaded by import.
//
// assessName(name) returns { flagged, reasons, score }. Reasons are short stable strings:
// - `impersonates:<Name>`   a look-alike of a protected name: same confusable skeleton (name-skeleton.ts) but
//                           another spelling (`Kíth`, `Paypa1`, `WНO` with a Cyrillic Н, `Ki<ZWSP>th`, `Pay Pal`, digits
//                           for letters in a word that has both, `Rab0b4nk`, which TR39 alone misses), or a
//                           near-miss spelling (one edit, two from 10 letters) next to an official word
//                           (`Whatsap Support`). Weight 0.9.
// - `official-claim:<Name>` a protected name, or a look-alike, right before or after an official-sounding word
//                           (support, help, official, admin, security, refund…; one typo allowed from 6 letters,
//                           `WhatsApp Suport`, a swap below, `Hepl`), or glued to one (`PayPalSupport`). An
//                           everyday protected word (`common`) must lead the name: `Chase Help`, not
//                           `Paper chase team`. Weight 0.8.
// - `protected-name:<Name>` the whole name is a protected name spelt plainly (`PayPal`), unless that name is an
//                           ordinary word (`common` in protected-names.json: Kith, Signal, Chase, WHO…). Weight 0.6.
// - `mixed-script:<A>+<B>`  one word mixes scripts that TR39's "highly restrictive" level does not allow together
//                           (`Pаypal` with a Cyrillic а); separate words in separate scripts are fine. Weight 0.7.
// - `bidi-control`          a bidi embedding/override/isolate control, which can reorder what is displayed. Weight 0.6.
// - `classifier:<p>`        the n-gram classifier (name-classifier.ts) gives p ≥ CLASSIFIER_MIN = 0.7 (p with two
//                           decimals, rounded down). Weight rises linearly from 0 at 0.7 to 0.75 at p = 1.
// score = 1 − ∏(1 − weight) over the reasons, rounded to 3 decimals; flagged = score ≥ FLAG_THRESHOLD. So every
// rule reason alone flags a name, and the classifier alone flags it from p = 0.9. Protected names are compared
// case-insensitively except `upperOnly` acronyms that are also words (WHO, ING, UPS, EMA), which must be written
// in capitals. Input past MAX_NAME_CODE_POINTS (name-skeleton.ts) is ignored; no string makes this throw.
import protectedNames from '../data/protected-names.json' with { type: 'json' }
import { classifierProbability } from './name-classifier.js'
import { capName, disallowedScriptMix, nameSkeleton, nameTokens, plainLetters, type NameToken } from './name-skeleton.js'

export { nameSkeleton, MAX_NAME_CODE_POINTS } from './name-skeleton.js'

export interface NameRisk {
  flagged: boolean
  reasons: string[]
  /** 0..1 */
  score: number
}

export const FLAG_THRESHOLD = 0.5
/** below this the classifier adds nothing; see CLASSIFIER_MAX_WEIGHT */
export const CLASSIFIER_MIN = 0.7
/**
 * The classifier's weight rises linearly from 0 at CLASSIFIER_MIN to this at p = 1, so it flags a name on its own
 * only from p = 0.9. It is trained on a small, mostly synthetic list (data/PROVENANCE.md): a warning on an ordinary
 * community costs more than a scam name that no rule catches.
 */
export const CLASSIFIER_MAX_WEIGHT = 0.75

const WEIGHT = { impersonates: 0.9, 'official-claim': 0.8, 'protected-name': 0.6, 'mixed-script': 0.7, 'bidi-control': 0.6 } as const
/** protected names have at most this many words */
const MAX_WINDOW = 5

interface Spelling {
  /** the protected name the reason shows */
  name: string
  skeleton: string
  /** the skeleton's code points, for editDistance */
  chars: string[]
  plain: string
  /** in code points, of the plain spelling: decides how many typos a near-miss may have */
  length: number
  /** words in this spelling (`Bank of America`: 3) */
  words: number
  common: boolean
  upperOnly: boolean
}

interface ProtectedEntry { name: string, aliases?: string[], common?: boolean, upperOnly?: boolean }

const SPELLINGS: Spelling[] = []
const BY_SKELETON = new Map<string, Spelling[]>()
for (const e of protectedNames.names as ProtectedEntry[]) {
  for (const text of [e.name, ...(e.aliases ?? [])]) {
    const s: Spelling = {
      name: e.name,
      skeleton: nameSkeleton(text),
      chars: [...nameSkeleton(text)],
      plain: plainLetters(text),
      length: [...plainLetters(text)].length,
      words: nameTokens(text).length,
      // an alias is a full name (World Health Organization), never an everyday word
      common: e.common === true && text === e.name,
      // only the spellings without lowercase letters are acronyms
      upperOnly: e.upperOnly === true && !/\p{Ll}/u.test(text)
    }
    SPELLINGS.push(s)
    BY_SKELETON.set(s.skeleton, [...(BY_SKELETON.get(s.skeleton) ?? []), s])
  }
}
const OFFICIAL = protectedNames.officialWords.map((w) => ({ skeleton: nameSkeleton(w), chars: [...nameSkeleton(w)], length: [...w].length }))
const OFFICIAL_SKELETONS = new Set(OFFICIAL.map((w) => w.skeleton))

/** optimal string alignment distance between code point arrays, or max + 1 as soon as it must exceed max */
function editDistance (x: string[], y: string[], max: number): number {
  if (Math.abs(x.length - y.length) > max) return max + 1
  let prev2: number[] = []
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j)
  for (let i = 1; i <= x.length; i++) {
    const cur = [i]
    let rowMin = i
    for (let j = 1; j <= y.length; j++) {
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d = Math.min(d, prev2[j - 2] + 1)
      cur.push(d)
      rowMin = Math.min(rowMin, d)
    }
    if (rowMin > max) return max + 1
    prev2 = prev
    prev = cur
  }
  return prev[y.length]
}

const sorted = (s: string): string => [...s].sort().join('')

// one typo from 6 letters (`Suport`); shorter words only a swap of two letters (`Hepl`), since one edit of a
// 4-letter word is another word too often (`help` → `held`, `team` → `tea`)
function isOfficialWord (t: NameToken): boolean {
  if (OFFICIAL_SKELETONS.has(t.skeleton)) return true
  const chars = [...t.skeleton]
  return OFFICIAL.some((w) => w.length >= 4 && editDistance(chars, w.chars, 1) <= 1 &&
    (w.length >= 6 || sorted(t.skeleton) === sorted(w.skeleton)))
}

// Digits written for letters (`Rab0b4nk`, `NH5`). TR39 has only 0 → O and 1 → l; the others are not visual
// confusables, so they are not in the skeleton, but impersonators use them. Only applied to words that mix
// letters and digits (a number stays a number), and only to look protected names up (`5B` is looked up as `sb`,
// which protects nothing); nameSkeleton does not do it.
const DIGIT_LETTERS: Record<string, string> = { 3: 'e', 4: 'a', 5: 's', 7: 't', 8: 'b', 9: 'g' }
function undigit (t: NameToken): string {
  return /\p{L}/u.test(t.skeleton) && /[3-9]/.test(t.skeleton) ? t.skeleton.replace(/[345789]/g, (d) => DIGIT_LETTERS[d]) : t.skeleton
}

function allowedTypos (s: Spelling): number {
  if (s.common || s.upperOnly) return 0
  return s.length >= 10 ? 2 : s.length >= 6 ? 1 : 0
}

// a near-miss must keep the first letter, as typosquats do: `finance` is not `Binance`, `email` is not `gmail`
function nearMisses (skeleton: string): Spelling[] {
  const chars = [...skeleton]
  return SPELLINGS.filter((s) => {
    const k = allowedTypos(s)
    return k > 0 && s.chars[0] === chars[0] && s.skeleton !== skeleton && editDistance(chars, s.chars, k) <= k
  })
}

function isUpperCase (text: string): boolean {
  return /\p{Lu}/u.test(text) && !/\p{Ll}/u.test(text)
}

/** rule reasons about protected names, in the order they are found */
function protectedNameReasons (tokens: NameToken[], out: string[]): void {
  const official = tokens.map(isOfficialWord)
  const n = tokens.length
  for (let i = 0; i < n; i++) {
    for (let len = 1; len <= MAX_WINDOW && i + len <= n; len++) {
      const window = tokens.slice(i, i + len)
      const skeleton = window.map(undigit).join('')
      const plain = window.map((t) => t.plain).join('')
      const nextToOfficial = official[i - 1] === true || official[i + len] === true
      // an everyday word (`chase`) claims to be official only when it leads the name: `Chase Support`, `Official
      // Chase`, but not `Paper chase team`
      const leads = official.slice(0, i).every(Boolean)
      const exact = (BY_SKELETON.get(skeleton) ?? []).filter((s) => !s.upperOnly || isUpperCase(window.map((t) => t.text).join('')))
      // a name cut into pieces (`Pay Pal`, `Te_legram`) unless no spelling of it has that many words; letters
      // one by one (`N.H.S.`) are how acronyms are written
      const split = len > 1 && !window.every((t) => [...t.skeleton].length === 1) && !exact.some((s) => s.words === len)
      for (const s of exact) {
        if (plain !== s.plain || split) out.push(`impersonates:${s.name}`)
        if (nextToOfficial && (leads || !s.common)) out.push(`official-claim:${s.name}`)
        else if (i === 0 && len === n && plain === s.plain && !s.common) out.push(`protected-name:${s.name}`)
      }
      if (exact.length === 0 && nextToOfficial && !window.some((_, k) => official[i + k])) {
        for (const s of nearMisses(skeleton)) out.push(`impersonates:${s.name}`, `official-claim:${s.name}`)
      }
    }
  }
  // a protected name glued to an official word in one token: PayPalSupport, officialkith
  for (const t of tokens) {
    for (const w of OFFICIAL_SKELETONS) {
      if (t.skeleton.length <= w.length) continue
      const rest = t.skeleton.endsWith(w) ? t.skeleton.slice(0, -w.length) : t.skeleton.startsWith(w) ? t.skeleton.slice(w.length) : undefined
      if (rest === undefined) continue
      for (const s of BY_SKELETON.get(rest) ?? []) {
        if (s.upperOnly) continue
        if (!t.plain.includes(s.plain)) out.push(`impersonates:${s.name}`)
        out.push(`official-claim:${s.name}`)
      }
    }
  }
}

function weightOf (reason: string): number {
  const kind = reason.split(':')[0] as keyof typeof WEIGHT
  return WEIGHT[kind] ?? 0
}

/** the risk that a community, group or channel name impersonates someone or is a scam (see the header) */
export function assessName (name: string): NameRisk {
  const capped = capName(name)
  const tokens = nameTokens(capped)
  const found: string[] = []
  protectedNameReasons(tokens, found)
  for (const t of tokens) {
    const mix = disallowedScriptMix(t.text)
    if (mix !== undefined) found.push(`mixed-script:${mix.join('+')}`)
  }
  if (/[\u202a-\u202e\u2066-\u2069]/u.test(capped)) found.push('bidi-control')
  const reasons = [...new Set(found)]
  let keep = 1
  for (const r of reasons) keep *= 1 - weightOf(r)

  const p = tokens.length === 0 ? 0 : classifierProbability(capped)
  if (p >= CLASSIFIER_MIN) {
    reasons.push(`classifier:${(Math.floor(p * 100) / 100).toFixed(2)}`)
    keep *= 1 - CLASSIFIER_MAX_WEIGHT * (p - CLASSIFIER_MIN) / (1 - CLASSIFIER_MIN)
  }
  const score = Math.round((1 - keep) * 1000) / 1000
  return { flagged: score >= FLAG_THRESHOLD, reasons, score }
}
