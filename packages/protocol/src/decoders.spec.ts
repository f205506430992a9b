// Property-based tests of every decoder: whatever bytes (or text) arrive, a decoder either decodes them or throws
// one of the package's named errors. A TypeError, a RangeError from a buffer read, or a plain Error from the
// protobuf runtime leaking out is a bug: callers match on err.name and would crash or mis-handle it.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { randomBytes } from 'node:crypto'
import { toBase64url } from './bytes.js'
import { ProtocolError } from './errors.js'
import { decodeGroupWire, openSealedControl, sealControl } from './envelope.js'
import { decodeHistoryPage, decodeHistoryRequest, decodeJoinResponse } from './history.js'
import { groupIdFromString, peerIdFromPublicKey, publicKeyFromPeerId } from './ids.js'
import { decodeInvite, encodeInvite, INVITE_PREFIX, signJoinProof, signJoinRequest, verifyJoinRequest, type InviteInfo } from './invite.js'
import { applyLogEntry, createGenesis, decodeLogEntry, LogOp, signLogEntry, verifyLogEntry, type GroupState } from './membership-log.js'
import { CipherBody, HistoryPage, HistoryRequest, Inner, Invite, JoinResponse, type Sealed, type SealedBox } from './proto/kith.js'
import { boxHint, x25519PrivateFromIdentity, x25519PublicFromEd25519 } from './seal.js'
import { decryptGroupMessage, encryptGroupMessage, newSenderChain, type ReceivingChain } from './sender-keys.js'
import { generateIdentity, SignatureVerifier, type Identity } from './signing.js'

const NAMED_ERRORS = new Set([
  'MalformedMessageError', 'MalformedInviteError', 'DecryptionFailedError', 'InvalidSignatureError', 'LogEntryRejectedError', 'ReplayedMessageError'
])

const RUNS = Number(process.env.FC_RUNS ?? 5000)
const params = { numRuns: RUNS, ...(process.env.FC_SEED != null ? { seed: Number(process.env.FC_SEED) } : {}) }

type Outcome = 'ok' | 'refused'

/** run a decoder: 'ok', 'refused' (a named protocol error), or rethrow anything else so the property fails */
function outcome (fn: () => unknown): Outcome {
  try {
    fn()
    return 'ok'
  } catch (err) {
    if (err instanceof ProtocolError && NAMED_ERRORS.has(err.name) && err.name === (err.constructor as { name: string }).name) return 'refused'
    throw new Error(`a decoder threw an unnamed error: ${String((err as Error)?.name)}: ${String((err as Error)?.message)}`, { cause: err })
  }
}

class Tally {
  ok = 0
  refused = 0
  add (o: Outcome): void { this[o]++ }
}

// ---- mutations of valid encodings ----

const interesting = fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff, 0x08, 0x0a, 0x12, 0x1a, 0x22)

function mutate (valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { arbitrary: valid, weight: 1 },
    // truncation
    { arbitrary: fc.tuple(valid, fc.nat()).map(([v, n]) => v.slice(0, n % (v.byteLength + 1))), weight: 3 },
    // bit flips
    {
      arbitrary: fc.tuple(valid, fc.array(fc.nat(), { minLength: 1, maxLength: 6 })).map(([v, ps]) => {
        const out = new Uint8Array(v)
        if (out.byteLength > 0) for (const p of ps) out[(p >>> 3) % out.byteLength] ^= 1 << (p & 7)
        return out
      }),
      weight: 4
    },
    // a byte set to a value that matters to protobuf (lengths, tags, varint continuation)
    {
      arbitrary: fc.tuple(valid, fc.nat(), interesting).map(([v, p, b]) => {
        const out = new Uint8Array(v)
        if (out.byteLength > 0) out[p % out.byteLength] = b
        return out
      }),
      weight: 3
    },
    // bytes inserted
    {
      arbitrary: fc.tuple(valid, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 12 })).map(([v, p, ins]) => {
        const at = p % (v.byteLength + 1)
        return Uint8Array.from([...v.subarray(0, at), ...ins, ...v.subarray(at)])
      }),
      weight: 2
    },
    // a range deleted
    {
      arbitrary: fc.tuple(valid, fc.nat(), fc.integer({ min: 1, max: 40 })).map(([v, p, n]) => {
        const at = p % (v.byteLength + 1)
        return Uint8Array.from([...v.subarray(0, at), ...v.subarray(at + n)])
      }),
      weight: 2
    },
    // random bytes
    { arbitrary: fc.uint8Array({ maxLength: 400 }), weight: 3 },
    // random bytes after a valid prefix
    { arbitrary: fc.tuple(valid, fc.nat(), fc.uint8Array({ maxLength: 64 })).map(([v, n, tail]) => Uint8Array.from([...v.subarray(0, n % (v.byteLength + 1)), ...tail])), weight: 2 }
  )
}

// ---- fixtures: one small group with some history ----

const verifier = new SignatureVerifier()
const founder = generateIdentity()
const inviteKey = generateIdentity()
const [alice, bob] = [generateIdentity(), generateIdentity()]

const log: Uint8Array[] = []
const statesBefore: Array<GroupState | undefined> = []
let state: GroupState | undefined
function append (bytes: Uint8Array): void {
  statesBefore.push(state)
  state = applyLogEntry(state, verifyLogEntry(state, bytes, verifier))
  log.push(bytes)
}
append(createGenesis(founder, { name: 'fuzz', invitePublicKey: inviteKey.publicKey, timestamp: 1 }))
append(signLogEntry(founder, state as GroupState, LogOp.ADD, { target: alice.publicKey }, 2))
append(signLogEntry(founder, state as GroupState, LogOp.PROMOTE, { target: alice.publicKey }, 3))
append(signLogEntry(alice, state as GroupState, LogOp.JOIN, { target: bob.publicKey, inviteSignature: signJoinProof(inviteKey.seed, (state as GroupState).groupId, bob.publicKey) }, 4))
append(signLogEntry(founder, state as GroupState, LogOp.RENAME, { name: 'renamed ✓' }, 5))
append(signLogEntry(alice, state as GroupState, LogOp.SET_INVITE, { invitePublicKey: generateIdentity().publicKey }, 6))
append(signLogEntry(bob, state as GroupState, LogOp.LEAVE, { target: bob.publicKey }, 7))
const group = state as GroupState
const groupId = group.groupId

const member = (identity: Identity) => ({ identity, sealKey: x25519PublicFromEd25519(identity.publicKey), openKey: x25519PrivateFromIdentity(identity) })
const [mFounder, mAlice, mBob] = [member(founder), member(alice), member(bob)]

const chain = newSenderChain(group.head)
const receiving: ReceivingChain = { ...chain, sender: founder.publicKey, skipped: new Map() }
const cipherWires: Uint8Array[] = []
{
  let c = chain
  for (const t of ['hi', '', 'a longer message with ünïcödé and emoji 🎉', 'x'.repeat(300)]) {
    const out = encryptGroupMessage(founder, c, { seq: BigInt(c.iteration + 1), timestamp: 1n, kind: Inner.Kind.TEXT, text: t, receipts: [{ sender: alice.publicKey, seq: 3n }], padding: new Uint8Array(0) })
    cipherWires.push(out.wire)
    c = out.chain
  }
}
const sealedWires = [
  sealControl(founder, groupId, [{ publicKey: alice.publicKey, sealKey: mAlice.sealKey }, { publicKey: bob.publicKey, sealKey: mBob.sealKey }], { logEntries: log.slice(0, 2) }, 10),
  sealControl(alice, groupId, [{ publicKey: founder.publicKey, sealKey: mFounder.sealKey }], { senderKey: { ...chain, iteration: 0, seqBase: 0n }, keyRequest: { epoch: group.head, senderKeyId: new Uint8Array(0) } }, 11)
]

const invite: InviteInfo = {
  groupId,
  name: 'fuzz group',
  inviteSecret: inviteKey.seed,
  peers: [{ publicKey: founder.publicKey, addrs: ['/ip4/127.0.0.1/tcp/4001', '/ip6/::1/udp/4001/quic-v1'] }, { publicKey: alice.publicKey, addrs: [] }]
}
const inviteText = encodeInvite(invite)
const inviteBytes = Invite.encode(invite)
const joinRequests = [signJoinRequest(bob, invite, 1_700_000_000_000), signJoinRequest(generateIdentity(), { ...invite, peers: [] }, 0)]

const historyRequests = [
  HistoryRequest.encode({ topic: '/kith/g/1/abc', since: 1_700_000_000_000n, cursor: 'cursor-1', limit: 50 }),
  HistoryRequest.encode({ topic: '', since: 0n, cursor: '', limit: 0 })
]
const historyPages = [HistoryPage.encode({ messages: [...cipherWires, ...sealedWires], cursor: 'next' }), HistoryPage.encode({ messages: [], cursor: '' })]
const joinResponses = [JoinResponse.encode({ accepted: true, error: '', log }), JoinResponse.encode({ accepted: false, error: 'no such invite', log: [] })]

function pick (values: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.constantFrom(...values)
}

describe('decoders never throw anything but named errors', () => {
  it('decodeGroupWire (and then decryptGroupMessage / openSealedControl on what decodes)', () => {
    const tally = new Tally()
    const inner = new Tally()
    fc.assert(fc.property(mutate(pick([...cipherWires, ...sealedWires])), bytes => {
      let decoded: ReturnType<typeof decodeGroupWire> | undefined
      tally.add(outcome(() => { decoded = decodeGroupWire(bytes) }))
      if (decoded?.kind === 'cipher') {
        const body = decoded.body
        inner.add(outcome(() => decryptGroupMessage(receiving, body)))
      } else if (decoded?.kind === 'sealed') {
        const sealed = decoded.sealed
        for (const m of [mAlice, mBob, mFounder]) inner.add(outcome(() => openSealedControl(m.identity, m.openKey, groupId, sealed, verifier)))
      }
    }), params)
    expect(tally.ok).toBeGreaterThan(0)
    expect(tally.refused).toBeGreaterThan(0)
    expect(inner.ok).toBeGreaterThan(0)
    expect(inner.refused).toBeGreaterThan(0)
  })

  it('decodeLogEntry and verifyLogEntry (against the state the entry was made for)', () => {
    const tally = new Tally()
    const indexed = fc.nat({ max: log.length - 1 }).chain(i => mutate(fc.constant(log[i])).map(bytes => ({ i, bytes })))
    fc.assert(fc.property(indexed, ({ i, bytes }) => {
      outcome(() => decodeLogEntry(bytes))
      const before = statesBefore[i]
      const o = outcome(() => {
        const verified = verifyLogEntry(before, bytes, verifier)
        applyLogEntry(before, verified)
      })
      tally.add(o)
      // against the final state every entry of the log is stale
      expect(outcome(() => verifyLogEntry(group, bytes, verifier))).toBe('refused')
    }), params)
    expect(tally.ok).toBeGreaterThan(0)
    expect(tally.refused).toBeGreaterThan(0)
  })

  it('decodeInvite (random text, damaged invite text, damaged invite bytes)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')
    const b64 = fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 300 })
    const damagedText = fc.tuple(fc.nat(), fc.constantFrom(...alphabet, ' ', '=', '.', '%', 'é', '\n'), fc.constantFrom('replace', 'insert', 'truncate')).map(([p, ch, how]) => {
      const at = INVITE_PREFIX.length + p % (inviteText.length - INVITE_PREFIX.length)
      if (how === 'truncate') return inviteText.slice(0, at)
      return inviteText.slice(0, at) + ch + inviteText.slice(how === 'replace' ? at + 1 : at)
    })
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 100 }).map(s => INVITE_PREFIX + s),
      b64.map(s => INVITE_PREFIX + s),
      damagedText,
      mutate(fc.constant(inviteBytes)).map(b => INVITE_PREFIX + toBase64url(b)),
      fc.constant(inviteText)
    )
    const tally = new Tally()
    fc.assert(fc.property(text, t => { tally.add(outcome(() => decodeInvite(t))) }), params)
    expect(tally.ok).toBeGreaterThan(0)
    expect(tally.refused).toBeGreaterThan(0)
  })

  it('verifyJoinRequest', () => {
    const tally = new Tally()
    fc.assert(fc.property(mutate(pick(joinRequests)), bytes => { tally.add(outcome(() => verifyJoinRequest(bytes, verifier))) }), params)
    expect(tally.ok).toBeGreaterThan(0)
    expect(tally.refused).toBeGreaterThan(0)
  })

  it('decodeHistoryRequest', () => {
    const tally = new Tally()
    fc.assert(fc.property(mutate(pick(historyRequests)), bytes => { tally.add(outcome(() => decodeHistoryRequest(bytes))) }), params)
    expect(tally.ok).toBeGreaterThan(0)
    expect(tally.refused).toBeGreaterThan(0)
  })

  it('decodeHistoryPage', () => {
    const tally = new Tally()
    fc.assert(fc.property(mutate(pick(historyPages)), bytes => { tally.add(outcome(() => decodeHistoryPage(bytes))) }), params)
    expect(tally.ok).toBeGreaterThan(0)
    expect(tally.refused).toBeGreaterThan(0)
  })

  it('decodeJoinResponse', () => {
    const tally = new Tally()
    fc.assert(fc.property(mutate(pick(joinResponses)), bytes => { tally.add(outcome(() => decodeJoinResponse(bytes))) }), params)
    expect(tally.ok).toBeGreaterThan(0)
    expect(tally.refused).toBeGreaterThan(0)
  })

  it('openSealedControl on random boxes, some addressed to us, some pieces of real boxes', () => {
    const realBoxes = sealedWires.flatMap(w => {
      const d = decodeGroupWire(w)
      return d.kind === 'sealed' ? d.sealed.boxes : []
    })
    const ours = boxHint(groupId, alice.publicKey)
    const bytesOf = (len: number, real: (b: SealedBox) => Uint8Array): fc.Arbitrary<Uint8Array> => fc.oneof(
      fc.uint8Array({ minLength: len, maxLength: len }),
      fc.uint8Array({ maxLength: len + 4 }),
      fc.constantFrom(...realBoxes.map(real)),
      mutate(fc.constantFrom(...realBoxes.map(real)))
    )
    const box: fc.Arbitrary<SealedBox> = fc.record({
      hint: fc.oneof({ arbitrary: fc.constant(ours), weight: 3 }, { arbitrary: bytesOf(8, b => b.hint), weight: 1 }),
      ephemeral: bytesOf(32, b => b.ephemeral),
      nonce: bytesOf(12, b => b.nonce),
      ciphertext: bytesOf(200, b => b.ciphertext)
    })
    const sealed: fc.Arbitrary<Sealed> = fc.array(fc.oneof(box, fc.constantFrom(...realBoxes)), { maxLength: 4 }).map(boxes => ({ boxes }))
    const tally = new Tally()
    fc.assert(fc.property(sealed, s => { tally.add(outcome(() => openSealedControl(alice, mAlice.openKey, groupId, s, verifier))) }), params)
    expect(tally.ok).toBeGreaterThan(0)
    expect(tally.refused).toBeGreaterThan(0)
  })

  it('decryptGroupMessage on random cipher bodies', () => {
    const validBodies = cipherWires.map(w => {
      const d = decodeGroupWire(w)
      if (d.kind !== 'cipher') throw new Error('cipher expected')
      return d.body
    })
    const body: fc.Arbitrary<CipherBody> = fc.oneof(
      fc.record({
        epoch: fc.oneof(fc.constant(chain.epoch), fc.uint8Array({ maxLength: 40 })),
        senderKeyId: fc.oneof(fc.constant(chain.senderKeyId), fc.uint8Array({ maxLength: 20 })),
        iteration: fc.oneof(fc.nat({ max: 10 }), fc.nat({ max: 0xffffffff })),
        ciphertext: fc.oneof(fc.uint8Array({ maxLength: 120 }), mutate(fc.constantFrom(...validBodies.map(b => b.ciphertext))))
      }),
      fc.constantFrom(...validBodies),
      mutate(fc.constantFrom(...validBodies.map(b => CipherBody.encode(b)))).chain(bytes => {
        try {
          return fc.constant(CipherBody.decode(bytes))
        } catch {
          return fc.constantFrom(...validBodies)
        }
      })
    )
    const started = decryptGroupMessage(receiving, validBodies[1]).chain
    const tally = new Tally()
    fc.assert(fc.property(body, fc.boolean(), (b, fresh) => { tally.add(outcome(() => decryptGroupMessage(fresh ? receiving : started, b))) }), params)
    expect(tally.ok).toBeGreaterThan(0)
    expect(tally.refused).toBeGreaterThan(0)
  })

  it('groupIdFromString and publicKeyFromPeerId on random text', () => {
    const peerId = peerIdFromPublicKey(founder.publicKey)
    const base58 = fc.string({ unit: fc.constantFrom(...'123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0OIl'.split('')), maxLength: 60 })
    const text = fc.oneof(fc.string({ maxLength: 80 }), base58, fc.tuple(fc.nat(), base58).map(([n, s]) => peerId.slice(0, n % peerId.length) + s), fc.constant(peerId))
    const tally = new Tally()
    fc.assert(fc.property(text, t => {
      outcome(() => groupIdFromString(t))
      tally.add(outcome(() => publicKeyFromPeerId(t)))
    }), params)
    expect(tally.ok).toBeGreaterThan(0)
    expect(tally.refused).toBeGreaterThan(0)
  })

  it('random bytes of larger sizes do not slow any decoder down', () => {
    const big = [new Uint8Array(randomBytes(1 << 20)), new Uint8Array(1 << 20).fill(0xff), new Uint8Array(1 << 20).fill(0x0a)]
    const started = performance.now()
    for (const b of big) {
      for (const decode of [decodeGroupWire, decodeHistoryPage, decodeJoinResponse, decodeLogEntry, decodeHistoryRequest]) outcome(() => decode(b))
      outcome(() => verifyJoinRequest(b, verifier))
      outcome(() => decodeInvite(INVITE_PREFIX + toBase64url(b)))
    }
    expect(performance.now() - started).toBeLessThan(2000)
  })
})
