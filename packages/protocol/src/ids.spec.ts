import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { randomBytes } from 'node:crypto'
import { toBase58, toHex } from './bytes.js'
import { MalformedMessageError } from './errors.js'
import { GROUP_ID_LENGTH, groupIdFromString, groupIdToString, groupTopic, messageIdFor, peerIdFromPublicKey, publicKeyFromPeerId } from './ids.js'
import { generateIdentity, identityFromSeed } from './signing.js'

describe('peer ids', () => {
  it('matches @libp2p/peer-id for libp2p Ed25519 keys, and the identity from the raw private key is the same key', async () => {
    for (let i = 0; i < 10; i++) {
      const key = await generateKeyPair('Ed25519')
      const expected = peerIdFromPrivateKey(key).toString()
      const identity = identityFromSeed(key.raw)
      expect(identity.publicKey).toEqual(key.publicKey.raw)
      expect(peerIdFromPublicKey(key.publicKey.raw)).toBe(expected)
      expect(peerIdFromPublicKey(identity.publicKey)).toBe(expected)
      expect(publicKeyFromPeerId(expected)).toEqual(key.publicKey.raw)
      expect(expected.startsWith('12D3KooW')).toBe(true)
    }
  })

  it('round-trips our own identities, and libp2p parses the id back to the same key', () => {
    for (let i = 0; i < 20; i++) {
      const id = generateIdentity()
      const peerId = peerIdFromPublicKey(id.publicKey)
      expect(publicKeyFromPeerId(peerId)).toEqual(id.publicKey)
      const parsed = peerIdFromString(peerId)
      expect(parsed.type).toBe('Ed25519')
      expect(parsed.publicKey?.raw).toEqual(id.publicKey)
    }
  })

  it('peerIdFromPublicKey refuses keys that are not 32 bytes', () => {
    for (const n of [0, 31, 33, 64]) expect(() => peerIdFromPublicKey(new Uint8Array(n))).toThrow(MalformedMessageError)
  })

  it('publicKeyFromPeerId refuses non-Ed25519 peer ids and garbage with MalformedMessageError', async () => {
    const secp = peerIdFromPrivateKey(await generateKeyPair('secp256k1')).toString()
    const id = peerIdFromPublicKey(generateIdentity().publicKey)
    for (const bad of [secp, '', '0OIl', 'not a peer id', id.slice(0, -1), id + '1', 'Qm' + id.slice(2), id.replace(/.$/, '0')]) {
      expect(() => publicKeyFromPeerId(bad), bad).toThrow(MalformedMessageError)
    }
  })
})

describe('group ids and topics', () => {
  it('groupIdToString / groupIdFromString round-trip', () => {
    for (let i = 0; i < 20; i++) {
      const g = new Uint8Array(randomBytes(GROUP_ID_LENGTH))
      expect(groupIdFromString(groupIdToString(g))).toEqual(g)
    }
  })

  it('groupIdFromString refuses other lengths and non-base58 text', () => {
    for (const bad of ['', 'abc', toBase58(new Uint8Array(31).fill(1)), toBase58(new Uint8Array(33).fill(1)), '0'.repeat(44), 'l'.repeat(44), 'ÿ']) {
      expect(() => groupIdFromString(bad), bad).toThrow(MalformedMessageError)
    }
  })

  it('groupTopic is stable, distinct per group, and reveals nothing of the id', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 50; i++) {
      const g = new Uint8Array(randomBytes(GROUP_ID_LENGTH))
      const topic = groupTopic(g)
      expect(groupTopic(new Uint8Array(g))).toBe(topic)
      expect(topic).toMatch(/^\/kith\/g\/1\/[1-9A-HJ-NP-Za-km-z]+$/)
      const idString = groupIdToString(g)
      expect(topic.includes(idString)).toBe(false)
      expect(topic.includes(toHex(g))).toBe(false)
      // not even an 8-character piece of the id's base58 or hex form shows in the topic
      for (let k = 0; k + 8 <= idString.length; k++) expect(topic.includes(idString.slice(k, k + 8))).toBe(false)
      seen.add(topic)
    }
    expect(seen.size).toBe(50)
  })

  it('groupTopic of a fixed id is a fixed string', () => {
    expect(groupTopic(new Uint8Array(32))).toBe(groupTopic(new Uint8Array(32)))
    expect(groupTopic(new Uint8Array(32))).not.toBe(groupTopic(new Uint8Array(32).fill(1)))
  })
})

describe('messageIdFor', () => {
  it('is deterministic and differs in every input', () => {
    const g = new Uint8Array(32).fill(1)
    const s = generateIdentity().publicKey
    const id = messageIdFor(g, s, 1)
    expect(messageIdFor(new Uint8Array(g), new Uint8Array(s), 1)).toBe(id)
    expect(messageIdFor(g, s, 2)).not.toBe(id)
    expect(messageIdFor(new Uint8Array(32).fill(2), s, 1)).not.toBe(id)
    expect(messageIdFor(g, generateIdentity().publicKey, 1)).not.toBe(id)
    expect(messageIdFor(g, s, Number.MAX_SAFE_INTEGER)).not.toBe(id)
    const ids = new Set(Array.from({ length: 1000 }, (_, i) => messageIdFor(g, s, i)))
    expect(ids.size).toBe(1000)
  })
})
