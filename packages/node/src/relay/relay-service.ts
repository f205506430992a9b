import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import {
  decodeChannelWire, decodeGroupWire, decodeHistoryRequest, decodeStoreRequest, HistoryPage, MAX_HISTORY_PAGE_BYTES,
  MAX_HISTORY_PAGE_MESSAGES, MAX_REGISTRATION_BYTES, MAX_STORE_REQUEST_BYTES, MAX_WIRE_BYTES, peerIdFromPublicKey,
  RegistrationResponse, SignatureVerifier, StoreResponse, verifyTopicRegistration
} from '@kith/protocol'
import { serveFrames } from '../stream-rpc.js'
import { scoreTopic } from '../topic-score.js'
import { isRelayTopic } from './relay-keys.js'
import { RelayStore, type Registration } from './relay-store.js'
import type { AppDb } from '../groups/group-store.js'
import type { ComponentLogger, Connection, Libp2p, Logger, PrivateKey, Startable, Stream } from '@libp2p/interface'

export const RELAY_REGISTER_PROTOCOL = '/kith/relay/register/1.0.0'
export const RELAY_STORE_PROTOCOL = '/kith/relay/store/1.0.0'
export const RELAY_HISTORY_PROTOCOL = '/kith/history/1.0.0'
/** gossiped messages accepted before they are written, at most (see accept) */
const MAX_UNWRITTEN = 5000

export interface RelayInit {
  /** how long messages are kept, ms (default 30 days) */
  retention?: number
  /** the most bytes of messages kept; past it the oldest go first (default 10 GiB) */
  maxStorageBytes?: number
  /** the largest message carried (default 1 MiB, the most a group message may be) */
  maxMessageBytes?: number
  /** messages per second each peer may bring (token bucket; default 50/s with bursts of 200) */
  peerRate?: { perSecond: number, burst: number }
  /** how many topics one peer may ask the relay to carry (default 2000) */
  maxTopicsPerPeer?: number
  /** how many topics the relay carries in all (default 100,000) */
  maxTopics?: number
  /** how often retention and quota are enforced, ms (default 60 s) */
  pruneInterval?: number
}

export interface RelayComponents {
  privateKey: PrivateKey
  pubsub: GossipSub
  libp2p: Pick<Libp2p, 'handle' | 'unhandle' | 'getConnections'>
  db: AppDb
  now: () => number
  logger: ComponentLogger
}

export type RejectReason = 'malformed' | 'oversize' | 'rate-limited' | 'unregistered-topic' | 'quota'

export interface RelayStats {
  topics: number
  storedMessages: number
  storedBytes: number
  messagesIn: number
  messagesOut: number
  historyRequests: number
  expired: number
  evicted: number
  rejected: Record<RejectReason, number>
}

export interface RelayService extends Startable {
  stats (): RelayStats
  topics (): string[]
  /** enforce retention and the storage quota now */
  prune (): Promise<{ expired: number, evicted: number }>
}

interface Bucket { tokens: number, at: number }

/**
 * A relay carries the topics peers register with it, keeps what passes on them for the retention period, and
 * answers history pages to peers that come back. It cannot read group traffic: it only ever sees GroupWire
 * ciphertext, which it checks for shape and size.
 */
class DefaultRelayService implements RelayService {
  private readonly log: Logger
  private readonly store: RelayStore
  private readonly verifier = new SignatureVerifier()
  private readonly registrations = new Map<string, Registration>()
  private readonly topicsByPeer = new Map<string, Set<string>>()
  private readonly buckets = new Map<string, Bucket>()
  private readonly counters = { messagesIn: 0, messagesOut: 0, historyRequests: 0, expired: 0, evicted: 0 }
  private readonly rejected: Record<RejectReason, number> = { malformed: 0, oversize: 0, 'rate-limited': 0, 'unregistered-topic': 0, quota: 0 }
  private readonly retention: number
  private readonly maxStorageBytes: number
  private readonly maxMessageBytes: number
  private readonly peerRate: { perSecond: number, burst: number }
  private readonly maxTopicsPerPeer: number
  private readonly maxTopics: number
  private readonly pruneInterval: number
  private timer?: ReturnType<typeof setInterval>
  private pruning?: Promise<{ expired: number, evicted: number }>

  constructor (private readonly components: RelayComponents, init: RelayInit = {}) {
    this.log = components.logger.forComponent('kith:relay')
    this.store = new RelayStore(components.db, (msg, ...args) => { this.log(msg, ...args) })
    this.retention = init.retention ?? 30 * 24 * 60 * 60 * 1000
    this.maxStorageBytes = init.maxStorageBytes ?? 10 * 1024 ** 3
    this.maxMessageBytes = Math.min(init.maxMessageBytes ?? MAX_WIRE_BYTES, MAX_WIRE_BYTES)
    this.peerRate = init.peerRate ?? { perSecond: 50, burst: 200 }
    this.maxTopicsPerPeer = init.maxTopicsPerPeer ?? 2000
    this.maxTopics = init.maxTopics ?? 100_000
    this.pruneInterval = init.pruneInterval ?? 60_000
  }

  async start (): Promise<void> {
    await this.store.load()
    for (const [topic, registration] of await this.store.registrations()) {
      if (!isRelayTopic(topic)) {
        // registered before names were checked: nothing that could use it is a Kith topic
        this.log('dropping the registration of %s: not a group or channel topic', topic.slice(0, 120))
        await this.store.deleteRegistration(topic)
        continue
      }
      this.registrations.set(topic, registration)
      for (const peer of registration.by) this.peerTopics(peer).add(topic)
      this.carry(topic)
    }
    const options = { runOnLimitedConnection: true, maxInboundStreams: 128 }
    await this.components.libp2p.handle(RELAY_REGISTER_PROTOCOL, (stream, conn) => { void this.onRegister(stream, conn) }, options)
    await this.components.libp2p.handle(RELAY_STORE_PROTOCOL, (stream, conn) => { void this.onStore(stream, conn) }, options)
    await this.components.libp2p.handle(RELAY_HISTORY_PROTOCOL, (stream, conn) => { void this.onHistory(stream, conn) }, options)
    await this.prune()
    this.timer = setInterval(() => { void this.prune().catch(err => { this.log.error('prune failed: %e', err) }) }, this.pruneInterval)
    this.timer.unref?.()
    this.log('relay carries %d topics, %d messages (%d bytes)', this.registrations.size, this.store.count, this.store.bytes)
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    await this.components.libp2p.unhandle([RELAY_REGISTER_PROTOCOL, RELAY_STORE_PROTOCOL, RELAY_HISTORY_PROTOCOL])
    for (const topic of this.registrations.keys()) this.components.pubsub.topicValidators.delete(topic)
    await this.pruning
    await this.store.drain()
  }

  stats (): RelayStats {
    return { topics: this.registrations.size, storedMessages: this.store.count, storedBytes: this.store.bytes, ...this.counters, rejected: { ...this.rejected } }
  }

  topics (): string[] {
    return [...this.registrations.keys()]
  }

  async prune (): Promise<{ expired: number, evicted: number }> {
    if (this.pruning != null) return this.pruning
    this.pruning = (async () => {
      const result = await this.store.evict(this.components.now() - this.retention, this.maxStorageBytes)
      this.counters.expired += result.expired
      this.counters.evicted += result.evicted
      if (result.expired + result.evicted > 0) this.log('pruned %d expired and %d over-quota messages', result.expired, result.evicted)
      return result
    })()
    try {
      return await this.pruning
    } finally {
      this.pruning = undefined
    }
  }

  private peerTopics (peer: string): Set<string> {
    let topics = this.topicsByPeer.get(peer)
    if (topics == null) {
      topics = new Set()
      this.topicsByPeer.set(peer, topics)
    }
    return topics
  }

  private carry (topic: string): void {
    this.components.pubsub.topicValidators.set(topic, async (peer, msg) => this.accept(topic, peer.toString(), [msg.data], false))
    scoreTopic(this.components.pubsub, topic)
    this.components.pubsub.subscribe(topic)
  }

  /** token bucket per peer: a flood from one peer spends its own tokens, not anyone else's */
  private allow (peer: string, cost: number): boolean {
    const now = Date.now()
    const bucket = this.buckets.get(peer) ?? { tokens: this.peerRate.burst, at: now }
    bucket.tokens = Math.min(this.peerRate.burst, bucket.tokens + (now - bucket.at) / 1000 * this.peerRate.perSecond)
    bucket.at = now
    this.buckets.set(peer, bucket)
    if (this.buckets.size > 10_000) this.buckets.delete(this.buckets.keys().next().value as string)
    if (bucket.tokens < cost) return false
    bucket.tokens -= cost
    return true
  }

  private check (topic: string, data: Uint8Array): RejectReason | undefined {
    if (data.byteLength > this.maxMessageBytes) return 'oversize'
    try {
      if (topic.startsWith('/kith/g/')) decodeGroupWire(data)
      else if (topic.startsWith('/kith/c/')) decodeChannelWire(data)
    } catch {
      return 'malformed'
    }
    return undefined
  }

  private async accept (topic: string, peer: string, messages: Uint8Array[], sync: boolean): Promise<TopicValidatorResult> {
    if (!this.registrations.has(topic)) {
      this.rejected['unregistered-topic']++
      return TopicValidatorResult.Ignore
    }
    // gossip and acknowledged stores have budgets of their own: a flood a member only passed on (gossip) must not
    // use up the budget of that member's own messages (which it pushes with the store protocol)
    if (!this.allow(`${sync ? 'store' : 'gossip'}:${peer}`, messages.length)) {
      this.rejected['rate-limited'] += messages.length
      return TopicValidatorResult.Ignore
    }
    const good: Uint8Array[] = []
    for (const data of messages) {
      const reason = this.check(topic, data)
      if (reason != null) {
        this.rejected[reason]++
        this.log('rejected a %s message on %s from %s', reason, topic, peer)
        return TopicValidatorResult.Reject
      }
      good.push(data)
    }
    // the store writes what arrives while it is busy as one batch. An acknowledged store waits for it to reach the
    // disk. Gossip does not: nobody was promised it is stored, and waiting held every message back by one or two
    // batch writes before gossipsub forwarded it (which, with a sender's bounded window, capped what the relay
    // carried). Past MAX_UNWRITTEN waiting messages gossip waits too, so a slow disk slows the relay, not its memory.
    const storing = this.store.put(topic, good, this.components.now(), sync)
    if (!sync && this.store.unwritten <= MAX_UNWRITTEN) {
      storing.then(stored => { this.stored(stored) }, err => { this.log.error('storing gossip on %s failed: %e', topic, err) })
      return TopicValidatorResult.Accept
    }
    this.stored(await storing)
    return TopicValidatorResult.Accept
  }

  private stored (count: number): void {
    this.counters.messagesIn += count
    if (this.store.bytes > this.maxStorageBytes) void this.prune().catch(() => {})
  }

  private async onRegister (stream: Stream, conn: Connection): Promise<void> {
    const peer = conn.remotePeer.toString()
    try {
      await serveFrames(stream, MAX_REGISTRATION_BYTES, async function * (this: DefaultRelayService, bytes: Uint8Array) {
        let registration
        try {
          registration = verifyTopicRegistration(bytes, this.verifier)
        } catch (err) {
          yield RegistrationResponse.encode({ accepted: [], error: (err as Error).message })
          return
        }
        if (peerIdFromPublicKey(registration.publicKey) !== peer) {
          yield RegistrationResponse.encode({ accepted: [], error: 'a registration must come from the peer that signed it' })
          return
        }
        const mine = this.peerTopics(peer)
        const accepted: string[] = []
        let invalid = 0
        let full = false
        for (const topic of registration.topics) {
          if (!isRelayTopic(topic)) {
            invalid++
            continue
          }
          // past the quota, only the topics the peer already holds are confirmed
          if (!mine.has(topic) && (full || mine.size >= this.maxTopicsPerPeer)) {
            full = true
            continue
          }
          let reg = this.registrations.get(topic)
          if (reg == null) {
            if (this.registrations.size >= this.maxTopics) {
              full = true
              continue
            }
            reg = { by: [], at: this.components.now() }
            this.registrations.set(topic, reg)
            this.carry(topic)
          }
          if (!reg.by.includes(peer) && reg.by.length < 16) {
            reg.by.push(peer)
            await this.store.saveRegistration(topic, reg)
          } else if (reg.by.length === 0) {
            await this.store.saveRegistration(topic, reg)
          }
          mine.add(topic)
          accepted.push(topic)
        }
        const overQuota = registration.topics.length - accepted.length - invalid
        this.rejected.quota += overQuota
        this.rejected.malformed += invalid
        if (invalid > 0) this.log('refused %d topic names from %s that are not group or channel topics', invalid, peer)
        const errors = [...(overQuota > 0 ? ['topic quota reached'] : []), ...(invalid > 0 ? [`${invalid} not a group or channel topic`] : [])]
        yield RegistrationResponse.encode({ accepted, error: errors.join('; ') })
      }.bind(this), AbortSignal.timeout(10_000))
    } catch (err) {
      this.log('registration from %s failed: %s', peer, (err as Error).message)
      stream.abort(err as Error)
    }
  }

  private async onStore (stream: Stream, conn: Connection): Promise<void> {
    const peer = conn.remotePeer.toString()
    try {
      await serveFrames(stream, MAX_STORE_REQUEST_BYTES, async function * (this: DefaultRelayService, bytes: Uint8Array) {
        let request
        try {
          request = decodeStoreRequest(bytes)
        } catch (err) {
          this.rejected.malformed++
          yield StoreResponse.encode({ stored: 0, error: (err as Error).message })
          return
        }
        const result = await this.accept(request.topic, peer, request.messages, true)
        const error = result === TopicValidatorResult.Accept ? '' : result === TopicValidatorResult.Reject ? 'message refused' : 'not stored (unregistered topic or rate limit)'
        // stored counts duplicates too: the relay holds them either way, which is what the sender asks
        yield StoreResponse.encode({ stored: result === TopicValidatorResult.Accept ? request.messages.length : 0, error })
      }.bind(this), AbortSignal.timeout(10_000))
    } catch (err) {
      this.log('store from %s failed: %s', peer, (err as Error).message)
      stream.abort(err as Error)
    }
  }

  private async onHistory (stream: Stream, conn: Connection): Promise<void> {
    try {
      await serveFrames(stream, 1024, async function * (this: DefaultRelayService, bytes: Uint8Array) {
        const request = decodeHistoryRequest(bytes)
        this.counters.historyRequests++
        if (!this.registrations.has(request.topic)) {
          yield HistoryPage.encode({ messages: [], cursor: '' })
          return
        }
        const limit = Math.min(Math.max(1, request.limit), MAX_HISTORY_PAGE_MESSAGES)
        const page = await this.store.page(request.topic, Number(request.since), request.cursor, limit, MAX_HISTORY_PAGE_BYTES)
        this.counters.messagesOut += page.messages.length
        yield HistoryPage.encode(page)
      }.bind(this), AbortSignal.timeout(10_000))
    } catch (err) {
      this.log('history request from %p failed: %s', conn.remotePeer, (err as Error).message)
      stream.abort(err as Error)
    }
  }
}

export function relay (init: RelayInit = {}): (components: RelayComponents) => RelayService {
  return (components) => new DefaultRelayService(components, init)
}
