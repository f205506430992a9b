// Property-based tests of the channel decoders and verifiers: whatever bytes arrive (on a channel topic, or as a
// DHT record), they decode or throw one of the package's named errors, never a TypeError, RangeError or a raw
// protobuf runtime error. And a signed record cannot be altered into another that still verifies: any mutation
// that verifies is the original bytes.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { equals } from './bytes.js'
import {
  ChannelPostKind, decodeChannelWire, encodeChannelWire, signChannelMeta, signChannelPost, signChannelPostEdit, signChannelReaction, signChannelVote,
  verifyChannelMeta, verifyChannelPost, verifyChannelPostEdit, verifyChannelReaction, verifyChannelVote, type ChannelWireKind
} from './channel-records.js'
import { decodeKeywordRecord, keywordRecordKey, keywordRecordSelector, keywordRecordValidator, channelRecordKey, channelRecordSelector, channelRecordValidator, mergeKeywordRecord, verifyKeywordRecord } from './directory-record.js'
import { ProtocolError } from './errors.js'
import { generateIdentity, SignatureVerifier } from './signing.js'

const NAMED_ERRORS = new Set(['MalformedMessageError', 'InvalidSignatureError', 'ChannelRecordRejectedError'])
const RUNS = Number(process.env.FC_RUNS ?? 5000)
const params = { numRuns: RUNS, ...(process.env.FC_SEED != null ? { seed: Number(process.env.FC_SEED) } : {}) }
/** verifying costs a signature check: fewer runs, still thousands */
const verifyParams = { ...params, numRuns: Math.max(1, Math.floor(RUNS * 0.4)) }
/** a keyword record holds several metas, each verified by every function tried */
const recordParams = { ...params, numRuns: Math.max(1, Math.floor(RUNS * 0.2)) }

type Outcome = 'ok' | 'refused'

function outcome (fn: () => unknown): Outcome {
  try {
    fn()
    return 'ok'
  } catch (err) {
    if (err instanceof ProtocolError && NAMED_ERRORS.has(err.name) && err.name === (err.constructor as { name: string }).name) return 'refused'
    throw new Error(`threw an unnamed error: ${String((err as Error)?.name)}: ${String((err as Error)?.message)}`, { cause: err })
  }
}

async function outcomeAsync (fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    await fn()
    return 'ok'
  } catch (err) {
    return outcome(() => { throw err })
  }
}

const interesting = fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff, 0x08, 0x0a, 0x12, 0x1a, 0x22, 0x2a, 0x40)

function mutate (valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { arbitrary: valid, weight: 1 },
    { arbitrary: fc.tuple(valid, fc.nat()).map(([v, n]) => v.slice(0, n % (v.byteLength + 1))), weight: 3 },
    {
      arbitrary: fc.tuple(valid, fc.array(fc.nat(), { minLength: 1, maxLength: 6 })).map(([v, ps]) => {
        const out = new Uint8Array(v)
        if (out.byteLength > 0) for (const p of ps) out[(p >>> 3) % out.byteLength] ^= 1 << (p & 7)
        return out
      }),
      weight: 4
    },
    {
      arbitrary: fc.tuple(valid, fc.nat(), interesting).map(([v, p, b]) => {
        const out = new Uint8Array(v)
        if (out.byteLength > 0) out[p % out.byteLength] = b
        return out
      }),
      weight: 3
    },
    {
      arbitrary: fc.tuple(valid, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 12 })).map(([v, p, ins]) => {
        const at = p % (v.byteLength + 1)
        return Uint8Array.from([...v.subarray(0, at), ...ins, ...v.subarray(at)])
      }),
      weight: 2
    },
    {
      arbitrary: fc.tuple(valid, fc.nat(), fc.integer({ min: 1, max: 40 })).map(([v, p, n]) => {
        const at = p % (v.byteLength + 1)
        return Uint8Array.from([...v.subarray(0, at), ...v.subarray(at + n)])
      }),
      weight: 2
    },
    { arbitrary: fc.uint8Array({ maxLength: 400 }), weight: 3 },
    { arbitrary: fc.tuple(valid, fc.nat(), fc.uint8Array({ maxLength: 64 })).map(([v, n, tail]) => Uint8Array.from([...v.subarray(0, n % (v.byteLength + 1)), ...tail])), weight: 2 }
  )
}

class Tally {
  ok = 0
  refused = 0
  add (o: Outcome): void { this[o]++ }
}

// ---- fixtures ----

const verifier = new SignatureVerifier()
const owner = generateIdentity()
const admin = generateIdentity()
const follower = generateIdentity()
const channelId = owner.publicKey
const now = 1_750_000_000_000

const metaBytes = signChannelMeta(owner, { version: 3, name: 'Santé publique', description: 'Nouvelles ✓', category: 'health', language: 'fr', admins: [admin.publicKey], timestamp: now })
const meta = verifyChannelMeta(metaBytes, verifier)
const textPost = signChannelPost(admin, { channelId, seq: 1, kind: ChannelPostKind.TEXT, text: 'hello 👋', timestamp: now })
const photoPost = signChannelPost(owner, { channelId, seq: 2, kind: ChannelPostKind.PHOTO, text: 'caption', media: { cid: 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi', mime: 'image/webp', size: 4096 }, timestamp: now })
const pollPost = signChannelPost(owner, { channelId, seq: 3, kind: ChannelPostKind.POLL, poll: { question: 'Which?', options: ['a', 'b', 'c'], multiple: true }, timestamp: now })
const poll = verifyChannelPost(meta, pollPost, verifier, now)
const edit = signChannelPostEdit(admin, { channelId, postId: poll.postId, text: 'edited', timestamp: now })
const reaction = signChannelReaction(follower, { channelId, postId: poll.postId, emoji: '👍', timestamp: now })
const vote = signChannelVote(follower, { channelId, postId: poll.postId, options: [0, 2], timestamp: now })

const records: Record<ChannelWireKind, Uint8Array[]> = { meta: [metaBytes], post: [textPost, photoPost, pollPost], edit: [edit], reaction: [reaction], vote: [vote] }
const wires = Object.entries(records).flatMap(([kind, list]) => list.map(bytes => encodeChannelWire(kind as ChannelWireKind, bytes)))

const verifiers: Record<ChannelWireKind, (bytes: Uint8Array) => unknown> = {
  meta: bytes => verifyChannelMeta(bytes, verifier),
  post: bytes => verifyChannelPost(meta, bytes, verifier, now),
  edit: bytes => verifyChannelPostEdit(meta, bytes, verifier, now),
  reaction: bytes => verifyChannelReaction(channelId, bytes, verifier, now),
  vote: bytes => verifyChannelVote(poll, bytes, verifier, now)
}

const keywordRecord = mergeKeywordRecord(mergeKeywordRecord(undefined, metaBytes, 'sante'), signChannelMeta(admin, { version: 1, name: 'Santé', timestamp: now }), 'sante')
const keywordKey = keywordRecordKey('sante')

describe('decodeChannelWire', () => {
  it('decodes or throws a named error, for mutated wires and random bytes', () => {
    const tally = new Tally()
    fc.assert(fc.property(mutate(fc.constantFrom(...wires)), bytes => {
      tally.add(outcome(() => decodeChannelWire(bytes)))
    }), params)
    expect(tally.ok).toBeGreaterThan(0)
    expect(tally.refused).toBeGreaterThan(0)
  })

  it('whatever a wire decodes to verifies or is refused by a named error, and only the original verifies', () => {
    const tally = new Tally()
    fc.assert(fc.property(mutate(fc.constantFrom(...wires)), bytes => {
      let decoded: ReturnType<typeof decodeChannelWire>
      try {
        decoded = decodeChannelWire(bytes)
      } catch {
        return
      }
      const o = outcome(() => verifiers[decoded.kind](decoded.bytes))
      tally.add(o)
      if (o === 'ok') expect(records[decoded.kind].some(r => equals(r, decoded.bytes))).toBe(true)
    }), verifyParams)
    expect(tally.ok).toBeGreaterThan(0)
  })
})

describe('channel record verifiers', () => {
  for (const [kind, list] of Object.entries(records) as Array<[ChannelWireKind, Uint8Array[]]>) {
    it(`${kind}: a mutated record verifies only if unchanged, else a named error`, () => {
      const tally = new Tally()
      fc.assert(fc.property(mutate(fc.constantFrom(...list)), bytes => {
        const o = outcome(() => verifiers[kind](bytes))
        tally.add(o)
        if (o === 'ok') expect(list.some(r => equals(r, bytes))).toBe(true)
      }), verifyParams)
      expect(tally.ok).toBeGreaterThan(0)
      expect(tally.refused).toBeGreaterThan(0)
    })
  }
})

describe('directory records', () => {
  it('decodeKeywordRecord decodes or throws a named error', () => {
    const tally = new Tally()
    fc.assert(fc.property(mutate(fc.constant(keywordRecord)), bytes => {
      tally.add(outcome(() => decodeKeywordRecord(bytes)))
    }), params)
    expect(tally.ok).toBeGreaterThan(0)
    expect(tally.refused).toBeGreaterThan(0)
  })

  it('verifyKeywordRecord, the validators and selectors and mergeKeywordRecord never throw anything else', async () => {
    const tally = new Tally()
    await fc.assert(fc.asyncProperty(mutate(fc.constant(keywordRecord)), mutate(fc.constant(metaBytes)), async (record, m) => {
      tally.add(outcome(() => verifyKeywordRecord(keywordKey, record, verifier)))
      await outcomeAsync(async () => await keywordRecordValidator(keywordKey, record))
      await outcomeAsync(async () => await channelRecordValidator(channelRecordKey(channelId), m))
      const i = keywordRecordSelector(keywordKey, [record, keywordRecord])
      expect([0, 1]).toContain(i)
      expect([0, 1]).toContain(channelRecordSelector(channelRecordKey(channelId), [m, metaBytes]))
      outcome(() => mergeKeywordRecord(record, m, 'sante', { now }))
    }), recordParams)
    expect(tally.ok).toBeGreaterThan(0)
    expect(tally.refused).toBeGreaterThan(0)
  })
})
