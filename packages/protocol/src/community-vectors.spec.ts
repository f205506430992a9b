// communities.json (test-vectors/): the current code must reproduce every community log entry and record byte for
// byte from its fields, fold the log to the stored states, refuse the refused entries and resolve the fork the same
// way. A failure is a wire change that breaks compatibility with every peer and every community log already out
// there: fix the code, or if the break is intended, bump the format version and regenerate (test-vectors/generate.ts).
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { fromHex, sha256, toHex } from './bytes.js'
import {
  applyCommunityEntry, createCommunityGenesis, foldCommunityLog, mergeCommunityLog, signCommunityEntry, verifyCommunityEntry,
  type CommunityEntryFields, type CommunityState
} from './community-log.js'
import {
  decodeCommunityInvite, decodeCommunityPayload, encodeCommunityInvite, encodeCommunityPayload, signAnnouncement, signTombstone, verifyAnnouncement,
  verifyTombstone
} from './community-records.js'
import { LogEntryRejectedError } from './errors.js'
import { CommunityEntry, Signed } from './proto/kith.js'
import { Domain, identityFromSeed, sign, SignatureVerifier, type Identity } from './signing.js'

const v = JSON.parse(readFileSync(new URL('../test-vectors/communities.json', import.meta.url), 'utf8'))
const hex = toHex
const bytes = fromHex
const verifier = new SignatureVerifier()
const ids: Record<string, Identity> = Object.fromEntries(Object.entries(v.seeds).map(([n, s]) => [n, identityFromSeed(bytes(s as string))]))
const groupIds: Record<string, Uint8Array> = Object.fromEntries(Object.entries(v.groupIds).map(([n, g]) => [n, bytes(g as string)]))
const communityId = bytes(v.communityId)
const log: Uint8Array[] = v.log.entries.map((e: any) => bytes(e.bytes))

function stateJson (state: CommunityState): unknown {
  const sorted = (m: ReadonlyMap<string, unknown>): string[] => [...m.keys()].sort()
  return {
    communityId: hex(state.communityId),
    name: state.name,
    description: state.description,
    icon: state.icon,
    founder: hex(state.founder),
    announcementGroup: hex(state.announcementGroup),
    admins: sorted(state.admins),
    groups: [...state.groups.values()].map(g => ({ groupId: hex(g.groupId), name: g.name, open: g.open })).sort((a, b) => a.groupId < b.groupId ? -1 : 1),
    banned: sorted(state.banned),
    head: hex(state.head),
    length: state.length
  }
}

function fieldsOf (step: any): CommunityEntryFields {
  const f: CommunityEntryFields = {}
  if (step.name != null) f.name = step.name
  if (step.description != null) f.description = step.description
  if (step.icon != null) f.icon = step.icon
  if (step.target != null) f.target = ids[step.target].publicKey
  if (step.group != null) f.groupId = groupIds[step.group]
  if (step.open != null) f.open = step.open
  return f
}

describe('communities.json', () => {
  it('seeds give the stored keys', () => {
    for (const [n, id] of Object.entries(ids)) expect(hex(id.publicKey)).toBe(v.publicKeys[n])
  })

  it('the genesis and every entry reproduce from their fields; the id is the hash of the genesis body', () => {
    const [g, ...rest] = v.log.entries
    const genesis = createCommunityGenesis(ids[g.signer], { name: g.name, description: g.description, icon: g.icon, announcementGroup: groupIds[g.announcementGroup], timestamp: g.timestamp, nonce: bytes(g.nonce) })
    expect(hex(genesis)).toBe(g.bytes)
    expect(hex(sha256(Signed.decode(genesis).body))).toBe(v.communityId)
    let state = applyCommunityEntry(undefined, verifyCommunityEntry(undefined, genesis, verifier))
    expect(hex(state.head)).toBe(g.hash)
    expect(new Set(rest.map((e: any) => e.op))).toEqual(new Set(['SET_INFO', 'ADD_ADMIN', 'REMOVE_ADMIN', 'ADD_GROUP', 'REMOVE_GROUP', 'BAN', 'UNBAN']))
    for (const [i, e] of rest.entries()) {
      const made = signCommunityEntry(ids[e.signer], state, e.op, fieldsOf(e), e.timestamp, verifier)
      expect(hex(made), `entry ${i + 1} (${String(e.op)})`).toBe(e.bytes)
      expect(hex(sha256(made))).toBe(e.hash)
      state = applyCommunityEntry(state, verifyCommunityEntry(state, made, verifier))
    }
  })

  it('folding each prefix gives the stored state after it', () => {
    expect(v.log.states.length).toBe(log.length)
    for (let n = 1; n <= log.length; n++) expect(stateJson(foldCommunityLog(log.slice(0, n), new SignatureVerifier())), `after ${n} entries`).toEqual(v.log.states[n - 1])
  })

  it('the refused entries reproduce and are refused against the state before them', () => {
    expect(v.refused.length).toBeGreaterThan(0)
    const states = log.map((_, n) => foldCommunityLog(log.slice(0, n + 1), verifier))
    for (const r of v.refused) {
      const before = states[r.after - 1]
      const f = fieldsOf(r)
      const body = CommunityEntry.encode({
        communityId: before.communityId,
        index: BigInt(before.length),
        prev: before.head,
        op: r.op,
        signer: ids[r.signer].publicKey,
        timestamp: BigInt(r.timestamp),
        name: f.name ?? '',
        description: f.description ?? '',
        icon: f.icon ?? '',
        target: f.target ?? new Uint8Array(0),
        groupId: f.groupId ?? new Uint8Array(0),
        open: f.open ?? false,
        nonce: new Uint8Array(0)
      })
      const made = Signed.encode({ body, signature: sign(ids[r.signer], Domain.communityEntry, body) })
      expect(hex(made), r.why).toBe(r.bytes)
      expect(() => verifyCommunityEntry(before, made, verifier), r.why).toThrow(LogEntryRejectedError)
      expect(() => signCommunityEntry(ids[r.signer], before, r.op, f, r.timestamp, verifier), r.why).toThrow(LogEntryRejectedError)
    }
  })

  it('the fork resolves to the entry with the smaller hash on both peers', () => {
    const { base, a, b, winner } = v.fork
    const prefix = log.slice(0, base)
    const withA = [...prefix, bytes(a.bytes)]
    const withB = [...prefix, bytes(b.bytes)]
    const win = winner === 'a' ? withA : withB
    expect(Buffer.compare(bytes((winner === 'a' ? a : b).hash), bytes((winner === 'a' ? b : a).hash))).toBeLessThan(0)
    for (const [ours, theirs] of [[withA, withB], [withB, withA]]) {
      const kept = mergeCommunityLog(ours, theirs.slice(base), base, verifier, foldCommunityLog(ours, verifier))?.log ?? ours
      expect(kept.map(hex)).toEqual(win.map(hex))
    }
  })

  it('the announcement and the tombstone reproduce and verify', () => {
    const a = v.announcement
    const made = signAnnouncement(ids[a.signer], { communityId, text: a.text, timestamp: a.timestamp, announcementId: bytes(a.announcementId) })
    expect(hex(made)).toBe(a.bytes)
    expect(verifyAnnouncement(made, verifier)).toMatchObject({ text: a.text, timestamp: BigInt(a.timestamp) })
    const t = v.tombstone
    const tomb = signTombstone(ids[t.signer], { communityId, groupId: groupIds[t.group], messageId: t.messageId, timestamp: t.timestamp })
    expect(hex(tomb)).toBe(t.bytes)
    const verified = verifyTombstone(tomb, verifier)
    expect(verified.messageId).toBe(t.messageId)
    expect(hex(verified.groupId)).toBe(v.groupIds[t.group])
  })

  it('invites encode to the stored text and decode back', () => {
    for (const i of v.invites) {
      const info = { communityId: bytes(i.communityId), name: i.name, groupInvite: i.groupInvite }
      expect(encodeCommunityInvite(info)).toBe(i.text)
      expect(decodeCommunityInvite(i.text)).toEqual(info)
    }
  })

  it('payloads reproduce, and applying them in order rebuilds the log', () => {
    let held: { log: Uint8Array[], state?: CommunityState } = { log: [] }
    for (const p of v.payloads) {
      const record = p.record === 'announcement' ? { announcement: bytes(v.announcement.bytes) } : p.record === 'tombstone' ? { tombstone: bytes(v.tombstone.bytes) } : {}
      const made = encodeCommunityPayload({ communityId, logStart: BigInt(p.logStart), log: p.log.map((i: number) => log[i]), ...record })
      expect(hex(made)).toBe(p.bytes)
      const decoded = decodeCommunityPayload(made)
      expect(decoded.logStart).toBe(BigInt(p.logStart))
      expect(decoded.log.map(hex)).toEqual(p.log.map((i: number) => hex(log[i])))
      held = mergeCommunityLog(held.log, decoded.log, Number(decoded.logStart), verifier, held.state) ?? held
    }
    expect(held.log.map(hex)).toEqual(log.map(hex))
    expect(stateJson(held.state as CommunityState)).toEqual(v.log.states[log.length - 1])
  })
})
