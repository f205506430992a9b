import { randomBytes } from 'node:crypto'
import { concat, copy, equals, sha256, toHex } from './bytes.js'
import { LogEntryRejectedError, MalformedMessageError } from './errors.js'
import { LogEntry, Signed } from './proto/kith.js'
import { Domain, PUBLIC_KEY_LENGTH, sign, type Identity, type SignatureVerifier } from './signing.js'
import { markVerified, type Verified } from './verified.js'

export type Role = 'admin' | 'member'
export const LogOp = LogEntry.Op
export type LogOp = LogEntry.Op

export const MAX_LOG_ENTRY_BYTES = 2048
export const MAX_GROUP_NAME_LENGTH = 200
export const FLAG_DIRECT = 1
/** only admins post text: a community's announcement group */
export const FLAG_ANNOUNCE = 2

export interface MemberInfo {
  readonly publicKey: Uint8Array
  readonly role: Role
  /** log index of the entry that made it a member */
  readonly since: number
}

/** The membership state after a prefix of the log; never mutated, every change makes a new one */
export interface GroupState {
  readonly groupId: Uint8Array
  readonly name: string
  readonly founder: Uint8Array
  readonly direct: boolean
  /** only admins may post text */
  readonly announceOnly: boolean
  /** keyed by the hex public key */
  readonly members: ReadonlyMap<string, MemberInfo>
  readonly invitePublicKey: Uint8Array
  /** sha256 of the last Signed entry: the epoch id every message of this state is bound to */
  readonly head: Uint8Array
  readonly length: number
}

export interface ParsedLogEntry {
  readonly bytes: Uint8Array
  readonly entry: LogEntry
  readonly signature: Uint8Array
  readonly hash: Uint8Array
}

export function decodeLogEntry (bytes: Uint8Array): ParsedLogEntry {
  if (bytes.byteLength > MAX_LOG_ENTRY_BYTES) throw new MalformedMessageError(`log entry of ${bytes.byteLength} bytes is over ${MAX_LOG_ENTRY_BYTES}`)
  try {
    const signed = Signed.decode(bytes)
    const entry = LogEntry.decode(signed.body)
    // the head hash is over these exact bytes, so only the canonical encoding is accepted: a relay that re-wraps
    // an entry (extra fields, another field order) would otherwise split peers onto different heads
    if (!equals(Signed.encode({ body: signed.body, signature: signed.signature }), bytes)) throw new Error('not in canonical form')
    return { bytes: copy(bytes), entry, signature: signed.signature, hash: sha256(bytes) }
  } catch (err) {
    throw new MalformedMessageError(`log entry does not decode: ${(err as Error).message}`)
  }
}

export function isMember (state: GroupState, publicKey: Uint8Array): boolean {
  return state.members.has(toHex(publicKey))
}

export function roleOf (state: GroupState, publicKey: Uint8Array): Role | undefined {
  return state.members.get(toHex(publicKey))?.role
}

function reject (why: string): never {
  throw new LogEntryRejectedError(why)
}

function checkKey (key: Uint8Array, what: string): void {
  if (key.byteLength !== PUBLIC_KEY_LENGTH) reject(`${what} is not a 32-byte public key`)
}

export function joinProofBytes (groupId: Uint8Array, joiner: Uint8Array): Uint8Array {
  return concat(groupId, joiner)
}

/**
 * Checks an entry against the state before it: signature, position (index and prev hash) and authority.
 * Authority is judged only by the state before the entry, so a member cannot make itself admin, and nobody can
 * remove or demote the founder.
 */
export function verifyLogEntry (state: GroupState | undefined, bytes: Uint8Array, verifier: SignatureVerifier): Verified<ParsedLogEntry> {
  const parsed = decodeLogEntry(bytes)
  const { entry } = parsed
  checkKey(entry.signer, 'signer')
  if (!verifier.verify(entry.signer, Domain.logEntry, Signed.decode(bytes).body, parsed.signature)) reject('bad signature')

  if (state == null) {
    if (entry.op !== LogOp.GENESIS) reject('the first entry must be the genesis')
    if (entry.index !== 0n || entry.prev.byteLength !== 0 || entry.groupId.byteLength !== 0) reject('malformed genesis')
    checkKey(entry.invitePublicKey, 'invite key')
    if (entry.name.length > MAX_GROUP_NAME_LENGTH) reject('name too long')
    return markVerified(parsed)
  }

  if (entry.op === LogOp.GENESIS) reject('a second genesis')
  if (!equals(entry.groupId, state.groupId)) reject('entry of another group')
  if (entry.index !== BigInt(state.length)) reject(`entry index ${entry.index} where ${state.length} was expected`)
  if (!equals(entry.prev, state.head)) reject('entry does not follow the current head')

  const signerRole = roleOf(state, entry.signer)
  const targetRole = entry.target.byteLength > 0 ? roleOf(state, entry.target) : undefined
  const targetIsFounder = equals(entry.target, state.founder)
  switch (entry.op) {
    case LogOp.ADD:
      checkKey(entry.target, 'target')
      if (signerRole !== 'admin') reject('only an admin can add')
      if (targetRole != null) reject('already a member')
      break
    case LogOp.REMOVE:
      if (signerRole !== 'admin') reject('only an admin can remove')
      if (targetRole == null) reject('not a member')
      if (targetIsFounder) reject('the founder cannot be removed')
      break
    case LogOp.PROMOTE:
      if (signerRole !== 'admin') reject('only an admin can promote')
      if (targetRole !== 'member') reject('target is not a plain member')
      break
    case LogOp.DEMOTE:
      if (signerRole !== 'admin') reject('only an admin can demote')
      if (targetRole !== 'admin') reject('target is not an admin')
      if (targetIsFounder) reject('the founder cannot be demoted')
      break
    case LogOp.LEAVE:
      if (!equals(entry.signer, entry.target)) reject('only a member itself can leave')
      if (targetRole == null) reject('not a member')
      break
    case LogOp.JOIN: {
      checkKey(entry.target, 'target')
      if (signerRole == null) reject('only a member can admit a joiner')
      if (targetRole != null) reject('already a member')
      if (!verifier.verify(state.invitePublicKey, Domain.join, joinProofBytes(state.groupId, entry.target), entry.inviteSignature)) {
        reject('the invite signature does not match the current invite')
      }
      break
    }
    case LogOp.SET_INVITE:
      if (signerRole !== 'admin') reject('only an admin can change the invite')
      checkKey(entry.invitePublicKey, 'invite key')
      break
    case LogOp.RENAME:
      if (signerRole !== 'admin') reject('only an admin can rename')
      if (entry.name.length > MAX_GROUP_NAME_LENGTH) reject('name too long')
      break
    default:
      reject(`unknown op ${String(entry.op)}`)
  }
  return markVerified(parsed)
}

/** the state after a verified entry; the input state is left as it was */
export function applyLogEntry (state: GroupState | undefined, verified: Verified<ParsedLogEntry>): GroupState {
  const { entry, hash } = verified
  const index = Number(entry.index)
  if (state == null) {
    const members = new Map<string, MemberInfo>([[toHex(entry.signer), { publicKey: copy(entry.signer), role: 'admin', since: 0 }]])
    return {
      groupId: sha256(Signed.decode(verified.bytes).body),
      name: entry.name,
      founder: copy(entry.signer),
      direct: (entry.flags & FLAG_DIRECT) !== 0,
      announceOnly: (entry.flags & FLAG_ANNOUNCE) !== 0,
      members,
      invitePublicKey: copy(entry.invitePublicKey),
      head: copy(hash),
      length: 1
    }
  }
  const members = new Map(state.members)
  const target = toHex(entry.target)
  let { name, invitePublicKey } = state
  switch (entry.op) {
    case LogOp.ADD:
    case LogOp.JOIN:
      members.set(target, { publicKey: copy(entry.target), role: 'member', since: index })
      break
    case LogOp.REMOVE:
    case LogOp.LEAVE:
      members.delete(target)
      promoteIfNoAdmin(members)
      break
    case LogOp.PROMOTE:
    case LogOp.DEMOTE: {
      const m = members.get(target)
      if (m != null) members.set(target, { ...m, role: entry.op === LogOp.PROMOTE ? 'admin' : 'member' })
      promoteIfNoAdmin(members)
      break
    }
    case LogOp.SET_INVITE:
      invitePublicKey = entry.invitePublicKey
      break
    case LogOp.RENAME:
      name = entry.name
      break
  }
  return { ...state, name, invitePublicKey, members, head: hash, length: state.length + 1 }
}

// A group is never left without an admin: when the last one leaves, the longest-standing member takes over,
// chosen the same way by every peer.
function promoteIfNoAdmin (members: Map<string, MemberInfo>): void {
  if (members.size === 0 || [...members.values()].some(m => m.role === 'admin')) return
  const [key, m] = [...members.entries()].sort(([ka, a], [kb, b]) => a.since - b.since || ka.localeCompare(kb))[0]
  members.set(key, { ...m, role: 'admin' })
}

/** verify and apply a whole log from its genesis; throws on the first entry that does not hold */
export function foldLog (entries: Uint8Array[], verifier: SignatureVerifier): GroupState {
  let state: GroupState | undefined
  for (const bytes of entries) state = applyLogEntry(state, verifyLogEntry(state, bytes, verifier))
  if (state == null) throw new LogEntryRejectedError('an empty log')
  return state
}

export interface LogEntryFields {
  target?: Uint8Array
  name?: string
  invitePublicKey?: Uint8Array
  inviteSignature?: Uint8Array
}

/** build and sign the entry that follows `state` */
export function signLogEntry (identity: Identity, state: GroupState, op: LogOp, fields: LogEntryFields, timestamp: number): Uint8Array {
  const entry: LogEntry = {
    groupId: new Uint8Array(state.groupId),
    index: BigInt(state.length),
    prev: new Uint8Array(state.head),
    op,
    target: new Uint8Array(fields.target ?? new Uint8Array(0)),
    signer: new Uint8Array(identity.publicKey),
    timestamp: BigInt(Math.max(0, Math.floor(Number.isFinite(timestamp) ? timestamp : 0))),
    name: fields.name ?? '',
    invitePublicKey: new Uint8Array(fields.invitePublicKey ?? new Uint8Array(0)),
    inviteSignature: new Uint8Array(fields.inviteSignature ?? new Uint8Array(0)),
    nonce: new Uint8Array(0),
    flags: 0
  }
  return encodeSigned(identity, entry)
}

function encodeSigned (identity: Identity, entry: LogEntry): Uint8Array {
  const body = LogEntry.encode(entry)
  return Signed.encode({ body, signature: sign(identity, Domain.logEntry, body) })
}

export interface GenesisInit {
  name: string
  invitePublicKey: Uint8Array
  timestamp: number
  direct?: boolean
  announce?: boolean
  nonce?: Uint8Array
}

export function createGenesis (identity: Identity, init: GenesisInit): Uint8Array {
  if (init.name.length > MAX_GROUP_NAME_LENGTH) throw new LogEntryRejectedError('name too long')
  return encodeSigned(identity, {
    groupId: new Uint8Array(0),
    index: 0n,
    prev: new Uint8Array(0),
    op: LogOp.GENESIS,
    target: new Uint8Array(0),
    signer: new Uint8Array(identity.publicKey),
    timestamp: BigInt(Math.max(0, Math.floor(Number.isFinite(init.timestamp) ? init.timestamp : 0))),
    name: init.name,
    invitePublicKey: new Uint8Array(init.invitePublicKey),
    inviteSignature: new Uint8Array(0),
    nonce: new Uint8Array(init.nonce ?? randomBytes(16)),
    flags: (init.direct === true ? FLAG_DIRECT : 0) | (init.announce === true ? FLAG_ANNOUNCE : 0)
  })
}

/** whether entry `a` takes away the authority of the signer of `b` (removes or demotes it) */
function revokes (a: LogEntry, b: LogEntry): boolean {
  return (a.op === LogOp.REMOVE || a.op === LogOp.DEMOTE) && equals(a.target, b.signer)
}

/**
 * Two admins may append at the same index while apart. Every peer keeps the same branch: an entry that removes or
 * demotes the other entry's signer wins (otherwise a removed admin could sign an entry at the index of its removal,
 * grind its hash smaller and undo the removal); else the entry with the smaller hash wins. The author of the losing
 * entry appends it again on top if it still holds.
 */
export function preferredEntry (a: ParsedLogEntry, b: ParsedLogEntry): ParsedLogEntry {
  const aRevokes = revokes(a.entry, b.entry)
  const bRevokes = revokes(b.entry, a.entry)
  if (aRevokes !== bRevokes) return aRevokes ? a : b
  return Buffer.compare(a.hash, b.hash) <= 0 ? a : b
}
