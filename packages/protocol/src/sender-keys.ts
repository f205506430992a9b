import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { concat, fromHex, toHex } from './bytes.js'
import { DecryptionFailedError, MalformedMessageError, ReplayedMessageError } from './errors.js'
import { CipherBody, GroupWire, Inner, Signed } from './proto/kith.js'
import { Domain, sign, type Identity } from './signing.js'

/** the largest text a member may send: 64 KiB of UTF-8 */
export const MAX_TEXT_BYTES = 64 * 1024
/** how far ahead of the last message a receiver derives keys for messages that have not arrived yet */
export const MAX_SKIPPED_KEYS = 2000
export const SENDER_KEY_ID_LENGTH = 16
const TAG_LENGTH = 16

/**
 * A sender's chain in one epoch. Each message key is derived from the chain key, which is then ratcheted forward
 * and the old one forgotten: a key stolen later cannot decrypt what was sent before (forward secrecy inside an
 * epoch). The epoch changes with every membership change, and with it every member's chain.
 */
export interface SenderChain {
  readonly epoch: Uint8Array
  readonly senderKeyId: Uint8Array
  readonly chainKey: Uint8Array
  /** the iteration the next message key is for */
  readonly iteration: number
}

export interface ReceivingChain extends SenderChain {
  readonly sender: Uint8Array
  /** message keys derived past a gap, kept until their message arrives */
  readonly skipped: ReadonlyMap<number, Uint8Array>
}

export function newSenderChain (epoch: Uint8Array): SenderChain {
  return { epoch: new Uint8Array(epoch), senderKeyId: new Uint8Array(randomBytes(SENDER_KEY_ID_LENGTH)), chainKey: new Uint8Array(randomBytes(32)), iteration: 0 }
}

function hmac (key: Uint8Array, byte: number): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(Uint8Array.of(byte)).digest())
}

/** (message key, next chain key) for the current chain key */
export function stepChain (chainKey: Uint8Array): { messageKey: Uint8Array, next: Uint8Array } {
  return { messageKey: hmac(chainKey, 1), next: hmac(chainKey, 2) }
}

function headerBytes (epoch: Uint8Array, senderKeyId: Uint8Array, iteration: number): Uint8Array {
  const it = new Uint8Array(4)
  new DataView(it.buffer).setUint32(0, iteration)
  return concat(epoch, senderKeyId, it)
}

function aeadKey (messageKey: Uint8Array): { key: Buffer, iv: Buffer } {
  const okm = Buffer.from(hkdfSync('sha256', messageKey, new Uint8Array(0), 'kith/msg/v1', 44))
  return { key: okm.subarray(0, 32), iv: okm.subarray(32) }
}

export const MAX_RECEIPTS = 1024
/** an encoded Inner stays under this, so the signed cipher around it stays under MAX_CIPHER_BYTES */
export const MAX_INNER_BYTES = MAX_TEXT_BYTES + 12 * 1024

export function checkInner (inner: Inner, encoded?: Uint8Array): void {
  if (Buffer.byteLength(inner.text, 'utf8') > MAX_TEXT_BYTES) throw new MalformedMessageError(`text over ${MAX_TEXT_BYTES} bytes`)
  if (inner.receipts.length > MAX_RECEIPTS) throw new MalformedMessageError(`more than ${MAX_RECEIPTS} receipts`)
  if (encoded != null && encoded.byteLength > MAX_INNER_BYTES) throw new MalformedMessageError(`message content over ${MAX_INNER_BYTES} bytes`)
}

/** encrypt and sign one message; returns the GroupWire bytes and the ratcheted chain (the input is not changed) */
export function encryptGroupMessage (identity: Identity, chain: SenderChain, inner: Inner): { wire: Uint8Array, chain: SenderChain } {
  const plaintext = Inner.encode(inner)
  checkInner(inner, plaintext)
  const { messageKey, next } = stepChain(chain.chainKey)
  const { key, iv } = aeadKey(messageKey)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(headerBytes(chain.epoch, chain.senderKeyId, chain.iteration))
  const ciphertext = new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]))
  const body = CipherBody.encode({ epoch: new Uint8Array(chain.epoch), senderKeyId: new Uint8Array(chain.senderKeyId), iteration: chain.iteration, ciphertext })
  const wire = GroupWire.encode({ cipher: Signed.encode({ body, signature: sign(identity, Domain.cipher, body) }) })
  return { wire, chain: { ...chain, chainKey: next, iteration: chain.iteration + 1 } }
}

/**
 * Decrypt with the sender's receiving chain. Throws ReplayedMessageError for an iteration whose key was already
 * used, DecryptionFailedError for a ciphertext that does not open, MalformedMessageError for a bad Inner.
 */
export function decryptGroupMessage (chain: ReceivingChain, body: CipherBody): { inner: Inner, chain: ReceivingChain } {
  let messageKey: Uint8Array | undefined
  const skipped = new Map(chain.skipped)
  let { chainKey, iteration } = chain
  if (body.iteration < chain.iteration) {
    messageKey = skipped.get(body.iteration)
    if (messageKey == null) throw new ReplayedMessageError(`iteration ${body.iteration} was already used`)
    skipped.delete(body.iteration)
  } else {
    if (body.iteration - chain.iteration > MAX_SKIPPED_KEYS) throw new DecryptionFailedError('message too far ahead in the chain')
    while (iteration < body.iteration) {
      const step = stepChain(chainKey)
      skipped.set(iteration, step.messageKey)
      chainKey = step.next
      iteration++
    }
    const step = stepChain(chainKey)
    messageKey = step.messageKey
    chainKey = step.next
    iteration++
    // the oldest skipped keys go first: a message that late is treated as lost
    while (skipped.size > MAX_SKIPPED_KEYS) skipped.delete(skipped.keys().next().value as number)
  }
  const { key, iv } = aeadKey(messageKey)
  let plaintext: Uint8Array
  try {
    if (body.ciphertext.byteLength < TAG_LENGTH) throw new Error('short')
    const decipher = createDecipheriv('aes-256-gcm', key, iv)
    decipher.setAAD(headerBytes(body.epoch, body.senderKeyId, body.iteration))
    decipher.setAuthTag(body.ciphertext.subarray(body.ciphertext.byteLength - TAG_LENGTH))
    plaintext = new Uint8Array(Buffer.concat([decipher.update(body.ciphertext.subarray(0, body.ciphertext.byteLength - TAG_LENGTH)), decipher.final()]))
  } catch {
    throw new DecryptionFailedError('message does not decrypt with the sender key')
  }
  let inner: Inner
  try {
    if (plaintext.byteLength > MAX_INNER_BYTES) throw new Error('too large')
    inner = Inner.decode(plaintext, { limits: { receipts: MAX_RECEIPTS } })
  } catch {
    throw new MalformedMessageError('message content does not decode')
  }
  checkInner(inner)
  return { inner, chain: { ...chain, chainKey, iteration, skipped } }
}

/** chain state as JSON for the store */
export function serializeChain (chain: SenderChain | ReceivingChain): string {
  const c = chain as Partial<ReceivingChain> & SenderChain
  return JSON.stringify({
    epoch: toHex(c.epoch),
    senderKeyId: toHex(c.senderKeyId),
    chainKey: toHex(c.chainKey),
    iteration: c.iteration,
    sender: c.sender != null ? toHex(c.sender) : undefined,
    skipped: c.skipped != null ? [...c.skipped].map(([i, k]) => [i, toHex(k)]) : undefined
  })
}

export function deserializeChain (json: string): ReceivingChain {
  const o = JSON.parse(json)
  return {
    epoch: fromHex(o.epoch),
    senderKeyId: fromHex(o.senderKeyId),
    chainKey: fromHex(o.chainKey),
    iteration: o.iteration,
    sender: fromHex(o.sender ?? ''),
    skipped: new Map((o.skipped ?? []).map(([i, k]: [number, string]) => [i, fromHex(k)]))
  }
}
