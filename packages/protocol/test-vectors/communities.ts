// The community test vectors (communities.json), from fixed seeds; generate.ts writes them. Checked by
// src/community-vectors.spec.ts. Every value here is deterministic: Ed25519 signatures (RFC 8032), protobuf
// encodings of fixed fields, fixed genesis nonce and announcement id. Sealed admin notes are randomized, so none
// are stored here (seal.spec.ts and sealed.json cover the boxes).
import {
  applyCommunityEntry, CommunityEntry, CommunityOp, createCommunityGenesis, Domain, encodeCommunityInvite, encodeCommunityPayload, encodeInvite,
  identityFromSeed, sha256, sign, signAnnouncement, SignatureVerifier, signCommunityEntry, signTombstone, Signed, toHex, utf8, verifyCommunityEntry,
  type CommunityEntryFields, type CommunityState, type Identity
} from '../src/index.js'

const hex = toHex
const fixed = (name: string): Uint8Array => sha256(utf8(`kith/test-vector/${name}`))

const names = ['founder', 'admin', 'admin2', 'member', 'spammer', 'stranger'] as const
type Name = typeof names[number]
const groups = ['announcements', 'class-5b', 'football'] as const
type GroupName = typeof groups[number]

/** one entry after the genesis, as JSON: names for keys and groups, so the file reads as a story */
export interface CommunityStep {
  signer: Name
  op: CommunityOp
  timestamp: number
  name?: string
  description?: string
  icon?: string
  target?: Name
  group?: GroupName
  open?: boolean
}

export function communityStateJson (state: CommunityState): unknown {
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

/** a Signed CommunityEntry with exactly these fields: how the refused entries are built (signCommunityEntry would refuse them) */
export function craftCommunityEntry (signer: Identity, entry: CommunityEntry): Uint8Array {
  const body = CommunityEntry.encode(entry)
  return Signed.encode({ body, signature: sign(signer, Domain.communityEntry, body) })
}

export function communityVectors (): unknown {
  const verifier = new SignatureVerifier()
  const seeds = Object.fromEntries(names.map(n => [n, fixed(`seed/community-${n}`)])) as Record<Name, Uint8Array>
  const ids = Object.fromEntries(names.map(n => [n, identityFromSeed(seeds[n])])) as Record<Name, Identity>
  const groupIds = Object.fromEntries(groups.map(g => [g, fixed(`community-group/${g}`)])) as Record<GroupName, Uint8Array>
  const t0 = 1_750_000_000_000
  const CID = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi'

  const fieldsOf = (step: CommunityStep): CommunityEntryFields => ({
    ...(step.name != null ? { name: step.name } : {}),
    ...(step.description != null ? { description: step.description } : {}),
    ...(step.icon != null ? { icon: step.icon } : {}),
    ...(step.target != null ? { target: ids[step.target].publicKey } : {}),
    ...(step.group != null ? { groupId: groupIds[step.group] } : {}),
    ...(step.open != null ? { open: step.open } : {})
  })

  const genesis = { signer: 'founder' as Name, name: 'Parents of 5B', description: 'Lycée Jean Moulin — parents’ community', icon: '', announcementGroup: 'announcements' as GroupName, nonce: hex(fixed('nonce/community').subarray(0, 16)), timestamp: t0 }
  const genesisBytes = createCommunityGenesis(ids.founder, { name: genesis.name, description: genesis.description, icon: genesis.icon, announcementGroup: groupIds.announcements, timestamp: t0, nonce: fixed('nonce/community').subarray(0, 16) })

  const steps: CommunityStep[] = [
    { signer: 'founder', op: CommunityOp.SET_INFO, name: 'Parents of 5B ✓', description: 'Lycée Jean Moulin', icon: CID, timestamp: t0 + 1 },
    { signer: 'founder', op: CommunityOp.ADD_ADMIN, target: 'admin', timestamp: t0 + 2 },
    { signer: 'admin', op: CommunityOp.ADD_GROUP, group: 'class-5b', name: 'Class 5B', open: true, timestamp: t0 + 3 },
    { signer: 'founder', op: CommunityOp.ADD_GROUP, group: 'football', name: 'Football ⚽', open: false, timestamp: t0 + 4 },
    { signer: 'admin', op: CommunityOp.BAN, target: 'spammer', timestamp: t0 + 5 },
    { signer: 'admin', op: CommunityOp.ADD_ADMIN, target: 'admin2', timestamp: t0 + 6 },
    { signer: 'admin2', op: CommunityOp.REMOVE_GROUP, group: 'football', timestamp: t0 + 7 },
    { signer: 'admin2', op: CommunityOp.UNBAN, target: 'spammer', timestamp: t0 + 8 },
    { signer: 'founder', op: CommunityOp.REMOVE_ADMIN, target: 'admin', timestamp: t0 + 9 },
    { signer: 'admin2', op: CommunityOp.BAN, target: 'admin', timestamp: t0 + 10 }
  ]

  let state = applyCommunityEntry(undefined, verifyCommunityEntry(undefined, genesisBytes, verifier))
  const states: CommunityState[] = [state]
  const log: Uint8Array[] = [genesisBytes]
  const entries: unknown[] = [{ op: CommunityOp.GENESIS, ...genesis, bytes: hex(genesisBytes), hash: hex(state.head) }]
  for (const step of steps) {
    const bytes = signCommunityEntry(ids[step.signer], state, step.op, fieldsOf(step), step.timestamp, verifier)
    state = applyCommunityEntry(state, verifyCommunityEntry(state, bytes, verifier))
    states.push(state)
    log.push(bytes)
    entries.push({ ...step, bytes: hex(bytes), hash: hex(state.head) })
  }
  const communityId = states[0].communityId

  // well-formed, correctly placed and signed entries that the state before them does not allow
  const refusedSteps: Array<{ after: number, why: string, step: CommunityStep }> = [
    { after: 1, why: 'a member cannot change the community', step: { signer: 'member', op: CommunityOp.SET_INFO, name: 'mine', timestamp: t0 } },
    { after: 1, why: 'nobody makes itself admin', step: { signer: 'stranger', op: CommunityOp.ADD_ADMIN, target: 'stranger', timestamp: t0 } },
    { after: 3, why: 'nobody can remove the founder', step: { signer: 'admin', op: CommunityOp.REMOVE_ADMIN, target: 'founder', timestamp: t0 } },
    { after: 5, why: 'an admin cannot be banned', step: { signer: 'founder', op: CommunityOp.BAN, target: 'admin', timestamp: t0 } },
    { after: 6, why: 'a banned peer cannot become admin', step: { signer: 'founder', op: CommunityOp.ADD_ADMIN, target: 'spammer', timestamp: t0 } },
    { after: 10, why: 'a removed admin has no authority left', step: { signer: 'admin', op: CommunityOp.ADD_GROUP, group: 'football', name: 'back', timestamp: t0 } },
    { after: 7, why: 'the announcement group is already in the community', step: { signer: 'admin2', op: CommunityOp.ADD_GROUP, group: 'announcements', name: 'again', timestamp: t0 } },
    { after: 4, why: 'a second genesis', step: { signer: 'founder', op: CommunityOp.GENESIS, group: 'announcements', name: 'again', timestamp: t0 } }
  ]
  const refused = refusedSteps.map(({ after, why, step }) => {
    const before = states[after - 1]
    const f = fieldsOf(step)
    const entry: CommunityEntry = {
      communityId: before.communityId,
      index: BigInt(before.length),
      prev: before.head,
      op: step.op,
      signer: ids[step.signer].publicKey,
      timestamp: BigInt(step.timestamp),
      name: f.name ?? '',
      description: f.description ?? '',
      icon: f.icon ?? '',
      target: f.target ?? new Uint8Array(0),
      groupId: f.groupId ?? new Uint8Array(0),
      open: f.open ?? false,
      nonce: new Uint8Array(0)
    }
    return { after, why, ...step, bytes: hex(craftCommunityEntry(ids[step.signer], entry)) }
  })

  // a fork: two admins append at index 3 while apart; every peer keeps the entry with the smaller hash
  const forkBase = states[2]
  const forkA = signCommunityEntry(ids.founder, forkBase, CommunityOp.SET_INFO, { name: 'founder’s name', description: '', icon: '' }, t0 + 100, verifier)
  const forkB = signCommunityEntry(ids.admin, forkBase, CommunityOp.ADD_GROUP, { groupId: groupIds['class-5b'], name: 'Class 5B', open: false }, t0 + 101, verifier)
  const forkWinner = Buffer.compare(sha256(forkA), sha256(forkB)) < 0 ? 'a' : 'b'

  const announcementId = fixed('announcement-id').subarray(0, 16)
  const announcement = { signer: 'admin2' as Name, text: 'Réunion jeudi 18 h, salle 12 📅', timestamp: t0 + 1000, announcementId: hex(announcementId) }
  const announcementBytes = signAnnouncement(ids.admin2, { communityId, text: announcement.text, timestamp: announcement.timestamp, announcementId })
  const tombstone = { signer: 'admin2' as Name, group: 'class-5b' as GroupName, messageId: 'QmVictim/17', timestamp: t0 + 2000 }
  const tombstoneBytes = signTombstone(ids.admin2, { communityId, groupId: groupIds[tombstone.group], messageId: tombstone.messageId, timestamp: tombstone.timestamp })

  const groupInvite = encodeInvite({ groupId: groupIds.announcements, name: 'Parents of 5B ✓', inviteSecret: fixed('community-invite-secret'), peers: [{ publicKey: ids.founder.publicKey, addrs: ['/ip4/192.0.2.7/tcp/4001'] }] })
  const invites = [
    { communityId: hex(communityId), name: 'Parents of 5B ✓', groupInvite },
    { communityId: hex(communityId), name: '', groupInvite: '' }
  ].map(i => ({ ...i, text: encodeCommunityInvite({ communityId, name: i.name, groupInvite: i.groupInvite }) }))

  const payloads = [
    { logStart: 0, log: [0, 1, 2, 3], record: 'announcement' },
    { logStart: 4, log: [4, 5, 6, 7, 8, 9, 10], record: 'tombstone' },
    { logStart: 11, log: [], record: 'none' }
  ].map(p => ({
    ...p,
    bytes: hex(encodeCommunityPayload({
      communityId,
      logStart: BigInt(p.logStart),
      log: p.log.map(i => log[i]),
      ...(p.record === 'announcement' ? { announcement: announcementBytes } : {}),
      ...(p.record === 'tombstone' ? { tombstone: tombstoneBytes } : {})
    }))
  }))

  return {
    description: 'Community description logs and records from fixed seeds (names in signer/target refer to seeds, group names to groupIds). ' +
      'log.entries: entry 0 is createCommunityGenesis with the given nonce, each later one signCommunityEntry(signer, state before, op, fields, timestamp); ' +
      'bytes is the exact Signed CommunityEntry, hash its sha256 (the head after it), and the community id is sha256 of the genesis Signed.body. ' +
      'foldCommunityLog over the first i+1 entries must give states[i] (admins and banned as sorted hex keys, groups sorted by hex id). ' +
      'refused: well-formed, correctly placed and signed entries that verifyCommunityEntry must refuse with LogEntryRejectedError against states[after-1]. ' +
      'fork: two entries at one index on states[base-1]; mergeCommunityLog must keep the one whose hash is smaller (winner) on both peers. ' +
      'announcement / tombstone: signAnnouncement / signTombstone must give bytes exactly and verify. invites: encodeCommunityInvite must give text exactly. ' +
      'payloads: encodeCommunityPayload of log[logStart..] and the record must give bytes; applying them in order rebuilds the log. Timestamps are ms.',
    seeds: Object.fromEntries(names.map(n => [n, hex(seeds[n])])),
    publicKeys: Object.fromEntries(names.map(n => [n, hex(ids[n].publicKey)])),
    groupIds: Object.fromEntries(groups.map(g => [g, hex(groupIds[g])])),
    communityId: hex(communityId),
    log: { entries, states: states.map(communityStateJson) },
    refused,
    fork: { base: 3, a: { signer: 'founder', bytes: hex(forkA), hash: hex(sha256(forkA)) }, b: { signer: 'admin', bytes: hex(forkB), hash: hex(sha256(forkB)) }, winner: forkWinner },
    announcement: { ...announcement, bytes: hex(announcementBytes) },
    tombstone: { ...tombstone, bytes: hex(tombstoneBytes) },
    invites,
    payloads
  }
}
