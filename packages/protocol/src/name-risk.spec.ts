import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { assessName, FLAG_THRESHOLD, MAX_NAME_CODE_POINTS, nameSkeleton } from './name-risk.js'
import { classifierProbability, isHeldOut } from './name-classifier.js'

const REASON = /^(?:(?:impersonates|official-claim|protected-name):.+|mixed-script:\w+(?:\+\w+)+|bidi-control|classifier:(?:0\.\d\d|1\.00))$/

describe('assessName flags impersonation', () => {
  it.each([
    ['Kíth Support', ['impersonates:Kith', 'official-claim:Kith']],
    ['WhatsApp Suport', ['official-claim:WhatsApp']],
    ['Paypa1', ['impersonates:PayPal']],
    ['PaypaI', ['impersonates:PayPal']],
    ['Pаypal', ['impersonates:PayPal', 'mixed-script:Cyrillic+Latin']], // Cyrillic а
    ['WНO', ['impersonates:WHO', 'mixed-script:Cyrillic+Latin']], // Cyrillic Н
    ['ΗЅВС', ['impersonates:HSBC']], // Greek Η, Cyrillic Ѕ В С: one word, two scripts
    ['Ki\u200bth Support', ['impersonates:Kith', 'official-claim:Kith']],
    ['Ｋｉｔｈ Help', ['impersonates:Kith', 'official-claim:Kith']],
    ['KITH SUPPORT', ['official-claim:Kith']],
    ['Official Kith', ['official-claim:Kith']],
    ['PayPalSupport', ['official-claim:PayPal']],
    ['Whatsap Support', ['impersonates:WhatsApp', 'official-claim:WhatsApp']],
    ['Telegram Hepl', ['official-claim:Telegram']],
    ['Rab0b4nk', ['impersonates:Rabobank']],
    ['Pay Pal', ['impersonates:PayPal']],
    ['PayPal', ['protected-name:PayPal']],
    ['HSBC Official', ['official-claim:HSBC']],
    ['BNP Paribas – Service client', ['official-claim:BNP Paribas']],
    ['Barclays Security Team', ['official-claim:Barclays']],
    ['NHS Help', ['official-claim:NHS']],
    ['WHO Official', ['official-claim:WHO']],
    ['Ministry of Health Official', ['official-claim:Ministry of Health']],
    ['Минздрав поддержка', ['official-claim:Ministry of Health']],
    ['Chase Help', ['official-claim:Chase']]
  ])('%s', (name, reasons) => {
    const risk = assessName(name)
    expect(risk.flagged).toBe(true)
    expect(risk.score).toBeGreaterThanOrEqual(FLAG_THRESHOLD)
    for (const r of reasons) expect(risk.reasons).toContain(r)
  })

  it('flags a bidi override, which reorders what is displayed', () => {
    expect(assessName('Kith \u202eroppus').reasons).toContain('bidi-control')
    expect(assessName('Kith \u202eroppus').flagged).toBe(true)
  })
})

describe('assessName leaves ordinary names alone', () => {
  it.each([
    'Parents of 5B', 'Родители 5Б', '学校家长群', 'Santé Paris', 'Kitchen club', 'Kith', 'Kith and kin', 'Signal',
    'Signal processing reading group', 'Who cares book club', 'Who can help', 'Paper chase team', 'Chase birthday',
    'WhatsApp family group', 'Apple pie bakers', 'Grief support circle', 'Homework help 5B', 'Finance team',
    'Email help for seniors', 'N.H.S. nurses choir', '東京ランニング部', 'Kith 中文群', 'Σύλλογος γονέων Αθήνα',
    'حي النخيل', 'ועד בית רחוב הרצל', 'Familie Schmidt', 'Peña madridista Getafe', 'Club de lecture de Nantes',
    'Storm chasers', 'Santander running club', '3D printing makers', 'Class of 2009 reunion', 'Doctor Who fans'
  ])('%s', (name) => {
    const risk = assessName(name)
    expect(risk, JSON.stringify(risk)).toMatchObject({ flagged: false })
    expect(risk.reasons.filter((r) => !r.startsWith('classifier:'))).toEqual([])
  })

  it('scores the empty name and names without letters as harmless', () => {
    for (const name of ['', '   ', '!!!', '🎉🎉', '\u200d']) expect(assessName(name)).toEqual({ flagged: false, reasons: [], score: 0 })
  })
})

describe('nameSkeleton', () => {
  it('gives the same skeleton to look-alikes of one name', () => {
    const kith = nameSkeleton('Kith')
    expect(kith).toBe('klth')
    for (const s of ['KITH', 'kith', 'K1th', 'Kíth', 'Ｋｉｔｈ', 'Ki\u200bth', '𝐊𝐢𝐭𝐡', 'ΚΙΤΗ', 'K|th', 'K i t h']) {
      expect(nameSkeleton(s), s).toBe(kith)
    }
    expect(nameSkeleton('Paypa1')).toBe('paypal')
    expect(nameSkeleton('PaypaI')).toBe('paypal')
    expect(nameSkeleton('Pаypal')).toBe('paypal') // Cyrillic а
    expect(nameSkeleton('modern')).toBe(nameSkeleton('rnodern'))
  })

  it('follows TR39 in being case-sensitive before folding: Cyrillic Н looks like H, н does not look like h', () => {
    expect(nameSkeleton('WНO')).toBe('who')
    expect(nameSkeleton('wнo')).not.toBe('who')
  })

  it('keeps other scripts and drops marks, spaces and punctuation', () => {
    expect(nameSkeleton('学校家长群')).toBe('学校家长群')
    expect(nameSkeleton('Santé Paris!')).toBe('santeparls')
    expect(nameSkeleton('Kitchen club')).toBe('kltchenclub')
    expect(nameSkeleton('')).toBe('')
  })

  it('is a fixed point for ASCII names', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), (s) => {
      const k = nameSkeleton(s)
      expect(nameSkeleton(k)).toBe(k)
    }))
  })
})

describe('the committed classifier', () => {
  it('matches the feature code (a feature change without retraining would break this)', () => {
    expect(classifierProbability('Crypto doubling 24h')).toBeGreaterThan(0.9)
    expect(classifierProbability('Verify your account now')).toBeGreaterThan(0.9)
    expect(classifierProbability('Parents of 5B')).toBeLessThan(0.5)
    expect(classifierProbability('Club de lecture de Nantes')).toBeLessThan(0.5)
  })

  it('keeps assessName at its measured quality on the held-out names (npm run name-risk:eval prints the figures)', () => {
    const rows = (JSON.parse(readFileSync(new URL('../data/names-labelled.json', import.meta.url), 'utf8')) as { rows: Array<{ name: string, label: string, group: string }> }).rows
    const held = rows.filter((r) => isHeldOut(r.group)).map((r) => ({ suspicious: r.label === 'suspicious', flagged: assessName(r.name).flagged }))
    const tp = held.filter((r) => r.flagged && r.suspicious).length
    const precision = tp / held.filter((r) => r.flagged).length
    const recall = tp / held.filter((r) => r.suspicious).length
    expect(precision).toBeGreaterThanOrEqual(0.97)
    expect(recall).toBeGreaterThanOrEqual(0.8)
  })
})

describe('robustness', () => {
  it('is deterministic', () => {
    const names = ['Kíth Support', 'WhatsApp Suport', 'Parents of 5B', 'Crypto doubling 24h', 'Pаypal']
    const first = names.map(assessName)
    for (let i = 0; i < 3; i++) expect(names.map(assessName)).toEqual(first)
    expect(classifierProbability('Crypto doubling 24h')).toBe(classifierProbability('Crypto doubling 24h'))
  })

  it('reads only the first MAX_NAME_CODE_POINTS code points of a long name', () => {
    const long = 'a'.repeat(1_000_000)
    expect(nameSkeleton(long)).toHaveLength(MAX_NAME_CODE_POINTS)
    expect(assessName(long).flagged).toBe(false)
    expect(assessName('Paypa1 ' + 'x'.repeat(1_000_000)).reasons).toContain('impersonates:PayPal')
    // what lies past the cap is not read: callers should refuse names that long before asking
    expect(assessName('x '.repeat(MAX_NAME_CODE_POINTS) + 'Paypa1').reasons).not.toContain('impersonates:PayPal')
  })

  it('survives garbage: lone surrogates, mark floods, controls, non-strings', () => {
    for (const name of ['\ud800', 'Kith\udfff', 'a\u0301'.repeat(5000), 'Z̷̧̛͈̠a̸̡͇l̶̗g̶o̴', '\u0000\u0007\uffff', '\u202e'.repeat(300)]) {
      const risk = assessName(name)
      expect(risk.score).toBeGreaterThanOrEqual(0)
      expect(risk.score).toBeLessThanOrEqual(1)
    }
    for (const bad of [undefined, null, 42, {}, ['Kith']]) {
      expect(assessName(bad as unknown as string)).toEqual({ flagged: false, reasons: [], score: 0 })
      expect(nameSkeleton(bad as unknown as string)).toBe('')
    }
  })

  it('never throws, and its result is consistent, for any string', () => {
    const attackChars = fc.constantFrom('а', 'о', 'е', 'Н', 'Ι', '0', '1', 'I', 'l', '\u200b', '\u202e', '\u0301', ' ', 'Kith', 'PayPal', 'Support', 'WHO', '学', '5Б')
    const names = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.array(attackChars, { maxLength: 12 }).map((xs) => xs.join(''))
    )
    fc.assert(fc.property(names, (name) => {
      const risk = assessName(name)
      expect(risk.score).toBeGreaterThanOrEqual(0)
      expect(risk.score).toBeLessThanOrEqual(1)
      expect(risk.flagged).toBe(risk.score >= FLAG_THRESHOLD)
      expect(new Set(risk.reasons).size).toBe(risk.reasons.length)
      for (const r of risk.reasons) expect(r).toMatch(REASON)
      expect(typeof nameSkeleton(name)).toBe('string')
    }), { numRuns: 300 })
  })
})
