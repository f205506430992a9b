// The current code must reproduce every stored test vector byte for byte (and decode it back). A failure here is
// a wire or crypto change that breaks compatibility with peers and stores already out there: fix the code, or
// if the break is intended, bump the format version and regenerate (packages/protocol/test-vectors/generate.ts).
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { peerIdFromString } from '@libp2p/peer-id'
import { fromHex, sha256, toHex } from './bytes.js'
import { LogEntryRejectedError } from './errors.js'
import { decodeGroupWire, openSealedControl } from './envelope.js'
import { decodeHistoryPage, decodeHistoryRequest, decodeJoinResponse } from './history.js'
import { groupIdFromString, groupIdToString, groupTopic, messageIdFor, peerIdFromPublicKey, publicKeyFromPeerId } from './ids.js'
import { decodeInvite, encodeInvite, signJoinProof, signJoinRequest, verifyJoinRequest, type InviteInfo } from './invite.js'
import { applyLogEntry, createGenesis, decodeLogEntry, foldLog, signLogEntry, verifyLogEntry, type GroupState, type LogEntryFields, type LogOp } from './membership-log.js'
import { HistoryPage, HistoryRequest, Inner, JoinResponse, Signed } from './proto/kith.js'
import { boxHint, openBox, x25519PrivateFromIdentity, x25519PublicFromEd25519 } from './seal.js'
import { decryptGroupMessage, deserializeChain, encryptGroupMessage, serializeChain, stepChain, type ReceivingChain, type SenderChain } from './sender-keys.js'
import { Domain, identityFromSeed, sign, SignatureVerifier, verify, type Identity } from './signing.js'

const dir = new URL('../test-vectors/', import.meta.url)
const load = (file: string): any => JSON.parse(readFileSync(new URL(file, dir), 'utf8'))
const hex = toHex
const bytes = fromHex
const verifier = new SignatureVerifier()

// channels.json is checked in channel-vectors.spec.ts
const FILES = ['channels.json', 'communities.json', 'group-ids.json', 'history.json', 'invite.json', 'log-entries.json', 'peer-ids.json', 'sealed.json', 'sender-keys.json', 'signatures.json']

function rawKey (key: ReturnType<typeof x25519PublicFromEd25519>, type: 'spki' | 'pkcs8'): string {
  const der = key.export({ format: 'der', type })
  return hex(der.subarray(der.byteLength - 32))
}

function stateJson (state: GroupState): unknown {
  return {
    groupId: hex(state.groupId),
    name: state.name,
    founder: hex(state.founder),
    direct: state.direct,
    invitePublicKey: hex(state.invitePublicKey),
    head: hex(state.head),
    length: state.length,
    members: [...state.members.values()].map(m => ({ publicKey: hex(m.publicKey), role: m.role, since: m.since })).sort((a, b) => a.publicKey < b.publicKey ? -1 : 1)
  }
}

function innerFrom (j: any): Inner {
  return { seq: BigInt(j.seq), timestamp: BigInt(j.timestamp), kind: j.kind, text: j.text, receipts: j.receipts.map((r: any) => ({ sender: bytes(r.sender), seq: BigInt(r.seq) })), padding: bytes(j.padding) }
}

function chainFrom (j: any): SenderChain {
  return { epoch: bytes(j.epoch), senderKeyId: bytes(j.senderKeyId), chainKey: bytes(j.chainKey), iteration: j.iteration }
}

function chainJson (c: SenderChain): unknown {
  return { epoch: hex(c.epoch), senderKeyId: hex(c.senderKeyId), chainKey: hex(c.chainKey), iteration: c.iteration }
}

describe('test vector files', () => {
  it('every file in test-vectors/ is checked here and says what it covers', () => {
    expect(readdirSync(dir).filter(f => f.endsWith('.json')).sort()).toEqual(FILES)
    for (const f of FILES) {
      const v = load(f)
      expect(typeof v.description, f).toBe('string')
      expect(v.description.length, f).toBeGreaterThan(40)
    }
  })
})

describe('peer-ids.json', () => {
  const v = load('peer-ids.json')
  it('identities, peer ids and X25519 keys', () => {
    expect(v.vectors.length).toBeGreaterThan(0)
    for (const x of v.vectors) {
      const id = identityFromSeed(bytes(x.seed))
      expect(hex(id.publicKey)).toBe(x.publicKey)
      expect(peerIdFromPublicKey(id.publicKey)).toBe(x.peerId)
      expect(hex(publicKeyFromPeerId(x.peerId))).toBe(x.publicKey)
      expect(hex(peerIdFromString(x.peerId).publicKey?.raw ?? new Uint8Array(0))).toBe(x.publicKey)
      expect(rawKey(x25519PublicFromEd25519(id.publicKey), 'spki')).toBe(x.x25519PublicKey)
      expect(rawKey(x25519PrivateFromIdentity(id), 'pkcs8')).toBe(x.x25519PrivateKey)
    }
  })
})

describe('group-ids.json', () => {
  const v = load('group-ids.json')
  it('group id text, topics, box hints and message ids', () => {
    for (const x of v.vectors) {
      const g = bytes(x.groupId)
      expect(groupIdToString(g)).toBe(x.groupIdString)
      expect(hex(groupIdFromString(x.groupIdString))).toBe(x.groupId)
      expect(groupTopic(g)).toBe(x.topic)
      for (const h of x.hints) expect(hex(boxHint(g, bytes(h.recipient)))).toBe(h.hint)
      for (const m of x.messageIds) expect(messageIdFor(g, bytes(m.sender), m.seq)).toBe(m.messageId)
    }
  })
})

describe('signatures.json', () => {
  const v = load('signatures.json')
  it('covers every domain', () => {
    expect(new Set(v.vectors.map((x: any) => x.domain))).toEqual(new Set(Object.values(Domain)))
  })
  it('signatures reproduce and verify only under their own domain', () => {
    for (const x of v.vectors) {
      const id = identityFromSeed(bytes(x.seed))
      expect(hex(id.publicKey)).toBe(x.publicKey)
      expect(hex(sign(id, x.domain, bytes(x.message)))).toBe(x.signature)
      for (const d of Object.values(Domain)) expect(verify(id.publicKey, d, bytes(x.message), bytes(x.signature))).toBe(d === x.domain)
    }
  })
})

describe('log-entries.json', () => {
  const v = load('log-entries.json')
  const ids: Record<string, Identity> = Object.fromEntries(Object.entries(v.seeds).map(([n, s]) => [n, identityFromSeed(bytes(s as string))]))
  const seeds: Record<string, Uint8Array> = Object.fromEntries(Object.entries(v.seeds).map(([n, s]) => [n, bytes(s as string)]))

  function fieldsOf (x: any, state: GroupState): LogEntryFields {
    const f: LogEntryFields = {}
    if (x.target != null) f.target = ids[x.target].publicKey
    if (x.name != null) f.name = x.name
    if (x.invitePublicKey != null) f.invitePublicKey = ids[x.invitePublicKey].publicKey
    if (x.inviteSigner != null) f.inviteSignature = signJoinProof(seeds[x.inviteSigner], state.groupId, ids[x.target].publicKey)
    return f
  }

  /** every entry re-signed from its fields, checked against the stored bytes; returns the states */
  function replay (log: any): GroupState[] {
    const states: GroupState[] = []
    let state: GroupState | undefined
    for (const [i, x] of log.entries.entries()) {
      const made = i === 0
        ? createGenesis(ids[x.signer], { name: x.name, invitePublicKey: ids[x.invitePublicKey].publicKey, timestamp: x.timestamp, nonce: bytes(x.nonce), direct: x.direct })
        : signLogEntry(ids[x.signer], state as GroupState, x.op as LogOp, fieldsOf(x, state as GroupState), x.timestamp)
      expect(hex(made), `${log.name} entry ${i} (${x.op})`).toBe(x.bytes)
      expect(hex(sha256(made))).toBe(x.hash)
      state = applyLogEntry(state, verifyLogEntry(state, bytes(x.bytes), verifier))
      states.push(state)
    }
    return states
  }

  it('has logs with every op', () => {
    const ops = new Set(v.logs.flatMap((l: any) => l.entries.map((e: any) => e.op)))
    expect([...ops].sort()).toEqual(['ADD', 'DEMOTE', 'GENESIS', 'JOIN', 'LEAVE', 'PROMOTE', 'REMOVE', 'RENAME', 'SET_INVITE'])
  })

  it('every entry is reproduced byte for byte from its fields, and its hash is the head after it', () => {
    for (const log of v.logs) {
      const states = replay(log)
      expect(states.map(stateJson)).toEqual(log.states)
    }
  })

  it('foldLog over each prefix gives the stored state, and entries decode to their fields', () => {
    for (const log of v.logs) {
      const entries = log.entries.map((e: any) => bytes(e.bytes))
      for (let n = 1; n <= entries.length; n++) expect(stateJson(foldLog(entries.slice(0, n), verifier))).toEqual(log.states[n - 1])
      for (const [i, x] of log.entries.entries()) {
        const { entry, signature, hash } = decodeLogEntry(bytes(x.bytes))
        expect(entry.op).toBe(x.op)
        expect(entry.index).toBe(BigInt(i))
        expect(hex(entry.signer)).toBe(hex(ids[x.signer].publicKey))
        expect(entry.timestamp).toBe(BigInt(x.timestamp))
        expect(hex(hash)).toBe(x.hash)
        expect(verify(entry.signer, Domain.logEntry, Signed.decode(bytes(x.bytes)).body, signature)).toBe(true)
        if (i > 0) expect(hex(entry.prev)).toBe(log.entries[i - 1].hash)
      }
    }
  })

  it('the rejected entries reproduce and are refused with LogEntryRejectedError', () => {
    const main = v.logs.find((l: any) => l.name === 'main')
    const entries = main.entries.map((e: any) => bytes(e.bytes))
    expect(v.rejected.length).toBeGreaterThan(0)
    for (const x of v.rejected) {
      const state = foldLog(entries.slice(0, x.after), verifier)
      expect(hex(signLogEntry(ids[x.signer], state, x.op, fieldsOf(x, state), x.timestamp)), x.why).toBe(x.bytes)
      expect(() => verifyLogEntry(state, bytes(x.bytes), verifier), x.why).toThrow(LogEntryRejectedError)
    }
  })
})

describe('invite.json', () => {
  const v = load('invite.json')
  const inviteFrom = (j: any): InviteInfo => ({ groupId: bytes(j.groupId), name: j.name, inviteSecret: bytes(j.inviteSecret), peers: j.peers.map((p: any) => ({ publicKey: bytes(p.publicKey), addrs: p.addrs })) })

  it('invite texts encode exactly and decode back', () => {
    for (const x of v.invites) {
      const invite = inviteFrom(x)
      expect(encodeInvite(invite)).toBe(x.text)
      expect(decodeInvite(x.text)).toEqual(invite)
    }
  })

  it('join proofs and join requests reproduce and verify', () => {
    for (const x of v.joinProofs) {
      expect(hex(signJoinProof(bytes(x.inviteSecret), bytes(x.groupId), bytes(x.joiner)))).toBe(x.signature)
    }
    for (const x of v.joinRequests) {
      const invite = inviteFrom(v.invites[x.invite])
      const joiner = identityFromSeed(bytes(x.joinerSeed))
      expect(hex(signJoinRequest(joiner, invite, x.timestamp))).toBe(x.bytes)
      const request = verifyJoinRequest(bytes(x.bytes), verifier)
      expect(hex(request.publicKey)).toBe(hex(joiner.publicKey))
      expect(hex(request.groupId)).toBe(hex(invite.groupId))
      expect(request.timestamp).toBe(BigInt(x.timestamp))
    }
  })
})

describe('sender-keys.json', () => {
  const v = load('sender-keys.json')
  const sender = identityFromSeed(bytes(v.senderSeed))

  it('messages encrypt to the stored wire exactly and ratchet to the stored chain', () => {
    expect(hex(sender.publicKey)).toBe(v.sender)
    for (const c of v.chains) {
      let chain = chainFrom(c.chain)
      for (const m of c.messages) {
        const out = encryptGroupMessage(sender, chain, innerFrom(m.inner))
        expect(hex(out.wire)).toBe(m.wire)
        expect(chainJson(out.chain)).toEqual(m.chainAfter)
        chain = out.chain
      }
    }
  })

  it('messages decrypt back to their inner, in order and in reverse', () => {
    for (const c of v.chains) {
      const start: ReceivingChain = { ...chainFrom(c.chain), sender: sender.publicKey, skipped: new Map() }
      for (const order of [c.messages, [...c.messages].reverse()]) {
        let receiver = start
        for (const m of order) {
          const decoded = decodeGroupWire(bytes(m.wire))
          expect(decoded.kind).toBe('cipher')
          if (decoded.kind !== 'cipher') continue
          expect(verify(sender.publicKey, Domain.cipher, decoded.bodyBytes, decoded.signature)).toBe(true)
          const out = decryptGroupMessage(receiver, decoded.body)
          expect(out.inner).toEqual(innerFrom(m.inner))
          receiver = out.chain
        }
      }
    }
  })

  it('stepChain and the stored chain JSON', () => {
    for (const s of v.stepChain) {
      const out = stepChain(bytes(s.chainKey))
      expect(hex(out.messageKey)).toBe(s.messageKey)
      expect(hex(out.next)).toBe(s.next)
    }
    const j = v.serialized.chain
    const chain: ReceivingChain = { ...chainFrom(j), sender: bytes(j.sender), skipped: new Map(j.skipped.map(([i, k]: [number, string]) => [i, bytes(k)])) }
    expect(serializeChain(chain)).toBe(v.serialized.json)
    expect(deserializeChain(v.serialized.json)).toEqual(chain)
  })
})

describe('sealed.json', () => {
  const v = load('sealed.json')

  it('stored boxes open to the stored plaintext', () => {
    for (const x of v.boxes) {
      const id = identityFromSeed(bytes(x.recipientSeed))
      const box = { hint: bytes(x.box.hint), ephemeral: bytes(x.box.ephemeral), nonce: bytes(x.box.nonce), ciphertext: bytes(x.box.ciphertext) }
      expect(hex(openBox(id, x25519PrivateFromIdentity(id), box))).toBe(x.plaintext)
    }
  })

  it('stored sealed control messages open for each recipient to the stored Control, and for nobody else', () => {
    for (const x of v.controls) {
      const groupId = bytes(x.groupId)
      const decoded = decodeGroupWire(bytes(x.wire))
      expect(decoded.kind).toBe('sealed')
      if (decoded.kind !== 'sealed') continue
      expect(decoded.sealed.boxes.length).toBe(x.recipientSeeds.length)
      for (const seed of x.recipientSeeds) {
        const id = identityFromSeed(bytes(seed))
        const control = openSealedControl(id, x25519PrivateFromIdentity(id), groupId, decoded.sealed, verifier)
        expect(control).toBeDefined()
        if (control == null) continue
        const e = x.expected
        expect(hex(control.groupId)).toBe(e.groupId)
        expect(hex(control.sender)).toBe(e.sender)
        expect(hex(control.recipient)).toBe(hex(id.publicKey))
        expect(control.timestamp).toBe(BigInt(e.timestamp))
        expect(control.logEntries.map(hex)).toEqual(e.logEntries)
        expect(control.senderKey != null ? chainJson(control.senderKey) : null).toEqual(e.senderKey)
        expect(control.keyAck != null ? { epoch: hex(control.keyAck.epoch), senderKeyId: hex(control.keyAck.senderKeyId) } : null).toEqual(e.keyAck)
        expect(control.keyRequest ?? null).toEqual(e.keyRequest)
        expect(hex(control.inviteSecret)).toBe(e.inviteSecret)
      }
      for (const seed of x.nonRecipientSeeds) {
        const id = identityFromSeed(bytes(seed))
        expect(openSealedControl(id, x25519PrivateFromIdentity(id), groupId, decoded.sealed, verifier)).toBeUndefined()
      }
    }
  })
})

describe('history.json', () => {
  const v = load('history.json')

  it('history requests', () => {
    for (const x of v.historyRequests) {
      const fields = { topic: x.topic, since: BigInt(x.since), cursor: x.cursor, limit: x.limit }
      expect(hex(HistoryRequest.encode(fields))).toBe(x.bytes)
      expect(decodeHistoryRequest(bytes(x.bytes))).toEqual(fields)
    }
  })

  it('history pages', () => {
    for (const x of v.historyPages) {
      const fields = { messages: x.messages.map(bytes), cursor: x.cursor }
      expect(hex(HistoryPage.encode(fields))).toBe(x.bytes)
      expect(decodeHistoryPage(bytes(x.bytes))).toEqual(fields)
    }
  })

  it('join responses', () => {
    for (const x of v.joinResponses) {
      const fields = { accepted: x.accepted, error: x.error, log: x.log.map(bytes) }
      expect(hex(JoinResponse.encode(fields))).toBe(x.bytes)
      expect(decodeJoinResponse(bytes(x.bytes))).toEqual(fields)
    }
  })
})
