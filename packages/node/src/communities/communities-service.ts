import {
  AdminNoteKind, assessName, CommunityOp, createCommunityGenesis, decodeCommunityInvite, decodeCommunityPayload,
  encodeCommunityInvite, encodeCommunityPayload, equals, fromBase58, groupIdFromString, groupIdToString, mergeCommunityLog,
  openAdminNote, peerIdFromPublicKey, publicKeyFromPeerId, sealAdminNote, signAnnouncement, signCommunityEntry,
  signTombstone, SignatureVerifier, toBase58, toHex, verifyAnnouncement, verifyTombstone, identityFromSeed,
  x25519PrivateFromIdentity, type CommunityEntryFields, type CommunityPayload, type CommunityState, type Identity
} from '@kith/protocol'
import { CommunityNotFoundError, InvalidArgumentError, InvalidInviteError, NotAMemberError, NotAnAdminError } from '../errors.js'
import { communityKeys as keys, json, logOps, readJson, scanJson, type CommunityMeta, type StoredReport, type StoredRequest } from './community-store.js'
import type { AppDb, BatchOp } from '../groups/group-store.js'
import type { CommunityHooks, PayloadVerdict } from '../groups/community-hooks.js'
import type { GroupsService } from '../groups/groups-service.js'
import type { KithNodeEvents } from '../types.js'
import type { AbortOptions, ComponentLogger, Libp2p, Logger, PrivateKey, Startable, TypedEventTarget } from '@libp2p/interface'
import { COMMUNITY_LOG_PROTOCOL, fetchCommunityLog, serveCommunityLog } from './log-sync.js'
import { randomBytes, type KeyObject } from 'node:crypto'

export interface CommunitiesInit {
  /** how long `join` waits for the community's description after entering its announcement group, ms (default 15 s) */
  describeTimeout?: number
}

export interface CommunitiesComponents {
  privateKey: PrivateKey
  libp2p: Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol'>
  groups: GroupsService
  events: TypedEventTarget<KithNodeEvents>
  db: AppDb
  now: () => number
  logger: ComponentLogger
}

export interface CommunityGroupView { groupId: string, name: string, open: boolean, joined: boolean, flagged: boolean, flagReasons: string[] }

export interface CommunityView {
  communityId: string
  name: string
  description: string
  icon: string
  announcementGroup: string
  admins: string[]
  groups: CommunityGroupView[]
  banned: string[]
  /** 'none': we hold the description (a linked group's member) but are not in the community */
  role: 'admin' | 'member' | 'none'
  /** false until the signed description arrived (right after a join) */
  described: boolean
  left: boolean
  flagged: boolean
  flagReasons: string[]
}

export interface FanOut { successes: string[], failures: Array<{ groupId: string, error: string }> }

export interface ReportTarget { message?: string, member?: string, group?: string, reason: string }

interface Held { log: Uint8Array[], state: CommunityState }

/** how the API shows a name the suspicious-name scorer flags */
export function flagFields (name: string): { flagged: boolean, flagReasons: string[] } {
  const risk = assessName(name)
  return { flagged: risk.flagged, flagReasons: risk.reasons }
}

function deferred (): { promise: Promise<void>, resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>(r => { resolve = r })
  return { promise, resolve }
}

/** a payload log chunk stays well under the group layer's message limit */
const MAX_LOG_BYTES_PER_MESSAGE = 48 * 1024
/** how long a member waits for the log entries it lacks from a peer (a validator waits too: keep it short) */
const LOG_FETCH_TIMEOUT_MS = 5000
/** a sender whose log answer brought nothing new is asked again only after this long */
const LOG_FETCH_BACKOFF_MS = 30_000

/**
 * Communities: a signed description log (any admin can change it while the others are offline), carried inside the
 * community's announcement group and its member groups as COMMUNITY messages, so it is encrypted like everything
 * else and reaches absent members through the groups' outbox, history and relays.
 */
export class CommunitiesService implements Startable {
  private readonly log: Logger
  private readonly identity: Identity
  private readonly sealKey: KeyObject
  private readonly verifier = new SignatureVerifier()
  private readonly held = new Map<string, Held>()
  private readonly metas = new Map<string, CommunityMeta>()
  /** group id → community id, for the announcement group and every listed group */
  private readonly byGroup = new Map<string, string>()
  /** group id → length of the community log every current member of the group is known to hold */
  private readonly sentLog = new Map<string, number>()
  private readonly describeTimeout: number
  private readonly hooks: CommunityHooks
  /** each community's log write under way (writeLog) */
  private readonly logWrites = new Map<string, Promise<void>>()
  /** `<community>/<sender hex>` → when its log was last asked for (catchUpLog) */
  private readonly fetchedFrom = new Map<string, number>()
  /** log fetches under way, by community (catchUpLog) */
  private readonly fetching = new Map<string, Promise<void>>()
  /** groups whose whole log is about to be sent (resendLog) */
  private readonly resending = new Set<string>()
  /** states are never changed, only replaced (community-log.ts), so their group ids can be kept beside them */
  private readonly groupIds = new WeakMap<CommunityState, string[]>()
  /**
   * announcements verified lately, by their exact bytes: one announcement reaches a member once in every group of the
   * community it is in, and its signature is checked once
   */
  private readonly verifiedAnnouncements = new Map<string, ReturnType<typeof verifyAnnouncement>>()

  constructor (private readonly components: CommunitiesComponents, init: CommunitiesInit = {}) {
    this.log = components.logger.forComponent('kith:communities')
    this.identity = identityFromSeed(components.privateKey.raw)
    this.sealKey = x25519PrivateFromIdentity(this.identity)
    this.describeTimeout = init.describeTimeout ?? 15_000
    this.hooks = {
      onPayload: async (m) => this.onPayload(m),
      mayJoin: (groupId, publicKey) => this.mayJoin(groupId, publicKey),
      onAdmitted: (groupId) => { this.resendLog(groupId) }
    }
    // plugged in now, not at start: the groups service starts first and may already be taking in messages
    this.loaded = deferred()
    components.groups.setCommunityHooks(this.hooks)
  }

  /** resolves once start() has read the store; messages that arrive before wait for it */
  private loaded: { promise: Promise<void>, resolve: () => void }

  readonly [Symbol.toStringTag] = 'kith:communities'
  /** aborted by stop(): log fetches in flight */
  private stopping = new AbortController()

  async start (): Promise<void> {
    this.stopping = new AbortController()
    for (const meta of await scanJson<CommunityMeta>(this.components.db, keys.metaRange)) {
      if (meta.communityId == null) continue
      this.metas.set(meta.communityId, meta)
      this.byGroup.set(meta.announcementGroup, meta.communityId)
      const log = await this.loadLog(meta.communityId)
      if (log.length > 0) this.adopt(meta.communityId, { log, state: this.fold(log) })
    }
    this.loaded.resolve()
    this.components.events.addEventListener('group:members-changed', this.onMembersChanged)
    await this.components.libp2p.handle(COMMUNITY_LOG_PROTOCOL, (stream, conn) => {
      serveCommunityLog(stream, conn.remotePeer.toString(), { logFor: (c, peer) => this.logFor(c, peer) }, LOG_FETCH_TIMEOUT_MS).catch(err => {
        this.log('log request from %p failed: %s', conn.remotePeer, (err as Error).message)
        stream.abort(err as Error)
      })
    }, { runOnLimitedConnection: true })
  }

  /** a community's log, for a peer that is a member of one of its groups (it lists the groups and admins) */
  private logFor (c: string, peer: string): Uint8Array[] | undefined {
    const held = this.held.get(c)
    if (held == null || !this.groupsOf(held.state).some(g => this.components.groups.roleOf(g, peer) != null)) return undefined
    return held.log
  }

  /**
   * The entries of community `c` that a sender holds and we lack, when it sent a tail that does not attach to ours
   * (or a record of a community we hold no log of). One fetch at a time per community; failures are logged.
   */
  private async catchUpLog (c: string, communityId: Uint8Array, sender: Uint8Array): Promise<void> {
    let running = this.fetching.get(c)
    if (running == null) {
      // a sender whose last answer did not help is not asked again for a while: a member sending tails that start
      // nowhere cannot make every other member dial it for each message
      const asked = `${c}/${toHex(sender)}`
      const last = this.fetchedFrom.get(asked)
      if (last != null && this.components.now() - last < LOG_FETCH_BACKOFF_MS) return
      this.fetchedFrom.set(asked, this.components.now())
      if (this.fetchedFrom.size > 1000) this.fetchedFrom.delete(this.fetchedFrom.keys().next().value as string)
      running = (async () => {
        const from = this.held.get(c)?.log.length ?? 0
        const { start, entries } = await fetchCommunityLog(this.components.libp2p, peerIdFromPublicKey(sender), communityId, from, LOG_FETCH_TIMEOUT_MS, { signal: this.stopping.signal })
        if (entries.length > 0) await this.mergeLog(c, entries, start)
        // it helped: the next tail from this sender may be fetched at once
        if ((this.held.get(c)?.log.length ?? 0) > from) this.fetchedFrom.delete(asked)
      })().catch(err => {
        this.log('community %s: could not fetch its log from %s: %s', c, peerIdFromPublicKey(sender), (err as Error).message)
      }).finally(() => { this.fetching.delete(c) })
      this.fetching.set(c, running)
    }
    await running
  }

  /** merge entries into what we hold of community `c`; throws on entries that do not verify or attach */
  private async mergeLog (c: string, entries: Uint8Array[], start: number): Promise<Held | undefined> {
    const ours = this.held.get(c)
    const merged = mergeCommunityLog(ours?.log ?? [], entries, start, this.verifier, ours?.state)
    if (merged == null) return undefined
    if (toBase58(merged.state.communityId) !== c) throw new Error('a log of another community')
    // adopted before it is written: the same log arrives in every group of the community at once, and the other
    // groups' messages must find it held, not verify it all again
    this.adopt(c, merged)
    const written = this.writeLog(c, logOps(c, 0, merged.log, ours?.log.length ?? 0))
    if (!this.metas.has(c)) await this.saveMeta({ communityId: c, name: merged.state.name, announcementGroup: groupIdToString(merged.state.announcementGroup), left: false })
    await written
    this.emit('community:updated', { communityId: c })
    return merged
  }

  async stop (): Promise<void> {
    // a fetch in flight is not waited out: the groups service's stop waits for the message that started it
    this.stopping.abort()
    this.components.events.removeEventListener('group:members-changed', this.onMembersChanged)
    await this.components.libp2p.unhandle(COMMUNITY_LOG_PROTOCOL)
    await Promise.allSettled([...this.fetching.values()])
    this.loaded = deferred()
    this.held.clear()
    this.metas.clear()
    this.byGroup.clear()
    this.sentLog.clear()
  }

  private fold (log: Uint8Array[]): CommunityState {
    const merged = mergeCommunityLog([], log, 0, this.verifier)
    if (merged == null) throw new Error('empty community log')
    return merged.state
  }

  private async loadLog (c: string): Promise<Uint8Array[]> {
    const out: Uint8Array[] = []
    for await (const [, value] of this.components.db.iterator(keys.logRange(c))) out.push(value)
    return out
  }

  private adopt (c: string, held: Held): void {
    this.held.set(c, held)
    this.byGroup.set(groupIdToString(held.state.announcementGroup), c)
    for (const g of held.state.groups.values()) this.byGroup.set(groupIdToString(g.groupId), c)
  }

  private readonly onMembersChanged = (evt: KithNodeEvents['group:members-changed']): void => {
    // whoever joined since may hold none of the log: the next COMMUNITY message to this group carries it whole
    if (this.byGroup.has(evt.detail.groupId)) this.sentLog.set(evt.detail.groupId, 0)
  }

  private emit<K extends keyof KithNodeEvents> (type: K, detail: KithNodeEvents[K]['detail']): void {
    this.components.events.dispatchEvent(new CustomEvent(type, { detail }) as any)
  }

  private get me (): string {
    return toHex(this.identity.publicKey)
  }

  private community (communityId: string): Held {
    const held = this.held.get(communityId)
    if (held == null) throw new CommunityNotFoundError(this.metas.has(communityId) ? `the description of community ${communityId} has not arrived yet` : `no community ${communityId}`)
    return held
  }

  private asAdmin (communityId: string): Held {
    const held = this.community(communityId)
    if (!held.state.admins.has(this.me)) throw new NotAnAdminError('only a community admin can do that')
    return held
  }

  private parsePeer (peerId: string): Uint8Array {
    try {
      return publicKeyFromPeerId(peerId)
    } catch {
      throw new InvalidArgumentError(`not a Kith peer id: ${String(peerId).slice(0, 80)}`)
    }
  }

  private parseGroup (groupId: string): Uint8Array {
    try {
      return groupIdFromString(groupId)
    } catch {
      throw new InvalidArgumentError(`not a group id: ${String(groupId).slice(0, 80)}`)
    }
  }

  /** the announcement group's id, then every listed group's: asked on every COMMUNITY message received, so kept per state */
  private groupsOf (state: CommunityState): string[] {
    let ids = this.groupIds.get(state)
    if (ids == null) {
      ids = [groupIdToString(state.announcementGroup), ...[...state.groups.values()].map(g => groupIdToString(g.groupId))]
      this.groupIds.set(state, ids)
    }
    return ids
  }

  // ---------------------------------------------------------------- the log

  /** sign changes, keep them, and send the log's new tail to the announcement group and `alsoTo` */
  private async change (communityId: string, changes: Array<[CommunityOp, CommunityEntryFields]>, alsoTo: string[] = [], options?: AbortOptions): Promise<CommunityState> {
    const held = this.asAdmin(communityId)
    let state = held.state
    const log = [...held.log]
    for (const [op, fields] of changes) {
      const bytes = signCommunityEntry(this.identity, state, op, fields, this.components.now(), this.verifier)
      const merged = mergeCommunityLog(log, [bytes], log.length, this.verifier, state)
      if (merged == null) continue
      log.push(bytes)
      state = merged.state
    }
    await this.writeLog(communityId, logOps(communityId, held.log.length, log, held.log.length))
    this.adopt(communityId, { log, state })
    this.emit('community:updated', { communityId })
    const targets = new Set([groupIdToString(state.announcementGroup), ...alsoTo])
    await Promise.allSettled([...targets].map(async g => this.sendLog(communityId, g, options)))
    return state
  }

  /** a community's log writes, one after another in the order they were made (so a later log never loses to an earlier one) */
  private async writeLog (c: string, ops: BatchOp[]): Promise<void> {
    const write = (this.logWrites.get(c) ?? Promise.resolve()).catch(() => {}).then(async () => { await this.components.db.batch(ops) })
    this.logWrites.set(c, write)
    try {
      await write
    } finally {
      if (this.logWrites.get(c) === write) this.logWrites.delete(c)
    }
  }

  /** the log entries group `g` may lack, in chunks that fit a group message */
  private logChunks (held: Held, g: string): Array<{ start: number, entries: Uint8Array[] }> {
    const from = Math.min(this.sentLog.get(g) ?? 0, held.log.length)
    const chunks: Array<{ start: number, entries: Uint8Array[] }> = []
    let current: { start: number, entries: Uint8Array[] } = { start: from, entries: [] }
    let size = 0
    for (let i = from; i < held.log.length; i++) {
      if (size + held.log[i].byteLength > MAX_LOG_BYTES_PER_MESSAGE && current.entries.length > 0) {
        chunks.push(current)
        current = { start: i, entries: [] }
        size = 0
      }
      current.entries.push(held.log[i])
      size += held.log[i].byteLength
    }
    chunks.push(current)
    return chunks
  }

  private payloadFor (communityId: string, chunk: { start: number, entries: Uint8Array[] }, record: Partial<Pick<CommunityPayload, 'announcement' | 'tombstone' | 'adminNote'>> = {}): Uint8Array {
    return encodeCommunityPayload({ communityId: fromBase58(communityId), logStart: BigInt(chunk.start), log: chunk.entries, ...record })
  }

  /**
   * Send `record` (or only the log) to group `g`, with the log entries its members may lack in front. All but the
   * last log chunk go as their own messages; the record rides with the last one.
   */
  private async sendToGroup (communityId: string, g: string, record: Partial<Pick<CommunityPayload, 'announcement' | 'tombstone' | 'adminNote'>>, display?: Parameters<GroupsService['sendPayload']>[2], options?: AbortOptions): Promise<string> {
    const held = this.community(communityId)
    const chunks = this.logChunks(held, g)
    for (const chunk of chunks.slice(0, -1)) await this.components.groups.sendPayload(g, this.payloadFor(communityId, chunk), undefined, options)
    const { messageId } = await this.components.groups.sendPayload(g, this.payloadFor(communityId, chunks[chunks.length - 1], record), display, options)
    this.sentLog.set(g, held.log.length)
    return messageId
  }

  private async sendLog (communityId: string, g: string, options?: AbortOptions): Promise<void> {
    if (!this.components.groups.isActiveMember(g)) return
    const held = this.community(communityId)
    if ((this.sentLog.get(g) ?? 0) >= held.log.length) return
    await this.sendToGroup(communityId, g, {}, undefined, options)
  }

  /** the whole log to group `g`, once for all the members admitted in one go */
  private resendLog (g: string): void {
    const c = this.byGroup.get(g)
    if (c == null || !this.held.has(c) || this.resending.has(g)) return
    this.resending.add(g)
    queueMicrotask(() => {
      this.resending.delete(g)
      this.sentLog.set(g, 0)
      this.sendLog(c, g).catch(err => { this.log('community %s: could not send the log to %s: %s', c, g, (err as Error).message) })
    })
  }

  // ---------------------------------------------------------------- receiving

  private mayJoin (groupId: string, publicKey: Uint8Array): boolean {
    const c = this.byGroup.get(groupId)
    const held = c == null ? undefined : this.held.get(c)
    return held == null || !held.state.banned.has(toHex(publicKey))
  }

  private async onPayload ({ groupId, sender, payload }: { groupId: string, sender: Uint8Array, payload: Uint8Array }): Promise<PayloadVerdict> {
    await this.loaded.promise
    let p: CommunityPayload
    try {
      p = decodeCommunityPayload(payload)
    } catch (err) {
      return { verdict: 'reject', why: (err as Error).message }
    }
    const c = toBase58(p.communityId)
    // a tail that starts past what we hold, or a record of a community we hold nothing of: its sender has the rest
    const heldLength = this.held.get(c)?.log.length
    if (Number(p.logStart) > (heldLength ?? 0) || (heldLength == null && p.log.length === 0)) await this.catchUpLog(c, p.communityId, sender)
    let held = this.held.get(c)
    if (p.log.length > 0) {
      try {
        held = await this.mergeLog(c, p.log, Number(p.logStart)) ?? held
      } catch (err) {
        const why = (err as Error).message
        // entries that do not attach to what we hold cannot be checked yet; forged ones are the sender's fault
        if (why.includes('entries start at')) return { verdict: 'ignore', why }
        return { verdict: 'reject', why }
      }
    }
    if (held == null) return { verdict: 'ignore', why: `no description of community ${c} yet` }
    const state = held.state
    if (!this.groupsOf(state).includes(groupId)) {
      // a bare log update may go to a group just removed from the community; a record may not
      return p.announcement == null && p.tombstone == null && p.adminNote == null ? { verdict: 'accept' } : { verdict: 'reject', why: 'not a group of that community' }
    }
    this.sentLog.set(groupId, Math.max(this.sentLog.get(groupId) ?? 0, Number(p.logStart) + p.log.length))
    try {
      if (p.announcement != null) {
        const a = this.verifiedAnnouncement(p.announcement)
        if (!equals(a.communityId, state.communityId) || !equals(a.signer, sender)) return { verdict: 'reject', why: 'an announcement not signed by its sender' }
        if (!state.admins.has(toHex(a.signer))) return { verdict: 'reject', why: 'an announcement signed by a non-admin' }
        return { verdict: 'accept', display: { kind: 'announcement', text: a.text, community: { communityId: c, name: state.name }, signedBy: peerIdFromPublicKey(a.signer) } }
      }
      if (p.tombstone != null) {
        const t = verifyTombstone(p.tombstone, this.verifier)
        if (!equals(t.communityId, state.communityId) || !equals(t.signer, sender) || groupIdToString(t.groupId) !== groupId) return { verdict: 'reject', why: 'a misaddressed tombstone' }
        const signerPeer = peerIdFromPublicKey(t.signer)
        if (!state.admins.has(toHex(t.signer)) && this.components.groups.roleOf(groupId, signerPeer) !== 'admin') return { verdict: 'reject', why: 'a tombstone signed by a non-admin' }
        await this.components.groups.deleteMessage(groupId, t.messageId)
        return { verdict: 'accept' }
      }
      if (p.adminNote != null) {
        if (groupId !== groupIdToString(state.announcementGroup)) return { verdict: 'reject', why: 'notes to admins go through the announcement group' }
        if (!state.admins.has(this.me)) return { verdict: 'accept' }
        const note = openAdminNote(this.identity, this.sealKey, state.communityId, p.adminNote, this.verifier)
        if (note == null) return { verdict: 'accept' }
        if (!equals(note.from, sender)) return { verdict: 'reject', why: 'a note not written by its sender' }
        await this.keepNote(c, note)
        return { verdict: 'accept' }
      }
    } catch (err) {
      return { verdict: 'reject', why: (err as Error).message }
    }
    return { verdict: 'accept' }
  }

  private verifiedAnnouncement (bytes: Uint8Array): ReturnType<typeof verifyAnnouncement> {
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
    let a = this.verifiedAnnouncements.get(key)
    if (a == null) {
      a = verifyAnnouncement(bytes, this.verifier)
      if (this.verifiedAnnouncements.size >= 256) this.verifiedAnnouncements.delete(this.verifiedAnnouncements.keys().next().value as string)
      this.verifiedAnnouncements.set(key, a)
    }
    return a
  }

  private async keepNote (c: string, note: ReturnType<typeof openAdminNote> & object): Promise<void> {
    const from = peerIdFromPublicKey(note.from)
    if (note.kind === AdminNoteKind.GROUP_REQUEST) {
      const groupId = groupIdToString(note.targetGroup)
      const request: StoredRequest = { communityId: c, groupId, peerId: from, timestamp: Number(note.timestamp) }
      const info = this.held.get(c)?.state.groups.get(toHex(note.targetGroup))
      if (info == null) return
      if (info.open && this.components.groups.roleOf(groupId, peerIdFromPublicKey(this.identity.publicKey)) === 'admin') {
        // an open group admits whoever asks: the first admin online adds the peer, the others find it a member
        this.admitTo(c, groupId, from).catch(err => { this.log('community %s: could not add %s to %s: %s', c, from, groupId, (err as Error).message) })
        return
      }
      await this.components.db.put(keys.request(c, groupId, from), json(request))
      this.emit('community:request', { communityId: c, groupId, peerId: from })
      return
    }
    const report: StoredReport = {
      reportId: toBase58(note.noteId),
      communityId: c,
      from,
      timestamp: Number(note.timestamp),
      reason: note.reason,
      ...(note.targetMessage !== '' ? { message: note.targetMessage } : {}),
      ...(note.targetMember.byteLength > 0 ? { member: peerIdFromPublicKey(note.targetMember) } : {}),
      ...(note.targetGroup.byteLength > 0 ? { group: groupIdToString(note.targetGroup) } : {}),
      ...(note.excerpt !== '' ? { excerpt: note.excerpt } : {})
    }
    await this.components.db.put(keys.report(c, report.timestamp, report.reportId), json(report))
    this.emit('community:report', { communityId: c, reportId: report.reportId })
  }

  private async admitTo (c: string, groupId: string, peerId: string, options?: AbortOptions): Promise<void> {
    if (this.components.groups.roleOf(groupId, peerId) == null) await this.components.groups.add(groupId, peerId, options)
    await this.components.db.del(keys.request(c, groupId, peerId))
    this.resendLog(groupId)
  }

  private async saveMeta (meta: CommunityMeta): Promise<void> {
    this.metas.set(meta.communityId, meta)
    this.byGroup.set(meta.announcementGroup, meta.communityId)
    await this.components.db.put(keys.meta(meta.communityId), json(meta))
  }

  // ---------------------------------------------------------------- API

  async create (name: string, options?: AbortOptions & { description?: string }): Promise<{ communityId: string, invite: string, flagged: boolean, flagReasons: string[] }> {
    options?.signal?.throwIfAborted()
    if (typeof name !== 'string' || name.trim().length === 0 || name.length > 200) throw new InvalidArgumentError('a community name is a text of 1 to 200 characters')
    const description = options?.description ?? ''
    if (typeof description !== 'string' || description.length > 2048) throw new InvalidArgumentError('a description is a text of at most 2048 characters')
    const { groupId } = await this.components.groups.create(name, { announce: true })
    const genesis = createCommunityGenesis(this.identity, { name, description, announcementGroup: groupIdFromString(groupId), timestamp: this.components.now() })
    const state = this.fold([genesis])
    const c = toBase58(state.communityId)
    await this.components.db.batch(logOps(c, 0, [genesis], 0))
    await this.saveMeta({ communityId: c, name, announcementGroup: groupId, left: false })
    this.adopt(c, { log: [genesis], state })
    await this.sendLog(c, groupId, options)
    return { communityId: c, invite: (await this.invite(c, options)).invite, ...flagFields(name) }
  }

  async invite (communityId: string, options?: AbortOptions & { reset?: boolean }): Promise<{ invite: string }> {
    const held = this.community(communityId)
    const { invite } = await this.components.groups.invite(groupIdToString(held.state.announcementGroup), options)
    return { invite: encodeCommunityInvite({ communityId: held.state.communityId, name: held.state.name, groupInvite: invite }) }
  }

  async join (invite: string, options?: AbortOptions & { timeout?: number }): Promise<{ communityId: string, described: boolean }> {
    let info
    try {
      info = decodeCommunityInvite(invite)
    } catch (err) {
      throw new InvalidInviteError((err as Error).message)
    }
    const c = toBase58(info.communityId)
    const { groupId } = await this.components.groups.join(info.groupInvite, options)
    if (!this.metas.has(c) || this.metas.get(c)?.left === true) await this.saveMeta({ communityId: c, name: info.name, announcementGroup: groupId, left: false })
    // the admitting member sends the description right after; wait a little for it so `show` works at once
    const deadline = Date.now() + (options?.timeout ?? this.describeTimeout)
    while (!this.held.has(c) && Date.now() < deadline) {
      options?.signal?.throwIfAborted()
      await new Promise(resolve => setTimeout(resolve, 200))
    }
    return { communityId: c, described: this.held.has(c) }
  }

  show (communityId: string): CommunityView {
    const meta = this.metas.get(communityId)
    const held = this.held.get(communityId)
    if (held == null) {
      if (meta == null) throw new CommunityNotFoundError(`no community ${communityId}`)
      return { communityId, name: meta.name, description: '', icon: '', announcementGroup: meta.announcementGroup, admins: [], groups: [], banned: [], role: 'member', described: false, left: meta.left, ...flagFields(meta.name) }
    }
    const { state } = held
    const announcementGroup = groupIdToString(state.announcementGroup)
    const left = meta?.left ?? false
    const role = left ? 'none' : state.admins.has(this.me) ? 'admin' : this.components.groups.isActiveMember(announcementGroup) ? 'member' : 'none'
    return {
      communityId,
      name: state.name,
      description: state.description,
      icon: state.icon,
      announcementGroup,
      admins: [...state.admins.values()].map(k => peerIdFromPublicKey(k)),
      groups: [...state.groups.values()].map(g => {
        const groupId = groupIdToString(g.groupId)
        return { groupId, name: g.name, open: g.open, joined: this.components.groups.isActiveMember(groupId), ...flagFields(g.name) }
      }),
      banned: [...state.banned.values()].map(k => peerIdFromPublicKey(k)),
      role,
      described: true,
      left,
      ...flagFields(state.name)
    }
  }

  list (): CommunityView[] {
    return [...new Set([...this.metas.keys(), ...this.held.keys()])].map(c => this.show(c)).filter(v => v.role !== 'none' || v.left)
  }

  async edit (communityId: string, fields: { name?: string, description?: string, icon?: string }, options?: AbortOptions): Promise<CommunityView> {
    const { state } = this.asAdmin(communityId)
    await this.change(communityId, [[CommunityOp.SET_INFO, { name: fields.name ?? state.name, description: fields.description ?? state.description, icon: fields.icon ?? state.icon }]], [], options)
    return this.show(communityId)
  }

  /** link a group whose admin we are; the community's other admins become its admins too, so any of them can act */
  async addGroup (communityId: string, groupId: string, options?: AbortOptions & { open?: boolean }): Promise<FanOut> {
    const { state } = this.asAdmin(communityId)
    this.parseGroup(groupId)
    if (this.components.groups.roleOf(groupId, peerIdFromPublicKey(this.identity.publicKey)) !== 'admin') throw new NotAnAdminError('link a group you are an admin of')
    const name = this.components.groups.groupName(groupId) ?? ''
    await this.change(communityId, [[CommunityOp.ADD_GROUP, { groupId: groupIdFromString(groupId), name, open: options?.open ?? true }]], [groupId], options)
    return this.makeAdminsAdminsOf(state, [groupId], options)
  }

  async createGroup (communityId: string, name: string, options?: AbortOptions & { open?: boolean }): Promise<{ groupId: string } & FanOut> {
    this.asAdmin(communityId)
    const { groupId } = await this.components.groups.create(name, options)
    return { groupId, ...(await this.addGroup(communityId, groupId, options)) }
  }

  async removeGroup (communityId: string, groupId: string, options?: AbortOptions): Promise<void> {
    await this.change(communityId, [[CommunityOp.REMOVE_GROUP, { groupId: this.parseGroup(groupId) }]], [groupId], options)
  }

  private async makeAdminsAdminsOf (state: CommunityState, groupIds: string[], options?: AbortOptions): Promise<FanOut> {
    const out: FanOut = { successes: [], failures: [] }
    await Promise.all(groupIds.map(async g => {
      try {
        for (const admin of state.admins.values()) {
          const peer = peerIdFromPublicKey(admin)
          const role = this.components.groups.roleOf(g, peer)
          if (role == null) await this.components.groups.add(g, peer, options)
          if (role !== 'admin') await this.components.groups.promote(g, peer, options)
        }
        out.successes.push(g)
      } catch (err) {
        out.failures.push({ groupId: g, error: (err as Error).message })
      }
    }))
    return out
  }

  async addAdmin (communityId: string, peerId: string, options?: AbortOptions): Promise<FanOut> {
    const target = this.parsePeer(peerId)
    const state = await this.change(communityId, [[CommunityOp.ADD_ADMIN, { target }]], [], options)
    const mine = this.groupsOf(state).filter(g => this.components.groups.roleOf(g, peerIdFromPublicKey(this.identity.publicKey)) === 'admin')
    return this.makeAdminsAdminsOf(state, mine, options)
  }

  async removeAdmin (communityId: string, peerId: string, options?: AbortOptions): Promise<FanOut> {
    const target = this.parsePeer(peerId)
    const state = await this.change(communityId, [[CommunityOp.REMOVE_ADMIN, { target }]], [], options)
    return this.eachGroup(state, async g => {
      if (this.components.groups.roleOf(g, peerId) === 'admin') await this.components.groups.demote(g, peerId, options)
    })
  }

  private async eachGroup (state: CommunityState, work: (groupId: string) => Promise<void>): Promise<FanOut> {
    const out: FanOut = { successes: [], failures: [] }
    await Promise.all(this.groupsOf(state).filter(g => this.components.groups.isActiveMember(g)).map(async g => {
      try {
        await work(g)
        out.successes.push(g)
      } catch (err) {
        out.failures.push({ groupId: g, error: (err as Error).message })
      }
    }))
    return out
  }

  /** one signed announcement, sent into the announcement group and every group of the community we are in */
  async announce (communityId: string, text: string, options?: AbortOptions): Promise<{ announcementId: string } & FanOut> {
    const { state } = this.asAdmin(communityId)
    if (typeof text !== 'string' || text.length === 0) throw new InvalidArgumentError('an announcement needs some text')
    let announcement: Uint8Array
    try {
      announcement = signAnnouncement(this.identity, { communityId: state.communityId, text, timestamp: this.components.now() })
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message)
    }
    const verified = verifyAnnouncement(announcement, this.verifier)
    const display = { kind: 'announcement' as const, text, community: { communityId, name: state.name }, signedBy: peerIdFromPublicKey(this.identity.publicKey) }
    const result = await this.eachGroup(state, async g => { await this.sendToGroup(communityId, g, { announcement }, display, options) })
    return { announcementId: toBase58(verified.announcementId), ...result }
  }

  async leave (communityId: string, options?: AbortOptions): Promise<FanOut> {
    const meta = this.metas.get(communityId)
    if (meta == null) throw new CommunityNotFoundError(`no community ${communityId}`)
    const held = this.held.get(communityId)
    if (held != null && held.state.admins.has(this.me) && held.state.admins.size === 1) {
      throw new InvalidArgumentError('you are the community\'s only admin: make another member an admin first')
    }
    const groups = held == null ? [meta.announcementGroup] : this.groupsOf(held.state)
    const out: FanOut = { successes: [], failures: [] }
    for (const g of groups.filter(g => this.components.groups.isActiveMember(g)).reverse()) {
      try {
        await this.components.groups.leave(g, options)
        out.successes.push(g)
      } catch (err) {
        out.failures.push({ groupId: g, error: (err as Error).message })
      }
    }
    await this.saveMeta({ ...meta, left: true })
    return out
  }

  /** remove a member from every group of the community (new key epochs there); with ban, it cannot come back */
  async removeMember (communityId: string, peerId: string, options?: AbortOptions & { ban?: boolean }): Promise<FanOut> {
    const target = this.parsePeer(peerId)
    let { state } = this.asAdmin(communityId)
    if (state.admins.has(toHex(target))) throw new InvalidArgumentError('remove it as admin first')
    if (options?.ban === true && !state.banned.has(toHex(target))) state = await this.change(communityId, [[CommunityOp.BAN, { target }]], [], options)
    return this.eachGroup(state, async g => {
      if (this.components.groups.roleOf(g, peerId) != null) await this.components.groups.remove(g, peerId, options)
    })
  }

  async unban (communityId: string, peerId: string, options?: AbortOptions): Promise<void> {
    await this.change(communityId, [[CommunityOp.UNBAN, { target: this.parsePeer(peerId) }]], [], options)
  }

  /** ask the admins to join one of the community's groups; an open group lets the first admin online add us */
  async requestGroup (communityId: string, groupId: string, options?: AbortOptions): Promise<{ requested: true, open: boolean }> {
    const { state } = this.community(communityId)
    const info = state.groups.get(toHex(this.parseGroup(groupId)))
    if (info == null) throw new InvalidArgumentError('that group is not in the community')
    await this.noteToAdmins(communityId, { kind: AdminNoteKind.GROUP_REQUEST, targetGroup: info.groupId }, options)
    return { requested: true, open: info.open }
  }

  async requests (communityId: string): Promise<StoredRequest[]> {
    this.asAdmin(communityId)
    return scanJson<StoredRequest>(this.components.db, keys.requestRange(communityId))
  }

  async approve (communityId: string, groupId: string, peerId: string, options?: AbortOptions): Promise<void> {
    const { state } = this.asAdmin(communityId)
    if (!state.groups.has(toHex(this.parseGroup(groupId)))) throw new InvalidArgumentError('that group is not in the community')
    if (state.banned.has(toHex(this.parsePeer(peerId)))) throw new InvalidArgumentError('that peer is banned from the community')
    await this.admitTo(communityId, groupId, peerId, options)
  }

  async report (communityId: string, target: ReportTarget, options?: AbortOptions): Promise<{ reportId: string }> {
    if (typeof target.reason !== 'string' || target.reason.trim().length === 0) throw new InvalidArgumentError('a report needs a reason')
    const fields: Parameters<typeof sealAdminNote>[2] = { kind: AdminNoteKind.REPORT, communityId: new Uint8Array(0), reason: target.reason, timestamp: 0 }
    if (target.message != null) {
      const msg = await this.components.groups.findMessage(target.message)
      if (msg == null) throw new InvalidArgumentError(`no message ${target.message} here`)
      Object.assign(fields, { targetMessage: target.message, targetGroup: groupIdFromString(msg.groupId), targetMember: publicKeyFromPeerId(msg.from), excerpt: msg.text.slice(0, 1000) })
    }
    if (target.member != null) fields.targetMember = this.parsePeer(target.member)
    if (target.group != null) fields.targetGroup = this.parseGroup(target.group)
    return { reportId: await this.noteToAdmins(communityId, fields, options) }
  }

  private async noteToAdmins (communityId: string, fields: Omit<Parameters<typeof sealAdminNote>[2], 'communityId' | 'timestamp'>, options?: AbortOptions): Promise<string> {
    const { state } = this.community(communityId)
    const g = groupIdToString(state.announcementGroup)
    if (!this.components.groups.isActiveMember(g)) throw new NotAMemberError('only members of the community can write to its admins')
    const noteId = new Uint8Array(randomBytes(16))
    let sealed
    try {
      sealed = sealAdminNote(this.identity, [...state.admins.values()], { ...fields, noteId, communityId: state.communityId, timestamp: this.components.now() })
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message)
    }
    await this.sendToGroup(communityId, g, { adminNote: sealed }, undefined, options)
    // our own messages never come back through the validator: an admin keeps its own note here
    if (state.admins.has(this.me)) {
      const mine = openAdminNote(this.identity, this.sealKey, state.communityId, sealed, this.verifier)
      if (mine != null) await this.keepNote(communityId, mine)
    }
    return toBase58(noteId)
  }

  async reports (communityId: string): Promise<StoredReport[]> {
    this.asAdmin(communityId)
    return scanJson<StoredReport>(this.components.db, keys.reportRange(communityId))
  }

  /** delete a message for everyone: an admin-signed tombstone every member's client honours */
  async deleteMessage (communityId: string, messageId: string, options?: AbortOptions): Promise<{ groupId: string }> {
    const { state } = this.asAdmin(communityId)
    const msg = await this.components.groups.findMessage(messageId)
    if (msg == null) throw new InvalidArgumentError(`no message ${messageId} here`)
    if (!this.groupsOf(state).includes(msg.groupId)) throw new InvalidArgumentError('that message is not in a group of the community')
    const tombstone = signTombstone(this.identity, { communityId: state.communityId, groupId: groupIdFromString(msg.groupId), messageId, timestamp: this.components.now() })
    await this.sendToGroup(communityId, msg.groupId, { tombstone }, undefined, options)
    await this.components.groups.deleteMessage(msg.groupId, messageId)
    return { groupId: msg.groupId }
  }

  /** which community a group belongs to, if we know */
  communityOf (groupId: string): string | undefined {
    return this.byGroup.get(groupId)
  }
}

export function communities (init: CommunitiesInit = {}): (components: CommunitiesComponents) => CommunitiesService {
  return (components) => new CommunitiesService(components, init)
}
