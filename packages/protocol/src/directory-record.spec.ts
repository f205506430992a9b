import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import type { Selectors, Validators } from '@libp2p/kad-dht'
import { copy, sha256, toBase58, utf8 } from './bytes.js'
import { channelIdToString, MAX_CLOCK_SKEW_MS, signChannelMeta, verifyChannelMeta, type ChannelMetaFields } from './channel-records.js'
import {
  channelDirectorySelectors, channelDirectoryValidators, channelIdFromRecordKey, channelRecordKey, channelRecordSelector, channelRecordValidator,
  decodeKeywordRecord, keywordRecordKey, keywordRecordSelector, keywordRecordValidator, MAX_KEYWORD_RECORD_BYTES, MAX_KEYWORD_RECORD_ENTRIES,
  mergeKeywordRecord, verifyKeywordRecord
} from './directory-record.js'
import { ChannelRecordRejectedError, InvalidSignatureError, MalformedMessageError } from './errors.js'
import { KeywordRecord, Signed } from './proto/kith.js'
import { Domain, generateIdentity, sign, SignatureVerifier, type Identity } from './signing.js'

const verifier = new SignatureVerifier()
const now = 1_750_000_000_000
const text = (key: Uint8Array): string => new TextDecoder().decode(key)

function meta (owner: Identity, fields: Partial<ChannelMetaFields> = {}): Uint8Array {
  return signChannelMeta(owner, { version: 1, name: 'Santé publique', description: 'Nouvelles', category: 'health', timestamp: now - 60_000, ...fields })
}

const alpha = generateIdentity()
const beta = generateIdentity()

describe('/kithchan/<channelId> records', () => {
  it('the key names the channel', () => {
    const key = channelRecordKey(alpha.publicKey)
    expect(text(key)).toBe(`/kithchan/${channelIdToString(alpha.publicKey)}`)
    expect(channelRecordKey(channelIdToString(alpha.publicKey))).toEqual(key)
    expect(channelIdFromRecordKey(key)).toEqual(alpha.publicKey)
    for (const bad of [utf8('/kithkw/abc'), utf8('/kithchan/xyz'), Uint8Array.of(0xff, 0xfe)]) expect(() => channelIdFromRecordKey(bad)).toThrow(MalformedMessageError)
  })

  it('the validator accepts the channel\'s own signed meta under its key', async () => {
    await expect(channelRecordValidator(channelRecordKey(alpha.publicKey), meta(alpha))).resolves.toBeUndefined()
  })

  it('the validator refuses a meta under another channel\'s key, a forged or damaged one, and garbage', async () => {
    await expect(channelRecordValidator(channelRecordKey(beta.publicKey), meta(alpha))).rejects.toThrow(ChannelRecordRejectedError)
    const body = Signed.decode(meta(alpha)).body
    await expect(channelRecordValidator(channelRecordKey(alpha.publicKey), Signed.encode({ body, signature: sign(beta, Domain.channelMeta, body) }))).rejects.toThrow(InvalidSignatureError)
    await expect(channelRecordValidator(channelRecordKey(alpha.publicKey), Uint8Array.of(1, 2, 3))).rejects.toThrow(MalformedMessageError)
    await expect(channelRecordValidator(utf8('/kithchan/nope'), meta(alpha))).rejects.toThrow(MalformedMessageError)
  })

  it('the selector picks the highest version, and ranks what does not validate last', () => {
    const key = channelRecordKey(alpha.publicKey)
    const v1 = meta(alpha, { version: 1, timestamp: now })
    const v3 = meta(alpha, { version: 3, timestamp: now - 5000 })
    const v2 = meta(alpha, { version: 2, timestamp: now + 5000 })
    const foreign = meta(beta, { version: 99 })
    expect(channelRecordSelector(key, [v1, v3, v2])).toBe(1)
    expect(channelRecordSelector(key, [foreign, Uint8Array.of(9), v2, v1])).toBe(2)
    expect(channelRecordSelector(key, [Uint8Array.of(9), foreign])).toBe(0)
    expect(channelRecordSelector(utf8('/kithchan/x'), [v1, v3])).toBe(0)
    const a = meta(alpha, { version: 4, timestamp: now, name: 'a' })
    const b = meta(alpha, { version: 4, timestamp: now, name: 'b' })
    const smaller = Buffer.compare(sha256(a), sha256(b)) < 0 ? 0 : 1
    expect(channelRecordSelector(key, [a, b])).toBe(smaller)
    expect(channelRecordSelector(key, [b, a])).toBe(1 - smaller)
  })

  it('fits the shapes @libp2p/kad-dht expects for validators and selectors', () => {
    const validators: Validators = { ...channelDirectoryValidators }
    const selectors: Selectors = { ...channelDirectorySelectors }
    expect(Object.keys(validators).sort()).toEqual(['kithchan', 'kithkw'])
    expect(Object.keys(selectors).sort()).toEqual(['kithchan', 'kithkw'])
    expect(Object.isFrozen(channelDirectoryValidators)).toBe(true)
  })
})

describe('/kithkw/<keyword> records', () => {
  it('the key is the base58btc sha256 of the normalized keyword', () => {
    expect(text(keywordRecordKey('sante'))).toBe(`/kithkw/${toBase58(sha256(utf8('sante')))}`)
    expect(keywordRecordKey('Santé')).toEqual(keywordRecordKey('sante'))
    expect(keywordRecordKey(' SANTÉ! ')).toEqual(keywordRecordKey('sante'))
    for (const bad of ['s', 'two words', '', '!!!']) expect(() => keywordRecordKey(bad)).toThrow(ChannelRecordRejectedError)
  })

  it('mergeKeywordRecord makes a record the validator accepts', async () => {
    const record = mergeKeywordRecord(undefined, meta(alpha), 'Santé')
    const decoded = decodeKeywordRecord(record)
    expect(decoded.keyword).toBe('sante')
    expect(decoded.entries).toEqual([meta(alpha)])
    await expect(keywordRecordValidator(keywordRecordKey('sante'), record)).resolves.toBeUndefined()
    const listing = verifyKeywordRecord(keywordRecordKey('sante'), record, verifier)
    expect(listing.entries.map(e => e.channelId)).toEqual([alpha.publicKey])
  })

  it('merging adds channels newest first, replaces an older version of the same channel, and keeps a newer one', () => {
    let record = mergeKeywordRecord(undefined, meta(alpha, { version: 1, timestamp: now - 3000 }), 'health')
    record = mergeKeywordRecord(record, meta(beta, { timestamp: now - 2000 }), 'health')
    const alphaV2 = meta(alpha, { version: 2, timestamp: now - 1000 })
    record = mergeKeywordRecord(record, alphaV2, 'health')
    let entries = verifyKeywordRecord(undefined, record, verifier).entries
    expect(entries.map(e => [toBase58(e.channelId), e.version])).toEqual([[toBase58(alpha.publicKey), 2n], [toBase58(beta.publicKey), 1n]])
    // an older meta of alpha does not replace the newer one
    record = mergeKeywordRecord(record, meta(alpha, { version: 1, timestamp: now - 500 }), 'health')
    entries = verifyKeywordRecord(undefined, record, verifier).entries
    expect(entries).toHaveLength(2)
    expect(entries.find(e => toBase58(e.channelId) === toBase58(alpha.publicKey))?.version).toBe(2n)
  })

  it('drops entries that do not verify, lack the keyword, or are dated in the future; refuses a meta without the keyword', () => {
    const good = meta(alpha)
    const forgedBody = Signed.decode(meta(beta)).body
    const forged = Signed.encode({ body: forgedBody, signature: sign(alpha, Domain.channelMeta, forgedBody) })
    const otherWord = meta(generateIdentity(), { name: 'Cuisine', description: '', category: 'food' })
    const future = meta(generateIdentity(), { timestamp: now + MAX_CLOCK_SKEW_MS + 1 })
    const dirty = KeywordRecord.encode({ keyword: 'sante', entries: [forged, otherWord, future, good] })
    const fresh = generateIdentity()
    const merged = mergeKeywordRecord(dirty, meta(fresh), 'sante', { now })
    expect(verifyKeywordRecord(keywordRecordKey('sante'), merged, verifier).entries.map(e => toBase58(e.channelId)).sort()).toEqual([toBase58(alpha.publicKey), toBase58(fresh.publicKey)].sort())
    expect(() => mergeKeywordRecord(undefined, otherWord, 'sante')).toThrow(ChannelRecordRejectedError)
    expect(() => mergeKeywordRecord(undefined, future, 'sante', { now })).toThrow(ChannelRecordRejectedError)
    expect(() => mergeKeywordRecord(undefined, forged, 'sante')).toThrow(InvalidSignatureError)
    expect(() => mergeKeywordRecord(undefined, good, 'a')).toThrow(ChannelRecordRejectedError)
  })

  it('an existing record that does not decode, or is another keyword\'s, counts as empty', () => {
    for (const existing of [Uint8Array.of(1, 2, 3), mergeKeywordRecord(undefined, meta(beta), 'publique')]) {
      const merged = mergeKeywordRecord(existing, meta(alpha), 'sante')
      expect(decodeKeywordRecord(merged).entries).toEqual([meta(alpha)])
    }
  })

  it('caps at 64 entries, keeping the newest, and never exceeds 60 KiB', () => {
    const owners = Array.from({ length: MAX_KEYWORD_RECORD_ENTRIES + 6 }, () => generateIdentity())
    const metas = owners.map((o, i) => meta(o, { timestamp: now - 100_000 + i }))
    // 62 entries already listed, then the 8 newer ones merged one by one (the last merged is the newest)
    let record = KeywordRecord.encode({ keyword: 'sante', entries: metas.slice(0, 62) })
    for (const m of metas.slice(62)) record = mergeKeywordRecord(record, m, 'sante')
    const entries = verifyKeywordRecord(undefined, record, verifier).entries
    expect(entries).toHaveLength(MAX_KEYWORD_RECORD_ENTRIES)
    expect(entries.map(e => toBase58(e.channelId))).toEqual(owners.slice(6).reverse().map(o => toBase58(o.publicKey)))
    // an older meta than all 64 is left out
    const old = mergeKeywordRecord(record, meta(generateIdentity(), { timestamp: now - 200_000 }), 'sante')
    expect(decodeKeywordRecord(old).entries).toEqual(decodeKeywordRecord(record).entries)
    // big metas: the size cap binds before the count
    const admins = Array.from({ length: 32 }, () => new Uint8Array(randomBytes(32)))
    const bigMetas = Array.from({ length: 30 }, (_, i) => meta(generateIdentity(), { description: `sante ${'é'.repeat(1000)}`, admins, timestamp: now - i }))
    const big = mergeKeywordRecord(KeywordRecord.encode({ keyword: 'sante', entries: bigMetas.slice(1, 12) }), bigMetas[0], 'sante')
    let bigger = big
    for (const m of bigMetas.slice(12)) bigger = mergeKeywordRecord(bigger, m, 'sante')
    expect(bigger.byteLength).toBeLessThanOrEqual(MAX_KEYWORD_RECORD_BYTES)
    const bigEntries = verifyKeywordRecord(undefined, bigger, verifier).entries
    expect(bigEntries.length).toBeLessThan(30)
    expect(bigEntries.length).toBeGreaterThan(5)
    expect(bigEntries.map(e => toBase58(e.channelId))).toEqual(bigMetas.slice(0, bigEntries.length).map(m => toBase58(verifyChannelMeta(m, verifier).channelId)))
  })

  it('never mutates its inputs', () => {
    const existing = mergeKeywordRecord(undefined, meta(beta), 'sante')
    const m = meta(alpha)
    const [e0, m0] = [copy(existing), copy(m)]
    mergeKeywordRecord(existing, m, 'sante')
    expect(existing).toEqual(e0)
    expect(m).toEqual(m0)
  })

  it('the validator refuses entries without the keyword, a channel listed twice, the wrong key, a raw keyword, and oversize', async () => {
    const key = keywordRecordKey('sante')
    const refuse = async (record: Uint8Array, error: new (...args: any[]) => Error, k = key): Promise<void> => {
      await expect(keywordRecordValidator(k, record)).rejects.toThrow(error)
    }
    await refuse(KeywordRecord.encode({ keyword: 'sante', entries: [meta(alpha), meta(beta, { name: 'Cuisine', description: '', category: '' })] }), ChannelRecordRejectedError)
    await refuse(KeywordRecord.encode({ keyword: 'sante', entries: [meta(alpha), meta(alpha, { version: 2 })] }), ChannelRecordRejectedError)
    await refuse(mergeKeywordRecord(undefined, meta(alpha), 'sante'), ChannelRecordRejectedError, keywordRecordKey('publique'))
    await refuse(KeywordRecord.encode({ keyword: 'Santé', entries: [meta(alpha)] }), MalformedMessageError)
    await refuse(KeywordRecord.encode({ keyword: 'sante', entries: [] }), MalformedMessageError)
    await refuse(KeywordRecord.encode({ keyword: 'sante', entries: Array.from({ length: MAX_KEYWORD_RECORD_ENTRIES + 1 }, () => meta(alpha)) }), MalformedMessageError)
    await refuse(new Uint8Array(MAX_KEYWORD_RECORD_BYTES + 1), MalformedMessageError)
    await refuse(mergeKeywordRecord(undefined, meta(alpha), 'sante'), MalformedMessageError, utf8('/kithchan/sante'))
    // the keyword "de" is too common a word, but a keyword all the same; the description's words count
    await expect(keywordRecordValidator(keywordRecordKey('nouvelles'), mergeKeywordRecord(undefined, meta(alpha), 'nouvelles'))).resolves.toBeUndefined()
  })

  it('the selector picks the record with the most entries, then the newest, and ranks invalid ones last', () => {
    const key = keywordRecordKey('sante')
    const one = mergeKeywordRecord(undefined, meta(alpha, { timestamp: now }), 'sante')
    const two = mergeKeywordRecord(mergeKeywordRecord(undefined, meta(alpha, { timestamp: now - 9000 }), 'sante'), meta(beta, { timestamp: now - 9000 }), 'sante')
    const newerOne = mergeKeywordRecord(undefined, meta(beta, { timestamp: now + 1000 }), 'sante')
    const invalid = KeywordRecord.encode({ keyword: 'sante', entries: [meta(alpha), meta(beta), meta(generateIdentity(), { name: 'x', description: '', category: '' })] })
    expect(keywordRecordSelector(key, [one, two])).toBe(1)
    expect(keywordRecordSelector(key, [invalid, one, two])).toBe(2)
    expect(keywordRecordSelector(key, [one, newerOne])).toBe(1)
    expect(keywordRecordSelector(key, [newerOne, one])).toBe(0)
    expect(keywordRecordSelector(key, [Uint8Array.of(7), invalid])).toBe(0)
    expect(keywordRecordSelector(keywordRecordKey('other'), [one, two])).toBe(0)
  })

  it('decodeKeywordRecord returns entries that verifyChannelMeta accepts', () => {
    const record = decodeKeywordRecord(mergeKeywordRecord(undefined, meta(alpha), 'sante'))
    expect(verifyChannelMeta(record.entries[0], verifier).name).toBe('Santé publique')
  })
})
