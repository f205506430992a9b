import { randomBytes, type KeyObject } from 'node:crypto'
import { equals } from './bytes.js'
import { DecryptionFailedError, InvalidSignatureError, MalformedMessageError } from './errors.js'
import { CipherBody, Control, GroupWire, Sealed, Signed } from './proto/kith.js'
import { boxHint, openBox, sealTo } from './seal.js'
import { SENDER_KEY_ID_LENGTH, MAX_TEXT_BYTES } from './sender-keys.js'
import { Domain, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, sign, type Identity, type SignatureVerifier } from './signing.js'
import { markVerified, type Verified } from './verified.js'

/** a sender-key message: the largest text plus headers, signature and room for receipts */
export const MAX_CIPHER_BYTES = MAX_TEXT_BYTES + 16 * 1024
/** a sealed control message: one box per member, each carrying at most a log update */
export const MAX_SEALED_BOXES = 1024
export const MAX_BOX_BYTES = 64 * 1024
/** everything Kith publishes on a group topic stays well under gossipsub's 4 MiB inbound limit */
export const MAX_WIRE_BYTES = 1024 * 1024

export interface DecodedCipher {
  readonly kind: 'cipher'
  /** the encoded CipherBody, as signed */
  readonly bodyBytes: Uint8Array
  readonly body: CipherBody
  readonly signature: Uint8Array
}

export interface DecodedSealed {
  readonly kind: 'sealed'
  readonly sealed: Sealed
}

export type DecodedWire = DecodedCipher | DecodedSealed

/** decode what arrived on a group topic; size-limited; throws MalformedMessageError */
export function decodeGroupWire (bytes: Uint8Array): DecodedWire {
  if (bytes.byteLength > MAX_WIRE_BYTES) throw new MalformedMessageError(`group message of ${bytes.byteLength} bytes is over ${MAX_WIRE_BYTES}`)
  let wire: GroupWire
  try {
    wire = GroupWire.decode(bytes, { limits: { sealed: { boxes: MAX_SEALED_BOXES } } } as any)
  } catch (err) {
    throw new MalformedMessageError(`group message does not decode: ${(err as Error).message}`)
  }
  if ((wire.cipher == null) === (wire.sealed == null)) throw new MalformedMessageError('a group message carries exactly one of cipher or sealed')
  if (wire.cipher != null) {
    if (wire.cipher.byteLength > MAX_CIPHER_BYTES) throw new MalformedMessageError(`message over ${MAX_CIPHER_BYTES} bytes`)
    try {
      const signed = Signed.decode(wire.cipher)
      const body = CipherBody.decode(signed.body)
      if (body.epoch.byteLength !== 32 || body.senderKeyId.byteLength !== SENDER_KEY_ID_LENGTH || signed.signature.byteLength !== SIGNATURE_LENGTH) {
        throw new Error('bad field lengths')
      }
      return { kind: 'cipher', bodyBytes: signed.body, body, signature: signed.signature }
    } catch (err) {
      throw new MalformedMessageError(`message does not decode: ${(err as Error).message}`)
    }
  }
  const sealed = wire.sealed as Sealed
  if (sealed.boxes.length === 0) throw new MalformedMessageError('sealed message without boxes')
  for (const box of sealed.boxes) {
    if (box.hint.byteLength !== 8 || box.ephemeral.byteLength !== 32 || box.nonce.byteLength !== 12 || box.ciphertext.byteLength > MAX_BOX_BYTES) {
      throw new MalformedMessageError('malformed sealed box')
    }
  }
  return { kind: 'sealed', sealed }
}

export interface Recipient {
  publicKey: Uint8Array
  /** its X25519 key (x25519PublicFromEd25519), kept by the caller so it is converted once */
  sealKey: KeyObject
}

export type ControlContent = Partial<Pick<Control, 'logEntries' | 'senderKey' | 'keyAck' | 'keyRequest' | 'inviteSecret'>>

type Content = ControlContent | ((recipient: Uint8Array) => ControlContent)

/**
 * One GroupWire holding a box for each recipient. Each box holds a Control signed by the sender and naming its
 * recipient, so a member cannot lift a box out and replay it to another.
 */
export function sealControl (identity: Identity, groupId: Uint8Array, recipients: Recipient[], content: Content, timestamp: number): Uint8Array {
  if (recipients.length === 0 || recipients.length > MAX_SEALED_BOXES) throw new MalformedMessageError(`cannot seal to ${recipients.length} recipients`)
  return wireOf(sealBoxes(identity, groupId, recipients, content, timestamp))
}

/** wire bytes a box adds besides its ciphertext: hint, ephemeral key, nonce and protobuf framing, rounded up */
const BOX_OVERHEAD_BYTES = 80

/**
 * sealControl for a group of any size: as many GroupWires as keep each under `maxWireBytes` and MAX_SEALED_BOXES.
 * A key whose boxes carry the log's tail is ~1.5 KB a member, so one message would pass MAX_WIRE_BYTES (which every
 * receiver refuses) at ~700 members.
 */
export function sealControls (identity: Identity, groupId: Uint8Array, recipients: Recipient[], content: Content, timestamp: number, maxWireBytes = MAX_WIRE_BYTES / 2): Uint8Array[] {
  if (recipients.length === 0) throw new MalformedMessageError('cannot seal to no one')
  const wires: Uint8Array[] = []
  let chunk: Sealed['boxes'] = []
  let bytes = 0
  for (const box of sealBoxes(identity, groupId, recipients, content, timestamp)) {
    const size = box.ciphertext.byteLength + BOX_OVERHEAD_BYTES
    if (chunk.length > 0 && (chunk.length === MAX_SEALED_BOXES || bytes + size > maxWireBytes)) {
      wires.push(wireOf(chunk))
      chunk = []
      bytes = 0
    }
    chunk.push(box)
    bytes += size
  }
  wires.push(wireOf(chunk))
  return wires
}

function sealBoxes (identity: Identity, groupId: Uint8Array, recipients: Recipient[], content: Content, timestamp: number): Sealed['boxes'] {
  const nonce = new Uint8Array(randomBytes(8))
  return recipients.map(r => {
    const c = typeof content === 'function' ? content(r.publicKey) : content
    const body = Control.encode({
      groupId,
      sender: identity.publicKey,
      timestamp: BigInt(Math.max(0, Math.floor(Number.isFinite(timestamp) ? timestamp : 0))),
      nonce,
      logEntries: c.logEntries ?? [],
      senderKey: c.senderKey,
      keyAck: c.keyAck,
      keyRequest: c.keyRequest,
      recipient: r.publicKey,
      inviteSecret: c.inviteSecret ?? new Uint8Array(0)
    })
    const signed = Signed.encode({ body, signature: sign(identity, Domain.control, body) })
    const box = sealTo(r.publicKey, r.sealKey, boxHint(groupId, r.publicKey), signed)
    if (box.ciphertext.byteLength > MAX_BOX_BYTES) throw new MalformedMessageError(`a sealed box of ${box.ciphertext.byteLength} bytes is over ${MAX_BOX_BYTES}`)
    return box
  })
}

function wireOf (boxes: Sealed['boxes']): Uint8Array {
  const wire = GroupWire.encode({ sealed: { boxes } })
  if (wire.byteLength > MAX_WIRE_BYTES) throw new MalformedMessageError(`a sealed message of ${wire.byteLength} bytes is over ${MAX_WIRE_BYTES}`)
  return wire
}

/**
 * The Control in the box addressed to `identity`, verified; undefined when no box is addressed to us.
 * Throws DecryptionFailedError / InvalidSignatureError / MalformedMessageError for a box with our hint that is bad.
 */
export function openSealedControl (identity: Identity, sealPrivateKey: KeyObject, groupId: Uint8Array, sealed: Sealed, verifier: SignatureVerifier): Verified<Control> | undefined {
  const hint = boxHint(groupId, identity.publicKey)
  const box = sealed.boxes.find(b => equals(b.hint, hint))
  if (box == null) return undefined
  const plaintext = openBox(identity, sealPrivateKey, box)
  let signed: Signed
  let control: Control
  try {
    signed = Signed.decode(plaintext)
    control = Control.decode(signed.body, { limits: { logEntries: 4096 } })
  } catch {
    throw new MalformedMessageError('control message does not decode')
  }
  if (control.sender.byteLength !== PUBLIC_KEY_LENGTH) throw new MalformedMessageError('control message without a sender')
  if (!verifier.verify(control.sender, Domain.control, signed.body, signed.signature)) throw new InvalidSignatureError('control message signature does not verify')
  if (!equals(control.groupId, groupId) || !equals(control.recipient, identity.publicKey)) {
    throw new DecryptionFailedError('control message addressed to another group or member')
  }
  return markVerified(control)
}

export function verifyCipherSignature (verifier: SignatureVerifier, sender: Uint8Array, cipher: DecodedCipher): boolean {
  return verifier.verify(sender, Domain.cipher, cipher.bodyBytes, cipher.signature)
}
