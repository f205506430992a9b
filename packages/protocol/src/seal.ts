import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519.js'
import { concat, sha256, utf8 } from './bytes.js'
import { DecryptionFailedError } from './errors.js'
import type { Identity } from './signing.js'
import type { SealedBox } from './proto/kith.js'

const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex')
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex')
const TAG_LENGTH = 16

/**
 * Boxes are sealed to a member's identity key converted to X25519 (as libsodium's
 * crypto_sign_ed25519_pk_to_curve25519 does), so a peer id is all anyone needs to seal to its owner.
 */
export function x25519PublicFromEd25519 (publicKey: Uint8Array): KeyObject {
  const mont = ed25519.utils.toMontgomery(publicKey)
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, mont]), format: 'der', type: 'spki' })
}

export function x25519PrivateFromIdentity (identity: Identity): KeyObject {
  const mont = ed25519.utils.toMontgomerySecret(identity.seed)
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, mont]), format: 'der', type: 'pkcs8' })
}

export function boxHint (groupId: Uint8Array, recipient: Uint8Array): Uint8Array<ArrayBuffer> {
  return sha256(utf8('kith/hint/v1'), groupId, recipient).slice(0, 8)
}

function boxKey (shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, concat(ephemeral, recipient), 'kith/seal/v1', 32))
}

/** encrypt `plaintext` so that only the owner of `recipient` (an Ed25519 public key) can open it */
export function sealTo (recipient: Uint8Array, recipientKey: KeyObject, hint: Uint8Array, plaintext: Uint8Array): SealedBox {
  const { privateKey, publicKey } = generateKeyPairSync('x25519')
  const ephemeral = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519.length))
  const shared = diffieHellman({ privateKey, publicKey: recipientKey })
  const nonce = new Uint8Array(randomBytes(12))
  const cipher = createCipheriv('aes-256-gcm', boxKey(shared, ephemeral, recipient), nonce)
  cipher.setAAD(hint)
  const ciphertext = new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]))
  return { hint: new Uint8Array(hint), ephemeral, nonce, ciphertext }
}

/** open a box sealed to `identity`; throws DecryptionFailedError if it was not for us or was altered */
export function openBox (identity: Identity, privateKey: KeyObject, box: SealedBox): Uint8Array {
  if (box.ephemeral.byteLength !== 32 || box.nonce.byteLength !== 12 || box.ciphertext.byteLength < TAG_LENGTH) {
    throw new DecryptionFailedError('malformed sealed box')
  }
  try {
    const ephemeralKey = createPublicKey({ key: Buffer.concat([SPKI_X25519, box.ephemeral]), format: 'der', type: 'spki' })
    const shared = diffieHellman({ privateKey, publicKey: ephemeralKey })
    const decipher = createDecipheriv('aes-256-gcm', boxKey(shared, box.ephemeral, identity.publicKey), box.nonce)
    decipher.setAAD(box.hint)
    decipher.setAuthTag(box.ciphertext.subarray(box.ciphertext.byteLength - TAG_LENGTH))
    return new Uint8Array(Buffer.concat([decipher.update(box.ciphertext.subarray(0, box.ciphertext.byteLength - TAG_LENGTH)), decipher.final()]))
  } catch {
    throw new DecryptionFailedError('sealed box does not open with this key')
  }
}
