import { describe, expect, it } from 'vitest'
import { ed25519 } from '@noble/curves/ed25519.js'
import { concat, fromHex, utf8 } from './bytes.js'
import { MalformedMessageError } from './errors.js'
import { Domain, generateIdentity, identityFromSeed, PUBLIC_KEY_LENGTH, sign, SIGNATURE_LENGTH, SignatureVerifier, verify } from './signing.js'

const domains = Object.values(Domain)
const message = utf8('the quick brown fox')

describe('identities', () => {
  it('derives the RFC 8032 public key from a seed (test 1)', () => {
    const id = identityFromSeed(fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'))
    expect(Buffer.from(id.publicKey).toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
    // RFC 8032 test 1: the empty message, no domain prefix; checks that the node:crypto key is the right one
    expect(ed25519.verify(fromHex('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'), new Uint8Array(0), id.publicKey)).toBe(true)
  })

  it('accepts a 64-byte seed||public key (libp2p raw form) and gives the same identity as the seed', () => {
    const a = generateIdentity()
    const b = identityFromSeed(concat(a.seed, a.publicKey))
    expect(b.publicKey).toEqual(a.publicKey)
    expect(b.seed).toEqual(a.seed)
    expect(a.publicKey.byteLength).toBe(PUBLIC_KEY_LENGTH)
  })

  it('refuses secrets of other lengths with MalformedMessageError', () => {
    for (const n of [0, 1, 31, 33, 63, 65, 128]) {
      expect(() => identityFromSeed(new Uint8Array(n))).toThrow(MalformedMessageError)
    }
  })

  it('copies the seed, so changing the caller buffer does not change the identity', () => {
    const seed = new Uint8Array(32).fill(7)
    const id = identityFromSeed(seed)
    seed.fill(0)
    expect(id.seed).toEqual(new Uint8Array(32).fill(7))
  })

  it('generates distinct identities', () => {
    const keys = new Set(Array.from({ length: 20 }, () => Buffer.from(generateIdentity().publicKey).toString('hex')))
    expect(keys.size).toBe(20)
  })
})

describe('sign / verify', () => {
  const alice = generateIdentity()
  const bob = generateIdentity()

  it('a signature verifies with the signer key, domain and bytes', () => {
    for (const d of domains) {
      const sig = sign(alice, d, message)
      expect(sig.byteLength).toBe(SIGNATURE_LENGTH)
      expect(verify(alice.publicKey, d, message, sig)).toBe(true)
    }
  })

  it('is plain Ed25519 over utf8(domain) || bytes (checked with an independent implementation)', () => {
    const sig = sign(alice, Domain.logEntry, message)
    expect(ed25519.verify(sig, concat(utf8(Domain.logEntry), message), alice.publicKey)).toBe(true)
    // and deterministic, as Ed25519 is
    expect(sign(alice, Domain.logEntry, message)).toEqual(sig)
    expect(ed25519.sign(concat(utf8(Domain.logEntry), message), alice.seed)).toEqual(sig)
  })

  it('domain separation: a signature made for one domain fails for every other', () => {
    for (const signed of domains) {
      const sig = sign(alice, signed, message)
      for (const checked of domains) {
        expect(verify(alice.publicKey, checked, message, sig)).toBe(signed === checked)
      }
    }
  })

  it('no domain string is a prefix of another (domain || bytes would otherwise be ambiguous)', () => {
    for (const a of domains) {
      for (const b of domains) {
        if (a !== b) expect(b.startsWith(a)).toBe(false)
      }
    }
    expect(new Set(domains).size).toBe(domains.length)
  })

  it('a signature fails with another key', () => {
    const sig = sign(alice, Domain.control, message)
    expect(verify(bob.publicKey, Domain.control, message, sig)).toBe(false)
  })

  it('a signature fails for altered bytes, and an altered signature fails', () => {
    const sig = sign(alice, Domain.cipher, message)
    for (let i = 0; i < message.byteLength; i++) {
      const m = new Uint8Array(message)
      m[i] ^= 1
      expect(verify(alice.publicKey, Domain.cipher, m, sig)).toBe(false)
    }
    for (let i = 0; i < SIGNATURE_LENGTH; i += 5) {
      const s = new Uint8Array(sig)
      s[i] ^= 0x80
      expect(verify(alice.publicKey, Domain.cipher, message, s)).toBe(false)
    }
    expect(verify(alice.publicKey, Domain.cipher, concat(message, Uint8Array.of(0)), sig)).toBe(false)
  })

  it('refuses a non-canonical signature (S + L), so signatures are not malleable', () => {
    const sig = sign(alice, Domain.logEntry, message)
    const L = (1n << 252n) + 27742317777372353535851937790883648493n
    let s = 0n
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i])
    s += L
    const forged = new Uint8Array(sig)
    for (let i = 0; i < 32; i++) forged[32 + i] = Number((s >> BigInt(8 * i)) & 0xffn)
    expect(s >> 256n).toBe(0n)
    expect(verify(alice.publicKey, Domain.logEntry, message, forged)).toBe(false)
  })

  it('returns false (does not throw) for keys and signatures of the wrong length or not on the curve', () => {
    const sig = sign(alice, Domain.join, message)
    expect(verify(alice.publicKey.subarray(0, 31), Domain.join, message, sig)).toBe(false)
    expect(verify(concat(alice.publicKey, Uint8Array.of(0)), Domain.join, message, sig)).toBe(false)
    expect(verify(alice.publicKey, Domain.join, message, sig.subarray(0, 63))).toBe(false)
    expect(verify(alice.publicKey, Domain.join, message, new Uint8Array(0))).toBe(false)
    expect(verify(new Uint8Array(32), Domain.join, message, sig)).toBe(false)
    expect(verify(new Uint8Array(32).fill(0xff), Domain.join, message, sig)).toBe(false)
    expect(verify(alice.publicKey, Domain.join, message, new Uint8Array(64))).toBe(false)
  })
})

describe('SignatureVerifier', () => {
  it('gives the right answer for many keys, far more than its cache holds, in any order', () => {
    const ids = Array.from({ length: 60 }, () => generateIdentity())
    const sigs = ids.map((id, i) => sign(id, Domain.cipher, utf8(`message ${i}`)))
    const verifier = new SignatureVerifier(8)
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < ids.length; k++) {
        const i = (k * 7 + round * 13) % ids.length
        expect(verifier.verify(ids[i].publicKey, Domain.cipher, utf8(`message ${i}`), sigs[i])).toBe(true)
        // the cached key of another member never verifies this member's signature
        const j = (i + 1) % ids.length
        expect(verifier.verify(ids[j].publicKey, Domain.cipher, utf8(`message ${i}`), sigs[i])).toBe(false)
        expect(verifier.verify(ids[i].publicKey, Domain.control, utf8(`message ${i}`), sigs[i])).toBe(false)
      }
    }
    expect((verifier as unknown as { keys: Map<string, unknown> }).keys.size).toBeLessThanOrEqual(8)
  })

  it('keeps every key when the cache is large enough, and reuses the cached key', () => {
    const ids = Array.from({ length: 30 }, () => generateIdentity())
    const verifier = new SignatureVerifier()
    for (let round = 0; round < 2; round++) {
      for (const [i, id] of ids.entries()) {
        expect(verifier.verify(id.publicKey, Domain.logEntry, Uint8Array.of(i), sign(id, Domain.logEntry, Uint8Array.of(i)))).toBe(true)
      }
    }
    expect((verifier as unknown as { keys: Map<string, unknown> }).keys.size).toBe(30)
  })

  it('does not cache a key under another key after a failed import', () => {
    const verifier = new SignatureVerifier(4)
    const alice = generateIdentity()
    const sig = sign(alice, Domain.join, message)
    expect(verifier.verify(new Uint8Array(32).fill(0xff), Domain.join, message, sig)).toBe(false)
    expect(verifier.verify(alice.publicKey, Domain.join, message, sig)).toBe(true)
  })
})
