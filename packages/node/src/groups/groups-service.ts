import type { KeyObject } from 'node:crypto'
import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import {
  applyLogEntry, assessName, createGenesis, decodeGroupWire, decodeHistoryPage, decodeInvite, decodeJoinResponse,
  decodeLogEntry, decryptGroupMessage, encodeInvite, encryptGroupMessage, equals, foldLog, fromHex, generateIdentity,
  groupIdToString, groupTopic, HistoryRequest, identityFromSeed, Inner, JoinResponse, LogOp, messageIdFor,
  newSenderChain, openSealedControl, peerIdFromPublicKey, preferredEntry, publicKeyFromPeerId, sealControls,
  serializeChain, deserializeChain, sha256, signJoinRequest, signLogEntry, SignatureVerifier, toHex,
  verifyCipherSignature, verifyJoinRequest, verifyLogEntry, x25519PrivateFromIdentity, x25519PublicFromEd25519,
  MAX_TEXT_BYTES, MAX_WIRE_BYTES, signTopicRegistration, decodeRegistrationResponse, decodeStoreResponse, decodeStoreRequest, StoreRequest, StoreResponse, MAX_STORE_REQUEST_BYTES, MAX_HISTORY_PAGE_BYTES, MAX_HISTORY_PAGE_MESSAGES, MAX_JOIN_REQUEST_BYTES,
  type Control, type DecodedCipher, type DecodedSealed, type GroupState, type Identity, type LogEntryFields, type Recipient,
  type Verified
} from '@kith/protocol'
import {
  GroupNotFoundError, InvalidArgumentError, InvalidInviteError, JoinFailedError, MembershipChangeRefusedError,
  MessageTooLargeError, NotAMemberError, NotAnAdminError
} from '../errors.js'
import { requestFrames, serveFrames } from '../stream-rpc.js'
import { scoreTopic, unscoreTopic } from '../topic-score.js'
import { HISTORY_PROTOCOL, type HistoryPageResult, type HistoryServer } from '../history-server.js'
import { GroupSession } from './group-session.js'
import type { AnnouncementDisplay, CommunityHooks } from './community-hooks.js'
import { GroupStore, json, keys, str, type AppDb, type BatchOp, type GroupMeta, type MyChainRecord, type SeqWindow, type StoredMessage } from './group-store.js'
import { WriteBatcher, type QueuedOp } from './write-batcher.js'
import { RelayOutbox } from './relay-outbox.js'
import { dueAgain, piggyback, takeDue } from './receipts.js'
import type { AbortOptions, ComponentLogger, Libp2p, Logger, PeerId, PrivateKey, Startable, Stream, Connection, TypedEventTarget } from '@libp2p/interface'
import type { GroupMember, GroupMessage, GroupSummary, GroupsApi, KithNodeEvents, MessageStatus, SendResult } from '../types.js'

export const JOIN_PROTOCOL = '/kith/group/join/1.0.0'
export const WELCOME_PROTOCOL = '/kith/group/welcome/1.0.0'
/** a group message handed straight to one member (StoreRequest in, StoreResponse out): see pushToMember */
export const PUSH_PROTOCOL = '/kith/group/push/1.0.0'
/** spoken by relays (packages/node/src/relay): a peer that offers it carries and keeps topics for us */
export const RELAY_REGISTER_PROTOCOL = '/kith/relay/register/1.0.0'
export const RELAY_STORE_PROTOCOL = '/kith/relay/store/1.0.0'

export interface GroupsInit {
  /** how long a network request may take, ms (default 10 s) */
  requestTimeout?: number
  /** how long `join` waits for a member to admit us, ms (default 30 s) */
  joinTimeout?: number
  /**
   * Receipts ride on this node's texts; a node that has not sent a text for this long confirms what it received
   * with a RECEIPT message of its own (default 2 s)
   */
  receiptDelay?: number
  /** history is asked for from this long before the last thing heard, ms (default 10 min) */
  historyOverlap?: number
  /** a welcome not delivered yet is tried again this often while its peer is connected, ms (default 15 s) */
  welcomeRetry?: number
}

export interface GroupsComponents {
  privateKey: PrivateKey
  pubsub: GossipSub
  libp2p: Pick<Libp2p, 'dialProtocol' | 'handle' | 'unhandle' | 'getConnections' | 'getMultiaddrs' | 'addEventListener' | 'removeEventListener' | 'peerStore'>
  events: TypedEventTarget<KithNodeEvents>
  /** the node's /kith/history/1.0.0 handler, shared with other services */
  history: Pick<HistoryServer, 'register'>
  db: AppDb
  now: () => number
  logger: ComponentLogger
}

/** what the communities service needs beyond the public API */
export interface GroupsForCommunities {
  setCommunityHooks (hooks: CommunityHooks): void
  sendPayload (groupId: string, payload: Uint8Array, display?: AnnouncementDisplay, options?: AbortOptions): Promise<SendResult>
  demote (groupId: string, peerId: string, options?: AbortOptions): Promise<void>
  roleOf (groupId: string, peerId: string): 'admin' | 'member' | undefined
  isActiveMember (groupId: string): boolean
  groupName (groupId: string): string | undefined
  findMessage (messageId: string): Promise<GroupMessage | undefined>
  deleteMessage (groupId: string, messageId: string): Promise<boolean>
}

export interface GroupsService extends Omit<GroupsApi, 'create'>, GroupsForCommunities, Startable {
  /** announce: a community's announcement group, where only admins post */
  create (name: string, options?: AbortOptions & { announce?: boolean }): Promise<{ groupId: string, invite: string, flagged: boolean, flagReasons: string[] }>
}

const MAX_KEY_RETRY_MS = 30_000
/** from this try on, a sender key not acked yet also goes to the member directly (PUSH_PROTOCOL) */
const KEY_PUSH_AFTER_ATTEMPTS = 3
/** long enough for a busy group's acks to come back before the first resend */
const KEY_RETRY_FIRST_MS = 3_000
const KEY_REQUEST_MIN_MS = 2_000
const HISTORY_PAGES_MAX = 100
const KEY_LOG_TAIL = 4
const SEEN_CACHE = 10_000
/** sender-key acks are batched this long: after a membership change every member sends a key to every other */
const ACK_DELAY_MS = 250
/**
 * received messages' writes wait this long for others to join their batch: long enough that a message's next hops
 * are not held up by the previous hop's commit, short enough that a crash loses only what history brings back
 */
const COMMIT_DELAY_MS = 10
/** how often a relay outbox that a relay could not take is tried again while a relay is connected */
const RELAY_DRAIN_RETRY_MS = 15_000
/** how long a message other members' receipts say they hold may take to reach us before we ask for history */
const CLAIM_WAIT_MS = 3000

type Origin = 'gossip' | 'history'
/** what send() and sendPayload() hand to prepareOutgoing */
type Outgoing = { text: string } | { payload: Uint8Array, display?: AnnouncementDisplay }

/** how the API shows a name the suspicious-name scorer flags (a direct chat's empty name never is) */
function nameFlags (name: string): { flagged: boolean, flagReasons: string[] } {
  const risk = assessName(name)
  return { flagged: risk.flagged, flagReasons: risk.reasons }
}

function errorName (err: unknown): string {
  return (err as Error)?.name ?? 'Error'
}

class DefaultGroupsService implements GroupsService {
  private readonly log: Logger
  /** every write of this service goes through here: one LevelDB batch per event-loop turn (see WriteBatcher) */
  private readonly writes: WriteBatcher
  /** what no relay stored yet, pushed when one is back */
  private readonly relayOutbox: RelayOutbox
  /** when tick may try the relay outbox again */
  private relayDrainAt = 0
  private readonly store: GroupStore
  /** send()s publishing past the outbox, waited for on stop so that their status lands before the store closes */
  private readonly directSends = new Set<Promise<void>>()
  /** peers with welcomes not delivered yet → when to try again (tick) */
  private readonly welcomesDue = new Map<string, number>()
  private readonly welcomeRetry: number
  private readonly verifier = new SignatureVerifier()
  private readonly sealKeys = new Map<string, KeyObject>()
  private readonly sessions = new Map<string, GroupSession>()
  /** hex public key → peer id string, for members (peerIdOf) */
  private readonly peerIdsOfKeys = new Map<string, string>()
  private readonly byTopic = new Map<string, GroupSession>()
  private readonly seen = new Set<string>()
  private readonly adopting = new Map<string, Promise<GroupSession | undefined>>()
  /** connected peers that are Kith relays */
  private readonly relays = new Set<string>()
  private readonly identity: Identity
  private readonly sealPrivateKey: KeyObject
  private readonly me: string
  private readonly myPeerId: string
  private readonly requestTimeout: number
  /** while stop() runs: what it waits for (the node's stopStage names it when a stop takes too long) */
  stopStage?: string
  /** aborted when the service stops: ends the network calls in flight (see callSignal) */
  private stopping = new AbortController()
  private readonly joinTimeout: number
  private readonly receiptDelay: number
  private readonly historyOverlap: number
  private timer?: ReturnType<typeof setInterval>
  private started = false
  private hooks?: CommunityHooks

  constructor (private readonly components: GroupsComponents, init: GroupsInit = {}) {
    this.log = components.logger.forComponent('kith:groups')
    this.writes = new WriteBatcher(components.db, err => { this.log.error('a store write failed: %e', err) }, COMMIT_DELAY_MS)
    this.store = new GroupStore(this.writes)
    this.relayOutbox = new RelayOutbox(components.db, components.now, (msg, ...args) => { this.log(msg, ...args) })
    this.identity = identityFromSeed(components.privateKey.raw)
    this.sealPrivateKey = x25519PrivateFromIdentity(this.identity)
    this.me = toHex(this.identity.publicKey)
    this.myPeerId = peerIdFromPublicKey(this.identity.publicKey)
    this.requestTimeout = init.requestTimeout ?? 10_000
    this.joinTimeout = init.joinTimeout ?? 30_000
    this.receiptDelay = init.receiptDelay ?? 2000
    this.historyOverlap = init.historyOverlap ?? 10 * 60_000
    this.welcomeRetry = init.welcomeRetry ?? 15_000
  }

  // ---------------------------------------------------------------- lifecycle

  async start (): Promise<void> {
    const { libp2p, pubsub } = this.components
    const handlerOptions = { runOnLimitedConnection: true, maxInboundStreams: 64 }
    await libp2p.handle(JOIN_PROTOCOL, (stream, conn) => { void this.onJoinStream(stream, conn) }, handlerOptions)
    await libp2p.handle(WELCOME_PROTOCOL, (stream, conn) => { void this.onWelcomeStream(stream, conn) }, handlerOptions)
    await libp2p.handle(PUSH_PROTOCOL, (stream, conn) => { void this.onPushStream(stream, conn) }, handlerOptions)
    this.components.history.register(async (request, remotePeer) => this.historyPage(request, remotePeer))
    for (const meta of await this.store.listMetas()) {
      try {
        await this.openSession(meta)
      } catch (err) {
        this.log.error('group %s could not be loaded: %e', meta.groupId, err)
      }
    }
    for await (const [key] of this.store.entries(keys.welcomeRange())) this.welcomesDue.set(key.split('/')[1], 0)
    pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
    libp2p.addEventListener('peer:connect', this.onPeerConnect)
    libp2p.addEventListener('peer:identify', this.onPeerIdentify)
    libp2p.addEventListener('peer:disconnect', this.onPeerDisconnect)
    this.stopping = new AbortController()
    this.started = true
    // peers identified before this service started (the bootstrap relay, typically) raised no event for us
    for (const conn of libp2p.getConnections()) void this.identifiedAlready(conn.remotePeer)
    this.timer = setInterval(() => { void this.tick() }, 1000)
    this.timer.unref?.()
    for (const session of this.sessions.values()) {
      if (session.meta.left) continue
      void this.flush(session)
      for (const conn of libp2p.getConnections()) this.maybeSyncWith(session, conn.remotePeer.toString())
    }
  }

  async stop (): Promise<void> {
    this.started = false
    this.stopping.abort()
    clearInterval(this.timer)
    const { libp2p, pubsub } = this.components
    pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
    libp2p.removeEventListener('peer:connect', this.onPeerConnect)
    libp2p.removeEventListener('peer:identify', this.onPeerIdentify)
    libp2p.removeEventListener('peer:disconnect', this.onPeerDisconnect)
    for (const session of this.sessions.values()) {
      clearTimeout(session.receiptTimer)
      clearTimeout(session.ackTimer)
      clearTimeout(session.gapTimer)
      clearTimeout(session.claimTimer)
      pubsub.topicValidators.delete(session.topic)
      // let work in progress finish writing before the store closes
      this.stopStage = `the work queue of group ${session.gid} (${session.queued} tasks)`
      await session.run(async () => {})
    }
    this.stopStage = `${this.directSends.size} sends being published`
    await Promise.allSettled([...this.directSends])
    this.stopStage = 'the last store writes'
    await this.writes.flush().catch(() => {})
    await libp2p.unhandle([JOIN_PROTOCOL, WELCOME_PROTOCOL, PUSH_PROTOCOL])
    this.stopStage = undefined
  }

  private async openSession (meta: GroupMeta, log?: Uint8Array[]): Promise<GroupSession> {
    const session = new GroupSession(meta, log ?? await this.store.loadLog(meta.groupId), this.verifier)
    const g = session.gid
    const mine = await this.store.getJson<MyChainRecord>(keys.myChain(g))
    if (mine != null) {
      session.myChain = deserializeChain(mine.chain)
      session.myInitialChainKey = fromHex(mine.initialChainKey)
      session.mySeqBase = mine.seqBase ?? 0
      session.acked = new Set(mine.acked)
      for (const id of (mine as MyChainRecord & { ownKeyIds?: string[] }).ownKeyIds ?? []) session.ownKeyIds.add(id)
    }
    for await (const [, value] of this.store.entries(keys.chainRange(g))) {
      const chain = deserializeChain(new TextDecoder().decode(value))
      session.chains.set(toHex(chain.senderKeyId), chain)
    }
    for await (const [key, value] of this.store.entries({ gte: `g/${g}/rx/`, lt: `g/${g}/rx0` })) {
      session.windows.set(key.slice(`g/${g}/rx/`.length), JSON.parse(new TextDecoder().decode(value)) as SeqWindow)
    }
    for await (const [key, value] of this.store.entries(keys.deliveredRange(g))) {
      session.deliveredTo.set(key.slice(`g/${g}/dl/`.length), Number(new TextDecoder().decode(value)))
    }
    const tombs = keys.tombstoneRange(g)
    for await (const [key] of this.store.entries(tombs)) session.tombstones.add(key.slice(tombs.gte.length))
    session.deliveredUpTo = this.deliveredFloor(session)
    this.sessions.set(g, session)
    this.byTopic.set(session.topic, session)
    if (!meta.left) {
      this.subscribe(session)
      for (const peer of this.relays) void this.registerWithRelay(peer, [session.topic])
    }
    return session
  }

  private subscribe (session: GroupSession): void {
    const { pubsub } = this.components
    pubsub.topicValidators.set(session.topic, async (_peer, msg) => {
      try {
        return await session.run(async () => this.processWire(session, msg.data, 'gossip'))
      } catch (err) {
        this.log.error('group %s: message processing failed: %e', session.gid, err)
        return TopicValidatorResult.Ignore
      }
    })
    scoreTopic(pubsub, session.topic)
    pubsub.subscribe(session.topic)
  }

  private unsubscribe (session: GroupSession): void {
    this.components.pubsub.unsubscribe(session.topic)
    this.components.pubsub.topicValidators.delete(session.topic)
    unscoreTopic(this.components.pubsub, session.topic)
  }

  private readonly onSubscriptionChange = (evt: CustomEvent<{ peerId: PeerId, subscriptions: Array<{ topic: string, subscribe: boolean }> }>): void => {
    const peer = evt.detail.peerId.toString()
    for (const sub of evt.detail.subscriptions) {
      const session = this.byTopic.get(sub.topic)
      if (session == null || !sub.subscribe) continue
      this.hurryKeysFor(session, peer)
      void this.flush(session)
    }
  }

  private readonly onPeerConnect = (evt: CustomEvent<PeerId>): void => {
    const peer = evt.detail.toString()
    void this.deliverWelcomes(peer)
    // a relay we knew, back again: libp2p does not always raise peer:identify for a reconnection, so go by what the
    // peer store already knows of its protocols
    void this.identifiedAlready(evt.detail)
    for (const session of this.sessions.values()) {
      if (session.meta.left) continue
      this.hurryKeysFor(session, peer)
      this.maybeSyncWith(session, peer)
    }
  }

  private readonly onPeerIdentify = (evt: CustomEvent<{ peerId: PeerId, protocols: string[] }>): void => {
    const peer = evt.detail.peerId.toString()
    if (!evt.detail.protocols.includes(RELAY_REGISTER_PROTOCOL) || this.relays.has(peer)) return
    // identifiedAlready answers after a peer-store read: the connection that raised it may be gone by then, and a
    // relay taken for connected would never be registered with, or drained to, when it really comes back
    if (this.components.libp2p.getConnections(evt.detail.peerId).length === 0) return
    this.relays.add(peer)
    void this.registerWithRelay(peer, [...this.sessions.values()].filter(s => !s.meta.left).map(s => s.topic)).then(async () => {
      for (const session of this.sessions.values()) this.maybeSyncWith(session, peer, true)
      await this.relayOutbox.markRelaySeen()
      await this.drainRelayOutbox(peer)
    }).catch(err => { this.log('relay %s: %s', peer, (err as Error).message) })
  }

  /** hand `peer` (a relay) what no relay stored; also from tick, since one attempt can fail (a relay just up) */
  private async drainRelayOutbox (peer: string): Promise<void> {
    this.relayDrainAt = Date.now() + RELAY_DRAIN_RETRY_MS
    const pushed = await this.relayOutbox.drain(async (topic, wires) => this.started && (await this.storeOnRelay(peer, topic, wires)) === wires.length)
    if (pushed > 0) this.log('relay %s: stored %d messages it had missed', peer, pushed)
  }

  private async identifiedAlready (peerId: PeerId): Promise<void> {
    try {
      const peer = await this.components.libp2p.peerStore.get(peerId)
      if (peer.protocols.length > 0) this.onPeerIdentify(new CustomEvent('peer:identify', { detail: { peerId, protocols: peer.protocols } }))
    } catch {}
  }

  private readonly onPeerDisconnect = (evt: CustomEvent<PeerId>): void => {
    this.relays.delete(evt.detail.toString())
  }

  /** ask a relay to carry and keep these topics, so members that are away can catch up from it */
  private async registerWithRelay (peer: string, topics: string[]): Promise<void> {
    if (topics.length === 0) return
    try {
      const signal = this.callSignal()
      const stream = await this.components.libp2p.dialProtocol(peerIdFromString(peer), RELAY_REGISTER_PROTOCOL, { signal, runOnLimitedConnection: true })
      const [frame] = await requestFrames(stream, signTopicRegistration(this.identity, topics.slice(0, 1000), this.components.now()), { maxFrameBytes: 512 * 1024, maxFrames: 1 }, signal)
      const response = decodeRegistrationResponse(frame ?? new Uint8Array(0))
      if (response.error !== '') this.log('relay %s: %s', peer, response.error)
    } catch (err) {
      this.log('registering topics with relay %s failed: %s', peer, (err as Error).message)
    }
  }

  /** hand a message to every connected relay and wait for it to be stored (gossip alone may miss a relay) */
  private async pushToRelays (topic: string, wire: Uint8Array): Promise<number> {
    let stored = 0
    await Promise.all([...this.relays].map(async peer => {
      if (await this.storeOnRelay(peer, topic, [wire]) > 0) stored++
    }))
    return stored
  }

  /** how many of `wires` the relay says it stored (0 on any failure) */
  private async storeOnRelay (peer: string, topic: string, wires: Uint8Array[]): Promise<number> {
    try {
      const response = await this.requestStore(peer, RELAY_STORE_PROTOCOL, topic, wires)
      if (response.stored === 0) this.log('relay %s did not store: %s', peer, response.error)
      return response.stored
    } catch (err) {
      this.log('relay %s store failed: %s', peer, (err as Error).message)
      return 0
    }
  }

  /** one StoreRequest to `peer` over `protocol` (a relay's store, a member's push), and its answer */
  private async requestStore (peer: string, protocol: string, topic: string, wires: Uint8Array[]): Promise<StoreResponse> {
    const signal = this.callSignal()
    const stream = await this.components.libp2p.dialProtocol(peerIdFromString(peer), protocol, { signal, runOnLimitedConnection: true })
    const [frame] = await requestFrames(stream, StoreRequest.encode({ topic, messages: wires }), { maxFrameBytes: 1024, maxFrames: 1 }, signal)
    return decodeStoreResponse(frame ?? new Uint8Array(0))
  }

  private async tick (): Promise<void> {
    if (!this.started) return
    const now = this.components.now()
    if (this.relays.size > 0 && Date.now() >= this.relayDrainAt && await this.relayOutbox.pending() > 0) {
      void this.drainRelayOutbox([...this.relays][0]).catch(err => { this.log('relay outbox: %s', (err as Error).message) })
    }
    // a welcome whose delivery timed out (a busy peer) is tried again while the peer is connected, not only when it
    // reconnects: a member added while online would otherwise wait for its next connection to learn it is in
    for (const [peer, at] of this.welcomesDue) {
      if (at > now || this.components.libp2p.getConnections(peerIdFromString(peer)).length === 0) continue
      this.welcomesDue.set(peer, now + this.welcomeRetry)
      void this.deliverWelcomes(peer)
    }
    for (const session of this.sessions.values()) {
      if (session.meta.left) continue
      const due = [...session.keyRetries].filter(([member, r]) => r.nextAt <= now && session.isMember(member) && !session.acked.has(member)).map(([m]) => m)
      if (due.length > 0) void session.run(async () => { await this.distributeKey(session, due) })
      if (session.keyRequest != null && session.keyRequest.nextAt <= now && session.keyRequest.epochs.size > 0) {
        void session.run(async () => { await this.requestKeys(session) })
      }
      if (session.outboxPending) void this.flush(session)
    }
  }

  // ---------------------------------------------------------------- helpers

  private session (groupId: string): GroupSession {
    const session = this.sessions.get(groupId)
    if (session == null) throw new GroupNotFoundError(`no group ${groupId} on this node`)
    return session
  }

  private activeSession (groupId: string): GroupSession {
    const session = this.session(groupId)
    if (session.meta.left || !session.isMember(this.me)) throw new NotAMemberError(`this node is no longer a member of group ${groupId}`)
    return session
  }

  private sealKey (hexKey: string): KeyObject {
    let key = this.sealKeys.get(hexKey)
    if (key == null) {
      key = x25519PublicFromEd25519(fromHex(hexKey))
      this.sealKeys.set(hexKey, key)
    }
    return key
  }

  private recipients (members: string[]): Recipient[] {
    return members.map(m => ({ publicKey: fromHex(m), sealKey: this.sealKey(m) }))
  }

  private peerIdOf (hexKey: string): string {
    let peer = this.peerIdsOfKeys.get(hexKey)
    if (peer == null) {
      peer = peerIdFromPublicKey(fromHex(hexKey))
      // members of every group this node is in: bounded in practice, and dropped wholesale if it ever is not
      if (this.peerIdsOfKeys.size >= 10_000) this.peerIdsOfKeys.clear()
      this.peerIdsOfKeys.set(hexKey, peer)
    }
    return peer
  }

  private hexOfPeer (peerId: string): string | undefined {
    try {
      return toHex(publicKeyFromPeerId(peerId))
    } catch {
      return undefined
    }
  }

  private emit<K extends keyof KithNodeEvents> (type: K, detail: KithNodeEvents[K]['detail']): void {
    this.components.events.dispatchEvent(new CustomEvent(type, { detail }) as any)
  }

  private publicMessage (m: StoredMessage): GroupMessage {
    const { seq: _seq, ...rest } = m
    return rest
  }

  private async saveMeta (session: GroupSession, ops: BatchOp[] = []): Promise<void> {
    await this.store.db.batch([...ops, { type: 'put', key: keys.meta(session.gid), value: json(session.meta) }])
  }

  /** publish a control message (sealed) and keep it as history */
  private async publish (session: GroupSession, wire: Uint8Array): Promise<number> {
    const recipients = await this.publishWire(session, wire)
    // our own wire messages are history too: members that come back may ask us for them
    this.writes.queue(this.wireOps(session, wire, this.hashOf(wire)))
    return recipients
  }

  /** seal a control message to these members (hex keys), in as many messages as a large group needs, and publish */
  private async publishSealed (session: GroupSession, members: string[], content: Parameters<typeof sealControls>[3], timestamp: number): Promise<Uint8Array[]> {
    const wires = sealControls(this.identity, session.groupId, this.recipients(members), content, timestamp)
    for (const wire of wires) await this.publish(session, wire)
    return wires
  }

  private async publishWire (session: GroupSession, wire: Uint8Array): Promise<number> {
    if (wire.byteLength > MAX_WIRE_BYTES) throw new MessageTooLargeError('message too large to publish')
    let recipients = 0
    try {
      const result = await this.components.pubsub.publish(session.topic, wire)
      recipients = result.recipients.length
    } catch (err) {
      this.log('group %s: publish failed: %s', session.gid, (err as Error).message)
    }
    this.pushToUnseenMembers(session, wire)
    // waited for: a message counts as sent only once the relays that will hand it to absent members hold it too
    const stored = this.relays.size > 0 ? await this.pushToRelays(session.topic, wire) : 0
    recipients += stored
    // no relay holds it: keep it for the next relay that comes (a node that never used a relay keeps nothing)
    if (stored === 0) await this.relayOutbox.add(session.topic, wire).catch(err => { this.log('relay outbox: %s', (err as Error).message) })
    return recipients
  }

  /**
   * the signal of one network call: its timeout, the caller's signal, and this service's stop. A stop waits for the
   * work queued on each group, so a call to a peer that is going away must not hold it for a whole timeout
   */
  private callSignal (signal?: AbortSignal, timeout = this.requestTimeout): AbortSignal {
    return AbortSignal.any([AbortSignal.timeout(timeout), this.stopping.signal, ...(signal != null ? [signal] : [])])
  }

  private hashOf (wire: Uint8Array): string {
    return toHex(sha256(wire).subarray(0, 16))
  }

  /** the wire copy (history for members who were away) and its seen marker */
  private wireOps (session: GroupSession, wire: Uint8Array, hash: string): BatchOp[] {
    this.remember(hash)
    return [
      { type: 'put', key: keys.wire(session.gid, this.components.now(), hash), value: wire },
      { type: 'put', key: keys.wireSeen(session.gid, hash), value: new Uint8Array(0) }
    ]
  }

  /** the disk's seen markers are read only off the hot path: history, control messages, and what memory cannot place */
  private async seenOnDisk (session: GroupSession, hash: string): Promise<boolean> {
    if ((await this.store.db.get(keys.wireSeen(session.gid, hash))) == null) return false
    this.remember(hash)
    return true
  }

  private remember (hash: string): void {
    this.seen.add(hash)
    if (this.seen.size > SEEN_CACHE) this.seen.delete(this.seen.values().next().value as string)
  }

  // ---------------------------------------------------------------- API

  /** the communities service plugs in here; see CommunityHooks */
  setCommunityHooks (hooks: CommunityHooks): void {
    this.hooks = hooks
  }

  async create (name: string, options?: AbortOptions & { direct?: boolean, peer?: string, announce?: boolean }): Promise<{ groupId: string, invite: string, flagged: boolean, flagReasons: string[] }> {
    options?.signal?.throwIfAborted()
    if (typeof name !== 'string' || name.length > 200) throw new InvalidArgumentError('a group name is a text of at most 200 characters')
    const invite = generateIdentity()
    const now = this.components.now()
    const genesis = createGenesis(this.identity, { name, invitePublicKey: invite.publicKey, timestamp: now, direct: options?.direct, announce: options?.announce })
    const state = foldLog([genesis], this.verifier)
    const gid = groupIdToString(state.groupId)
    const meta: GroupMeta = { groupId: gid, inviteSecret: toHex(invite.seed), direct: options?.direct === true, peer: options?.peer, mySeq: 0, lastSeenAt: now, left: false, createdAt: now }
    const ops: BatchOp[] = [
      { type: 'put', key: keys.log(gid, 0), value: genesis },
      { type: 'put', key: keys.topic(groupTopicOf(state)), value: str(gid) }
    ]
    if (meta.direct && meta.peer != null) ops.push({ type: 'put', key: keys.direct(meta.peer), value: str(gid) })
    await this.store.db.batch([...ops, { type: 'put', key: keys.meta(gid), value: json(meta) }])
    const session = await this.openSession(meta, [genesis])
    return { groupId: gid, invite: this.inviteText(session), ...nameFlags(name) }
  }

  async invite (groupId: string, options?: AbortOptions & { reset?: boolean }): Promise<{ invite: string }> {
    const session = this.activeSession(groupId)
    if (options?.reset === true) {
      const next = generateIdentity()
      await this.commit(session, LogOp.SET_INVITE, { invitePublicKey: next.publicKey }, next.seed)
    }
    if (session.meta.inviteSecret == null) throw new NotAnAdminError('this node does not hold the group\'s invite; ask an admin')
    return { invite: this.inviteText(session) }
  }

  private inviteText (session: GroupSession): string {
    const peers = [{ publicKey: this.identity.publicKey, addrs: this.shareableAddrs(this.components.libp2p.getMultiaddrs().map(a => a.toString())) }]
    for (const conn of this.components.libp2p.getConnections()) {
      const hex = this.hexOfPeer(conn.remotePeer.toString())
      if (hex == null || !session.isMember(hex) || peers.length >= 4 || peers.some(p => toHex(p.publicKey) === hex)) continue
      peers.push({ publicKey: fromHex(hex), addrs: [] })
    }
    return encodeInvite({ groupId: session.groupId, name: session.state.name, inviteSecret: fromHex(session.meta.inviteSecret as string), peers })
  }

  private shareableAddrs (addrs: string[]): string[] {
    return addrs.map(a => a.replace(/\/p2p\/[^/]+$/, '')).filter(a => !a.includes('/ip4/0.0.0.0/')).slice(0, 8)
  }

  async join (invite: string, options?: AbortOptions & { timeout?: number }): Promise<{ groupId: string }> {
    let info
    try {
      info = decodeInvite(invite)
    } catch (err) {
      throw new InvalidInviteError((err as Error).message)
    }
    const gid = groupIdToString(info.groupId)
    const existing = this.sessions.get(gid)
    if (existing != null && !existing.meta.left && existing.isMember(this.me)) return { groupId: gid }
    const request = signJoinRequest(this.identity, info, this.components.now())
    const deadline = Date.now() + (options?.timeout ?? this.joinTimeout)
    let lastError = 'no member of the group could be reached'
    while (Date.now() < deadline) {
      options?.signal?.throwIfAborted()
      for (const peer of info.peers) {
        const peerId = peerIdFromPublicKey(peer.publicKey)
        if (peerId === this.myPeerId) continue
        // an open connection first, then the invite's addresses: dialing a bare peer id we have no address for
        // would wait on a DHT lookup
        const connected = this.components.libp2p.getConnections().some(c => c.remotePeer.toString() === peerId)
        const targets: Array<string> = [...(connected ? [peerId] : []), ...peer.addrs.map(a => `${a}/p2p/${peerId}`)]
        for (const target of targets) {
          try {
            const signal = this.callSignal(options?.signal, Math.min(this.requestTimeout, Math.max(1, deadline - Date.now())))
            const stream = await this.components.libp2p.dialProtocol(target.startsWith('/') ? multiaddr(target) : peerIdFromString(target), JOIN_PROTOCOL, { signal, runOnLimitedConnection: true })
            const [frame] = await requestFrames(stream, request, { maxFrameBytes: 4 * 1024 * 1024, maxFrames: 1 }, signal)
            if (frame == null) throw new Error('no answer')
            const response = decodeJoinResponse(frame)
            if (!response.accepted) {
              lastError = response.error
              if (response.error.startsWith('this invite')) throw new InvalidInviteError(response.error)
              break
            }
            await this.adoptLog(response.log, { inviteSecret: info.inviteSecret })
            return { groupId: gid }
          } catch (err) {
            if (errorName(err) === 'InvalidInviteError') throw err
            lastError = (err as Error).message
            this.log('join %s via %s failed: %s', gid, target, lastError)
          }
        }
      }
      await new Promise(resolve => setTimeout(resolve, 1000))
    }
    throw new JoinFailedError(`could not join group ${gid}: ${lastError}`)
  }

  async add (groupId: string, peerId: string, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    const target = this.parsePeer(peerId)
    if (this.hooks != null && !this.hooks.mayJoin(groupId, target)) throw new MembershipChangeRefusedError('this peer is banned from the group\'s community')
    await this.commit(this.activeSession(groupId), LogOp.ADD, { target })
  }

  async remove (groupId: string, peerId: string, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    const session = this.activeSession(groupId)
    // the removed member may still hold the invite: replace it in the same change, or any member could let it back in
    const next = generateIdentity()
    await this.commit(session, [[LogOp.REMOVE, { target: this.parsePeer(peerId) }], [LogOp.SET_INVITE, { invitePublicKey: next.publicKey }]], next.seed)
  }

  async promote (groupId: string, peerId: string, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    await this.commit(this.activeSession(groupId), LogOp.PROMOTE, { target: this.parsePeer(peerId) })
  }

  async demote (groupId: string, peerId: string, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    await this.commit(this.activeSession(groupId), LogOp.DEMOTE, { target: this.parsePeer(peerId) })
  }

  /** the role of a peer in a group we hold, or undefined when it is not a member (or we do not hold the group) */
  roleOf (groupId: string, peerId: string): 'admin' | 'member' | undefined {
    const session = this.sessions.get(groupId)
    const hex = this.hexOfPeer(peerId)
    if (session == null || hex == null) return undefined
    return session.state.members.get(hex)?.role
  }

  /** whether this node is an active member of the group */
  isActiveMember (groupId: string): boolean {
    const session = this.sessions.get(groupId)
    return session != null && !session.meta.left && session.isMember(this.me)
  }

  groupName (groupId: string): string | undefined {
    return this.sessions.get(groupId)?.state.name
  }

  /** the message with this id in any group we hold */
  async findMessage (messageId: string): Promise<GroupMessage | undefined> {
    for (const session of this.sessions.values()) {
      const orderKey = await this.store.getString(keys.messageIndex(session.gid, messageId))
      const msg = orderKey == null ? undefined : await this.store.getJson<StoredMessage>(orderKey)
      if (msg != null) return this.publicMessage(msg)
    }
    return undefined
  }

  /** delete a message for good and remember that it was, so history cannot bring it back */
  async deleteMessage (groupId: string, messageId: string): Promise<boolean> {
    this.sessions.get(groupId)?.tombstones.add(messageId)
    const orderKey = await this.store.getString(keys.messageIndex(groupId, messageId))
    const ops: BatchOp[] = [{ type: 'put', key: keys.tombstone(groupId, messageId), value: new Uint8Array(0) }]
    if (orderKey != null) ops.push({ type: 'del', key: orderKey }, { type: 'del', key: keys.messageIndex(groupId, messageId) })
    await this.store.db.batch(ops)
    if (orderKey != null) this.emit('group:message-deleted', { groupId, messageId })
    return orderKey != null
  }

  /**
   * Send a COMMUNITY payload (see CommunityHooks): it takes a place in this node's sequence and goes through the
   * outbox like a text, so it survives a restart and reaches members who were away. With `display` it is also
   * listed among the group's messages.
   */
  async sendPayload (groupId: string, payload: Uint8Array, display?: AnnouncementDisplay, options?: AbortOptions): Promise<SendResult> {
    options?.signal?.throwIfAborted()
    return this.sendOutgoing(this.activeSession(groupId), { payload, display })
  }

  async leave (groupId: string, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    await this.commit(this.activeSession(groupId), LogOp.LEAVE, { target: this.identity.publicKey })
  }

  private parsePeer (peerId: string): Uint8Array {
    try {
      return publicKeyFromPeerId(peerId)
    } catch {
      throw new InvalidArgumentError(`not a Kith peer id: ${String(peerId).slice(0, 80)}`)
    }
  }

  async send (groupId: string, text: string, options?: AbortOptions): Promise<SendResult> {
    options?.signal?.throwIfAborted()
    if (typeof text !== 'string' || text.length === 0) throw new InvalidArgumentError('a message needs some text')
    if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) throw new MessageTooLargeError(`a message holds at most ${MAX_TEXT_BYTES} bytes of text`)
    const session = this.activeSession(groupId)
    if (session.state.announceOnly && session.state.members.get(this.me)?.role !== 'admin') throw new NotAnAdminError('only admins post in an announcement group')
    return this.sendOutgoing(session, { text })
  }

  private async sendOutgoing (session: GroupSession, content: Outgoing): Promise<SendResult> {
    // the queue's task does no I/O: receiving on this group does not wait for this send's write
    const { seq, messageId, msg, wire, receipts, written } = await session.run(async () => this.prepareOutgoing(session, content))
    try {
      await written
    } catch (err) {
      session.directInFlight.delete(seq)
      throw err
    }
    if (msg != null) this.emit('group:message', this.publicMessage(msg))
    if (wire != null) {
      const publishing = this.publishDirect(session, seq, msg, wire, receipts)
      this.directSends.add(publishing)
      void publishing.finally(() => this.directSends.delete(publishing))
    } else {
      void this.flush(session)
    }
    return { messageId }
  }

  /**
   * A new text's or community payload's seq, and its encryption when nothing waits in the outbox and someone carries
   * the topic. Message (a payload has one only when it is shown), outbox entry, seq counter and (when encrypted) chain
   * position go in one batch that `written` commits before anything is published: nothing typed is lost on a crash,
   * and a ratchet step is never used twice. Sends of one tick share that batch: an announcement into 50 groups is one
   * write, not 50 rounds of reads and writes through the outbox.
   */
  private prepareOutgoing (session: GroupSession, content: Outgoing): { seq: number, messageId: string, msg?: StoredMessage, wire?: Uint8Array, receipts: Inner['receipts'], written: Promise<void> } {
    const seq = session.meta.mySeq + 1
    session.meta = { ...session.meta, mySeq: seq }
    const messageId = messageIdFor(session.groupId, this.identity.publicKey, seq)
    const timestamp = this.components.now()
    const text = 'text' in content ? content.text : ''
    const msg: StoredMessage | undefined = 'text' in content
      ? { messageId, groupId: session.gid, from: this.myPeerId, kind: 'text', text, timestamp, status: 'pending', seq }
      : content.display == null ? undefined : { messageId, groupId: session.gid, from: this.myPeerId, ...content.display, timestamp, status: 'pending', seq }
    const payload = 'payload' in content ? content.payload : undefined
    const ops: BatchOp[] = [
      ...(msg == null ? [] : this.store.putMessageOps(session.gid, msg)),
      { type: 'put', key: keys.outbox(session.gid, seq), value: json(payload == null ? { seq, messageId } : { seq, messageId, payload: Buffer.from(payload).toString('base64') }) },
      { type: 'put', key: keys.meta(session.gid), value: json(session.meta) }
    ]
    let wire: Uint8Array | undefined
    let receipts: Inner['receipts'] = []
    const chain = session.myChain
    if (this.started && !session.outboxPending && !session.flushing && chain != null && equals(chain.epoch, session.state.head) &&
      this.components.pubsub.getSubscribers(session.topic).length > 0) {
      const inner: Inner = payload == null
        ? { seq: BigInt(seq), timestamp: BigInt(timestamp), kind: Inner.Kind.TEXT, text, receipts: (receipts = piggyback(session, text, Date.now())), padding: new Uint8Array(0) }
        : { seq: BigInt(seq), timestamp: BigInt(timestamp), kind: Inner.Kind.COMMUNITY, text: '', receipts: [], padding: new Uint8Array(0), payload }
      const encrypted = encryptGroupMessage(this.identity, chain, inner)
      session.myChain = encrypted.chain
      wire = encrypted.wire
      ops.push(this.myChainOp(session), ...this.wireOps(session, wire, this.hashOf(wire)))
      session.directInFlight.add(seq)
    } else {
      session.outboxPending = true
    }
    return { seq, messageId, msg, wire, receipts, written: this.writes.batch(ops) }
  }

  /** publish what send() or sendPayload() encrypted; on success it leaves the outbox, else the outbox sends it again later */
  private async publishDirect (session: GroupSession, seq: number, msg: StoredMessage | undefined, wire: Uint8Array, receipts: Inner['receipts']): Promise<void> {
    try {
      const recipients = await this.publishWire(session, wire)
      if (recipients === 0) {
        this.receiptsNotSent(session, receipts)
        session.outboxPending = true
        return
      }
      const ops: BatchOp[] = [{ type: 'del', key: keys.outbox(session.gid, seq) }]
      // receipts may have come back while publishing: delivered is never taken back to sent
      const status: MessageStatus = seq <= session.deliveredUpTo ? 'delivered' : 'sent'
      const shown = msg != null && !session.tombstones.has(msg.messageId)
      if (shown) ops.push(...this.store.putMessageOps(session.gid, { ...msg, status }))
      this.writes.queue(ops)
      if (status === 'sent' && shown) this.emit('group:message-status', { groupId: session.gid, messageId: msg.messageId, status })
    } catch (err) {
      this.log('group %s: sending %s failed, it stays in the outbox: %s', session.gid, messageIdFor(session.groupId, this.identity.publicKey, seq), (err as Error).message)
      session.outboxPending = true
    } finally {
      session.directInFlight.delete(seq)
    }
  }

  /** publish what waits in the outbox, oldest first, while someone carries the topic */
  private async flush (session: GroupSession): Promise<void> {
    if (session.meta.left || !this.started) return
    if (session.flushing) {
      // a send that lands while a flush runs is picked up by that flush's next round, not left for the timer
      session.flushAgain = true
      return
    }
    if (this.components.pubsub.getSubscribers(session.topic).length === 0) return
    session.flushing = true
    try {
      do {
        session.flushAgain = false
        session.outboxPending = await session.run(async () => this.flushOnce(session))
      } while (session.flushAgain && this.started)
    } finally {
      session.flushing = false
    }
  }

  /** one pass over the outbox; returns whether anything is left in it */
  private async flushOnce (session: GroupSession): Promise<boolean> {
    let left = false
    for await (const [key, value] of this.store.entries(keys.outboxRange(session.gid))) {
      const { seq, messageId, payload } = JSON.parse(new TextDecoder().decode(value)) as { seq: number, messageId: string, payload?: string }
      if (session.directInFlight.has(seq)) {
        // send() is publishing it: look again once that is over (it may have reached no one)
        left = true
        continue
      }
      const orderKey = await this.store.getString(keys.messageIndex(session.gid, messageId))
      const msg = orderKey == null ? undefined : await this.store.getJson<StoredMessage>(orderKey)
      // a deleted text is not sent; a payload with nothing to show has no stored message at all
      if (msg == null && payload == null) {
        await this.store.db.del(key)
        continue
      }
      const inner: Inner = payload == null
        ? { seq: BigInt(seq), timestamp: BigInt(msg?.timestamp ?? 0), kind: Inner.Kind.TEXT, text: msg?.text ?? '', receipts: piggyback(session, msg?.text ?? '', Date.now()), padding: new Uint8Array(0) }
        : { seq: BigInt(seq), timestamp: BigInt(msg?.timestamp ?? this.components.now()), kind: Inner.Kind.COMMUNITY, text: '', receipts: [], padding: new Uint8Array(0), payload: new Uint8Array(Buffer.from(payload, 'base64')) }
      const recipients = await this.sendInner(session, inner)
      if (recipients === 0) return true
      if (msg == null) {
        await this.store.db.del(key)
        continue
      }
      const sent: StoredMessage = { ...msg, status: msg.status === 'delivered' ? 'delivered' : 'sent' }
      await this.store.db.batch([{ type: 'del', key }, { type: 'put', key: orderKey as string, value: json(sent) }])
      if (msg.status !== sent.status) this.emit('group:message-status', { groupId: session.gid, messageId, status: sent.status as MessageStatus })
    }
    return left
  }

  /** encrypt with this node's chain (persisting the ratchet before anything leaves) and publish */
  private async sendInner (session: GroupSession, inner: Inner): Promise<number> {
    if (!this.chainIsCurrent(session)) await this.rotate(session)
    const chain = session.myChain
    if (chain == null) {
      this.receiptsNotSent(session, inner.receipts)
      return 0
    }
    const { wire, chain: next } = encryptGroupMessage(this.identity, chain, inner)
    session.myChain = next
    await this.writes.batch([this.myChainOp(session), ...this.wireOps(session, wire, this.hashOf(wire))])
    const recipients = await this.publishWire(session, wire)
    if (recipients === 0) this.receiptsNotSent(session, inner.receipts)
    return recipients
  }

  async messages (groupId: string, options?: AbortOptions & { limit?: number }): Promise<GroupMessage[]> {
    options?.signal?.throwIfAborted()
    this.session(groupId)
    const limit = options?.limit
    if (limit != null && (!Number.isInteger(limit) || limit < 0)) throw new InvalidArgumentError('limit is a whole number')
    return (await this.store.messages(groupId, limit)).map(m => this.publicMessage(m))
  }

  async members (groupId: string, options?: AbortOptions): Promise<GroupMember[]> {
    options?.signal?.throwIfAborted()
    const session = this.session(groupId)
    return [...session.state.members.values()]
      .sort((a, b) => a.since - b.since)
      .map(m => ({ peerId: peerIdFromPublicKey(m.publicKey), role: m.role }))
  }

  async list (options?: AbortOptions): Promise<GroupSummary[]> {
    options?.signal?.throwIfAborted()
    const out: GroupSummary[] = []
    for (const session of this.sessions.values()) {
      const last = await this.store.lastMessage(session.gid)
      out.push({
        groupId: session.gid,
        name: session.state.name,
        ...nameFlags(session.state.name),
        role: session.state.members.get(this.me)?.role ?? 'member',
        members: session.state.members.size,
        direct: session.meta.direct,
        ...(session.meta.peer != null ? { peer: session.meta.peer } : {}),
        ...(session.meta.left ? { left: true } : {}),
        ...(last != null ? { lastMessage: this.publicMessage(last) } : {})
      })
    }
    return out.sort((a, b) => (b.lastMessage?.timestamp ?? 0) - (a.lastMessage?.timestamp ?? 0))
  }

  async chat (peerId: string, text: string, options?: AbortOptions): Promise<SendResult & { groupId: string }> {
    const target = this.parsePeer(peerId)
    if (equals(target, this.identity.publicKey)) throw new InvalidArgumentError('a direct chat needs another peer')
    let groupId = await this.store.getString(keys.direct(peerId))
    if (groupId == null || this.sessions.get(groupId)?.meta.left === true) {
      groupId = (await this.create('', { ...options, direct: true, peer: peerId })).groupId
      const session = this.session(groupId)
      await this.commit(session, LogOp.ADD, { target })
      await this.commit(session, LogOp.PROMOTE, { target })
    }
    return { groupId, ...(await this.send(groupId, text, options)) }
  }

  async chatMessages (peerId: string, options?: AbortOptions & { limit?: number }): Promise<GroupMessage[]> {
    this.parsePeer(peerId)
    const groupId = await this.store.getString(keys.direct(peerId))
    if (groupId == null) return []
    return this.messages(groupId, options)
  }

  // ---------------------------------------------------------------- membership

  /** sign, apply and announce changes of our own, as one new epoch */
  private async commit (session: GroupSession, changes: LogOp | Array<[LogOp, LogEntryFields]>, fieldsOrSecret?: LogEntryFields | Uint8Array, newInviteSecret?: Uint8Array): Promise<void> {
    const list: Array<[LogOp, LogEntryFields]> = Array.isArray(changes) ? changes : [[changes, fieldsOrSecret as LogEntryFields]]
    const inviteSecret = Array.isArray(changes) ? fieldsOrSecret as Uint8Array | undefined : newInviteSecret
    await session.run(async () => {
      const entries: Uint8Array[] = []
      const verified = []
      let state = session.state
      for (const [op, fields] of list) {
        const bytes = signLogEntry(this.identity, state, op, fields, this.components.now())
        try {
          const v = verifyLogEntry(state, bytes, this.verifier)
          state = applyLogEntry(state, v)
          entries.push(bytes)
          verified.push(v)
        } catch (err) {
          if (errorName(err) === 'LogEntryRejectedError') {
            const reason = (err as Error).message
            if (reason.startsWith('only an admin')) throw new NotAnAdminError(`${reason} (this node is not an admin of the group)`)
            throw new MembershipChangeRefusedError(reason)
          }
          throw err
        }
      }
      if (inviteSecret != null) session.meta = { ...session.meta, inviteSecret: toHex(inviteSecret) }
      await this.appendEntries(session, entries, verified)
    })
    // whoever this node let in gets what the community service hands newcomers (the community's log) now, not with
    // the next announcement
    for (const [op, fields] of list) if (op === LogOp.ADD && fields.target != null) this.hooks?.onAdmitted(session.gid, fields.target)
  }

  /** append verified entries that follow the current head, persist, and act on the new state */
  private async appendEntries (session: GroupSession, entries: Uint8Array[], verified: Array<Verified<ReturnType<typeof decodeLogEntry>>>, truncateFrom?: number): Promise<void> {
    const before = session.state
    const ops: BatchOp[] = []
    if (truncateFrom != null) {
      for (let i = truncateFrom; i < session.log.length; i++) ops.push({ type: 'del', key: keys.log(session.gid, i) })
    }
    let state = truncateFrom != null ? foldLog(session.log.slice(0, truncateFrom), this.verifier) : session.state
    const log = truncateFrom != null ? session.log.slice(0, truncateFrom) : [...session.log]
    for (let i = 0; i < entries.length; i++) {
      state = applyLogEntry(state, verified[i])
      ops.push({ type: 'put', key: keys.log(session.gid, log.length), value: entries[i] })
      log.push(entries[i])
      session.addEpoch(state)
    }
    session.log = log
    session.state = state
    const stillMember = state.members.has(this.me)
    if (!stillMember) session.meta = { ...session.meta, left: true }
    await this.saveMeta(session, ops)
    await this.afterMembershipChange(session, before, truncateFrom != null ? log.slice(truncateFrom) : entries)
  }

  private async afterMembershipChange (session: GroupSession, before: GroupState, newEntries: Uint8Array[]): Promise<void> {
    const state = session.state
    const now = this.components.now()
    const removed = [...before.members.keys()].filter(k => !state.members.has(k) && k !== this.me)
    const joined = [...state.members.keys()].filter(k => !before.members.has(k) && k !== this.me)
    // members added by an admin learn of it by a welcome; joiners already have the log from the join answer
    const added = newEntries.map(e => decodeLogEntry(e).entry).filter(e => e.op === LogOp.ADD).map(e => toHex(e.target)).filter(k => joined.includes(k))
    const others = session.otherMembers(this.me)
    const recipients = [...new Set([...others, ...removed])]
    // only admins hand out the invite, and only to members of the new state
    const inviteSecret = session.meta.inviteSecret != null && state.members.get(this.me)?.role === 'admin' ? fromHex(session.meta.inviteSecret) : undefined
    const announcedByMe = newEntries.some(e => equals(decodeLogEntry(e).entry.signer, this.identity.publicKey))
    if (announcedByMe && recipients.length > 0) {
      // new members get the whole log from the join answer or the welcome; here only what changed
      await this.publishSealed(session, recipients, (r) => ({
        logEntries: newEntries,
        inviteSecret: inviteSecret != null && state.members.has(toHex(r)) ? inviteSecret : new Uint8Array(0)
      }), now)
      for (const member of added) {
        // a new member is not on the topic yet: tell it directly, and keep trying until it answers
        await this.store.db.put(keys.welcome(this.peerIdOf(member), session.gid), new Uint8Array(0))
        this.welcomesDue.set(this.peerIdOf(member), this.components.now() + this.welcomeRetry)
        void this.deliverWelcomes(this.peerIdOf(member))
      }
    }
    if (!state.members.has(this.me)) {
      this.unsubscribe(session)
      this.emit('group:removed', { groupId: session.gid })
    }
    this.emit('group:members-changed', { groupId: session.gid, members: await this.members(session.gid) })
  }

  /** a log received from others (join answer, welcome): adopt it where it extends or wins over ours */
  private async adoptLog (entries: Uint8Array[], extra: { inviteSecret?: Uint8Array } = {}): Promise<GroupSession | undefined> {
    if (entries.length === 0) return undefined
    const state = foldLog(entries, this.verifier)
    const gid = groupIdToString(state.groupId)
    // a join answer and a welcome for the same group can arrive together: one adoption at a time per group
    const previous = this.adopting.get(gid) ?? Promise.resolve()
    const next = previous.then(async () => this.adoptVerifiedLog(gid, state, entries, extra), async () => this.adoptVerifiedLog(gid, state, entries, extra))
    this.adopting.set(gid, next)
    try {
      return await next
    } finally {
      if (this.adopting.get(gid) === next) this.adopting.delete(gid)
    }
  }

  private async adoptVerifiedLog (gid: string, state: GroupState, entries: Uint8Array[], extra: { inviteSecret?: Uint8Array }): Promise<GroupSession> {
    if (!state.members.has(this.me)) throw new NotAMemberError('the group log does not list this node as a member')
    const existing = this.sessions.get(gid)
    if (existing != null) {
      await existing.run(async () => { await this.mergeEntries(existing, entries) })
      if (existing.meta.left && existing.isMember(this.me)) {
        existing.meta = { ...existing.meta, left: false }
        await this.saveMeta(existing)
        this.subscribe(existing)
      }
      return existing
    }
    const now = this.components.now()
    const other = [...state.members.keys()].find(k => k !== this.me)
    const inviteSecret = extra.inviteSecret != null && equals(identityFromSeed(extra.inviteSecret).publicKey, state.invitePublicKey) ? toHex(extra.inviteSecret) : undefined
    // nothing from before we joined can be read: history starts a little before now
    const meta: GroupMeta = { groupId: gid, inviteSecret, direct: state.direct, peer: state.direct && other != null ? this.peerIdOf(other) : undefined, mySeq: 0, lastSeenAt: now, left: false, createdAt: now }
    const ops: BatchOp[] = entries.map((e, i) => ({ type: 'put', key: keys.log(gid, i), value: e }))
    ops.push({ type: 'put', key: keys.topic(groupTopicOf(state)), value: str(gid) })
    if (meta.direct && meta.peer != null) ops.push({ type: 'put', key: keys.direct(meta.peer), value: str(gid) })
    await this.store.db.batch([...ops, { type: 'put', key: keys.meta(gid), value: json(meta) }])
    const session = await this.openSession(meta, entries)
    this.emit('group:joined', { groupId: gid })
    // keys sent before we subscribed are in the history of the members (and relays) in reach; two are enough
    for (const peer of this.syncSources(session).slice(0, 2)) this.maybeSyncWith(session, peer)
    return session
  }

  /**
   * merge entries into the session's log, resolving a fork by the rule every peer applies; false when the entries
   * start past the end of our log: we missed updates, and they are being fetched
   */
  private async mergeEntries (session: GroupSession, entries: Uint8Array[]): Promise<boolean> {
    const parsed = entries.map(e => decodeLogEntry(e))
    let truncateFrom: number | undefined
    let start = -1
    for (let i = 0; i < parsed.length; i++) {
      const index = Number(parsed[i].entry.index)
      if (index >= session.log.length) {
        start = i
        break
      }
      const ours = session.entryHashAt(index)
      if (ours != null && !equals(ours, parsed[i].hash)) {
        const mine = decodeLogEntry(session.log[index])
        if (preferredEntry(mine, parsed[i]) === mine) return true
        truncateFrom = index
        start = i
        break
      }
    }
    if (start < 0) return true
    const base = truncateFrom != null ? foldLog(session.log.slice(0, truncateFrom), this.verifier) : session.state
    if (Number(parsed[start].entry.index) !== base.length) {
      this.log('group %s: log update does not follow our log (index %d, we have %d)', session.gid, parsed[start].entry.index, base.length)
      // we are further behind than the update reaches: the updates we missed are in any member's history
      this.scheduleGapFetch(session)
      return false
    }
    const dropped = truncateFrom != null ? session.log.slice(truncateFrom) : []
    const accepted: Uint8Array[] = []
    const verified = []
    let state = base
    for (const p of parsed.slice(start)) {
      try {
        const v = verifyLogEntry(state, p.bytes, this.verifier)
        state = applyLogEntry(state, v)
        accepted.push(p.bytes)
        verified.push(v)
      } catch (err) {
        this.log('group %s: log entry refused: %s', session.gid, (err as Error).message)
        break
      }
    }
    if (accepted.length === 0) return true
    await this.appendEntries(session, accepted, verified, truncateFrom)
    // our own changes that lost a fork are made again on top, if they still hold
    for (const bytes of dropped) {
      const { entry } = decodeLogEntry(bytes)
      if (!equals(entry.signer, this.identity.publicKey) || !session.isMember(this.me)) continue
      try {
        const again = signLogEntry(this.identity, session.state, entry.op, { target: entry.target, name: entry.name, invitePublicKey: entry.invitePublicKey, inviteSignature: entry.inviteSignature }, this.components.now())
        await this.appendEntries(session, [again], [verifyLogEntry(session.state, again, this.verifier)])
      } catch (err) {
        this.log('group %s: a change of ours lost a fork and no longer holds: %s', session.gid, (err as Error).message)
      }
    }
    return true
  }

  // ---------------------------------------------------------------- sender keys

  /** whether this node's chain belongs to the group's current epoch (else its next message needs a new one) */
  private chainIsCurrent (session: GroupSession): boolean {
    return session.myChain != null && equals(session.myChain.epoch, session.state.head)
  }

  /**
   * A new chain for the current epoch, handed to every other member. Made when this node next sends, not at every
   * membership change: in a group of n where a few people talk, every join would otherwise make each of the n
   * members seal a new key to the n − 1 others (n² boxes per join, most of them for chains that never carry a
   * message; in an announcement group, where members cannot post at all, all of them). The security is the same:
   * whatever is sent after a change goes under a chain made after it, sealed only to the members of the new state.
   */
  private async rotate (session: GroupSession): Promise<void> {
    if (!session.isMember(this.me)) return
    const chain = newSenderChain(session.state.head)
    session.mySeqBase = await this.lastSeqBeforeChain(session)
    session.myChain = chain
    session.myInitialChainKey = chain.chainKey
    session.acked = new Set()
    session.ownKeyIds.add(toHex(chain.senderKeyId))
    session.keyRetries.clear()
    await this.saveMyChain(session)
    const others = session.otherMembers(this.me)
    if (others.length > 0) await this.distributeKey(session, others)
  }

  /** the highest of my seqs that a chain made now will not carry: all but what still waits in the outbox */
  private async lastSeqBeforeChain (session: GroupSession): Promise<number> {
    for await (const [key] of this.store.entries(keys.outboxRange(session.gid), { limit: 1 })) {
      const lowest = Number(key.slice(key.lastIndexOf('/') + 1))
      if (Number.isSafeInteger(lowest) && lowest > 0) return Math.min(lowest - 1, session.meta.mySeq)
    }
    return session.meta.mySeq
  }

  private async saveMyChain (session: GroupSession): Promise<void> {
    if (session.myChain == null || session.myInitialChainKey == null) return
    await this.writes.batch([this.myChainOp(session)])
  }

  /** this node's chain position as it is now (a later op for the same key replaces it, in order) */
  private myChainOp (session: GroupSession): BatchOp {
    const record: MyChainRecord & { ownKeyIds: string[] } = {
      chain: serializeChain(session.myChain as NonNullable<GroupSession['myChain']>),
      initialChainKey: toHex(session.myInitialChainKey as Uint8Array),
      acked: [...session.acked],
      seqBase: session.mySeqBase,
      ownKeyIds: [...session.ownKeyIds].slice(-64)
    }
    return { type: 'put', key: keys.myChain(session.gid), value: json(record) }
  }

  /** seal the sender key to these members; retried with backoff until each acknowledges */
  private async distributeKey (session: GroupSession, members: string[]): Promise<void> {
    const chain = session.myChain
    if (chain == null || session.myInitialChainKey == null || !equals(chain.epoch, session.state.head)) return
    const targets = members.filter(m => m !== this.me && session.isMember(m) && !session.acked.has(m))
    if (targets.length === 0) return
    const now = this.components.now()
    const senderKey = { epoch: chain.epoch, senderKeyId: chain.senderKeyId, chainKey: session.myInitialChainKey, iteration: 0, seqBase: BigInt(session.mySeqBase) }
    for (const m of targets) {
      const r = session.keyRetries.get(m) ?? { attempts: 0, nextAt: 0 }
      const attempts = r.attempts + 1
      session.keyRetries.set(m, { attempts, nextAt: now + Math.min(MAX_KEY_RETRY_MS, KEY_RETRY_FIRST_MS * 2 ** (attempts - 1)) })
    }
    // the log's tail rides along: a member that missed a membership update (sent before it subscribed, or while
    // it was away) learns the epoch from the key's retries instead of losing it for good
    const logEntries = session.log.slice(-KEY_LOG_TAIL)
    const wires = await this.publishSealed(session, targets, { senderKey, logEntries }, now)
    // gossip brought no ack after two tries: hand it over directly too (the ack still comes by gossip)
    const direct = targets.filter(m => (session.keyRetries.get(m)?.attempts ?? 0) >= KEY_PUSH_AFTER_ATTEMPTS &&
      this.components.libp2p.getConnections(peerIdFromString(this.peerIdOf(m))).length > 0)
    for (const m of direct) void this.pushToMember(session, m, wires)
  }

  /** a member just came (back) within reach: do not make it wait for the backoff */
  private hurryKeysFor (session: GroupSession, peerId: string): void {
    const hex = this.hexOfPeer(peerId)
    if (hex == null || !session.isMember(hex) || session.acked.has(hex)) return
    const now = this.components.now()
    session.keyRetries.set(hex, { attempts: 0, nextAt: now })
    if (session.keyRequest != null) session.keyRequest.nextAt = Math.min(session.keyRequest.nextAt, now)
  }

  private async requestKeys (session: GroupSession): Promise<void> {
    const request = session.keyRequest
    if (request == null || request.epochs.size === 0) return
    const now = this.components.now()
    const others = session.otherMembers(this.me)
    request.attempts++
    request.nextAt = now + Math.min(60_000, KEY_REQUEST_MIN_MS * 2 ** (request.attempts - 1))
    if (others.length === 0) return
    for (const epoch of request.epochs) {
      await this.publishSealed(session, others, { keyRequest: { epoch: fromHex(epoch), senderKeyId: new Uint8Array(0) } }, now)
    }
  }

  private noteMissingKey (session: GroupSession, epoch: Uint8Array): void {
    // a sender makes its chain when it next sends and publishes the key just before the message: on another path
    // through the mesh the message can come first, with the key right behind it. Asking at once would make every
    // member that happened to get the message first ask the whole group
    if (session.keyRequest == null || session.keyRequest.epochs.size === 0) {
      session.keyRequest = { attempts: 0, nextAt: this.components.now() + KEY_REQUEST_MIN_MS, epochs: new Set() }
    }
    session.keyRequest.epochs.add(toHex(epoch))
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Everything that arrives for a group, from gossip or from history, goes through here. A gossiped text is decided
   * in memory (seen set, signature, membership, chain, seq window) and its writes are queued, not waited for: the
   * verdict gates forwarding to the next hop. The disk's seen markers are read for history and control messages,
   * and for a cipher memory cannot place (an unknown key, a used ratchet step: a replay after a restart).
   */
  private async processWire (session: GroupSession, data: Uint8Array, origin: Origin): Promise<TopicValidatorResult> {
    const hash = this.hashOf(data)
    if (this.seen.has(hash)) return TopicValidatorResult.Ignore
    let decoded
    try {
      decoded = decodeGroupWire(data)
    } catch (err) {
      this.log('group %s: rejected %s message: %s', session.gid, origin, (err as Error).message)
      return TopicValidatorResult.Reject
    }
    if ((origin === 'history' || decoded.kind === 'sealed') && await this.seenOnDisk(session, hash)) return TopicValidatorResult.Ignore
    const placement = { kept: true }
    const result = decoded.kind === 'cipher'
      ? await this.onCipher(session, decoded, data, hash, origin)
      : await this.onSealed(session, decoded, placement)
    if (result === TopicValidatorResult.Accept && placement.kept) {
      session.meta = { ...session.meta, lastSeenAt: Math.max(session.meta.lastSeenAt, this.components.now()) }
      this.writes.queue(this.wireOps(session, data, hash))
    }
    return result
  }

  private async onCipher (session: GroupSession, cipher: DecodedCipher, data: Uint8Array, hash: string, origin: Origin): Promise<TopicValidatorResult> {
    const keyId = toHex(cipher.body.senderKeyId)
    if (session.ownKeyIds.has(keyId)) return TopicValidatorResult.Ignore
    const chain = session.chains.get(keyId)
    if (chain == null) {
      // a sender key we have not received yet: keep the message until it comes, and ask for it — but only for an
      // epoch our log knows, or anyone could make every member ask the whole group for keys that do not exist
      // (a member that is behind on the log learns it from the sender keys' retries, which carry the log's tail)
      const epochMembers = session.epochs.get(toHex(cipher.body.epoch))
      if (epochMembers == null) return TopicValidatorResult.Ignore
      // from an epoch this node was not in (before it joined, or while it was out): no key for it will ever come,
      // and a newcomer's history holds many such messages
      if (!epochMembers.has(this.me)) return TopicValidatorResult.Ignore
      if (origin === 'gossip' && await this.seenOnDisk(session, hash)) return TopicValidatorResult.Ignore
      this.writes.queue([{ type: 'put', key: keys.pending(session.gid, keyId, hash), value: data }])
      this.noteMissingKey(session, cipher.body.epoch)
      return TopicValidatorResult.Accept
    }
    return this.decryptAndStore(session, chain, cipher, origin, hash)
  }

  /** `also`: ops that go in the same batch as this message's (a pending copy's removal) */
  private async decryptAndStore (session: GroupSession, chain: import('@kith/protocol').ReceivingChain, cipher: DecodedCipher, origin: Origin, hash?: string, also: BatchOp[] = []): Promise<TopicValidatorResult> {
    const senderHex = toHex(chain.sender)
    if (!verifyCipherSignature(this.verifier, chain.sender, cipher) || !equals(chain.epoch, cipher.body.epoch)) {
      this.log('group %s: rejected message with a forged signature', session.gid)
      return TopicValidatorResult.Reject
    }
    if (!session.isMember(senderHex)) {
      this.log('group %s: rejected message from a non-member', session.gid)
      return TopicValidatorResult.Reject
    }
    let result
    try {
      result = decryptGroupMessage(chain, cipher.body)
    } catch (err) {
      // the same bytes again (after a restart emptied the seen set) are a duplicate; anything else re-using a step is a replay
      if (errorName(err) === 'ReplayedMessageError' && (origin === 'history' || (hash != null && await this.seenOnDisk(session, hash)))) return TopicValidatorResult.Ignore
      this.log('group %s: rejected message: %s', session.gid, (err as Error).message)
      return TopicValidatorResult.Reject
    }
    const { inner } = result
    session.chains.set(toHex(chain.senderKeyId), result.chain)
    const g = session.gid
    // serialized when the batch is committed, off the forwarding path (and once per batch for a busy sender)
    const nextChain = result.chain
    const ops: QueuedOp[] = [...also, { type: 'put', key: keys.chain(g, toHex(chain.senderKeyId)), value: () => str(serializeChain(nextChain)) }]
    let stored: StoredMessage | undefined
    if (inner.kind === Inner.Kind.TEXT || inner.kind === Inner.Kind.COMMUNITY) {
      const seq = Number(inner.seq)
      const window = session.windows.get(senderHex) ?? { contiguous: 0, above: [] }
      const messageId = messageIdFor(session.groupId, chain.sender, seq)
      // at or below the window a text is a copy of one we hold, but for a floor a first key set (see onSenderKey):
      // a message of an older chain of the sender's, from an epoch we were in, can still come (from history)
      let belowFloor = false
      if (seq <= window.contiguous || window.above.includes(seq)) {
        if (inner.kind !== Inner.Kind.TEXT || window.above.includes(seq) || await this.store.getString(keys.messageIndex(g, messageId)) != null) {
          this.writes.queue(ops)
          return TopicValidatorResult.Ignore
        }
        belowFloor = true
      }
      let display: AnnouncementDisplay | undefined
      if (inner.kind === Inner.Kind.TEXT && session.state.announceOnly && session.state.members.get(senderHex)?.role !== 'admin') {
        this.log('group %s: rejected a text from a non-admin in an announcement group', session.gid)
        this.writes.queue(ops)
        return TopicValidatorResult.Reject
      }
      if (inner.kind === Inner.Kind.COMMUNITY) {
        const verdict = this.hooks == null
          ? { verdict: 'ignore' as const, why: 'no communities service' }
          : await this.hooks.onPayload({ groupId: g, sender: chain.sender, payload: inner.payload ?? new Uint8Array(0), timestamp: Number(inner.timestamp) })
        if (verdict.verdict === 'reject') {
          this.log('group %s: rejected a community message: %s', session.gid, verdict.why)
          this.writes.queue(ops)
          return TopicValidatorResult.Reject
        }
        if (verdict.verdict === 'ignore') this.log('group %s: community message not shown: %s', session.gid, verdict.why)
        display = verdict.display
      }
      if (!belowFloor) {
        const above = [...window.above, seq].sort((a, b) => a - b)
        let contiguous = window.contiguous
        while (above[0] === contiguous + 1) contiguous = above.shift() as number
        const next = { contiguous, above: above.slice(-1000) }
        session.windows.set(senderHex, next)
        ops.push({ type: 'put', key: keys.seqWindow(g, senderHex), value: () => json(next) })
        if (next.above.length > 0) this.scheduleGapFetch(session)
      }
      if ((inner.kind === Inner.Kind.TEXT || display != null) && !session.tombstones.has(messageId)) {
        stored = { messageId, groupId: g, from: this.peerIdOf(senderHex), kind: 'text', text: inner.text, timestamp: Number(inner.timestamp), seq, ...display }
        const message = stored
        const orderKey = keys.message(g, message.timestamp, message.messageId)
        ops.push({ type: 'put', key: orderKey, value: () => json(message) }, { type: 'put', key: keys.messageIndex(g, message.messageId), value: str(orderKey) })
      }
      // a receipt goes to the whole topic: from every member of an announcement group (where nobody answers, so none
      // rides on a text) and for every community record it would cost each member a decryption per member per
      // message. Those show "sent", never "delivered"
      if (inner.kind === Inner.Kind.TEXT && !session.state.announceOnly) {
        session.receiptDue.add(senderHex)
        this.scheduleReceipt(session)
      }
    }
    // receipts come in RECEIPT messages and ride on texts
    let confirmed = false
    for (const mark of inner.receipts) {
      if (!equals(mark.sender, this.identity.publicKey)) {
        this.noteClaim(session, toHex(mark.sender), Number(mark.seq))
        continue
      }
      const seq = Number(mark.seq)
      if (seq > (session.deliveredTo.get(senderHex) ?? 0)) {
        session.deliveredTo.set(senderHex, seq)
        ops.push({ type: 'put', key: keys.deliveredTo(g, senderHex), value: str(String(seq)) })
        confirmed = true
      }
    }
    this.writes.queue(ops)
    if (stored != null) this.emit('group:message', this.publicMessage(stored))
    // not waited for: it reads the messages it marks; each call takes the seqs above the last one's, so calls may overlap
    if (confirmed) this.updateDelivered(session).catch(err => { this.log('group %s: delivered status not saved: %s', session.gid, (err as Error).message) })
    return TopicValidatorResult.Accept
  }

  private deliveredFloor (session: GroupSession): number {
    const others = session.otherMembers(this.me)
    if (others.length === 0) return 0
    return Math.min(...others.map(m => session.deliveredTo.get(m) ?? 0))
  }

  private async updateDelivered (session: GroupSession): Promise<void> {
    const floor = Math.min(this.deliveredFloor(session), session.meta.mySeq)
    if (floor <= session.deliveredUpTo) return
    const ids: string[] = []
    for (let seq = session.deliveredUpTo + 1; seq <= floor; seq++) ids.push(messageIdFor(session.groupId, this.identity.publicKey, seq))
    session.deliveredUpTo = floor
    for (const m of await this.store.setStatus(session.gid, ids, 'delivered')) {
      this.emit('group:message-status', { groupId: session.gid, messageId: m.messageId, status: 'delivered' })
    }
  }

  /**
   * A RECEIPT message of its own only when this node's texts have carried no receipts for receiptDelay (it sends
   * none, or only texts too long to carry any): otherwise they ride on its texts (receipts.ts).
   */
  private scheduleReceipt (session: GroupSession, delay = this.receiptDelay): void {
    if (session.receiptTimer != null) return
    session.receiptTimer = setTimeout(() => {
      session.receiptTimer = undefined
      if (!this.started || session.receiptDue.size === 0) return
      const carried = Date.now() - session.receiptsSentAt
      if (carried < this.receiptDelay) {
        this.scheduleReceipt(session, this.receiptDelay - carried)
        return
      }
      void session.run(async () => {
        const receipts = takeDue(session, Date.now())
        if (receipts.length === 0 || session.meta.left) return
        await this.sendInner(session, { seq: 0n, timestamp: BigInt(this.components.now()), kind: Inner.Kind.RECEIPT, text: '', receipts, padding: new Uint8Array(0) })
      }).catch(err => { this.log('group %s: receipt failed: %s', session.gid, (err as Error).message) })
    }, delay)
    session.receiptTimer.unref?.()
  }

  /** receipts that went out on a message nobody got are due again */
  private receiptsNotSent (session: GroupSession, receipts: Inner['receipts']): void {
    if (receipts.length === 0) return
    dueAgain(session, receipts)
    this.scheduleReceipt(session)
  }

  private scheduleAcks (session: GroupSession): void {
    if (session.ackTimer != null) return
    session.ackTimer = setTimeout(() => {
      session.ackTimer = undefined
      if (!this.started) return
      void session.run(async () => {
        const due = [...session.acksDue].filter(([member]) => session.isMember(member))
        session.acksDue.clear()
        if (due.length === 0) return
        const acks = new Map(due)
        await this.publishSealed(session, [...acks.keys()], (r) => ({ keyAck: acks.get(toHex(r)) }), this.components.now())
      }).catch(err => { this.log('group %s: acks failed: %s', session.gid, (err as Error).message) })
    }, ACK_DELAY_MS)
    session.ackTimer.unref?.()
  }

  private scheduleGapFetch (session: GroupSession): void {
    if (session.gapTimer != null) return
    session.gapTimer = setTimeout(() => {
      session.gapTimer = undefined
      // two members (or relays) in reach are enough to fill a gap; asking every peer multiplies the same pages
      for (const peer of this.syncSources(session).slice(0, 2)) this.maybeSyncWith(session, peer, true)
    }, 2000)
    session.gapTimer.unref?.()
  }

  /**
   * Another member's receipt says it holds `sender`'s messages up to `seq`. A gap shows when a later message comes,
   * but nothing follows the last message of a burst: without this, a member that missed it (a gossip copy lost on
   * the way, or sent while its mesh was forming) would wait for the sender's next message or its own reconnect.
   * Only for senders we hold a chain of (our count for them starts where we can read, see onSenderKey), and looked
   * at again after a while, since the message is usually on its way.
   */
  private noteClaim (session: GroupSession, sender: string, seq: number): void {
    const window = session.windows.get(sender)
    if (window == null || sender === this.me || seq <= window.contiguous || window.above.includes(seq) || !session.isMember(sender)) return
    session.claimed.set(sender, Math.max(seq, session.claimed.get(sender) ?? 0))
    if (session.claimTimer != null) return
    session.claimTimer = setTimeout(() => {
      session.claimTimer = undefined
      const missing = [...session.claimed].filter(([s, q]) => {
        const w = session.windows.get(s)
        return w != null && q > w.contiguous && !w.above.includes(q)
      })
      session.claimed.clear()
      if (missing.length === 0 || !this.started) return
      this.log('group %s: others hold messages we lack (%s), asking for history', session.gid, missing.map(([s, q]) => `${s.slice(0, 8)}…:${q}`).join(', '))
      for (const peer of this.syncSources(session).slice(0, 2)) this.maybeSyncWith(session, peer, true)
    }, CLAIM_WAIT_MS)
    session.claimTimer.unref?.()
  }

  /** connected relays first, then connected members, in random order */
  private syncSources (session: GroupSession): string[] {
    const connected = [...new Set(this.components.libp2p.getConnections().map(c => c.remotePeer.toString()))]
    const members = connected.filter(p => !this.relays.has(p) && session.isMember(this.hexOfPeer(p) ?? '')).sort(() => Math.random() - 0.5)
    return [...connected.filter(p => this.relays.has(p)), ...members]
  }

  private async onSealed (session: GroupSession, sealed: DecodedSealed, placement: { kept: boolean }): Promise<TopicValidatorResult> {
    let control: Verified<Control> | undefined
    try {
      control = openSealedControl(this.identity, this.sealPrivateKey, session.groupId, sealed.sealed, this.verifier)
    } catch (err) {
      this.log('group %s: rejected sealed message: %s', session.gid, (err as Error).message)
      return TopicValidatorResult.Reject
    }
    if (control == null) return TopicValidatorResult.Accept
    const sender = toHex(control.sender)
    if (control.logEntries.length > 0) {
      const lengthBefore = session.log.length
      try {
        // a log update past the end of ours is forwarded but not marked seen: when history brings the updates we
        // missed, it must bring this one again too, or we would stay stuck behind it
        if (!await this.mergeEntries(session, control.logEntries)) placement.kept = false
        // messages of an epoch we did not know were ignored: fetch them now that we know it
        if (session.log.length > lengthBefore) this.scheduleGapFetch(session)
      } catch (err) {
        this.log('group %s: log update refused: %s', session.gid, (err as Error).message)
        return TopicValidatorResult.Reject
      }
      if (control.inviteSecret.byteLength === 32 && session.state.members.get(sender)?.role === 'admin' &&
        equals(identityFromSeed(control.inviteSecret).publicKey, session.state.invitePublicKey)) {
        session.meta = { ...session.meta, inviteSecret: toHex(control.inviteSecret) }
        await this.saveMeta(session)
      }
    }
    if (!session.isMember(sender)) {
      this.log('group %s: ignored control message from a non-member', session.gid)
      return control.logEntries.length > 0 ? TopicValidatorResult.Accept : TopicValidatorResult.Reject
    }
    if (control.senderKey != null) await this.onSenderKey(session, control.sender, control.senderKey)
    if (control.keyAck != null && session.myChain != null && equals(control.keyAck.senderKeyId, session.myChain.senderKeyId)) {
      session.acked.add(sender)
      session.keyRetries.delete(sender)
      // not waited for: an ack lost in a crash only means the key is sent again
      this.writes.queue([this.myChainOp(session)])
    }
    if (control.keyRequest != null && session.myChain != null && equals(control.keyRequest.epoch, session.myChain.epoch)) {
      session.acked.delete(sender)
      const r = session.keyRetries.get(sender)
      if (r == null || r.nextAt - this.components.now() > KEY_REQUEST_MIN_MS) session.keyRetries.set(sender, { attempts: 0, nextAt: this.components.now() })
    }
    return TopicValidatorResult.Accept
  }

  private async onSenderKey (session: GroupSession, sender: Uint8Array, key: NonNullable<Control['senderKey']>): Promise<void> {
    const keyId = toHex(key.senderKeyId)
    const senderHex = toHex(sender)
    if (key.chainKey.byteLength !== 32 || key.senderKeyId.byteLength !== 16 || key.epoch.byteLength !== 32) return
    const known = session.epochs.get(toHex(key.epoch))
    if (known != null && !known.has(senderHex)) return
    if (!session.chains.has(keyId)) {
      const chain = { epoch: key.epoch, senderKeyId: key.senderKeyId, chainKey: key.chainKey, iteration: key.iteration, sender, skipped: new Map() }
      session.chains.set(keyId, chain)
      this.writes.queue([{ type: 'put', key: keys.chain(session.gid, keyId), value: str(serializeChain(chain)) }])
      session.keyRequest?.epochs.delete(toHex(key.epoch))
    }
    // the first key from this sender: its seqs up to seqBase went out before we could read them. Without this floor
    // our receipts for it would stay at 0 (its messages never "delivered") and every message would look like a gap
    if (!session.windows.has(senderHex) && key.seqBase > 0n && key.seqBase <= BigInt(Number.MAX_SAFE_INTEGER)) {
      const floor = { contiguous: Number(key.seqBase), above: [] }
      session.windows.set(senderHex, floor)
      this.writes.queue([{ type: 'put', key: keys.seqWindow(session.gid, senderHex), value: json(floor) }])
    }
    // acknowledged every time (the ack may have been lost, and the sender keeps resending until it hears one), in
    // one batch for all the keys that came in together: after a membership change every member sends a key to
    // every other, and one ack message each would make that n² messages
    session.acksDue.set(senderHex, { epoch: key.epoch, senderKeyId: key.senderKeyId })
    this.scheduleAcks(session)
    const chain = session.chains.get(keyId)
    for await (const [pendingKey, data] of this.store.entries(keys.pendingRange(session.gid, keyId))) {
      const removal: BatchOp = { type: 'del', key: pendingKey }
      const decoded = decodeGroupWire(data)
      const verdict = decoded.kind === 'cipher' && chain != null ? await this.decryptAndStore(session, session.chains.get(keyId) ?? chain, decoded, 'history', undefined, [removal]) : undefined
      // some verdicts other than Accept return before the message's ops (with the removal) are queued
      if (verdict !== TopicValidatorResult.Accept) this.writes.queue([removal])
    }
  }

  // ---------------------------------------------------------------- history

  private maybeSyncWith (session: GroupSession, peerId: string, force = false): void {
    const hex = this.hexOfPeer(peerId)
    if (hex == null || hex === this.me || session.meta.left || !(session.isMember(hex) || this.relays.has(peerId))) return
    const now = Date.now()
    const last = session.historyAskedAt.get(hex) ?? 0
    if (!force && now - last < 10_000) return
    session.historyAskedAt.set(hex, now)
    void this.syncHistory(session, peerId).then(() => { session.historyRetries.delete(hex) }, err => {
      this.log('group %s: history from %s failed: %s', session.gid, peerId, (err as Error).message)
      // the peer may have connected before its services were up: ask again a little later, a few times
      const attempt = (session.historyRetries.get(hex) ?? 0) + 1
      session.historyRetries.set(hex, attempt)
      if (attempt <= 3 && this.started) {
        setTimeout(() => { this.maybeSyncWith(session, peerId, true) }, 2000 * 2 ** (attempt - 1)).unref?.()
      }
    })
  }

  /** ask one member for what we missed, page by page, and process it as if it had come by gossip */
  async syncHistory (session: GroupSession, peerId: string, options?: AbortOptions): Promise<number> {
    const since = Math.max(0, session.meta.lastSeenAt - this.historyOverlap)
    let cursor = ''
    let processed = 0
    for (let page = 0; page < HISTORY_PAGES_MAX; page++) {
      const signal = this.callSignal(options?.signal)
      const stream = await this.components.libp2p.dialProtocol(peerIdFromString(peerId), HISTORY_PROTOCOL, { signal, runOnLimitedConnection: true })
      const request = HistoryRequest.encode({ topic: session.topic, since: BigInt(since), cursor, limit: MAX_HISTORY_PAGE_MESSAGES })
      const [frame] = await requestFrames(stream, request, { maxFrameBytes: MAX_HISTORY_PAGE_BYTES + MAX_WIRE_BYTES, maxFrames: 1 }, signal)
      if (frame == null) break
      const result = decodeHistoryPage(frame)
      for (const message of result.messages) {
        await session.run(async () => this.processWire(session, message, 'history'))
        processed++
      }
      cursor = result.cursor
      if (cursor === '' || result.messages.length === 0) break
    }
    await session.run(async () => { await this.saveMeta(session) })
    return processed
  }

  /** a page of a group's stored wire messages, for members only; undefined for topics that are not groups */
  private async historyPage (request: HistoryRequest & { limit: number }, peerId: string): Promise<HistoryPageResult | undefined> {
    const session = this.byTopic.get(request.topic)
    if (session == null) return undefined
    const hex = this.hexOfPeer(peerId)
    if (hex == null || !session.isMember(hex)) return { messages: [], cursor: '' }
    const range = keys.wireRange(session.gid, Number(request.since))
    if (request.cursor !== '' && request.cursor.startsWith(`g/${session.gid}/w/`) && request.cursor >= range.gte) range.gte = request.cursor + '\x00'
    const messages: Uint8Array[] = []
    let size = 0
    let cursor = ''
    let full = false
    for await (const [key, value] of this.store.entries(range, { limit: request.limit })) {
      // a page ends at its byte budget as well as at its count: the cursor then says where to go on
      if (size + value.byteLength > MAX_HISTORY_PAGE_BYTES && messages.length > 0) {
        full = true
        break
      }
      messages.push(value)
      size += value.byteLength
      cursor = key
    }
    return { messages, cursor: full || messages.length >= request.limit ? cursor : '' }
  }

  // ---------------------------------------------------------------- joining and welcomes

  private async onJoinStream (stream: Stream, connection: Connection): Promise<void> {
    const signal = this.callSignal()
    try {
      await serveFrames(stream, MAX_JOIN_REQUEST_BYTES, (bytes) => this.admit(bytes, connection.remotePeer.toString()), signal)
    } catch (err) {
      this.log('join request from %p failed: %s', connection.remotePeer, (err as Error).message)
      stream.abort(err as Error)
    }
  }

  private async * admit (bytes: Uint8Array, remotePeer: string): AsyncGenerator<Uint8Array> {
    const refuse = (error: string): Uint8Array => JoinResponse.encode({ accepted: false, error, log: [] })
    let request
    try {
      request = verifyJoinRequest(bytes, this.verifier)
    } catch (err) {
      yield refuse((err as Error).message)
      return
    }
    if (peerIdFromPublicKey(request.publicKey) !== remotePeer) {
      yield refuse('a join request must come from the joiner itself')
      return
    }
    const session = this.sessions.get(groupIdToString(request.groupId))
    if (session == null || session.meta.left || !session.isMember(this.me)) {
      yield refuse('this peer cannot admit members to that group')
      return
    }
    if (this.hooks != null && !this.hooks.mayJoin(session.gid, request.publicKey)) {
      // worded as an invite refusal so the joiner stops at once instead of retrying until its timeout
      yield refuse('this invite is not for this peer: it is banned from the group\'s community')
      return
    }
    try {
      await session.run(async () => {
        if (session.isMember(toHex(request.publicKey))) return
        const entry = signLogEntry(this.identity, session.state, LogOp.JOIN, { target: request.publicKey, inviteSignature: request.inviteSignature }, this.components.now())
        const verified = verifyLogEntry(session.state, entry, this.verifier)
        await this.appendEntries(session, [entry], [verified])
      })
    } catch (err) {
      const reason = (err as Error).message
      yield refuse(reason.includes('invite') ? 'this invite is no longer valid' : reason)
      return
    }
    yield JoinResponse.encode({ accepted: true, error: '', log: session.log })
    this.hooks?.onAdmitted(session.gid, request.publicKey)
  }

  private async deliverWelcomes (peerId: string): Promise<void> {
    let left = false
    for await (const [key] of this.store.entries({ gte: `wel/${peerId}/`, lt: `wel/${peerId}0` })) {
      const gid = key.slice(`wel/${peerId}/`.length)
      const session = this.sessions.get(gid)
      const hex = this.hexOfPeer(peerId)
      if (session == null || hex == null || !session.isMember(hex)) {
        await this.store.db.del(key)
        continue
      }
      try {
        const signal = this.callSignal()
        const stream = await this.components.libp2p.dialProtocol(peerIdFromString(peerId), WELCOME_PROTOCOL, { signal, runOnLimitedConnection: true })
        const [ack] = await requestFrames(stream, JoinResponse.encode({ accepted: true, error: '', log: session.log }), { maxFrameBytes: 64, maxFrames: 1 }, signal)
        if (ack?.[0] === 1) await this.store.db.del(key)
        else left = true
      } catch (err) {
        left = true
        this.log('welcome to %s for group %s not delivered yet: %s', peerId, gid, (err as Error).message)
      }
    }
    if (!left) this.welcomesDue.delete(peerId)
  }

  private async onWelcomeStream (stream: Stream, connection: Connection): Promise<void> {
    const signal = this.callSignal()
    try {
      await serveFrames(stream, 4 * 1024 * 1024, async function * (this: DefaultGroupsService, bytes: Uint8Array) {
        const response = decodeJoinResponse(bytes)
        const state = foldLog(response.log, this.verifier)
        // only a member of the group may welcome us into it
        const sender = this.hexOfPeer(connection.remotePeer.toString())
        if (sender == null || !state.members.has(sender)) throw new Error('welcome from a non-member')
        await this.adoptLog(response.log)
        yield Uint8Array.of(1)
      }.bind(this), signal)
    } catch (err) {
      this.log('welcome from %p refused: %s', connection.remotePeer, (err as Error).message)
      stream.abort(err as Error)
    }
  }

  /** messages a member pushed to us directly: processed as history, answered with how many were new */
  private async onPushStream (stream: Stream, connection: Connection): Promise<void> {
    const signal = this.callSignal()
    try {
      await serveFrames(stream, MAX_STORE_REQUEST_BYTES, async function * (this: DefaultGroupsService, bytes: Uint8Array) {
        const request = decodeStoreRequest(bytes)
        const session = this.byTopic.get(request.topic)
        const sender = this.hexOfPeer(connection.remotePeer.toString())
        if (session == null || session.meta.left || sender == null || !session.isMember(sender)) {
          yield StoreResponse.encode({ stored: 0, error: 'not a member of this group' })
          return
        }
        let stored = 0
        for (const wire of request.messages) {
          if (await session.run(async () => this.processWire(session, wire, 'history')) === TopicValidatorResult.Accept) stored++
        }
        yield StoreResponse.encode({ stored, error: '' })
      }.bind(this), signal)
    } catch (err) {
      this.log('push from %p refused: %s', connection.remotePeer, (err as Error).message)
      stream.abort(err as Error)
    }
  }

  /**
   * Members we are connected to but whose subscription to the topic gossipsub does not know of get the message
   * directly: flood publish goes to known subscribers only. Seen in the communities bench, where a member whose only
   * link to the topic was the announcer got no announcement at all. The usual cause, identify failing on both ends
   * of a connection so that gossipsub never hears of it, is repaired by gossip-links.ts, but only after 10 s or
   * more; a subscription not yet seen is the other.
   */
  private pushToUnseenMembers (session: GroupSession, wire: Uint8Array): void {
    const listed = new Set(this.components.pubsub.getSubscribers(session.topic).map(p => p.toString()))
    for (const hex of session.state.members.keys()) {
      if (hex === this.me) continue
      const peer = this.peerIdOf(hex)
      if (listed.has(peer)) continue
      if (this.components.libp2p.getConnections(peerIdFromString(peer)).some(c => c.status === 'open')) void this.pushToMember(session, hex, [wire])
    }
  }

  /**
   * Hand `wires` straight to a connected member; true when it took them. For a sender key gossip has not brought
   * an ack for: a publisher can miss a member's subscription to the topic (see pushToUnseenMembers), and then
   * nothing it publishes reaches a member whose only link to the topic it is, retries included.
   */
  private async pushToMember (session: GroupSession, member: string, wires: Uint8Array[]): Promise<boolean> {
    try {
      const response = await this.requestStore(this.peerIdOf(member), PUSH_PROTOCOL, session.topic, wires)
      if (response.error !== '') this.log('group %s: push to %s refused: %s', session.gid, member.slice(0, 8), response.error)
      return response.error === ''
    } catch (err) {
      this.log('group %s: push to %s failed: %s', session.gid, member.slice(0, 8), (err as Error).message)
      return false
    }
  }

  /** for tests and tools: the peers that carry a group's topic */
  topicOf (groupId: string): string {
    return this.session(groupId).topic
  }
}

function groupTopicOf (state: GroupState): string {
  return groupTopic(state.groupId)
}

export function groups (init: GroupsInit = {}): (components: GroupsComponents) => GroupsService {
  return (components) => new DefaultGroupsService(components, init)
}
