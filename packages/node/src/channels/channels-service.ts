import { readFile } from 'node:fs/promises'
import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import { peerIdFromString } from '@libp2p/peer-id'
import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import { sha256 as sha256Hasher } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import {
  channelIdFromString, channelIdToString, channelTopic, checkMediaForKind, compareChannelMeta, decodeChannelWire,
  decodeHistoryPage, decodeStoreRequest, encodeChannelWire, fromHex, generateIdentity, identityFromSeed, isMediaKind,
  MAX_HISTORY_PAGE_BYTES, MAX_MEDIA_BYTES, MAX_WIRE_BYTES, publicKeyFromPeerId, RETENTION_MS, signChannelMeta,
  signChannelPost, signChannelPostEdit, signChannelReaction, signChannelVote, SignatureVerifier, StoreResponse, toHex,
  utf8, verifyChannelMeta, verifyChannelPost, verifyChannelPostEdit, verifyChannelReaction, verifyChannelVote,
  HistoryRequest, channelPostId, peerIdFromPublicKey, Signed as SignedCodec, ChannelPostEdit as EditCodec,
  ChannelReaction as ReactionCodec, ChannelVote as VoteCodec, type ChannelWireKind, type Identity,
  type VerifiedChannelMeta, type VerifiedChannelPost
} from '@kith/protocol'
import { InvalidArgumentError, MessageTooLargeError, NotAnAdminError } from '../errors.js'
import { HISTORY_PROTOCOL, type HistoryPageResult, type HistoryServer } from '../history-server.js'
import { requestFrames, serveFrames } from '../stream-rpc.js'
import { pushStore, pushTo, registerTopics, RELAY_REGISTER_PROTOCOL, STORE_PROTOCOL } from './store-push.js'
import { scoreTopic } from '../topic-score.js'
import { GroupStore, json, type AppDb } from '../groups/group-store.js'
import { channelKeys as keys } from './channel-store.js'
import { ChannelTx } from './channel-tx.js'
import { channelHistoryPage } from './history-pages.js'
import { KIND_OF, postViews, type ChannelPostView, type PostKindName } from './post-views.js'
import { storedEdit, storedPost, storedReaction, storedVote } from './stored-records.js'
import { pruneExpired } from './channel-prune.js'
import { nameFlags, type NameFlags } from './name-flags.js'
import { ChannelDirectory, type ChannelSearchResult, type DhtPut } from './directory.js'
import type { Helia } from '@helia/interface'
import type { AbortOptions, ComponentLogger, Connection, Libp2p, Logger, PeerId, PrivateKey, Startable, Stream, TypedEventTarget } from '@libp2p/interface'
import type { KithNodeEvents } from '../types.js'

export { STORE_PROTOCOL, pushStore } from './store-push.js'
export type { ChannelPostView, PostKindName } from './post-views.js'

export interface ChannelInfo extends NameFlags {
  channelId: string
  name: string
  description: string
  category: string
  language: string
  avatar: string
  owner: boolean
  admins: string[]
  role: 'owner' | 'admin' | 'follower' | 'none'
  following: boolean
  version: number
  /** for a channel this node owns, its directory publish; null otherwise */
  directory: { status: DirectoryStatus, attempts: number } | null
}

/**
 * Where the owner's directory publish stands: 'published' once every record was taken by a DHT peer,
 * 'retrying' after one was not (the next attempt is due, with backoff), 'publishing' while one runs.
 */
export type DirectoryStatus = 'publishing' | 'published' | 'retrying'

export interface UpdatesEntry extends NameFlags {
  channelId: string
  name: string
  newestPost: ChannelPostView | null
  unread: number
}

export interface NewPost {
  kind: PostKindName
  text?: string
  /** a file on this machine (photo, video, sticker): checked by content, added to helia */
  file?: string
  /** or its bytes */
  bytes?: Uint8Array
  poll?: { question: string, options: string[], multiple?: boolean }
}

export interface ChannelsApi {
  /** any name is accepted; a suspicious one comes back flagged (and is left out of searches by default) */
  create (name: string, fields?: { description?: string, category?: string, language?: string }, options?: AbortOptions): Promise<{ channelId: string } & NameFlags>
  edit (channelId: string, fields: { name?: string, description?: string, category?: string, language?: string, avatar?: string }, options?: AbortOptions): Promise<ChannelInfo>
  addAdmin (channelId: string, peerId: string, options?: AbortOptions): Promise<ChannelInfo>
  removeAdmin (channelId: string, peerId: string, options?: AbortOptions): Promise<ChannelInfo>
  exportKey (channelId: string): Promise<{ channelId: string, key: string }>
  /** take a channel's key (from `exportKey`) to post with it here, and fetch its description from peers in reach */
  importKey (channelId: string, key: string, options?: AbortOptions): Promise<ChannelInfo>
  /** with minAcks, keeps handing the post to peers until that many confirmed they stored it, or the signal fires */
  post (channelId: string, post: NewPost, options?: AbortOptions & { minAcks?: number }): Promise<{ postId: string, acks: number }>
  editPost (postId: string, text: string, options?: AbortOptions): Promise<void>
  deletePost (postId: string, options?: AbortOptions): Promise<void>
  follow (channelId: string, options?: AbortOptions): Promise<ChannelInfo>
  unfollow (channelId: string, options?: AbortOptions): Promise<void>
  react (postId: string, emoji: string, options?: AbortOptions): Promise<void>
  vote (postId: string, choices: Array<string | number>, options?: AbortOptions): Promise<void>
  posts (channelId: string, options?: AbortOptions & { limit?: number }): Promise<ChannelPostView[]>
  info (channelId: string, options?: AbortOptions): Promise<ChannelInfo>
  list (options?: AbortOptions): Promise<ChannelInfo[]>
  updates (options?: AbortOptions): Promise<UpdatesEntry[]>
  /** flagged channels are left out unless `includeFlagged` */
  search (words: string, options?: AbortOptions & { limit?: number, includeFlagged?: boolean }): Promise<ChannelSearchResult[]>
  /** delete posts (with their reactions, votes and media) 30 days after they were posted; returns how many */
  pruneExpiredPosts (options?: AbortOptions): Promise<{ posts: number, media: number }>
}

export interface ChannelsInit {
  requestTimeout?: number
  mediaTimeout?: number
  pruneInterval?: number
  republishInterval?: number
  /** a directory publish that no peer took is retried after `first` ms, doubling up to `max` (default 30 s, 1 h) */
  publishRetry?: { first?: number, max?: number }
}

export interface ChannelsComponents {
  privateKey: PrivateKey
  pubsub: GossipSub
  libp2p: Pick<Libp2p, 'dialProtocol' | 'handle' | 'unhandle' | 'getConnections' | 'addEventListener' | 'removeEventListener' | 'contentRouting' | 'peerStore'>
  helia: Pick<Helia, 'blockstore' | 'pins' | 'gc'>
  events: TypedEventTarget<KithNodeEvents>
  history: Pick<HistoryServer, 'register'>
  db: AppDb
  compact: () => Promise<void>
  now: () => number
  logger: ComponentLogger
}

export interface ChannelsService extends ChannelsApi, Startable {}

interface ChannelState {
  id: string
  channelId: Uint8Array
  topic: string
  meta?: VerifiedChannelMeta
  ownerKey?: Identity
  following: boolean
  queue: Promise<unknown>
  /** the directory publish in flight, whether another is wanted after it, and the retry waiting */
  publish?: { running?: Promise<void>, again: boolean, attempt: number, timer?: ReturnType<typeof setTimeout>, status: DirectoryStatus }
}

function followCid (channelId: string): CID {
  return CID.createV1(raw.code, sha256Hasher.digest(utf8(`kith/follow/v1/${channelId}`)) as any)
}

class DefaultChannelsService implements ChannelsService {
  private readonly log: Logger
  private readonly store: GroupStore
  private readonly verifier = new SignatureVerifier()
  private readonly channels = new Map<string, ChannelState>()
  private readonly relays = new Set<string>()
  private readonly identity: Identity
  private readonly me: string
  private directoryInstance?: ChannelDirectory
  private readonly requestTimeout: number
  private readonly mediaTimeout: number
  private timers: Array<ReturnType<typeof setInterval>> = []
  private started = false
  private mediaRunning = 0
  private readonly mediaWaiting: Array<() => void> = []

  constructor (private readonly components: ChannelsComponents, private readonly init: ChannelsInit = {}) {
    this.log = components.logger.forComponent('kith:channels')
    this.store = new GroupStore(components.db)
    this.identity = identityFromSeed(components.privateKey.raw)
    this.me = toHex(this.identity.publicKey)
    this.requestTimeout = init.requestTimeout ?? 10_000
    this.mediaTimeout = init.mediaTimeout ?? 60_000
  }

  // ---------------------------------------------------------------- lifecycle

  /** made on first use: libp2p (and its content routing) exists only once the node has started */
  private get directory (): ChannelDirectory {
    const dht = (this.components.libp2p as unknown as { services?: { dht?: DhtPut } }).services?.dht
    this.directoryInstance ??= new ChannelDirectory(this.components.libp2p.contentRouting, this.verifier, this.log, this.requestTimeout, dht)
    return this.directoryInstance
  }

  async start (): Promise<void> {
    const { libp2p } = this.components
    this.components.history.register(async (request, peer) => this.historyPage(request, peer))
    await libp2p.handle(STORE_PROTOCOL, (stream, conn) => { void this.onStore(stream, conn) }, { runOnLimitedConnection: true, maxInboundStreams: 64 })
    libp2p.addEventListener('peer:identify', this.onIdentify)
    libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    for await (const [key, value] of this.store.entries(keys.channelRange())) {
      const [, id, field] = key.split('/')
      if (field === 'meta' || field === 'key' || field === 'follow') {
        const channel = this.channel(id)
        if (field === 'meta') channel.meta = verifyChannelMeta(value, this.verifier, channel.channelId)
        if (field === 'key') channel.ownerKey = identityFromSeed(fromHex(JSON.parse(new TextDecoder().decode(value)).seed))
        if (field === 'follow') channel.following = true
      }
    }
    this.started = true
    // peers identified before this service started (the bootstrap relay, typically) raised no event for us
    for (const conn of libp2p.getConnections()) {
      void this.components.libp2p.peerStore.get(conn.remotePeer).then(peer => {
        this.onIdentify(new CustomEvent('peer:identify', { detail: { peerId: conn.remotePeer, protocols: peer.protocols } }))
      }).catch(() => {})
    }
    for (const channel of this.channels.values()) {
      if (channel.following || channel.ownerKey != null) this.subscribe(channel)
    }
    await this.pruneExpiredPosts().catch(err => { this.log.error('prune failed: %e', err) })
    this.timers.push(setInterval(() => { void this.pruneExpiredPosts().catch(() => {}) }, this.init.pruneInterval ?? 60 * 60_000))
    this.timers.push(setInterval(() => { void this.republish() }, this.init.republishInterval ?? 6 * 60 * 60_000))
    for (const t of this.timers) t.unref?.()
    // a directory publish no peer took yet (the routing table is still empty) is retried with backoff
    void this.republish({ provide: false })
    // follower announcements are not retried: make them once the DHT has peers
    setTimeout(() => { void this.republish({ publish: false }) }, 3000).unref?.()
  }

  async stop (): Promise<void> {
    this.started = false
    for (const t of this.timers) clearInterval(t)
    this.timers = []
    for (const channel of this.channels.values()) clearTimeout(channel.publish?.timer)
    const { libp2p, pubsub } = this.components
    libp2p.removeEventListener('peer:identify', this.onIdentify)
    libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
    for (const channel of this.channels.values()) {
      pubsub.topicValidators.delete(channel.topic)
      await channel.queue
    }
    await libp2p.unhandle(STORE_PROTOCOL)
  }

  private channel (id: string): ChannelState {
    let channel = this.channels.get(id)
    if (channel == null) {
      const channelId = channelIdFromString(id)
      channel = { id, channelId, topic: channelTopic(channelId), following: false, queue: Promise.resolve() }
      this.channels.set(id, channel)
    }
    return channel
  }

  private known (id: string): ChannelState {
    let channelId: Uint8Array
    try {
      channelId = channelIdFromString(id)
    } catch {
      throw new InvalidArgumentError(`not a channel id: ${String(id).slice(0, 80)}`)
    }
    return this.channel(channelIdToString(channelId))
  }

  private run<T> (channel: ChannelState, task: () => Promise<T>): Promise<T> {
    const next = channel.queue.then(task, task)
    channel.queue = next.catch(() => {})
    return next
  }

  private subscribe (channel: ChannelState): void {
    const { pubsub } = this.components
    if (pubsub.topicValidators.has(channel.topic)) return
    pubsub.topicValidators.set(channel.topic, async (_peer, msg) => {
      try {
        return await this.run(channel, async () => this.process(channel, msg.data))
      } catch (err) {
        this.log.error('channel %s: processing failed: %e', channel.id, err)
        return TopicValidatorResult.Ignore
      }
    })
    scoreTopic(pubsub, channel.topic)
    pubsub.subscribe(channel.topic)
    for (const relay of this.relays) void this.register(relay, [channel.topic])
  }

  private readonly onIdentify = (evt: CustomEvent<{ peerId: PeerId, protocols: string[] }>): void => {
    const peer = evt.detail.peerId.toString()
    if (!evt.detail.protocols.includes(RELAY_REGISTER_PROTOCOL) || this.relays.has(peer)) return
    this.relays.add(peer)
    const topics = [...this.channels.values()].filter(c => c.following || c.ownerKey != null).map(c => c.topic)
    void this.register(peer, topics).then(async () => {
      for (const channel of this.channels.values()) {
        if (channel.following) await this.syncFrom(channel, peer).catch(() => {})
      }
    })
  }

  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    this.relays.delete(evt.detail.toString())
  }

  /**
   * Ask a relay to carry topics, then hand it the meta of each accepted channel this node knows: the relay keeps
   * history for followers that reach only it, and posts mean nothing to them without the meta that says who may
   * sign them. (Pushed before, the meta would be refused: the relay stores only topics it carries.)
   */
  private async register (peer: string, topics: string[]): Promise<void> {
    if (topics.length === 0) return
    let accepted: string[]
    try {
      accepted = await registerTopics(this.components.libp2p, this.identity, peer, topics.slice(0, 1000), this.components.now(), this.requestTimeout)
    } catch (err) {
      this.log('registering channel topics with %s failed: %s', peer, (err as Error).message)
      return
    }
    await this.pushMetas(peer, new Set(accepted))
  }

  private async pushMetas (peer: string, topics: Set<string>): Promise<void> {
    const withMeta = [...this.channels.values()].filter(c => c.meta != null && topics.has(c.topic))
    // a few at a time: a relay meters what each peer stores
    for (let i = 0; i < withMeta.length; i += 4) {
      await Promise.all(withMeta.slice(i, i + 4).map(async channel => {
        try {
          await pushTo(this.components.libp2p, peer, channel.topic, [encodeChannelWire('meta', (channel.meta as VerifiedChannelMeta).bytes)], this.requestTimeout)
        } catch (err) {
          this.log('channel %s: meta not handed to %s: %s', channel.id, peer, (err as Error).message)
        }
      }))
    }
  }

  private emit<K extends keyof KithNodeEvents> (type: K, detail: unknown): void {
    this.components.events.dispatchEvent(new CustomEvent(type as string, { detail }) as any)
  }

  // ---------------------------------------------------------------- receiving

  /** every record for a channel, from gossip, history or a push, goes through here (or processPage) */
  private async process (channel: ChannelState, data: Uint8Array): Promise<TopicValidatorResult> {
    const tx = new ChannelTx(this.store.db)
    const result = await this.processIn(channel, data, tx)
    await tx.commit()
    return result
  }

  /**
   * The records of a history page or store push, in order, written in one batch; the result of each. Run inside
   * the channel's queue, like process.
   */
  private async processPage (channel: ChannelState, messages: Uint8Array[]): Promise<TopicValidatorResult[]> {
    const tx = new ChannelTx(this.store.db)
    await tx.prefetch(messages.flatMap(m => this.keysRead(channel.id, m)))
    const results: TopicValidatorResult[] = []
    for (const message of messages) results.push(await this.processIn(channel, message, tx))
    await tx.commit()
    return results
  }

  /** the keys apply will read for a record, to read them all at once (none for what does not decode) */
  private keysRead (c: string, data: Uint8Array): string[] {
    try {
      const { kind, bytes } = decodeChannelWire(data)
      if (kind === 'post') return [keys.postIndex(c, channelPostId(bytes))]
      const body = SignedCodec.decode(bytes).body
      if (kind === 'edit') return [keys.edit(c, EditCodec.decode(body).postId)]
      if (kind === 'reaction') {
        const r = ReactionCodec.decode(body)
        return [keys.reaction(c, r.postId, toHex(r.follower))]
      }
      if (kind === 'vote') {
        const v = VoteCodec.decode(body)
        return [keys.vote(c, v.postId, toHex(v.follower)), keys.postIndex(c, v.postId)]
      }
    } catch {}
    return []
  }

  private async processIn (channel: ChannelState, data: Uint8Array, tx: ChannelTx): Promise<TopicValidatorResult> {
    let decoded
    try {
      decoded = decodeChannelWire(data)
    } catch (err) {
      this.log('channel %s: rejected malformed record: %s', channel.id, (err as Error).message)
      return TopicValidatorResult.Reject
    }
    try {
      return await this.apply(channel, decoded.kind, decoded.bytes, tx)
    } catch (err) {
      const name = (err as Error).name
      if (['ChannelRecordRejectedError', 'InvalidSignatureError', 'MalformedMessageError'].includes(name)) {
        this.log('channel %s: rejected %s: %s', channel.id, decoded.kind, (err as Error).message)
        return TopicValidatorResult.Reject
      }
      throw err
    }
  }

  private async apply (channel: ChannelState, kind: ChannelWireKind, bytes: Uint8Array, tx: ChannelTx): Promise<TopicValidatorResult> {
    const now = this.components.now()
    const c = channel.id
    if (kind === 'meta') {
      const meta = verifyChannelMeta(bytes, this.verifier, channel.channelId)
      if (channel.meta != null && compareChannelMeta(meta, channel.meta) <= 0) return TopicValidatorResult.Ignore
      channel.meta = meta
      tx.forget()
      tx.put(keys.meta(c), bytes)
      tx.afterCommit(() => { this.emit('channel:updated', { channelId: c }) })
      return TopicValidatorResult.Accept
    }
    const meta = channel.meta
    if (meta == null) return TopicValidatorResult.Ignore
    if (kind === 'post') {
      // the id is the hash of the Signed bytes: a post held under it is these very bytes, verified when stored
      if (await tx.get(keys.postIndex(c, channelPostId(bytes))) != null) return TopicValidatorResult.Ignore
      const post = verifyChannelPost(meta, bytes, this.verifier, now)
      const postKey = keys.post(c, post.timestamp, post.postId)
      tx.put(postKey, bytes)
      tx.put(keys.postIndex(c, post.postId), utf8(postKey))
      tx.put(keys.channelOfPost(post.postId), utf8(c))
      tx.put(keys.expiry(post.timestamp, c, post.postId), new Uint8Array(0))
      if (post.media != null) tx.put(keys.mediaRef(post.media.cid, post.postId), new Uint8Array(0))
      // an author's seq continues from the highest seen, so a key used on another machine (kith publish) goes on
      const seqKey = keys.seq(c, toHex(post.author))
      const seq = await tx.get(seqKey)
      if (Number(seq == null ? '0' : new TextDecoder().decode(seq)) < Number(post.seq)) tx.put(seqKey, utf8(String(post.seq)))
      tx.afterCommit(() => {
        if (post.media != null) void this.fetchMedia(post)
        this.emit('channel:post', { channelId: c, postId: post.postId })
      })
      return TopicValidatorResult.Accept
    }
    if (kind === 'edit') {
      const edit = verifyChannelPostEdit(meta, bytes, this.verifier, now)
      const existing = await tx.get(keys.edit(c, edit.postId))
      const previous = existing == null ? undefined : storedEdit(meta, existing)
      if (previous != null && (previous.deleted || previous.timestamp >= edit.timestamp)) return TopicValidatorResult.Ignore
      tx.put(keys.edit(c, edit.postId), bytes)
      return TopicValidatorResult.Accept
    }
    if (kind === 'reaction') {
      const reaction = verifyChannelReaction(channel.channelId, bytes, this.verifier, now)
      const key = keys.reaction(c, reaction.postId, toHex(reaction.follower))
      if (!await this.newer(tx, key, reaction, storedReaction, (a, b) => compareText(a.emoji, b.emoji))) return TopicValidatorResult.Ignore
      tx.put(key, bytes)
      return TopicValidatorResult.Accept
    }
    // a vote: checked against its poll
    const pollId = decodeVotePostId(bytes)
    const poll = await tx.memo(`poll/${pollId}`, async () => await this.loadPost(c, pollId, tx))
    if (poll == null) return TopicValidatorResult.Ignore
    const vote = verifyChannelVote(poll, bytes, this.verifier, now)
    const key = keys.vote(c, vote.postId, toHex(vote.follower))
    if (!await this.newer(tx, key, vote, storedVote, (a, b) => compareBallots(a.options, b.options))) return TopicValidatorResult.Ignore
    tx.put(key, bytes)
    return TopicValidatorResult.Accept
  }

  /** one record from this node (create, post, edit, a looked-up meta), written at once; throws when refused */
  private async applyOne (channel: ChannelState, kind: ChannelWireKind, bytes: Uint8Array): Promise<TopicValidatorResult> {
    const tx = new ChannelTx(this.store.db)
    const result = await this.apply(channel, kind, bytes, tx)
    await tx.commit()
    return result
  }

  /**
   * Whether `record` replaces the one stored under `key`: a later timestamp wins, and a tie goes to the smaller
   * content (`tie` < 0), as channel-tally.ts settles it, so every node keeps the same record whatever the order
   * of arrival.
   */
  private async newer<T extends { timestamp: bigint }> (tx: ChannelTx, key: string, record: T, decode: (bytes: Uint8Array) => T | undefined, tie: (a: T, b: T) => number): Promise<boolean> {
    const existing = await tx.get(key)
    const held = existing == null ? undefined : decode(existing)
    if (held == null) return true
    if (held.timestamp !== record.timestamp) return held.timestamp < record.timestamp
    return tie(record, held) < 0
  }

  /** a stored post (verified when it was stored), while its author may still post under the channel's meta */
  private async loadPost (c: string, postId: string, tx?: ChannelTx): Promise<VerifiedChannelPost | undefined> {
    const channel = this.channels.get(c)
    if (channel?.meta == null) return undefined
    const get = async (key: string): Promise<Uint8Array | undefined> => await (tx != null ? tx.get(key) : this.store.db.get(key))
    const postKey = await get(keys.postIndex(c, postId))
    const bytes = postKey == null ? undefined : await get(new TextDecoder().decode(postKey))
    return bytes == null ? undefined : storedPost(channel.meta, bytes, postId)
  }

  /**
   * Fetch a post's media, MEDIA_FETCHES at a time: a catch-up starts one per photo of the month, and all at
   * once they held up the history pages behind them (and would hold every file in memory at once).
   */
  private async fetchMedia (post: VerifiedChannelPost): Promise<void> {
    if (this.mediaRunning < MEDIA_FETCHES) this.mediaRunning++
    else await new Promise<void>(resolve => { this.mediaWaiting.push(resolve) }) // the slot is handed over
    try {
      if (this.started) await this.fetchMediaNow(post)
    } finally {
      const next = this.mediaWaiting.shift()
      if (next != null) next()
      else this.mediaRunning--
    }
  }

  /** fetch a post's media from whoever holds it, check it by content, and keep it (pinned) */
  private async fetchMediaNow (post: VerifiedChannelPost): Promise<void> {
    const media = post.media
    if (media == null || await this.store.has(keys.mediaOk(media.cid))) return
    try {
      const cid = CID.parse(media.cid)
      const limit = MAX_MEDIA_BYTES[post.kind as keyof typeof MAX_MEDIA_BYTES] ?? 0
      const chunks: Uint8Array[] = []
      let size = 0
      for await (const chunk of unixfs(this.components.helia as any).cat(cid, { signal: AbortSignal.timeout(this.mediaTimeout) })) {
        size += chunk.byteLength
        if (size > limit) throw new MessageTooLargeError('media larger than its kind allows')
        chunks.push(chunk)
      }
      const bytes = Buffer.concat(chunks)
      checkMediaForKind(post.kind as any, bytes, { mime: media.mime, size: media.size })
      await this.pin(cid, AbortSignal.timeout(this.mediaTimeout))
      await this.store.db.put(keys.mediaOk(media.cid), new Uint8Array(0))
    } catch (err) {
      this.log('channel media %s not kept: %s', media.cid, (err as Error).message)
    }
  }

  /** pin every block of a file; a file two posts carry (the same CID) is pinned once */
  private async pin (cid: CID, signal?: AbortSignal): Promise<void> {
    if (await this.components.helia.pins.isPinned(cid, { signal })) return
    try {
      for await (const _ of this.components.helia.pins.add(cid, { signal })) { /* pinning walks the DAG */ }
    } catch (err) {
      if ((err as Error).name !== 'AlreadyPinnedError') throw err
    }
  }

  // ---------------------------------------------------------------- API: owning and posting

  async create (name: string, fields: { description?: string, category?: string, language?: string } = {}, options?: AbortOptions): Promise<{ channelId: string } & NameFlags> {
    options?.signal?.throwIfAborted()
    const key = generateIdentity()
    const bytes = signChannelMeta(key, { version: 1, name, description: fields.description ?? '', category: fields.category ?? '', language: fields.language ?? '', admins: [], timestamp: this.components.now() })
    const channelId = channelIdToString(key.publicKey)
    const channel = this.channel(channelId)
    channel.ownerKey = key
    await this.store.db.put(keys.key(channelId), json({ seed: toHex(key.seed) }))
    await this.run(channel, async () => this.applyOne(channel, 'meta', bytes))
    this.subscribe(channel)
    await this.broadcast(channel, 'meta', bytes)
    void this.publishDirectory(channel)
    return { channelId, ...nameFlags(name) }
  }

  private async changeMeta (id: string, change: (meta: VerifiedChannelMeta) => Partial<{ name: string, description: string, category: string, language: string, avatar: string, admins: Uint8Array[] }>): Promise<ChannelInfo> {
    const channel = this.known(id)
    if (channel.ownerKey == null || channel.meta == null) throw new NotAnAdminError('only the channel\'s owner can change it')
    const meta = channel.meta
    const next = { name: meta.name, description: meta.description, category: meta.category, language: meta.language, avatar: meta.avatar, admins: meta.admins, ...change(meta) }
    const bytes = signChannelMeta(channel.ownerKey, { version: Number(meta.version) + 1, ...next, timestamp: this.components.now() })
    await this.run(channel, async () => this.applyOne(channel, 'meta', bytes))
    await this.broadcast(channel, 'meta', bytes)
    void this.publishDirectory(channel)
    return this.info(id)
  }

  async edit (channelId: string, fields: { name?: string, description?: string, category?: string, language?: string, avatar?: string }): Promise<ChannelInfo> {
    const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v != null))
    return this.changeMeta(channelId, () => clean)
  }

  async addAdmin (channelId: string, peerId: string): Promise<ChannelInfo> {
    const key = this.parsePeer(peerId)
    return this.changeMeta(channelId, (meta) => ({ admins: [...meta.admins.filter(a => toHex(a) !== toHex(key)), key] }))
  }

  async removeAdmin (channelId: string, peerId: string): Promise<ChannelInfo> {
    const key = toHex(this.parsePeer(peerId))
    return this.changeMeta(channelId, (meta) => ({ admins: meta.admins.filter(a => toHex(a) !== key) }))
  }

  private parsePeer (peerId: string): Uint8Array {
    try {
      return publicKeyFromPeerId(peerId)
    } catch {
      throw new InvalidArgumentError(`not a Kith peer id: ${String(peerId).slice(0, 80)}`)
    }
  }

  async exportKey (channelId: string): Promise<{ channelId: string, key: string }> {
    const channel = this.known(channelId)
    if (channel.ownerKey == null) throw new NotAnAdminError('this node does not hold the channel\'s key')
    return { channelId: channel.id, key: toHex(channel.ownerKey.seed) }
  }

  async importKey (channelId: string, key: string, options?: AbortOptions): Promise<ChannelInfo> {
    const channel = this.known(channelId)
    let identity: Identity
    try {
      identity = identityFromSeed(fromHex(key))
    } catch {
      throw new InvalidArgumentError('not a channel key')
    }
    if (toHex(identity.publicKey) !== toHex(channel.channelId)) throw new InvalidArgumentError(`that key is not the key of channel ${channel.id}`)
    channel.ownerKey = identity
    await this.store.db.put(keys.key(channel.id), json({ seed: toHex(identity.seed) }))
    this.subscribe(channel)
    if (channel.meta == null) {
      const peers = [...new Set([...this.relays, ...this.components.libp2p.getConnections().map(c => c.remotePeer.toString())])].slice(0, 8)
      await Promise.all(peers.map(async peer => this.syncFrom(channel, peer).catch(() => {})))
    }
    if (channel.meta == null) {
      const meta = await this.directory.lookup(channel.channelId, options)
      if (meta != null) await this.run(channel, async () => this.applyOne(channel, 'meta', meta.bytes))
    }
    return this.info(channel.id)
  }

  /** the key this node posts with: the channel's own key, or its peer key when it is one of the admins */
  private authorKey (channel: ChannelState): Identity {
    if (channel.ownerKey != null) return channel.ownerKey
    if (channel.meta != null && channel.meta.admins.some(a => toHex(a) === this.me)) return this.identity
    throw new NotAnAdminError('only the channel\'s owner and admins can post')
  }

  async post (channelId: string, post: NewPost, options?: AbortOptions & { minAcks?: number }): Promise<{ postId: string, acks: number }> {
    const channel = this.known(channelId)
    const author = this.authorKey(channel)
    const kind = KIND_OF[post.kind]
    if (kind == null) throw new InvalidArgumentError(`a post is text, photo, video, sticker or poll, not ${String(post.kind)}`)
    let media: { cid: string, mime: string, size: number } | undefined
    if (isMediaKind(kind)) {
      const bytes = post.bytes ?? (post.file != null ? await readFile(post.file) : undefined)
      if (bytes == null) throw new InvalidArgumentError(`a ${post.kind} post needs a file`)
      let sniffed
      try {
        sniffed = checkMediaForKind(kind, bytes)
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message)
      }
      const cid = await unixfs(this.components.helia as any).addBytes(bytes, { signal: options?.signal })
      await this.pin(cid, options?.signal)
      media = { cid: cid.toString(), mime: sniffed.mime, size: bytes.byteLength }
      await this.store.db.put(keys.mediaOk(media.cid), new Uint8Array(0))
    }
    const seqKey = keys.seq(channel.id, toHex(author.publicKey))
    const seq = Number(await this.store.getString(seqKey) ?? '0') + 1
    let bytes: Uint8Array
    try {
      bytes = signChannelPost(author, { channelId: channel.channelId, seq, kind, text: post.text ?? '', media, poll: post.poll, timestamp: this.components.now() })
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message)
    }
    await this.store.db.put(seqKey, utf8(String(seq)))
    const result = await this.run(channel, async () => this.applyOne(channel, 'post', bytes))
    if (result !== TopicValidatorResult.Accept) throw new InvalidArgumentError('the post was refused')
    const acked = new Set<string>()
    let acks = await this.broadcast(channel, 'post', bytes, acked)
    const wanted = options?.minAcks ?? 0
    while (acks < wanted && options?.signal?.aborted !== true) {
      // peers come and go (a relay reconnecting, a follower starting): keep offering it to those that have not stored it
      await new Promise(resolve => setTimeout(resolve, 1000))
      acks += await pushStore(this.components.libp2p, channel.topic, [encodeChannelWire('post', bytes)], this.requestTimeout, this.log, acked)
    }
    return { postId: channelPostId(bytes), acks }
  }

  private async ownPostChange (postId: string, fields: { text?: string, deleted?: boolean }): Promise<void> {
    const c = await this.store.getString(keys.channelOfPost(postId))
    if (c == null) throw new InvalidArgumentError(`no post ${postId} on this node`)
    const channel = this.known(c)
    const author = this.authorKey(channel)
    const bytes = signChannelPostEdit(author, { channelId: channel.channelId, postId, text: fields.text ?? '', deleted: fields.deleted ?? false, timestamp: this.components.now() })
    await this.run(channel, async () => this.applyOne(channel, 'edit', bytes))
    await this.broadcast(channel, 'edit', bytes)
  }

  async editPost (postId: string, text: string): Promise<void> {
    await this.ownPostChange(postId, { text })
  }

  async deletePost (postId: string): Promise<void> {
    await this.ownPostChange(postId, { deleted: true })
  }

  /** gossip a record, and hand it to every relay and follower in reach that stores it; returns how many stored it */
  private async broadcast (channel: ChannelState, kind: ChannelWireKind, bytes: Uint8Array, acked: Set<string> = new Set()): Promise<number> {
    const wire = encodeChannelWire(kind, bytes)
    try {
      await this.components.pubsub.publish(channel.topic, wire)
    } catch (err) {
      this.log('channel %s: publish failed: %s', channel.id, (err as Error).message)
    }
    return pushStore(this.components.libp2p, channel.topic, [wire], this.requestTimeout, this.log, acked)
  }

  // ---------------------------------------------------------------- API: following

  async follow (channelId: string, options?: AbortOptions): Promise<ChannelInfo> {
    const channel = this.known(channelId)
    if (!channel.following) {
      channel.following = true
      await this.store.db.put(keys.follow(channel.id), json({ since: this.components.now(), readAt: 0 }))
    }
    this.subscribe(channel)
    // what was posted before we followed: from any peer in reach that carries the channel (followers, relays).
    // Their history starts with the meta; the DHT lookup (~1 s) runs beside it for a channel none of them
    // carries, and is given up once a peer's history brought a meta.
    const peers = [...new Set([...this.relays, ...this.components.libp2p.getConnections().map(c => c.remotePeer.toString())])].slice(0, 8)
    const lookup = channel.meta == null ? this.lookupMeta(channel, options) : undefined
    await Promise.all(peers.map(async peer => this.syncFrom(channel, peer, lookup).catch(err => { this.log('history of %s from %s: %s', channel.id, peer, (err as Error).message) })))
    if (channel.meta != null) lookup?.stop()
    await lookup?.found
    void this.components.libp2p.contentRouting.provide(followCid(channel.id), { signal: AbortSignal.timeout(this.requestTimeout) }).catch(() => {})
    return this.info(channel.id)
  }

  async unfollow (channelId: string): Promise<void> {
    const channel = this.known(channelId)
    channel.following = false
    await this.store.db.del(keys.follow(channel.id))
    if (channel.ownerKey == null) {
      this.components.pubsub.unsubscribe(channel.topic)
      this.components.pubsub.topicValidators.delete(channel.topic)
    }
  }

  /** the channel's meta from the DHT, applied when found; `stop` gives up the lookup */
  private lookupMeta (channel: ChannelState, options?: AbortOptions): MetaLookup {
    const controller = new AbortController()
    const signal = options?.signal != null ? AbortSignal.any([options.signal, controller.signal]) : controller.signal
    const found = this.directory.lookup(channel.channelId, { signal }).then(async meta => {
      if (meta != null) await this.run(channel, async () => this.applyOne(channel, 'meta', meta.bytes))
    }).catch(err => { this.log('channel %s: meta from the DHT not applied: %s', channel.id, (err as Error).message) })
    return { found, stop: () => { controller.abort() } }
  }

  /**
   * Page through a peer's history of the channel, each page checked and written in one batch. Records that came
   * before any meta of the channel wait for one: from a later page, or from `lookup`.
   */
  private async syncFrom (channel: ChannelState, peer: string, lookup?: MetaLookup): Promise<number> {
    let processed = 0
    const waiting: Uint8Array[] = []
    const retryWaiting = async (): Promise<void> => {
      if (channel.meta == null || waiting.length === 0) return
      const again = waiting.splice(0)
      await this.run(channel, async () => this.processPage(channel, again))
    }
    // the next page is asked for before this one is checked: the peer reads it while this node verifies
    let next = this.historyFrom(channel, peer, '')
    for (let page = 0; page < 100; page++) {
      const result = await next
      if (result == null) break
      const more = result.cursor !== '' && result.messages.length > 0 && page < 99
      if (more) {
        next = this.historyFrom(channel, peer, result.cursor)
        // awaited on the next turn; until then a failure must not count as unhandled
        next.catch(() => {})
      }
      // a relay pages records in the order it got them, so the meta may come after posts it signs for: metas go
      // first, and records that waited for a meta are processed again once one has come
      const messages = metaFirst(result.messages)
      const [outcomes, noMeta] = await this.run(channel, async () => [await this.processPage(channel, messages), channel.meta == null] as const)
      if (noMeta) {
        messages.forEach((message, i) => { if (outcomes[i] === TopicValidatorResult.Ignore && waiting.length < MAX_WAITING_FOR_META) waiting.push(message) })
      } else {
        lookup?.stop()
        await retryWaiting()
      }
      processed += messages.length
      if (!more) break
    }
    if (waiting.length > 0 && lookup != null) {
      await lookup.found
      await retryWaiting()
    }
    return processed
  }

  /** one page of a peer's history of the channel, from `cursor`; undefined when the peer sent none */
  private async historyFrom (channel: ChannelState, peer: string, cursor: string): Promise<{ messages: Uint8Array[], cursor: string } | undefined> {
    const signal = AbortSignal.timeout(this.requestTimeout)
    const stream = await this.components.libp2p.dialProtocol(peerIdFromString(peer), HISTORY_PROTOCOL, { signal, runOnLimitedConnection: true })
    const request = HistoryRequest.encode({ topic: channel.topic, since: BigInt(Math.max(0, this.components.now() - RETENTION_MS)), cursor, limit: 500 })
    const [frame] = await requestFrames(stream, request, { maxFrameBytes: MAX_HISTORY_PAGE_BYTES + MAX_WIRE_BYTES, maxFrames: 1 }, signal)
    return frame == null ? undefined : decodeHistoryPage(frame)
  }

  /** history for peers: the meta, then posts since `since` with their edits, reactions and votes */
  private async historyPage (request: HistoryRequest & { limit: number }, _peer: string): Promise<HistoryPageResult | undefined> {
    if (!request.topic.startsWith('/kith/c/')) return undefined
    const channel = [...this.channels.values()].find(c => c.topic === request.topic)
    if (channel?.meta == null) return { messages: [], cursor: '' }
    return await channelHistoryPage(this.store, channel.id, channel.meta, request)
  }

  /** a push from a publisher or another follower: stored (and acknowledged) when it checks out */
  private async onStore (stream: Stream, conn: Connection): Promise<void> {
    try {
      await serveFrames(stream, 4 * 1024 * 1024 + 65536, async function * (this: DefaultChannelsService, bytes: Uint8Array) {
        const request = decodeStoreRequest(bytes)
        const channel = [...this.channels.values()].find(c => c.topic === request.topic && (c.following || c.ownerKey != null))
        if (channel == null) {
          yield StoreResponse.encode({ stored: 0, error: 'this peer does not carry that topic' })
          return
        }
        const results = await this.run(channel, async () => this.processPage(channel, request.messages))
        const stored = results.filter(r => r !== TopicValidatorResult.Reject).length
        yield StoreResponse.encode({ stored, error: stored < request.messages.length ? 'some records were refused' : '' })
      }.bind(this), AbortSignal.timeout(this.requestTimeout))
    } catch (err) {
      this.log('store push from %p failed: %s', conn.remotePeer, (err as Error).message)
      stream.abort(err as Error)
    }
  }

  async react (postId: string, emoji: string): Promise<void> {
    const channel = await this.channelOfPost(postId)
    const bytes = this.signed(() => signChannelReaction(this.identity, { channelId: channel.channelId, postId, emoji, timestamp: this.components.now() }))
    const result = await this.run(channel, async () => this.process(channel, encodeChannelWire('reaction', bytes)))
    if (result === TopicValidatorResult.Reject) throw new InvalidArgumentError('that reaction was refused')
    await this.broadcast(channel, 'reaction', bytes)
  }

  async vote (postId: string, choices: Array<string | number>): Promise<void> {
    const channel = await this.channelOfPost(postId)
    const poll = await this.loadPost(channel.id, postId)
    if (poll?.poll == null) throw new InvalidArgumentError(`post ${postId} is not a poll`)
    const options = choices.map(choice => {
      const index = typeof choice === 'number' ? choice : poll.poll?.options.indexOf(choice) ?? -1
      if (index < 0) throw new InvalidArgumentError(`${JSON.stringify(choice)} is not an option of that poll`)
      return index
    })
    const bytes = this.signed(() => signChannelVote(this.identity, { channelId: channel.channelId, postId, options, timestamp: this.components.now() }))
    const result = await this.run(channel, async () => this.process(channel, encodeChannelWire('vote', bytes)))
    if (result === TopicValidatorResult.Reject) throw new InvalidArgumentError('that vote was refused')
    await this.broadcast(channel, 'vote', bytes)
  }

  private signed (build: () => Uint8Array): Uint8Array {
    try {
      return build()
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message)
    }
  }

  private async channelOfPost (postId: string): Promise<ChannelState> {
    const c = await this.store.getString(keys.channelOfPost(postId))
    if (c == null) throw new InvalidArgumentError(`no post ${postId} on this node`)
    return this.known(c)
  }

  // ---------------------------------------------------------------- API: reading

  async posts (channelId: string, options?: AbortOptions & { limit?: number }): Promise<ChannelPostView[]> {
    const channel = this.known(channelId)
    const rows: Array<[string, Uint8Array]> = []
    for await (const row of this.store.entries(keys.postRange(channel.id), { reverse: true, limit: options?.limit ?? -1 })) rows.push(row)
    const out = await postViews(this.store, channel, rows.reverse(), this.me)
    if (channel.following) await this.store.db.put(keys.follow(channel.id), json({ since: 0, readAt: this.components.now() }))
    return out.sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq)
  }

  async info (channelId: string): Promise<ChannelInfo> {
    const channel = this.known(channelId)
    const meta = channel.meta
    const admin = meta?.admins.some(a => toHex(a) === this.me) ?? false
    return {
      channelId: channel.id,
      name: meta?.name ?? '',
      ...nameFlags(meta?.name ?? ''),
      description: meta?.description ?? '',
      category: meta?.category ?? '',
      language: meta?.language ?? '',
      avatar: meta?.avatar ?? '',
      owner: channel.ownerKey != null,
      admins: (meta?.admins ?? []).map(peerIdOfKey),
      role: channel.ownerKey != null ? 'owner' : admin ? 'admin' : channel.following ? 'follower' : 'none',
      following: channel.following,
      version: Number(meta?.version ?? 0),
      directory: channel.ownerKey == null ? null : { status: channel.publish?.status ?? 'publishing', attempts: channel.publish?.attempt ?? 0 }
    }
  }

  async list (): Promise<ChannelInfo[]> {
    const out: ChannelInfo[] = []
    for (const channel of this.channels.values()) {
      if (channel.following || channel.ownerKey != null) out.push(await this.info(channel.id))
    }
    return out
  }

  async updates (): Promise<UpdatesEntry[]> {
    const out: UpdatesEntry[] = []
    for (const channel of this.channels.values()) {
      if (!channel.following) continue
      const follow = await this.store.getJson<{ readAt: number }>(keys.follow(channel.id))
      let newestPost: ChannelPostView | null = null
      let unread = 0
      let rows: Array<[string, Uint8Array]> = []
      // newest first, a few posts at a time, until the first one read
      const counted = async (): Promise<boolean> => {
        const views = await postViews(this.store, channel, rows, this.me)
        rows = []
        for (const view of views) {
          newestPost ??= view
          if (view.timestamp > (follow?.readAt ?? 0) && view.author !== peerIdOfKey(this.identity.publicKey)) unread++
          else return true
        }
        return false
      }
      let done = false
      for await (const row of this.store.entries(keys.postRange(channel.id), { reverse: true })) {
        rows.push(row)
        if (rows.length >= 16 && (done = await counted())) break
      }
      if (!done) await counted()
      const name = channel.meta?.name ?? ''
      out.push({ channelId: channel.id, name, ...nameFlags(name), newestPost, unread })
    }
    return out.sort((a, b) => (b.newestPost?.timestamp ?? 0) - (a.newestPost?.timestamp ?? 0))
  }

  async search (words: string, options?: AbortOptions & { limit?: number, includeFlagged?: boolean }): Promise<ChannelSearchResult[]> {
    return this.directory.search(words, { ...options, followersOf: (id) => followCid(id) })
  }

  private async republish ({ publish = true, provide = true } = {}): Promise<void> {
    if (!this.started) return
    for (const channel of this.channels.values()) {
      if (publish && channel.ownerKey != null && channel.meta != null) await this.publishDirectory(channel)
      if (provide && channel.following) void this.components.libp2p.contentRouting.provide(followCid(channel.id), { signal: AbortSignal.timeout(this.requestTimeout) }).catch(() => {})
    }
    // relays drop what is older than their retention: hand them the metas of owned channels again
    if (publish) {
      const owned = new Set([...this.channels.values()].filter(c => c.ownerKey != null).map(c => c.topic))
      for (const relay of this.relays) await this.pushMetas(relay, owned)
    }
  }

  /**
   * Publish a channel's current meta to the directory; one publish per channel at a time (a change made during
   * one is published after it). When a record finds no peer or times out, retry after 30 s, then 1, 2, 4 … min,
   * at most hourly, until it lands: the 6-hourly republish is too late for a channel just created.
   */
  private publishDirectory (channel: ChannelState): Promise<void> {
    const state = channel.publish ??= { again: false, attempt: 0, status: 'publishing' }
    clearTimeout(state.timer)
    state.timer = undefined
    if (state.running != null) {
      state.again = true
      return state.running
    }
    const run = async (): Promise<void> => {
      do {
        state.again = false
        if (!this.started || channel.meta == null) return
        state.status = 'publishing'
        const ok = await this.directory.publish(channel.meta).catch(() => false)
        if (ok) {
          state.attempt = 0
          state.status = 'published'
          continue
        }
        state.status = 'retrying'
        if (state.again || !this.started) continue
        const first = this.init.publishRetry?.first ?? 30_000
        const max = this.init.publishRetry?.max ?? 60 * 60_000
        // ±20 % so that nodes restarted together do not retry together
        const delay = Math.min(first * 2 ** state.attempt, max) * (0.8 + 0.4 * Math.random())
        state.attempt++
        this.log('channel %s: directory publish incomplete, retry %d in %d s', channel.id, state.attempt, Math.round(delay / 1000))
        state.timer = setTimeout(() => { void this.publishDirectory(channel) }, delay)
        state.timer.unref?.()
      } while (state.again)
    }
    state.running = run().finally(() => { state.running = undefined })
    return state.running
  }

  // ---------------------------------------------------------------- retention

  async pruneExpiredPosts (): Promise<{ posts: number, media: number }> {
    const { posts, unreferenced } = await pruneExpired(this.store.db, this.components.now() - RETENTION_MS)
    if (posts === 0) return { posts: 0, media: 0 }
    for (const cid of unreferenced) {
      try {
        for await (const _ of this.components.helia.pins.rm(CID.parse(cid))) { /* unpin the DAG */ }
      } catch {}
      await this.store.db.del(keys.mediaOk(cid))
    }
    if (unreferenced.length > 0) await this.components.helia.gc()
    await this.components.compact()
    this.log('pruned %d expired posts and %d media files', posts, unreferenced.length)
    return { posts, media: unreferenced.length }
  }
}

/** media files fetched at the same time */
const MEDIA_FETCHES = 16

/** a DHT lookup of a channel's meta running beside history syncs */
interface MetaLookup {
  found: Promise<void>
  stop: () => void
}

/** records that arrived before any meta of their channel, kept per history sync to process once one arrives */
const MAX_WAITING_FOR_META = 10_000

function metaFirst (messages: Uint8Array[]): Uint8Array[] {
  const metas: Uint8Array[] = []
  const rest: Uint8Array[] = []
  for (const m of messages) {
    let meta = false
    try {
      meta = decodeChannelWire(m).kind === 'meta'
    } catch {}
    ;(meta ? metas : rest).push(m)
  }
  return metas.length === 0 ? rest : [...metas, ...rest]
}

function compareText (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** ballots compared as sorted option lists, element by element, then by length: [] is the smallest */
function compareBallots (a: readonly number[], b: readonly number[]): number {
  const x = [...a].sort((m, n) => m - n)
  const y = [...b].sort((m, n) => m - n)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i]
  return x.length - y.length
}

function decodeSignedBody (bytes: Uint8Array): Uint8Array {
  return SignedCodec.decode(bytes).body
}

function decodeVotePostId (bytes: Uint8Array): string {
  try {
    return VoteCodec.decode(decodeSignedBody(bytes)).postId
  } catch {
    return ''
  }
}

function peerIdOfKey (key: Uint8Array): string {
  return peerIdFromPublicKey(key)
}

export function channels (init: ChannelsInit = {}): (components: ChannelsComponents) => ChannelsService {
  return (components) => new DefaultChannelsService(components, init)
}
