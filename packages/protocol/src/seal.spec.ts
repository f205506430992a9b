import { describe, expect, it } from 'vitest'
import { x25519 } from '@noble/curves/ed25519.js'
import { randomBytes } from 'node:crypto'
import { utf8 } from './bytes.js'
import { DecryptionFailedError } from './errors.js'
import type { SealedBox } from './proto/kith.js'
import { boxHint, openBox, sealTo, x25519PrivateFromIdentity, x25519PublicFromEd25519 } from './seal.js'
import { generateIdentity } from './signing.js'

const groupId = new Uint8Array(32).fill(9)

function party () {
  const identity = generateIdentity()
  return { identity, sealKey: x25519PublicFromEd25519(identity.publicKey), openKey: x25519PrivateFromIdentity(identity) }
}

function rawX25519 (key: ReturnType<typeof x25519PublicFromEd25519>): Uint8Array {
  return new Uint8Array(key.export({ format: 'der', type: 'spki' }).subarray(12))
}

function expectDecryptionFailure (fn: () => unknown): void {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(DecryptionFailedError)
    expect((err as Error).name).toBe('DecryptionFailedError')
    return
  }
  expect.fail('expected DecryptionFailedError')
}

describe('sealed boxes', () => {
  const alice = party()
  const bob = party()

  it('the converted keys form a valid X25519 pair (the Ed25519 → Montgomery conversion is consistent)', () => {
    const priv = new Uint8Array(alice.openKey.export({ format: 'der', type: 'pkcs8' }).subarray(16))
    expect(x25519.getPublicKey(priv)).toEqual(rawX25519(alice.sealKey))
  })

  it('the recipient opens its box and gets the plaintext back', () => {
    for (const size of [0, 1, 100, 70_000]) {
      const plaintext = new Uint8Array(randomBytes(size))
      const box = sealTo(alice.identity.publicKey, alice.sealKey, boxHint(groupId, alice.identity.publicKey), plaintext)
      expect(box.hint).toEqual(boxHint(groupId, alice.identity.publicKey))
      expect(box.ephemeral.byteLength).toBe(32)
      expect(box.nonce.byteLength).toBe(12)
      expect(box.ciphertext.byteLength).toBe(size + 16)
      expect(openBox(alice.identity, alice.openKey, box)).toEqual(plaintext)
    }
  })

  it('seals afresh every time (new ephemeral key and nonce)', () => {
    const hint = boxHint(groupId, alice.identity.publicKey)
    const a = sealTo(alice.identity.publicKey, alice.sealKey, hint, utf8('same'))
    const b = sealTo(alice.identity.publicKey, alice.sealKey, hint, utf8('same'))
    expect(a.ephemeral).not.toEqual(b.ephemeral)
    expect(a.ciphertext).not.toEqual(b.ciphertext)
  })

  it('nobody but the recipient opens it', () => {
    const box = sealTo(alice.identity.publicKey, alice.sealKey, boxHint(groupId, alice.identity.publicKey), utf8('for alice'))
    expectDecryptionFailure(() => openBox(bob.identity, bob.openKey, box))
    // bob's private key with alice's identity (public key mixed into the KDF) does not open it either
    expectDecryptionFailure(() => openBox(alice.identity, bob.openKey, box))
    expectDecryptionFailure(() => openBox(bob.identity, alice.openKey, box))
  })

  it('any change to the ciphertext, hint, nonce or ephemeral key is refused with DecryptionFailedError', () => {
    const hint = boxHint(groupId, alice.identity.publicKey)
    const box = sealTo(alice.identity.publicKey, alice.sealKey, hint, utf8('an authenticated message'))
    const flip = (b: Uint8Array, i: number): Uint8Array => { const c = new Uint8Array(b); c[i] ^= 1; return c }
    for (let i = 0; i < box.ciphertext.byteLength; i++) {
      expectDecryptionFailure(() => openBox(alice.identity, alice.openKey, { ...box, ciphertext: flip(box.ciphertext, i) }))
    }
    for (let i = 0; i < 8; i++) expectDecryptionFailure(() => openBox(alice.identity, alice.openKey, { ...box, hint: flip(box.hint, i) }))
    expectDecryptionFailure(() => openBox(alice.identity, alice.openKey, { ...box, hint: boxHint(new Uint8Array(32), alice.identity.publicKey) }))
    expectDecryptionFailure(() => openBox(alice.identity, alice.openKey, { ...box, hint: new Uint8Array(0) }))
    for (let i = 0; i < 12; i++) expectDecryptionFailure(() => openBox(alice.identity, alice.openKey, { ...box, nonce: flip(box.nonce, i) }))
    for (let i = 0; i < 32; i += 3) expectDecryptionFailure(() => openBox(alice.identity, alice.openKey, { ...box, ephemeral: flip(box.ephemeral, i) }))
    expectDecryptionFailure(() => openBox(alice.identity, alice.openKey, { ...box, ciphertext: box.ciphertext.subarray(0, box.ciphertext.byteLength - 1) }))
    // still opens untouched
    expect(openBox(alice.identity, alice.openKey, box)).toEqual(utf8('an authenticated message'))
  })

  it('malformed boxes (wrong lengths, low-order ephemeral keys) throw DecryptionFailedError, not a crypto error', () => {
    const box = sealTo(alice.identity.publicKey, alice.sealKey, boxHint(groupId, alice.identity.publicKey), utf8('x'))
    const bad: SealedBox[] = [
      { ...box, ephemeral: new Uint8Array(31) },
      { ...box, ephemeral: new Uint8Array(0) },
      { ...box, nonce: new Uint8Array(16) },
      { ...box, ciphertext: new Uint8Array(15) },
      { ...box, ciphertext: new Uint8Array(16) },
      { ...box, ephemeral: new Uint8Array(32) },
      { ...box, ephemeral: Uint8Array.from([1, ...new Uint8Array(31)]) },
      { ...box, ephemeral: new Uint8Array(32).fill(0xff) }
    ]
    for (const b of bad) expectDecryptionFailure(() => openBox(alice.identity, alice.openKey, b))
  })

  it('boxHint is 8 bytes, fixed per (group, recipient) and differs across groups and recipients', () => {
    const h = boxHint(groupId, alice.identity.publicKey)
    expect(h.byteLength).toBe(8)
    expect(boxHint(new Uint8Array(groupId), new Uint8Array(alice.identity.publicKey))).toEqual(h)
    expect(boxHint(groupId, bob.identity.publicKey)).not.toEqual(h)
    expect(boxHint(new Uint8Array(32).fill(8), alice.identity.publicKey)).not.toEqual(h)
  })
})
