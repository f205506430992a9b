import type { AbortOptions } from '@libp2p/interface'

export type Role = 'admin' | 'member'
export type MessageStatus = 'pending' | 'sent' | 'delivered'

/** One message as the API and CLI show it */
export interface GroupMessage {
  messageId: string
  groupId: string
  from: string
  /** 'announcement': a community admin's signed announcement, shown in every group of the community */
  kind: 'text' | 'announcement'
  text: string
  timestamp: number
  /** only for messages this node sent; undefined for received ones */
  status?: MessageStatus
  /** announcements: the community, as its signed description names it */
  community?: { communityId: string, name: string }
  /** announcements: the admin who signed it (a peer id) */
  signedBy?: string
}

export interface GroupMember {
  peerId: string
  role: Role
}

export interface GroupSummary {
  groupId: string
  name: string
  /** the suspicious-name scorer's verdict on the name (packages/protocol name-risk) */
  flagged: boolean
  flagReasons: string[]
  role: Role
  members: number
  /** true for a two-member direct chat made by `kith chat` */
  direct: boolean
  /** the other peer of a direct chat */
  peer?: string
  /** true once this node left the group or was removed; its history stays readable */
  left?: boolean
  lastMessage?: GroupMessage
}

export interface PeerInfo {
  peerId: string
  addrs: string[]
}

export interface KithNodeEvents {
  'group:message': CustomEvent<GroupMessage>
  'group:message-status': CustomEvent<{ groupId: string, messageId: string, status: MessageStatus }>
  'group:joined': CustomEvent<{ groupId: string }>
  'group:members-changed': CustomEvent<{ groupId: string, members: GroupMember[] }>
  'group:removed': CustomEvent<{ groupId: string }>
  'group:message-deleted': CustomEvent<{ groupId: string, messageId: string }>
  'community:updated': CustomEvent<{ communityId: string }>
  'community:report': CustomEvent<{ communityId: string, reportId: string }>
  'community:request': CustomEvent<{ communityId: string, groupId: string, peerId: string }>
  'channel:post': CustomEvent<{ channelId: string, postId: string }>
  'channel:updated': CustomEvent<{ channelId: string }>
  'peer:connected': CustomEvent<{ peerId: string }>
  'peer:disconnected': CustomEvent<{ peerId: string }>
}

export interface SendResult { messageId: string }

export interface GroupsApi {
  create (name: string, options?: AbortOptions): Promise<{ groupId: string, invite: string, flagged: boolean, flagReasons: string[] }>
  /** show the current invite, or with reset replace it so the old one stops working */
  invite (groupId: string, options?: AbortOptions & { reset?: boolean }): Promise<{ invite: string }>
  /** waits (up to options.timeout ms, default 30 s) for a member that can admit us */
  join (invite: string, options?: AbortOptions & { timeout?: number }): Promise<{ groupId: string }>
  add (groupId: string, peerId: string, options?: AbortOptions): Promise<void>
  remove (groupId: string, peerId: string, options?: AbortOptions): Promise<void>
  promote (groupId: string, peerId: string, options?: AbortOptions): Promise<void>
  leave (groupId: string, options?: AbortOptions): Promise<void>
  send (groupId: string, text: string, options?: AbortOptions): Promise<SendResult>
  /** oldest first; with limit, the newest `limit` messages */
  messages (groupId: string, options?: AbortOptions & { limit?: number }): Promise<GroupMessage[]>
  members (groupId: string, options?: AbortOptions): Promise<GroupMember[]>
  list (options?: AbortOptions): Promise<GroupSummary[]>
  /** a direct chat is a two-member group made on the first message */
  chat (peerId: string, text: string, options?: AbortOptions): Promise<SendResult & { groupId: string }>
  chatMessages (peerId: string, options?: AbortOptions & { limit?: number }): Promise<GroupMessage[]>
}

export interface KithNodeInit {
  /** the data folder: one LevelDB holding identity, groups, keys, messages, the peer store and helia's blocks */
  dataDir: string
  /** multiaddrs to listen on; default ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws'] */
  listen?: string[]
  /** multiaddrs (with /p2p/ID) dialed at start and kept as bootstrap peers */
  bootstrap?: string[]
  /** mDNS discovery on the local network; default true */
  mdns?: boolean
  /** the clock, injectable for tests; default Date.now */
  now?: () => number
  /** start the node before returning; default true */
  start?: boolean
}

export interface KithNode {
  /** this node's peer id as a string */
  readonly peerId: string
  readonly dataDir: string
  readonly groups: GroupsApi
  getMultiaddrs (): string[]
  peers (): PeerInfo[]
  /** dial a multiaddr (with /p2p/ID) */
  connect (multiaddr: string, options?: AbortOptions): Promise<PeerInfo>
  addEventListener<K extends keyof KithNodeEvents> (type: K, listener: (evt: KithNodeEvents[K]) => void): void
  removeEventListener<K extends keyof KithNodeEvents> (type: K, listener: (evt: KithNodeEvents[K]) => void): void
  start (): Promise<void>
  stop (): Promise<void>
  /** while stop() runs: what it waits for now (a service by name, helia and libp2p, the store) */
  readonly stopStage: string | undefined
}
