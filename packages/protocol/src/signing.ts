import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto'
import { concat, copy, utf8 } from './bytes.js'
import { MalformedMessageError } from './errors.js'

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex')

export const PUBLIC_KEY_LENGTH = 32
export const SIGNATURE_LENGTH = 64

/**
 * Domain strings: every signature covers domain || bytes, so a signature made for one record type can never be
 * presented as another.
 */
export const Domain = {
  logEntry: 'kith/log-entry/v1',
  cipher: 'kith/cipher/v1',
  control: 'kith/control/v1',
  join: 'kith/join/v1',
  joinRequest: 'kith/join-request/v1',
  topicRegistration: 'kith/topic-registration/v1',
  channelMeta: 'kith/channel-meta/v1',
  channelPost: 'kith/channel-post/v1',
  channelEdit: 'kith/channel-edit/v1',
  channelReaction: 'kith/channel-reaction/v1',
  channelVote: 'kith/channel-vote/v1',
  communityEntry: 'kith/community-entry/v1',
  announcement: 'kith/announcement/v1',
  tombstone: 'kith/tombstone/v1',
  adminNote: 'kith/admin-note/v1'
} as const
export type Domain = typeof Domain[keyof typeof Domain]

/** An Ed25519 key pair: a member's identity (the same key as its libp2p peer id) or an invite key */
export interface Identity {
  readonly publicKey: Uint8Array
  /** 32-byte seed */
  readonly seed: Uint8Array
  /** node:crypto handle, kept so hot paths do not re-import the key */
  readonly keyObject: KeyObject
}

/** from a 32-byte seed or a 64-byte seed||public key (libp2p's raw Ed25519 private key) */
export function identityFromSeed (secret: Uint8Array): Identity {
  if (secret.byteLength !== 32 && secret.byteLength !== 64) {
    throw new MalformedMessageError(`an Ed25519 secret is 32 or 64 bytes, not ${secret.byteLength}`)
  }
  const seed = copy(secret.subarray(0, 32))
  const keyObject = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' })
  const spki = createPublicKey(keyObject).export({ format: 'der', type: 'spki' })
  return { seed, keyObject, publicKey: new Uint8Array(spki.subarray(SPKI_ED25519.length)) }
}

export function generateIdentity (): Identity {
  const { privateKey } = generateKeyPairSync('ed25519')
  const der = privateKey.export({ format: 'der', type: 'pkcs8' })
  return identityFromSeed(new Uint8Array(der.subarray(PKCS8_ED25519.length)))
}

export function sign (identity: Identity, domain: Domain, bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(edSign(null, concat(utf8(domain), bytes), identity.keyObject))
}

/**
 * Imported public keys, kept per verifier instance: importing costs about as much as verifying, and a group
 * verifies the same few keys again and again.
 */
export class SignatureVerifier {
  private readonly keys = new Map<string, KeyObject>()
  constructor (private readonly maxKeys = 4096) {}

  verify (publicKey: Uint8Array, domain: Domain, bytes: Uint8Array, signature: Uint8Array): boolean {
    if (publicKey.byteLength !== PUBLIC_KEY_LENGTH || signature.byteLength !== SIGNATURE_LENGTH) return false
    const id = Buffer.from(publicKey).toString('base64')
    let key = this.keys.get(id)
    if (key == null) {
      try {
        key = createPublicKey({ key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' })
      } catch {
        return false
      }
      if (this.keys.size >= this.maxKeys) this.keys.delete(this.keys.keys().next().value as string)
      this.keys.set(id, key)
    }
    try {
      return edVerify(null, concat(utf8(domain), bytes), key, signature)
    } catch {
      return false
    }
  }
}

/** one-off verification; hot paths hold a SignatureVerifier instead */
export function verify (publicKey: Uint8Array, domain: Domain, bytes: Uint8Array, signature: Uint8Array): boolean {
  return new SignatureVerifier(1).verify(publicKey, domain, bytes, signature)
}
