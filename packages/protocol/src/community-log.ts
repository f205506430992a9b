import { randomBytes } from 'node:crypto'
import { copy, equals, sha256, toHex } from './bytes.js'
import { LogEntryRejectedError, MalformedMessageError } from './errors.js'
import { GROUP_ID_LENGTH } from './ids.js'
import { CommunityEntry, Signed } from './proto/kith.js'
import { Domain, PUBLIC_KEY_LENGTH, sign, SignatureVerifier, type Identity } from './signing.js'
import { markVerified, type Verified } from './verified.js'

export const CommunityOp = CommunityEntry.Op
export type CommunityOp = CommunityEntry.Op

// a 2,048-character description in a 3-byte script, a 200-character name and the fixed fields fit
export const MAX_COMMUNITY_ENTRY_BYTES = 8192
export const MAX_COMMUNITY_LOG_LENGTH = 10_000
export const MAX_COMMUNITY_NAME_LENGTH = 200
export const MAX_COMMUNITY_DESCRIPTION_LENGTH = 2048
export const MAX_COMMUNITY_GROUPS = 500

export interface CommunityGroupInfo {
  readonly groupId: Uint8Array
  readonly name: string
  /** members may join without an admin's approval */
  readonly open: boolean
}

/** The description after a prefix of the community log; never mutated, every change makes a new one */
export interface CommunityState {
  readonly communityId: Uint8Array
  readonly name: string
  readonly description: string
  readonly icon: string
  readonly founder: Uint8Array
  readonly announcementGroup: Uint8Array
  /** hex public key → public key */
  readonly admins: ReadonlyMap<string, Uint8Array>
  /** hex group id → group */
  readonly groups: ReadonlyMap<string, CommunityGroupInfo>
  readonly banned: ReadonlyMap<string, Uint8Array>
  readonly head: Uint8Array
  readonly length: number
}

export interface ParsedCommunityEntry {
  readonly bytes: Uint8Array
  readonly entry: CommunityEntry
  readonly body: Uint8Array
  readonly signature: Uint8Array
  readonly hash: Uint8Array
}

export function decodeCommunityEntry (bytes: Uint8Array): ParsedCommunityEntry {
  if (bytes.byteLength > MAX_COMMUNITY_ENTRY_BYTES) throw new MalformedMessageError(`community entry of ${bytes.byteLength} bytes is over ${MAX_COMMUNITY_ENTRY_BYTES}`)
  try {
    const signed = Signed.decode(bytes)
    const entry = CommunityEntry.decode(signed.body)
    // the head hash is over these exact bytes: only the canonical encoding keeps every peer on one head
    if (!equals(Signed.encode({ body: signed.body, signature: signed.signature }), bytes)) throw new Error('not in canonical form')
    return { bytes: copy(bytes), entry, body: signed.body, signature: signed.signature, hash: sha256(bytes) }
  } catch (err) {
    throw new MalformedMessageError(`community entry does not decode: ${(err as Error).message}`)
  }
}

export function isCommunityAdmin (state: CommunityState, publicKey: Uint8Array): boolean {
  return state.admins.has(toHex(publicKey))
}

export function isBanned (state: CommunityState, publicKey: Uint8Array): boolean {
  return state.banned.has(toHex(publicKey))
}

function reject (why: string): never {
  throw new LogEntryRejectedError(why)
}

function checkKey (key: Uint8Array, what: string): void {
  if (key.byteLength !== PUBLIC_KEY_LENGTH) reject(`${what} is not a 32-byte public key`)
}

function checkInfo (entry: CommunityEntry): void {
  if (entry.name.length > MAX_COMMUNITY_NAME_LENGTH) reject('name too long')
  if (entry.description.length > MAX_COMMUNITY_DESCRIPTION_LENGTH) reject('description too long')
  if (entry.icon.length > 200) reject('icon reference too long')
}

/**
 * Checks an entry against the state before it: signature, position and authority. Authority comes only from the
 * state before the entry, so no one makes itself admin, and the founder cannot be removed.
 */
export function verifyCommunityEntry (state: CommunityState | undefined, bytes: Uint8Array, verifier: SignatureVerifier): Verified<ParsedCommunityEntry> {
  const parsed = decodeCommunityEntry(bytes)
  const { entry } = parsed
  checkKey(entry.signer, 'signer')
  if (!verifier.verify(entry.signer, Domain.communityEntry, parsed.body, parsed.signature)) reject('bad signature')

  if (state == null) {
    if (entry.op !== CommunityOp.GENESIS) reject('the first entry must be the genesis')
    if (entry.index !== 0n || entry.prev.byteLength !== 0 || entry.communityId.byteLength !== 0) reject('malformed genesis')
    if (entry.groupId.byteLength !== GROUP_ID_LENGTH) reject('the genesis names no announcement group')
    checkInfo(entry)
    return markVerified(parsed)
  }
  if (entry.op === CommunityOp.GENESIS) reject('a second genesis')
  if (!equals(entry.communityId, state.communityId)) reject('entry of another community')
  if (entry.index !== BigInt(state.length)) reject(`entry index ${entry.index} where ${state.length} was expected`)
  if (!equals(entry.prev, state.head)) reject('entry does not follow the current head')
  if (state.length >= MAX_COMMUNITY_LOG_LENGTH) reject('the community log is full')
  if (!isCommunityAdmin(state, entry.signer)) reject('only an admin can change the community')

  const target = toHex(entry.target)
  const group = toHex(entry.groupId)
  switch (entry.op) {
    case CommunityOp.SET_INFO:
      checkInfo(entry)
      break
    case CommunityOp.ADD_ADMIN:
      checkKey(entry.target, 'target')
      if (state.admins.has(target)) reject('already an admin')
      if (state.banned.has(target)) reject('a banned peer cannot be an admin')
      break
    case CommunityOp.REMOVE_ADMIN:
      if (!state.admins.has(target)) reject('not an admin')
      if (equals(entry.target, state.founder)) reject('the founder cannot be removed')
      break
    case CommunityOp.ADD_GROUP:
      if (entry.groupId.byteLength !== GROUP_ID_LENGTH) reject('not a group id')
      if (equals(entry.groupId, state.announcementGroup) || state.groups.has(group)) reject('the group is already in the community')
      if (state.groups.size >= MAX_COMMUNITY_GROUPS) reject('too many groups')
      checkInfo(entry)
      break
    case CommunityOp.REMOVE_GROUP:
      if (!state.groups.has(group)) reject('not a group of the community')
      break
    case CommunityOp.BAN:
      checkKey(entry.target, 'target')
      if (state.banned.has(target)) reject('already banned')
      if (state.admins.has(target)) reject('an admin cannot be banned; remove it as admin first')
      break
    case CommunityOp.UNBAN:
      if (!state.banned.has(target)) reject('not banned')
      break
    default:
      reject(`unknown op ${String(entry.op)}`)
  }
  return markVerified(parsed)
}

/** the state after a verified entry; the input state is left as it was */
export function applyCommunityEntry (state: CommunityState | undefined, verified: Verified<ParsedCommunityEntry>): CommunityState {
  const { entry, hash } = verified
  if (state == null) {
    return {
      communityId: sha256(verified.body),
      name: entry.name,
      description: entry.description,
      icon: entry.icon,
      founder: copy(entry.signer),
      announcementGroup: copy(entry.groupId),
      admins: new Map([[toHex(entry.signer), copy(entry.signer)]]),
      groups: new Map(),
      banned: new Map(),
      head: copy(hash),
      length: 1
    }
  }
  let { name, description, icon } = state
  const admins = new Map(state.admins)
  const groups = new Map(state.groups)
  const banned = new Map(state.banned)
  const target = toHex(entry.target)
  switch (entry.op) {
    case CommunityOp.SET_INFO:
      ({ name, description, icon } = entry)
      break
    case CommunityOp.ADD_ADMIN: admins.set(target, copy(entry.target)); break
    case CommunityOp.REMOVE_ADMIN: admins.delete(target); break
    case CommunityOp.ADD_GROUP: groups.set(toHex(entry.groupId), { groupId: copy(entry.groupId), name: entry.name, open: entry.open }); break
    case CommunityOp.REMOVE_GROUP: groups.delete(toHex(entry.groupId)); break
    case CommunityOp.BAN: banned.set(target, copy(entry.target)); break
    case CommunityOp.UNBAN: banned.delete(target); break
  }
  return { ...state, name, description, icon, admins, groups, banned, head: copy(hash), length: state.length + 1 }
}

/** verify and apply a whole log from its genesis; throws on the first entry that does not hold */
export function foldCommunityLog (entries: Uint8Array[], verifier: SignatureVerifier): CommunityState {
  let state: CommunityState | undefined
  for (const bytes of entries) state = applyCommunityEntry(state, verifyCommunityEntry(state, bytes, verifier))
  if (state == null) throw new LogEntryRejectedError('an empty community log')
  return state
}

export interface CommunityEntryFields {
  name?: string
  description?: string
  icon?: string
  target?: Uint8Array
  groupId?: Uint8Array
  open?: boolean
}

function encodeSigned (identity: Identity, entry: CommunityEntry): Uint8Array {
  const body = CommunityEntry.encode(entry)
  return Signed.encode({ body, signature: sign(identity, Domain.communityEntry, body) })
}

function timestampOf (ms: number): bigint {
  return BigInt(Math.max(0, Math.floor(Number.isFinite(ms) ? ms : 0)))
}

/** build and sign the entry that follows `state`; checks it as a receiver would, so a bad change fails here first */
export function signCommunityEntry (identity: Identity, state: CommunityState, op: CommunityOp, fields: CommunityEntryFields, timestamp: number, verifier: SignatureVerifier): Uint8Array {
  const bytes = encodeSigned(identity, {
    communityId: new Uint8Array(state.communityId),
    index: BigInt(state.length),
    prev: new Uint8Array(state.head),
    op,
    signer: new Uint8Array(identity.publicKey),
    timestamp: timestampOf(timestamp),
    name: fields.name ?? '',
    description: fields.description ?? '',
    icon: fields.icon ?? '',
    target: new Uint8Array(fields.target ?? new Uint8Array(0)),
    groupId: new Uint8Array(fields.groupId ?? new Uint8Array(0)),
    open: fields.open ?? false,
    nonce: new Uint8Array(0)
  })
  verifyCommunityEntry(state, bytes, verifier)
  return bytes
}

export interface CommunityGenesisInit {
  name: string
  description?: string
  icon?: string
  announcementGroup: Uint8Array
  timestamp: number
  nonce?: Uint8Array
}

export function createCommunityGenesis (identity: Identity, init: CommunityGenesisInit, verifier?: SignatureVerifier): Uint8Array {
  if (init.name.length > MAX_COMMUNITY_NAME_LENGTH) throw new LogEntryRejectedError('name too long')
  if ((init.description ?? '').length > MAX_COMMUNITY_DESCRIPTION_LENGTH) throw new LogEntryRejectedError('description too long')
  if (init.announcementGroup.byteLength !== GROUP_ID_LENGTH) throw new LogEntryRejectedError('not a group id')
  const bytes = encodeSigned(identity, {
    communityId: new Uint8Array(0),
    index: 0n,
    prev: new Uint8Array(0),
    op: CommunityOp.GENESIS,
    signer: new Uint8Array(identity.publicKey),
    timestamp: timestampOf(init.timestamp),
    name: init.name,
    description: init.description ?? '',
    icon: init.icon ?? '',
    target: new Uint8Array(0),
    groupId: new Uint8Array(init.announcementGroup),
    open: false,
    nonce: new Uint8Array(init.nonce ?? randomBytes(16))
  })
  // checked as every receiver will: a genesis that peers refuse must fail here, not after it is shared
  try {
    verifyCommunityEntry(undefined, bytes, verifier ?? new SignatureVerifier(1))
  } catch (err) {
    throw new LogEntryRejectedError((err as Error).message)
  }
  return bytes
}

/** whether entry `a` takes away the authority of the signer of `b` */
function revokes (a: CommunityEntry, b: CommunityEntry): boolean {
  return (a.op === CommunityOp.REMOVE_ADMIN || a.op === CommunityOp.BAN) && equals(a.target, b.signer)
}

/**
 * Merge what a peer sent (`incoming`, consecutive entries from index `start`) into the log we hold. Returns the
 * log to keep, or undefined when ours stays. Two admins may append at one index while apart. At the first
 * differing entry, a branch that removes the other branch's signer as admin wins (or a removed admin could sign an
 * entry at the index of its removal, grind its hash smaller, and undo the removal); otherwise the smaller hash wins,
 * as in group logs, so all peers converge. Hashes can still be ground by an admin in good standing to drop a
 * concurrent change of another admin's: admins are trusted with the description, as they are in WhatsApp.
 * Throws LogEntryRejectedError when the incoming entries do not verify or do not attach to our log.
 */
export function mergeCommunityLog (ours: Uint8Array[], incoming: Uint8Array[], start: number, verifier: SignatureVerifier, ourState?: CommunityState): { log: Uint8Array[], state: CommunityState } | undefined {
  if (incoming.length === 0) return undefined
  if (start > ours.length) reject(`entries start at ${start} but we hold ${ours.length}`)
  // the first index where the incoming entries differ from ours
  let fork = start
  while (fork - start < incoming.length && fork < ours.length && equals(ours[fork], incoming[fork - start])) fork++
  if (fork - start === incoming.length) return undefined
  let candidate: Uint8Array[]
  if (fork < ours.length) {
    if (fork === 0) reject('a log of another community')
    const mine = decodeCommunityEntry(ours[fork])
    const theirs = decodeCommunityEntry(incoming[fork - start])
    const theyRevoke = revokes(theirs.entry, mine.entry)
    const weRevoke = revokes(mine.entry, theirs.entry)
    if (weRevoke && !theyRevoke) return undefined
    if (!(theyRevoke && !weRevoke) && Buffer.compare(theirs.hash, mine.hash) > 0) return undefined
    candidate = [...ours.slice(0, fork), ...incoming.slice(fork - start)]
  } else {
    candidate = [...ours, ...incoming.slice(fork - start)]
    if (ourState != null && ourState.length === ours.length) {
      // a plain extension: only the new entries need checking
      let state = ourState
      for (const bytes of candidate.slice(ours.length)) state = applyCommunityEntry(state, verifyCommunityEntry(state, bytes, verifier))
      return { log: candidate, state }
    }
  }
  if (candidate.length > MAX_COMMUNITY_LOG_LENGTH) reject('the community log is full')
  const state = foldCommunityLog(candidate, verifier)
  return { log: candidate, state }
}
