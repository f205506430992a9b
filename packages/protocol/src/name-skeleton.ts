// Confusable skeletons (Unicode TR39 §4) and script detection for names, used by name-risk.ts.
//
// The table is the part of TR39's confusables.txt 10.0.0 whose prototypes are ASCII (data/CONFUSABLES.md says
// where it comes from and why a subset is enough). Steps of nameSkeleton, and why each is there:
// 1. NFKD rather than TR39's NFD: compatibility forms (fullwidth `Ｋ`, math bold `𝐊`, `ﬁ`) are look-alikes too.
// 2. Default-ignorable code points (zero-width space/joiners, bidi controls, soft hyphen) are dropped: they are
//    invisible, so `Ki\u200Bth` must read as `Kith`.
// 3. Each code point is replaced by its TR39 prototype, case-sensitively as TR39 defines it: a Cyrillic capital
//    `Н` looks like `H`, its lowercase `н` does not look like `h`.
// 4. Marks are removed (`Kíth` → `Kith`): an accent is easy to miss in a name list.
// 5. Lowercase, then the table once more (lowercasing can make a letter that has a prototype, e.g. `M` → `m` →
//    `rn`), then `i` → `l`. TR39 maps `I` (and `1`, `|`, Cyrillic `І`) to `l` but leaves `i` alone, so without this
//    fold `KITH` and `Kith` would differ; casefolding puts i, I and l in one class.
// 6. Everything that is not a letter or digit is dropped: spacing and punctuation are cheap to vary.
// The result is only for comparing: `Kith`, `KITH`, `K1th`, `Kíth` and `Ｋｉｔｈ` all give `klth`.
import confusables from '../data/confusables-ascii.json' with { type: 'json' }

const PROTOTYPE: Readonly<Record<string, string>> = confusables.map

/** names are analysed up to this many code points; the rest is ignored (a name field is far shorter) */
export const MAX_NAME_CODE_POINTS = 256

/**
 * Bounds the work on hostile input: at most MAX_NAME_CODE_POINTS code points, lone surrogates replaced by U+FFFD
 * so normalization and regexes see well-formed text, non-strings read as ''.
 */
export function capName (name: unknown): string {
  if (typeof name !== 'string') return ''
  const head = name.length > MAX_NAME_CODE_POINTS * 2 ? name.slice(0, MAX_NAME_CODE_POINTS * 2) : name
  let out = ''
  let n = 0
  for (const c of head) {
    if (n++ >= MAX_NAME_CODE_POINTS) break
    const u = c.charCodeAt(0)
    out += c.length === 1 && u >= 0xd800 && u <= 0xdfff ? '\ufffd' : c
  }
  return out
}

function mapPrototypes (s: string): string {
  let out = ''
  for (const c of s) out += PROTOTYPE[c] ?? c
  return out
}

/** steps 1–5 of the header: the skeleton with its spacing and punctuation still in */
function skeletonKeepingSeparators (capped: string): string {
  const ignorable = /\p{Default_Ignorable_Code_Point}/gu
  const marks = /\p{M}/gu
  let s = capped.normalize('NFKD').replace(ignorable, '')
  s = mapPrototypes(s).normalize('NFKD').replace(marks, '').toLowerCase()
  // İ lowercases to i + combining dot, hence NFKD and mark removal again
  s = mapPrototypes(s).normalize('NFKD').replace(marks, '').toLowerCase()
  return s.replace(/i/g, 'l')
}

/**
 * The TR39 skeleton of a name, casefolded, without marks, spacing or punctuation (see the header for each step).
 * Two names with the same skeleton look alike. Never throws; input past MAX_NAME_CODE_POINTS is ignored.
 */
export function nameSkeleton (name: string): string {
  return skeletonKeepingSeparators(capName(name)).replace(/[^\p{L}\p{N}]/gu, '')
}

/**
 * The letters and digits of a name as written, lowercased, without the look-alike mapping, to tell a spoof from
 * the real spelling. Invisible characters are kept: `Pay<ZWSP>Pal` is not spelt `PayPal`.
 */
export function plainLetters (name: string): string {
  return capName(name).normalize('NFC').toLowerCase().replace(/[^\p{L}\p{N}\p{M}\p{Default_Ignorable_Code_Point}]/gu, '')
}

/** a character that belongs to a word: letters, digits, marks, invisible characters, and symbols that look like a letter or digit (`|`, `$`…) */
export function isWordChar (c: string): boolean {
  if (/[\p{L}\p{N}\p{M}\p{Default_Ignorable_Code_Point}]/u.test(c)) return true
  const p = PROTOTYPE[c]
  return p !== undefined && /[A-Za-z0-9]/.test(p)
}

export interface NameToken {
  /** the token as written */
  text: string
  skeleton: string
  plain: string
}

/** the words of a name (runs of word characters), each with its skeleton, at most `max` of them */
export function nameTokens (name: string, max = 64): NameToken[] {
  const out: NameToken[] = []
  let cur = ''
  const flush = (): void => {
    if (cur === '') return
    const skeleton = skeletonKeepingSeparators(cur).replace(/[^\p{L}\p{N}]/gu, '')
    if (skeleton !== '') out.push({ text: cur, skeleton, plain: plainLetters(cur) })
    cur = ''
  }
  for (const c of capName(name)) {
    if (out.length >= max) break
    if (isWordChar(c)) cur += c
    else flush()
  }
  if (out.length < max) flush()
  return out
}

// Scripts that have letters in common use; a letter of any other script is reported as 'Other'. Common and
// Inherited (digits, punctuation, combining marks) belong to every script.
const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Georgian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana',
  'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala',
  'Thai', 'Lao', 'Tibetan', 'Myanmar', 'Khmer', 'Ethiopic', 'Cherokee', 'Han', 'Hiragana', 'Katakana', 'Hangul',
  'Bopomofo', 'Mongolian', 'Canadian_Aboriginal', 'Lisu', 'Vai', 'Tifinagh', 'Coptic', 'Runic', 'Ogham', 'Nko']
const SCRIPT_RES = SCRIPTS.map((s) => [s, new RegExp(`^\\p{Script=${s}}$`, 'u')] as const)

/** the script of one code point, or undefined for Common/Inherited */
export function scriptOf (c: string): string | undefined {
  if (/^[\p{Script=Common}\p{Script=Inherited}]$/u.test(c)) return undefined
  for (const [name, re] of SCRIPT_RES) if (re.test(c)) return name
  return 'Other'
}

// TR39 §5.2 "Highly Restrictive": Latin may be mixed with these sets of East Asian scripts, which are written together
const ALLOWED_MIXES = [['Latin', 'Han', 'Hiragana', 'Katakana'], ['Latin', 'Han', 'Bopomofo'], ['Latin', 'Han', 'Hangul']]

/** the scripts of a word, sorted, if they are a mix TR39 would not allow in one identifier; otherwise undefined */
export function disallowedScriptMix (word: string): string[] | undefined {
  const scripts = new Set<string>()
  for (const c of word.normalize('NFD')) {
    const s = scriptOf(c)
    if (s !== undefined) scripts.add(s)
  }
  if (scripts.size < 2) return undefined
  if (ALLOWED_MIXES.some((allowed) => [...scripts].every((s) => allowed.includes(s)))) return undefined
  return [...scripts].sort()
}
