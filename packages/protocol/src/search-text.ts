// Text normalization for the channel directory: the same function turns a channel's meta into keywords (the DHT
// keyword records) and a user's query into words, so "Santé" in a name is found by "sante", "SANTE" or "santé".
//
// Decisions: tokens are runs of letters and digits after normalization (scripts written without spaces, such as
// Chinese or Japanese, give one token per run); there are no stop words (they are language-specific, and a
// keyword record per common word is merely useless, not harmful); keywords are 2 to MAX_KEYWORD_LENGTH code
// points long.
import type { ChannelMeta } from './proto/kith.js'

export const MIN_KEYWORD_LENGTH = 2
export const MAX_KEYWORD_LENGTH = 64
/** a channel is listed under at most this many keywords */
export const MAX_KEYWORDS = 24

export type SearchableMeta = Pick<ChannelMeta, 'name' | 'description' | 'category'>

/**
 * NFKD, combining marks removed, lowercase, every run of non-letters/digits one space, trimmed. Lowercasing can
 * make new decomposable letters, hence the second NFKD; the result is a fixed point (normalizeText(n) === n).
 */
export function normalizeText (s: string): string {
  // global regexes carry lastIndex: made per call, so the module holds no mutable state
  const marks = /\p{M}+/gu
  return s.normalize('NFKD').replace(marks, '').toLowerCase().normalize('NFKD').replace(marks, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim()
}

/** the words of a text, normalized, in order (repeats kept) */
export function tokenize (s: string): string[] {
  const n = normalizeText(s)
  return n === '' ? [] : n.split(' ')
}

function length (s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/** whether `s` is a keyword as keyword records hold it: one normalized token of 2 to 64 code points */
export function isKeyword (s: string): boolean {
  const n = length(s)
  return n >= MIN_KEYWORD_LENGTH && n <= MAX_KEYWORD_LENGTH && normalizeText(s) === s && !s.includes(' ')
}

/**
 * The keywords a channel is listed under: distinct tokens of its name, then its category, then its
 * description, at most MAX_KEYWORDS. The category comes before the description so a long description cannot
 * push it out.
 */
export function keywordsOf (meta: SearchableMeta): string[] {
  const out = new Set<string>()
  for (const field of [meta.name, meta.category, meta.description]) {
    for (const token of tokenize(field)) {
      if (out.size >= MAX_KEYWORDS) return [...out]
      if (isKeyword(token)) out.add(token)
    }
  }
  return [...out]
}

// weights of a query word found in each field, exactly or as the prefix of a word
const WEIGHTS = { name: 1, namePrefix: 0.75, category: 0.6, description: 0.5, otherPrefix: 0.25 }

/**
 * How well a channel matches a query, in [0, 1]: the average over the distinct query words (normalized, so the
 * words may be raw user input) of the best place each is found: a word of the name 1, the prefix of a name word
 * 0.75, a category word 0.6, a description word 0.5, the prefix of a category or description word 0.25,
 * nowhere 0. 0 for an empty query.
 */
export function matchScore (queryWords: readonly string[], meta: SearchableMeta): number {
  const words = [...new Set(queryWords.flatMap(tokenize))]
  if (words.length === 0) return 0
  const name = tokenize(meta.name)
  const category = tokenize(meta.category)
  const description = tokenize(meta.description)
  let total = 0
  for (const w of words) {
    if (name.includes(w)) total += WEIGHTS.name
    else if (name.some(t => t.startsWith(w))) total += WEIGHTS.namePrefix
    else if (category.includes(w)) total += WEIGHTS.category
    else if (description.includes(w)) total += WEIGHTS.description
    else if (category.some(t => t.startsWith(w)) || description.some(t => t.startsWith(w))) total += WEIGHTS.otherPrefix
  }
  return total / words.length
}
