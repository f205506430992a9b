import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { isKeyword, keywordsOf, matchScore, MAX_KEYWORD_LENGTH, MAX_KEYWORDS, normalizeText, tokenize } from './search-text.js'

const meta = (name: string, description = '', category = ''): { name: string, description: string, category: string } => ({ name, description, category })
const RUNS = Number(process.env.FC_RUNS ?? 2000)

describe('normalizeText', () => {
  it('folds accents, case, compatibility forms and punctuation', () => {
    const cases: Array<[string, string]> = [
      ['Santé', 'sante'],
      ['SANTÉ', 'sante'],
      ['  Santé & Bien-être!  ', 'sante bien etre'],
      ['Ｆｕｌｌｗｉｄｔｈ １２３', 'fullwidth 123'],
      ['ﬁnance', 'finance'],
      ['İstanbul', 'istanbul'],
      ['Ångström Über Çà', 'angstrom uber ca'],
      ['Привет, мир', 'привет мир'],
      ['東京 ニュース', '東京 ニュース'],
      ['tech📣news…2025', 'tech news 2025'],
      ['x²', 'x2'],
      ['', ''],
      ['!!!', '']
    ]
    for (const [input, expected] of cases) expect(normalizeText(input), input).toBe(expected)
  })

  it('is idempotent and leaves only letters, digits and single spaces', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), s => {
      const n = normalizeText(s)
      expect(normalizeText(n)).toBe(n)
      expect(n).toMatch(/^(?:[\p{L}\p{N}]+(?: [\p{L}\p{N}]+)*)?$/u)
      expect(n).not.toMatch(/\p{M}/u)
    }), { numRuns: RUNS })
  })

  it('tokenize splits the normalized text into words', () => {
    expect(tokenize('Hello, World! hello')).toEqual(['hello', 'world', 'hello'])
    expect(tokenize(' ... ')).toEqual([])
  })
})

describe('keywordsOf', () => {
  it('distinct words of at least two characters: name first, then category, then description', () => {
    expect(keywordsOf(meta('Santé Publique', 'Des nouvelles de la santé, à Paris', 'Health'))).toEqual(['sante', 'publique', 'health', 'des', 'nouvelles', 'de', 'la', 'paris'])
    expect(keywordsOf(meta('A b c', '', ''))).toEqual([])
  })

  it('keeps at most 24 keywords, so a long description cannot push out the name or the category', () => {
    const description = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ')
    const k = keywordsOf(meta('Kith News', description, 'Technology'))
    expect(k).toHaveLength(MAX_KEYWORDS)
    expect(k.slice(0, 3)).toEqual(['kith', 'news', 'technology'])
  })

  it('leaves out words too long to be keywords', () => {
    expect(keywordsOf(meta(`${'x'.repeat(MAX_KEYWORD_LENGTH + 1)} ok`))).toEqual(['ok'])
    fc.assert(fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 200 }), fc.string({ maxLength: 40 }), (n, d, c) => {
      const k = keywordsOf(meta(n, d, c))
      expect(k.length).toBeLessThanOrEqual(MAX_KEYWORDS)
      expect(new Set(k).size).toBe(k.length)
      for (const w of k) expect(isKeyword(w)).toBe(true)
    }), { numRuns: RUNS })
  })

  it('isKeyword: one normalized word of 2 to 64 code points', () => {
    expect(isKeyword('sante')).toBe(true)
    expect(isKeyword('東京')).toBe(true)
    for (const w of ['s', 'Sante', 'santé', 'two words', '', ' x ', 'x'.repeat(65)]) expect(isKeyword(w), w).toBe(false)
  })
})

describe('matchScore', () => {
  const sante = meta('Santé Publique', 'Des nouvelles de la santé', 'Médecine')

  it('"sante" matches "Santé", and the accent in the query does not matter either', () => {
    expect(matchScore(['sante'], sante)).toBe(1)
    expect(matchScore(['SANTÉ'], sante)).toBe(1)
    expect(matchScore(['santé publique'], sante)).toBe(1)
  })

  it('ranks a name match over a category match over a description match; prefixes count less', () => {
    const name = matchScore(['medecine'], meta('Médecine', '', ''))
    const namePrefix = matchScore(['med'], meta('Médecine', '', ''))
    const category = matchScore(['medecine'], sante)
    const description = matchScore(['nouvelles'], sante)
    const otherPrefix = matchScore(['nouv'], sante)
    expect(name).toBeGreaterThan(namePrefix)
    expect(namePrefix).toBeGreaterThan(category)
    expect(category).toBeGreaterThan(description)
    expect(description).toBeGreaterThan(otherPrefix)
    expect(otherPrefix).toBeGreaterThan(0)
  })

  it('averages over the query words; nothing found or an empty query is 0', () => {
    expect(matchScore(['sante', 'cuisine'], sante)).toBe(0.5)
    expect(matchScore(['cuisine'], sante)).toBe(0)
    expect(matchScore([], sante)).toBe(0)
    expect(matchScore(['!!', ' '], sante)).toBe(0)
    expect(matchScore(['sante', 'Santé'], sante)).toBe(1)
  })
})
