import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { concat, toBase64url } from './bytes.js'
import { MalformedInviteError, MalformedMessageError } from './errors.js'
import {
  decodeInvite, encodeInvite, INVITE_PREFIX, inviteIdentity, MAX_INVITE_PEERS, MAX_JOIN_REQUEST_BYTES, signJoinProof, signJoinRequest,
  verifyJoinRequest, type InviteInfo
} from './invite.js'
import { joinProofBytes } from './membership-log.js'
import { Invite, JoinRequest, Signed } from './proto/kith.js'
import { Domain, generateIdentity, sign, SignatureVerifier, verify } from './signing.js'

const verifier = new SignatureVerifier()

function sampleInvite (peers = 2): InviteInfo {
  return {
    groupId: new Uint8Array(randomBytes(32)),
    name: 'Café ☕ friends',
    inviteSecret: new Uint8Array(randomBytes(32)),
    peers: Array.from({ length: peers }, (_, i) => ({
      publicKey: generateIdentity().publicKey,
      addrs: [`/ip4/10.0.0.${i}/tcp/4001`, `/dns4/relay.example/tcp/443/wss/p2p-circuit/p${i}`]
    }))
  }
}

function expectInviteError (text: string): void {
  let thrown: unknown
  try {
    decodeInvite(text)
  } catch (err) {
    thrown = err
  }
  expect(thrown, JSON.stringify(text.slice(0, 60))).toBeInstanceOf(MalformedInviteError)
  expect((thrown as Error).name).toBe('MalformedInviteError')
}

describe('invite text', () => {
  it('round-trips through encodeInvite / decodeInvite', () => {
    for (const peers of [0, 1, 3, MAX_INVITE_PEERS]) {
      const invite = sampleInvite(peers)
      const text = encodeInvite(invite)
      expect(text.startsWith(INVITE_PREFIX)).toBe(true)
      expect(text).toMatch(/^kith:\/\/invite\/[A-Za-z0-9_-]+$/)
      expect(decodeInvite(text)).toEqual(invite)
    }
  })

  it('tolerates surrounding whitespace from a paste', () => {
    const invite = sampleInvite()
    expect(decodeInvite(`\n  ${encodeInvite(invite)}  \r\n`)).toEqual(invite)
  })

  it('keeps at most MAX_INVITE_PEERS peers and 8 addresses each when encoding', () => {
    const invite = sampleInvite(MAX_INVITE_PEERS + 4)
    invite.peers[0].addrs = Array.from({ length: 12 }, (_, i) => `/ip4/1.2.3.${i}/tcp/1`)
    const decoded = decodeInvite(encodeInvite(invite))
    expect(decoded.peers.length).toBe(MAX_INVITE_PEERS)
    expect(decoded.peers[0].addrs.length).toBe(8)
    expect(decoded.peers.map(p => p.publicKey)).toEqual(invite.peers.slice(0, MAX_INVITE_PEERS).map(p => p.publicKey))
  })

  it('refuses text that does not start with kith://invite/', () => {
    const text = encodeInvite(sampleInvite())
    for (const bad of ['', 'hello', text.slice(INVITE_PREFIX.length), text.replace('kith://', 'https://'), text.replace('kith', 'KITH'), 'kith://invite', `x${text}`, `kith:/invite/${text.slice(INVITE_PREFIX.length)}`]) {
      expectInviteError(bad)
    }
  })

  it('refuses damaged text with MalformedInviteError', () => {
    const text = encodeInvite(sampleInvite())
    const payload = text.slice(INVITE_PREFIX.length)
    expectInviteError(INVITE_PREFIX)
    expectInviteError(text.slice(0, INVITE_PREFIX.length + 10))
    expectInviteError(text.slice(0, text.length - 30))
    expectInviteError(`${text}!`)
    expectInviteError(`${text.slice(0, 40)} ${text.slice(40)}`)
    expectInviteError(`${text}==`)
    expectInviteError(INVITE_PREFIX + payload.replace(/[A-Za-z]/g, c => c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()))
    expectInviteError(INVITE_PREFIX + 'A'.repeat(9000))
    expectInviteError(INVITE_PREFIX + '_'.repeat(50))
  })

  it('refuses a well-formed protobuf with a wrong-length group id or secret, or too many peers', () => {
    const good = sampleInvite()
    const enc = (i: Partial<Invite>): string => INVITE_PREFIX + toBase64url(Invite.encode({ ...good, ...i }))
    expectInviteError(enc({ groupId: new Uint8Array(31) }))
    expectInviteError(enc({ groupId: new Uint8Array(0) }))
    expectInviteError(enc({ inviteSecret: new Uint8Array(64) }))
    expectInviteError(enc({ inviteSecret: new Uint8Array(0) }))
    expectInviteError(enc({ peers: Array.from({ length: MAX_INVITE_PEERS + 1 }, () => ({ publicKey: new Uint8Array(32), addrs: [] })) }))
  })

  it('drops peers whose public key is not 32 bytes', () => {
    const good = sampleInvite(2)
    const text = INVITE_PREFIX + toBase64url(Invite.encode({ ...good, peers: [{ publicKey: new Uint8Array(5), addrs: ['/x'] }, ...good.peers] }))
    expect(decodeInvite(text).peers).toEqual(good.peers)
  })
})

describe('join proofs and requests', () => {
  it('the invite key signs the join proof over groupId || joiner in the join domain', () => {
    const invite = sampleInvite()
    const joiner = generateIdentity()
    const proof = signJoinProof(invite.inviteSecret, invite.groupId, joiner.publicKey)
    const key = inviteIdentity(invite.inviteSecret).publicKey
    expect(verify(key, Domain.join, joinProofBytes(invite.groupId, joiner.publicKey), proof)).toBe(true)
    expect(verify(key, Domain.join, concat(invite.groupId, joiner.publicKey), proof)).toBe(true)
    expect(verify(key, Domain.joinRequest, joinProofBytes(invite.groupId, joiner.publicKey), proof)).toBe(false)
    expect(verify(key, Domain.join, joinProofBytes(invite.groupId, generateIdentity().publicKey), proof)).toBe(false)
  })

  it('signJoinRequest / verifyJoinRequest round-trip', () => {
    const invite = sampleInvite()
    const joiner = generateIdentity()
    const bytes = signJoinRequest(joiner, invite, 1_700_000_000_123.7)
    const request = verifyJoinRequest(bytes, verifier)
    expect(request.groupId).toEqual(invite.groupId)
    expect(request.publicKey).toEqual(joiner.publicKey)
    expect(request.timestamp).toBe(1_700_000_000_123n)
    expect(request.inviteSignature).toEqual(signJoinProof(invite.inviteSecret, invite.groupId, joiner.publicKey))
  })

  it('verifyJoinRequest refuses tampered, forged, oversize and malformed requests with a named error', () => {
    const invite = sampleInvite()
    const joiner = generateIdentity()
    const bytes = signJoinRequest(joiner, invite, 1)
    const { body, signature } = Signed.decode(bytes)
    const request = JoinRequest.decode(body)
    const signedBy = (req: JoinRequest, who = joiner, domain: Domain = Domain.joinRequest): Uint8Array => {
      const b = JoinRequest.encode(req)
      return Signed.encode({ body: b, signature: sign(who, domain, b) })
    }
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      new Uint8Array(MAX_JOIN_REQUEST_BYTES + 1),
      Uint8Array.of(0x0a, 0x10, 1, 2),
      bytes.subarray(0, bytes.byteLength - 1),
      Signed.encode({ body, signature: signature.map((b, i) => i === 0 ? b ^ 1 : b) }),
      Signed.encode({ body: JoinRequest.encode({ ...request, timestamp: 2n }), signature }),
      // signed by someone else than the key it names
      signedBy(request, generateIdentity()),
      // signed in another domain
      signedBy(request, joiner, Domain.join),
      signedBy({ ...request, groupId: new Uint8Array(31) }),
      signedBy({ ...request, publicKey: new Uint8Array(0) })
    ]
    for (const b of bad) {
      let name = 'none'
      try { verifyJoinRequest(b, verifier) } catch (err) { name = (err as Error).name }
      expect(['MalformedMessageError', 'InvalidSignatureError']).toContain(name)
    }
  })
})
