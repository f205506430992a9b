import { readFile } from 'node:fs/promises'
import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import { peerIdFromString } from '@libp2p/peer-id'
import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import { sha256 as sha256Hasher } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import {
  applyPostEdits, channelIdFromString, channelIdToString, channelTopic, checkMediaForKind, ChannelPost, ChannelPostKind,
  compareChannelMeta, decodeChannelWire, decodeHistoryPage, decodeStoreRequest,
  encodeChannelWire, fromHex, generateIdentity, identityFromSeed, isMediaKind, MAX_HISTORY_PAGE_BYTES, MAX_MEDIA_BYTES,
  MAX_WIRE_BYTES, publicKeyFromPeerId, RETENTION_MS, signChannelMeta, signChannelPost, signChannelPostEdit,
  signChannelReaction, signChannelVote, SignatureVerifier, StoreResponse, tallyReactions,
  tallyVotes, toHex, utf8, verifyChannelMeta, verifyChannelPost, verifyChannelPostEdit, verifyChannelReaction,
  verifyChannelVote, HistoryRequest, channelPostId, peerIdFromPublicKey, Signed as SignedCodec, ChannelReaction as ReactionCodec,
  ChannelVote as VoteCodec, type ChannelWireKind, type Identity, type VerifiedChannelMeta, type VerifiedChannelPost
} from '@kith/protocol'
import { InvalidArgumentError, MessageTooLargeError, NotAnAdminError } from '../errors.js'
import { HISTORY_PROTOCOL, type HistoryPageResult, type HistoryServer } from '../history-server.js'
import { requestFrames, serveFrames } from '../stream-rpc.js'
import { pushStore, pushTo, registerTopics, RELAY_REGISTER_PROTOCOL, STORE_PROTOCOL } from './store-push.js'
import { scoreTopic } from '../topic-score.js'
import { GroupStore, json, type AppDb, type BatchOp } from '../groups/group-store.js'
import { channelKeys as keys } from './channel-store.js'
import { pruneExpired } from './channel-prune.js'
import { nameFlags, type NameFlags } from './name-flags.js'
import { ChannelDirectory, type ChannelSearchResult, type DhtPut } from './directory.js'
import type { Helia } from '@helia/interface'
import type { AbortOptions, ComponentLogger, Connection, Libp2p, Logger, PeerId, PrivateKey, Startable, Stream, TypedEventTarget } from '@libp2p/interface'
import type { KithNodeEvents } from '../types.js'

export { STORE_PROTOCOL, pushStore } from './store-push.js'

export type PostKindName = 'text' | 'photo' | 'video' | 'sticker' | 'poll'
const KIND_NAMES: Record<string, PostKindName> = { TEXT: 'text', PHOTO: 'photo', VIDEO: 'video', STICKER: 'sticker', POLL: 'poll' }
const KIND_OF: Record<PostKindName, ChannelPostKind> = { text: ChannelPostKind.TEXT, photo: ChannelPostKind.PHOTO, video: ChannelPostKind.VIDEO, sticker: ChannelPostKind.STICKER, poll: ChannelPostKind.POLL }

export interface ChannelPostView {
  postId: string
  channelId: string
  seq: number
  kind: PostKindName
  text: string
  author: string
  media: { cid: string, mime: string, size: number, available: boolean } | null
  poll: { question: string, options: Array<{ text: string, votes: number }>, multiple: boolean, myVote: number[] } | null
  reactions: Record<string, number>
  myReaction: string | null
  edited: boolean
  timestamp: number
}

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

  /** every record for a channel, from gossip, history or a push, goes through here */
  private async process (channel: ChannelState, data: Uint8Array): Promise<TopicValidatorResult> {
    let decoded
    try {
      decoded = decodeChannelWire(data)
    } catch (err) {
      this.log('channel %s: rejected malformed record: %s', channel.id, (err as Error).message)
      return TopicValidatorResult.Reject
    }
    try {
      return await this.apply(channel, decoded.kind, decoded.bytes)
    } catch (err) {
      const name = (err as Error).name
      if (['ChannelRecordRejectedError', 'InvalidSignatureError', 'MalformedMessageError'].includes(name)) {
        this.log('channel %s: rejected %s: %s', channel.id, decoded.kind, (err as Error).message)
        return TopicValidatorResult.Reject
      }
      throw err
    }
  }

  private async apply (channel: ChannelState, kind: ChannelWireKind, bytes: Uint8Array): Promise<TopicValidatorResult> {
    const now = this.components.now()
    const c = channel.id
    if (kind === 'meta') {
      const meta = verifyChannelMeta(bytes, this.verifier, channel.channelId)
      if (channel.meta != null && compareChannelMeta(meta, channel.meta) <= 0) return TopicValidatorResult.Ignore
      channel.meta = meta
      await this.store.db.put(keys.meta(c), bytes)
      this.emit('channel:updated', { channelId: c })
      return TopicValidatorResult.Accept
    }
    const meta = channel.meta
    if (meta == null) return TopicValidatorResult.Ignore
    if (kind === 'post') {
      const post = verifyChannelPost(meta, bytes, this.verifier, now)
      if (await this.store.has(keys.postIndex(c, post.postId))) return TopicValidatorResult.Ignore
      const postKey = keys.post(c, post.timestamp, post.postId)
      const ops: BatchOp[] = [
        { type: 'put', key: postKey, value: bytes },
        { type: 'put', key: keys.postIndex(c, post.postId), value: utf8(postKey) },
        { type: 'put', key: keys.channelOfPost(post.postId), value: utf8(c) },
        { type: 'put', key: keys.expiry(post.timestamp, c, post.postId), value: new Uint8Array(0) }
      ]
      if (post.media != null) ops.push({ type: 'put', key: keys.mediaRef(post.media.cid, post.postId), value: new Uint8Array(0) })
      // an author's seq continues from the highest seen, so a key used on another machine (kith publish) goes on
      const seqKey = keys.seq(c, toHex(post.author))
      if (Number(await this.store.getString(seqKey) ?? '0') < Number(post.seq)) ops.push({ type: 'put', key: seqKey, value: utf8(String(post.seq)) })
      await this.store.db.batch(ops)
      if (post.media != null) void this.fetchMedia(post)
      this.emit('channel:post', { channelId: c, postId: post.postId })
      return TopicValidatorResult.Accept
    }
    if (kind === 'edit') {
      const edit = verifyChannelPostEdit(meta, bytes, this.verifier, now)
      const existing = await this.store.db.get(keys.edit(c, edit.postId))
      if (existing != null) {
        const previous = verifyChannelPostEdit(meta, existing, this.verifier, Number(edit.timestamp))
        if (previous.deleted || previous.timestamp >= edit.timestamp) return TopicValidatorResult.Ignore
      }
      await this.store.db.put(keys.edit(c, edit.postId), bytes)
      return TopicValidatorResult.Accept
    }
    if (kind === 'reaction') {
      const reaction = verifyChannelReaction(channel.channelId, bytes, this.verifier, now)
      const key = keys.reaction(c, reaction.postId, toHex(reaction.follower))
      const held = (b: Uint8Array): { timestamp: bigint, emoji: string } => verifyChannelReaction(channel.channelId, b, this.verifier, Number(reaction.timestamp))
      if (!await this.newer(key, reaction, held, (a, b) => compareText(a.emoji, b.emoji))) return TopicValidatorResult.Ignore
      await this.store.db.put(key, bytes)
      return TopicValidatorResult.Accept
    }
    // a vote: checked against its poll
    const poll = await this.loadPost(c, decodeVotePostId(bytes))
    if (poll == null) return TopicValidatorResult.Ignore
    const vote = verifyChannelVote(poll, bytes, this.verifier, now)
    const key = keys.vote(c, vote.postId, toHex(vote.follower))
    const held = (b: Uint8Array): { timestamp: bigint, options: readonly number[] } => verifyChannelVote(poll, b, this.verifier, Number(vote.timestamp))
    if (!await this.newer(key, vote, held, (a, b) => compareBallots(a.options, b.options))) return TopicValidatorResult.Ignore
    await this.store.db.put(key, bytes)
    return TopicValidatorResult.Accept
  }

  /**
   * Whether `record` replaces the one stored under `key`: a later timestamp wins, and a tie goes to the smaller
   * content (`tie` < 0), as channel-tally.ts settles it, so every node keeps the same record whatever the order
   * of arrival.
   */
  private async newer<T extends { timestamp: bigint }> (key: string, record: T, decode: (bytes: Uint8Array) => T, tie: (a: T, b: T) => number): Promise<boolean> {
    const existing = await this.store.db.get(key)
    if (existing == null) return true
    let held: T
    try {
      held = decode(existing)
    } catch {
      return true
    }
    if (held.timestamp !== record.timestamp) return held.timestamp < record.timestamp
    return tie(record, held) < 0
  }

  private async loadPost (c: string, postId: string): Promise<VerifiedChannelPost | undefined> {
    const channel = this.channels.get(c)
    if (channel?.meta == null) return undefined
    const postKey = await this.store.getString(keys.postIndex(c, postId))
    const bytes = postKey == null ? undefined : await this.store.db.get(postKey)
    if (bytes == null) return undefined
    // stored posts were checked on arrival; re-checking the time here would refuse them once they age
    const timestamp = Number(ChannelPost.decode(decodeSignedBody(bytes)).timestamp)
    try {
      return verifyChannelPost(channel.meta, bytes, this.verifier, timestamp)
    } catch {
      return undefined
    }
  }

  /** fetch a post's media from whoever holds it, check it by content, and keep it (pinned) */
  private async fetchMedia (post: VerifiedChannelPost): Promise<void> {
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
    await this.run(channel, async () => this.apply(channel, 'meta', bytes))
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
    await this.run(channel, async () => this.apply(channel, 'meta', bytes))
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
      if (meta != null) await this.run(channel, async () => this.apply(channel, 'meta', meta.bytes))
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
    const result = await this.run(channel, async () => this.apply(channel, 'post', bytes))
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
    await this.run(channel, async () => this.apply(channel, 'edit', bytes))
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
    if (channel.meta == null) {
      const meta = await this.directory.lookup(channel.channelId, options)
      if (meta != null) await this.run(channel, async () => this.apply(channel, 'meta', meta.bytes))
    }
    this.subscribe(channel)
    // what was posted before we followed: from any peer in reach that carries the channel (followers, relays)
    const peers = [...new Set([...this.relays, ...this.components.libp2p.getConnections().map(c => c.remotePeer.toString())])].slice(0, 8)
    await Promise.all(peers.map(async peer => this.syncFrom(channel, peer).catch(err => { this.log('history of %s from %s: %s', channel.id, peer, (err as Error).message) })))
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

  private async syncFrom (channel: ChannelState, peer: string): Promise<number> {
    let cursor = ''
    let processed = 0
    const waiting: Uint8Array[] = []
    for (let page = 0; page < 100; page++) {
      const signal = AbortSignal.timeout(this.requestTimeout)
      const stream = await this.components.libp2p.dialProtocol(peerIdFromString(peer), HISTORY_PROTOCOL, { signal, runOnLimitedConnection: true })
      const request = HistoryRequest.encode({ topic: channel.topic, since: BigInt(Math.max(0, this.components.now() - RETENTION_MS)), cursor, limit: 500 })
      const [frame] = await requestFrames(stream, request, { maxFrameBytes: MAX_HISTORY_PAGE_BYTES + MAX_WIRE_BYTES, maxFrames: 1 }, signal)
      if (frame == null) break
      const result = decodeHistoryPage(frame)
      // a relay pages records in the order it got them, so the meta may come after posts it signs for: metas go
      // first, and records that waited for a meta are processed again once one has come
      for (const message of metaFirst(result.messages)) {
        const hadMeta = channel.meta != null
        const outcome = await this.run(channel, async () => this.process(channel, message))
        if (!hadMeta && outcome === TopicValidatorResult.Ignore && waiting.length < MAX_WAITING_FOR_META) waiting.push(message)
        processed++
      }
      if (channel.meta != null && waiting.length > 0) {
        for (const message of waiting.splice(0)) await this.run(channel, async () => this.process(channel, message))
      }
      cursor = result.cursor
      if (cursor === '' || result.messages.length === 0) break
    }
    return processed
  }

  /** history for peers: the meta, then posts since `since` with their edits, reactions and votes */
  private async historyPage (request: HistoryRequest & { limit: number }, _peer: string): Promise<HistoryPageResult | undefined> {
    if (!request.topic.startsWith('/kith/c/')) return undefined
    const channel = [...this.channels.values()].find(c => c.topic === request.topic)
    if (channel?.meta == null) return { messages: [], cursor: '' }
    const c = channel.id
    const messages: Uint8Array[] = []
    let size = 0
    if (request.cursor === '') {
      messages.push(encodeChannelWire('meta', channel.meta.bytes))
      size += channel.meta.bytes.byteLength
    }
    const range = keys.postRange(c, Number(request.since))
    if (request.cursor.startsWith(`ch/${c}/p/`) && request.cursor >= range.gte) range.gte = request.cursor + '\x00'
    let cursor = ''
    let full = false
    for await (const [key, bytes] of this.store.entries(range)) {
      // a post goes into a page whole, with its edit, reactions and votes, or waits for the next page
      const postId = key.slice(key.lastIndexOf('/') + 1)
      const batch: Uint8Array[] = [encodeChannelWire('post', bytes)]
      const edit = await this.store.db.get(keys.edit(c, postId))
      if (edit != null) batch.push(encodeChannelWire('edit', edit))
      for await (const [, r] of this.store.entries(keys.reactionRange(c, postId))) batch.push(encodeChannelWire('reaction', r))
      for await (const [, v] of this.store.entries(keys.voteRange(c, postId))) batch.push(encodeChannelWire('vote', v))
      const batchBytes = batch.reduce((n, b) => n + b.byteLength, 0)
      if (messages.length + batch.length > request.limit || size + batchBytes > MAX_HISTORY_PAGE_BYTES) {
        full = true
        if (messages.length > 0) break
        // one post with more reactions than a page holds: send what fits rather than stall
        batch.length = Math.max(1, Math.min(batch.length, request.limit))
      }
      messages.push(...batch)
      size += batchBytes
      cursor = key
      if (full) break
    }
    return { messages, cursor: full ? cursor : '' }
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
        let stored = 0
        for (const message of request.messages) {
          const result = await this.run(channel, async () => this.process(channel, message))
          if (result !== TopicValidatorResult.Reject) stored++
        }
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
    const out: ChannelPostView[] = []
    for await (const [key] of this.store.entries(keys.postRange(channel.id), { reverse: true, limit: options?.limit ?? -1 })) {
      const view = await this.view(channel, key.slice(key.lastIndexOf('/') + 1))
      if (view != null) out.push(view)
    }
    out.reverse()
    if (channel.following) await this.store.db.put(keys.follow(channel.id), json({ since: 0, readAt: this.components.now() }))
    return out.sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq)
  }

  private async view (channel: ChannelState, postId: string): Promise<ChannelPostView | undefined> {
    const post = await this.loadPost(channel.id, postId)
    if (post == null || channel.meta == null) return undefined
    const c = channel.id
    const editBytes = await this.store.db.get(keys.edit(c, postId))
    const edits = []
    if (editBytes != null) {
      try { edits.push(verifyChannelPostEdit(channel.meta, editBytes, this.verifier, Number(ChannelPost.decode(decodeSignedBody(editBytes)).timestamp))) } catch {}
    }
    const state = applyPostEdits(post, edits as any)
    if (state.deleted) return undefined
    const reactions = []
    let myReaction: string | null = null
    for await (const [key, bytes] of this.store.entries(keys.reactionRange(c, postId))) {
      try {
        const r = verifyChannelReaction(channel.channelId, bytes, this.verifier, Number(decodeReactionTimestamp(bytes)))
        reactions.push(r)
        if (key.endsWith(`/${this.me}`) && r.emoji !== '') myReaction = r.emoji
      } catch {}
    }
    let poll: ChannelPostView['poll'] = null
    if (post.poll != null) {
      const votes = []
      let myVote: number[] = []
      for await (const [key, bytes] of this.store.entries(keys.voteRange(c, postId))) {
        try {
          const v = verifyChannelVote(post, bytes, this.verifier, Number(decodeVoteTimestamp(bytes)))
          votes.push(v)
          if (key.endsWith(`/${this.me}`)) myVote = [...v.options]
        } catch {}
      }
      const counts = tallyVotes(post, votes)
      poll = { question: post.poll.question, options: post.poll.options.map((text, i) => ({ text, votes: counts[i] ?? 0 })), multiple: post.poll.multiple, myVote }
    }
    const media = post.media == null ? null : { cid: post.media.cid, mime: post.media.mime, size: Number(post.media.size), available: await this.store.has(keys.mediaOk(post.media.cid)) }
    return {
      postId,
      channelId: c,
      seq: Number(post.seq),
      kind: KIND_NAMES[post.kind] ?? 'text',
      text: state.text,
      author: peerIdOfKey(post.author),
      media,
      poll,
      reactions: tallyReactions(reactions).get(postId) ?? {},
      myReaction,
      edited: state.editedAt != null,
      timestamp: Number(post.timestamp)
    }
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
      for await (const [key] of this.store.entries(keys.postRange(channel.id), { reverse: true })) {
        const view = await this.view(channel, key.slice(key.lastIndexOf('/') + 1))
        if (view == null) continue
        newestPost ??= view
        if (view.timestamp > (follow?.readAt ?? 0) && view.author !== peerIdOfKey(this.identity.publicKey)) unread++
        else break
      }
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

/** records that arrived before any meta of their channel, kept per history sync to process once one arrives */
const MAX_WAITING_FOR_META = 10_000

function metaFirst (messages: Uint8Array[]): Uint8Array[] {
  const isMeta = (m: Uint8Array): boolean => {
    try {
      return decodeChannelWire(m).kind === 'meta'
    } catch {
      return false
    }
  }
  return [...messages.filter(isMeta), ...messages.filter(m => !isMeta(m))]
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

function decodeReactionTimestamp (bytes: Uint8Array): bigint {
  return ReactionCodec.decode(decodeSignedBody(bytes)).timestamp
}

function decodeVoteTimestamp (bytes: Uint8Array): bigint {
  return VoteCodec.decode(decodeSignedBody(bytes)).timestamp
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
