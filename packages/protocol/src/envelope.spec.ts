import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { concat } from './bytes.js'
import { DecryptionFailedError, InvalidSignatureError, MalformedMessageError } from './errors.js'
import {
  decodeGroupWire, MAX_BOX_BYTES, MAX_CIPHER_BYTES, MAX_SEALED_BOXES, MAX_WIRE_BYTES, openSealedControl, sealControl, sealControls, type DecodedSealed, type Recipient
} from './envelope.js'
import { createGenesis, LogOp, signLogEntry, verifyLogEntry, applyLogEntry, type GroupState } from './membership-log.js'
import { CipherBody, Control, GroupWire, Signed, type Sealed, type SealedBox } from './proto/kith.js'
import { boxHint, openBox, sealTo, x25519PrivateFromIdentity, x25519PublicFromEd25519 } from './seal.js'
import { Domain, generateIdentity, sign, SignatureVerifier, type Identity } from './signing.js'

const verifier = new SignatureVerifier()
const groupId = new Uint8Array(32).fill(0x42)

interface Member { identity: Identity, recipient: Recipient, openKey: ReturnType<typeof x25519PrivateFromIdentity> }

function member (): Member {
  const identity = generateIdentity()
  return { identity, recipient: { publicKey: identity.publicKey, sealKey: x25519PublicFromEd25519(identity.publicKey) }, openKey: x25519PrivateFromIdentity(identity) }
}

function sealedOf (wire: Uint8Array): Sealed {
  const decoded = decodeGroupWire(wire)
  expect(decoded.kind).toBe('sealed')
  return (decoded as DecodedSealed).sealed
}

function open (m: Member, sealed: Sealed, group = groupId): ReturnType<typeof openSealedControl> {
  return openSealedControl(m.identity, m.openKey, group, sealed, verifier)
}

function expectError (fn: () => unknown, type: new (...args: any[]) => Error): void {
  let thrown: unknown
  try {
    fn()
  } catch (err) {
    thrown = err
  }
  expect(thrown).toBeInstanceOf(type)
  expect((thrown as Error).name).toBe(type.name)
}

/** a box holding `control` signed by `signer`, addressed by hint to `to` in `group` */
function boxWith (to: Member, control: Partial<Control>, signer: Identity, group = groupId, domain: Domain = Domain.control): SealedBox {
  const body = Control.encode(control)
  return sealTo(to.identity.publicKey, to.recipient.sealKey, boxHint(group, to.identity.publicKey), Signed.encode({ body, signature: sign(signer, domain, body) }))
}

function someLog (n: number): Uint8Array[] {
  const founder = generateIdentity()
  const genesis = createGenesis(founder, { name: 'g', invitePublicKey: generateIdentity().publicKey, timestamp: 0 })
  const log = [genesis]
  let state: GroupState = applyLogEntry(undefined, verifyLogEntry(undefined, genesis, verifier))
  for (let i = 1; i < n; i++) {
    const entry = signLogEntry(founder, state, LogOp.ADD, { target: generateIdentity().publicKey }, Date.now())
    state = applyLogEntry(state, verifyLogEntry(state, entry, verifier))
    log.push(entry)
  }
  return log
}

describe('sealControl / openSealedControl', () => {
  const sender = generateIdentity()
  const [a, b, c, outsider] = [member(), member(), member(), member()]

  it('seals to 3 recipients: each opens its own box and gets a Control signed by the sender naming itself', () => {
    const logEntries = someLog(2)
    const senderKey = { epoch: new Uint8Array(32).fill(1), senderKeyId: new Uint8Array(16).fill(2), chainKey: new Uint8Array(32).fill(3), iteration: 7, seqBase: 41n }
    const keyAck = { epoch: new Uint8Array(32).fill(1), senderKeyId: new Uint8Array(16).fill(4) }
    const inviteSecret = new Uint8Array(32).fill(5)
    const wire = sealControl(sender, groupId, [a.recipient, b.recipient, c.recipient], { logEntries, senderKey, keyAck, inviteSecret }, 1_700_000_000_999.9)
    const sealed = sealedOf(wire)
    expect(sealed.boxes.length).toBe(3)
    const nonces = new Set<string>()
    for (const m of [a, b, c]) {
      const control = open(m, sealed)
      expect(control).toBeDefined()
      expect(control?.recipient).toEqual(m.identity.publicKey)
      expect(control?.sender).toEqual(sender.publicKey)
      expect(control?.groupId).toEqual(groupId)
      expect(control?.timestamp).toBe(1_700_000_000_999n)
      expect(control?.logEntries).toEqual(logEntries)
      expect(control?.senderKey).toEqual(senderKey)
      expect(control?.keyAck).toEqual(keyAck)
      expect(control?.keyRequest).toBeUndefined()
      expect(control?.inviteSecret).toEqual(inviteSecret)
      nonces.add(Buffer.from(control?.nonce ?? []).toString('hex'))
    }
    // one message, one nonce shared by its boxes
    expect(nonces.size).toBe(1)
  })

  it('gives each recipient its own content when content is a function', () => {
    const wire = sealControl(sender, groupId, [a.recipient, b.recipient], r => ({ keyRequest: { epoch: r, senderKeyId: new Uint8Array(0) } }), 0)
    const sealed = sealedOf(wire)
    expect(open(a, sealed)?.keyRequest?.epoch).toEqual(a.identity.publicKey)
    expect(open(b, sealed)?.keyRequest?.epoch).toEqual(b.identity.publicKey)
    expect(open(b, sealed)?.inviteSecret).toEqual(new Uint8Array(0))
    expect(open(b, sealed)?.logEntries).toEqual([])
  })

  it('a non-recipient gets undefined, and a recipient of another group gets undefined', () => {
    const sealed = sealedOf(sealControl(sender, groupId, [a.recipient, b.recipient, c.recipient], {}, 0))
    expect(open(outsider, sealed)).toBeUndefined()
    expect(open(a, sealed, new Uint8Array(32).fill(0x43))).toBeUndefined()
  })

  it('a box lifted into a new Sealed addressed by hint to another member does not open', () => {
    const sealed = sealedOf(sealControl(sender, groupId, [a.recipient, b.recipient], { logEntries: someLog(1) }, 0))
    const aHint = boxHint(groupId, a.identity.publicKey)
    const aBox = sealed.boxes.find(x => Buffer.compare(x.hint, aHint) === 0) as SealedBox
    const lifted: Sealed = { boxes: [{ ...aBox, hint: boxHint(groupId, b.identity.publicKey) }] }
    expectError(() => open(b, lifted), DecryptionFailedError)
    // and as an extra box in another message to b (placed first, where b looks)
    const other = sealedOf(sealControl(sender, groupId, [b.recipient], {}, 0))
    expectError(() => open(b, { boxes: [{ ...aBox, hint: boxHint(groupId, b.identity.publicKey) }, ...other.boxes] }), DecryptionFailedError)
  })

  it('a recipient that re-seals its signed Control to another member is caught by the recipient binding', () => {
    const sealed = sealedOf(sealControl(sender, groupId, [a.recipient, b.recipient], { logEntries: someLog(1) }, 0))
    const aBox = sealed.boxes.find(x => Buffer.compare(x.hint, boxHint(groupId, a.identity.publicKey)) === 0) as SealedBox
    const signedControl = openBox(a.identity, a.openKey, aBox)
    const resealed = sealTo(b.identity.publicKey, b.recipient.sealKey, boxHint(groupId, b.identity.publicKey), signedControl)
    expectError(() => open(b, { boxes: [resealed] }), DecryptionFailedError)
  })

  it('a Control not signed by its sender is InvalidSignatureError', () => {
    const control: Partial<Control> = { groupId, sender: sender.publicKey, recipient: a.identity.publicKey, timestamp: 1n }
    expectError(() => open(a, { boxes: [boxWith(a, control, generateIdentity())] }), InvalidSignatureError)
    expectError(() => open(a, { boxes: [boxWith(a, control, sender, groupId, Domain.logEntry)] }), InvalidSignatureError)
    expect(open(a, { boxes: [boxWith(a, control, sender)] })?.timestamp).toBe(1n)
  })

  it('a Control for another group, or naming another recipient, in a box with our hint is DecryptionFailedError', () => {
    const base: Partial<Control> = { groupId, sender: sender.publicKey, recipient: a.identity.publicKey }
    expectError(() => open(a, { boxes: [boxWith(a, { ...base, groupId: new Uint8Array(32) }, sender)] }), DecryptionFailedError)
    expectError(() => open(a, { boxes: [boxWith(a, { ...base, recipient: b.identity.publicKey }, sender)] }), DecryptionFailedError)
    expectError(() => open(a, { boxes: [boxWith(a, { ...base, recipient: new Uint8Array(0) }, sender)] }), DecryptionFailedError)
  })

  it('a box with our hint holding garbage, or a Control without a sender, is MalformedMessageError', () => {
    const garbage = sealTo(a.identity.publicKey, a.recipient.sealKey, boxHint(groupId, a.identity.publicKey), Uint8Array.of(0xff, 0xff, 0xff))
    expectError(() => open(a, { boxes: [garbage] }), MalformedMessageError)
    const noSender: Partial<Control> = { groupId, recipient: a.identity.publicKey }
    expectError(() => open(a, { boxes: [boxWith(a, noSender, sender)] }), MalformedMessageError)
  })

  it('a tampered box with our hint is DecryptionFailedError', () => {
    const sealed = sealedOf(sealControl(sender, groupId, [a.recipient], {}, 0))
    const box = sealed.boxes[0]
    const ciphertext = new Uint8Array(box.ciphertext)
    ciphertext[3] ^= 1
    expectError(() => open(a, { boxes: [{ ...box, ciphertext }] }), DecryptionFailedError)
  })

  it('refuses to seal to no one or to more than MAX_SEALED_BOXES recipients', () => {
    expectError(() => sealControl(sender, groupId, [], {}, 0), MalformedMessageError)
    expectError(() => sealControl(sender, groupId, Array.from({ length: MAX_SEALED_BOXES + 1 }, () => a.recipient), {}, 0), MalformedMessageError)
  })
})

describe('decodeGroupWire', () => {
  const sender = generateIdentity()
  const box = (): SealedBox => ({ hint: new Uint8Array(8), ephemeral: new Uint8Array(32), nonce: new Uint8Array(12), ciphertext: new Uint8Array(20) })
  const cipherWire = (body: Partial<CipherBody>, signature?: Uint8Array): Uint8Array => {
    const full = CipherBody.encode({ epoch: new Uint8Array(32), senderKeyId: new Uint8Array(16), iteration: 0, ciphertext: new Uint8Array(40), ...body })
    return GroupWire.encode({ cipher: Signed.encode({ body: full, signature: signature ?? sign(sender, Domain.cipher, full) }) })
  }

  it('decodes a cipher message and a sealed message', () => {
    const c = decodeGroupWire(cipherWire({ iteration: 3 }))
    expect(c.kind).toBe('cipher')
    if (c.kind === 'cipher') {
      expect(c.body.iteration).toBe(3)
      expect(c.signature.byteLength).toBe(64)
      expect(CipherBody.decode(c.bodyBytes)).toEqual(c.body)
    }
    const s = decodeGroupWire(GroupWire.encode({ sealed: { boxes: [box(), box()] } }))
    expect(s.kind).toBe('sealed')
  })

  it('rejects garbage', () => {
    for (const bytes of [Uint8Array.of(0xff), Uint8Array.of(0x0a, 0x05, 0x00), Uint8Array.of(0x12, 0x7f), new Uint8Array(randomBytes(100)).fill(0xff, 0, 1), Uint8Array.of(0x0a, 0x02, 0xff, 0xff)]) {
      expectError(() => decodeGroupWire(bytes), MalformedMessageError)
    }
  })

  it('rejects both fields set and neither field set', () => {
    const both = concat(cipherWire({}), GroupWire.encode({ sealed: { boxes: [box()] } }))
    expectError(() => decodeGroupWire(both), MalformedMessageError)
    expectError(() => decodeGroupWire(GroupWire.encode({ cipher: Signed.encode({ body: new Uint8Array(0), signature: new Uint8Array(0) }), sealed: { boxes: [box()] } })), MalformedMessageError)
    expectError(() => decodeGroupWire(new Uint8Array(0)), MalformedMessageError)
    // only an unknown field
    expectError(() => decodeGroupWire(Uint8Array.of(0x18, 0x01)), MalformedMessageError)
  })

  it('rejects oversize messages: the whole wire, the cipher part, a box, the number of boxes', () => {
    expectError(() => decodeGroupWire(new Uint8Array(MAX_WIRE_BYTES + 1)), MalformedMessageError)
    expectError(() => decodeGroupWire(cipherWire({ ciphertext: new Uint8Array(MAX_CIPHER_BYTES) })), MalformedMessageError)
    expect(decodeGroupWire(cipherWire({ ciphertext: new Uint8Array(MAX_CIPHER_BYTES - 200) })).kind).toBe('cipher')
    expectError(() => decodeGroupWire(GroupWire.encode({ sealed: { boxes: [{ ...box(), ciphertext: new Uint8Array(MAX_BOX_BYTES + 1) }] } })), MalformedMessageError)
    expect(decodeGroupWire(GroupWire.encode({ sealed: { boxes: [{ ...box(), ciphertext: new Uint8Array(MAX_BOX_BYTES) }] } })).kind).toBe('sealed')
    expect(decodeGroupWire(GroupWire.encode({ sealed: { boxes: Array.from({ length: MAX_SEALED_BOXES }, box) } })).kind).toBe('sealed')
    expectError(() => decodeGroupWire(GroupWire.encode({ sealed: { boxes: Array.from({ length: MAX_SEALED_BOXES + 1 }, box) } })), MalformedMessageError)
  })

  it('rejects wrong field lengths', () => {
    expectError(() => decodeGroupWire(cipherWire({ epoch: new Uint8Array(31) })), MalformedMessageError)
    expectError(() => decodeGroupWire(cipherWire({ senderKeyId: new Uint8Array(15) })), MalformedMessageError)
    expectError(() => decodeGroupWire(cipherWire({}, new Uint8Array(63))), MalformedMessageError)
    expectError(() => decodeGroupWire(GroupWire.encode({ cipher: Uint8Array.of(0xff, 0xff) })), MalformedMessageError)
    expectError(() => decodeGroupWire(GroupWire.encode({ sealed: { boxes: [] } })), MalformedMessageError)
    for (const bad of [{ hint: new Uint8Array(7) }, { ephemeral: new Uint8Array(33) }, { nonce: new Uint8Array(11) }, { hint: new Uint8Array(0) }]) {
      expectError(() => decodeGroupWire(GroupWire.encode({ sealed: { boxes: [box(), { ...box(), ...bad }] } })), MalformedMessageError)
    }
  })
})

describe('sealControls', () => {
  it('splits a large group\'s boxes over messages every receiver accepts, each recipient in exactly one', () => {
    const sender = generateIdentity()
    const log = someLog(5)
    const members = Array.from({ length: 6 }, () => member())
    const wires = sealControls(sender, groupId, members.map(m => m.recipient), { logEntries: log }, 0, 2 * 1024)
    expect(wires.length).toBeGreaterThan(1)
    for (const wire of wires) expect(wire.byteLength).toBeLessThanOrEqual(2 * 1024 + 100)
    for (const m of members) {
      const opened = wires.map(w => open(m, sealedOf(w))).filter(c => c != null)
      expect(opened.length).toBe(1)
      expect(opened[0]?.logEntries).toEqual(log)
    }
  })

  it('a 5-entry log update to more than MAX_SEALED_BOXES members: every message decodes', () => {
    const sender = generateIdentity()
    const one = member()
    const wires = sealControls(sender, groupId, Array.from({ length: MAX_SEALED_BOXES + 5 }, () => one.recipient), { logEntries: someLog(5) }, 0)
    expect(wires.length).toBeGreaterThan(1)
    for (const wire of wires) expect(decodeGroupWire(wire).kind).toBe('sealed')
    expect(wires.reduce((n, w) => n + sealedOf(w).boxes.length, 0)).toBe(MAX_SEALED_BOXES + 5)
    expectError(() => sealControls(sender, groupId, [], {}, 0), MalformedMessageError)
  })
})

/**
 * Known bug: sealControl returns bytes that decodeGroupWire (on every receiver) refuses: it checks the number of
 * recipients but not MAX_BOX_BYTES or MAX_WIRE_BYTES (see the report).
 */
describe('invariants the current code breaks', () => {
  it('sealControl never returns a message that decodeGroupWire refuses (it throws instead)', () => {
    const sender = generateIdentity()
    const log = someLog(300)
    const one = member()
    // the same recipient many times over: the boxes are sealed one by one all the same, and it is quicker
    const many = Array.from({ length: MAX_SEALED_BOXES }, () => one.recipient)
    const cases: Array<[string, () => Uint8Array]> = [
      ['a 300-entry log catch-up to one member (box over MAX_BOX_BYTES)', () => sealControl(sender, groupId, [one.recipient], { logEntries: log }, 0)],
      ['a 5-entry log update to MAX_SEALED_BOXES members (wire over MAX_WIRE_BYTES)', () => sealControl(sender, groupId, many, { logEntries: log.slice(0, 5) }, 0)]
    ]
    for (const [what, seal] of cases) {
      let wire: Uint8Array
      try {
        wire = seal()
      } catch (err) {
        expect.soft((err as Error).name, what).toBe('MalformedMessageError')
        continue
      }
      expect.soft(() => decodeGroupWire(wire), `${what}: ${wire.byteLength} bytes`).not.toThrow()
    }
  })
})
