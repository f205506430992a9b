import type { GroupMessage, MessageStatus } from '../types.js'

/** the part of an abstract-level sublevel (utf8 keys, Uint8Array values) the groups service uses */
export interface AppDb {
  get (key: string): Promise<Uint8Array | undefined>
  put (key: string, value: Uint8Array): Promise<void>
  del (key: string): Promise<void>
  batch (ops: BatchOp[], options?: { sync?: boolean }): Promise<void>
  iterator (options: { gte?: string, lt?: string, reverse?: boolean, limit?: number }): AsyncIterableIterator<[string, Uint8Array]>
}

export type BatchOp = { type: 'put', key: string, value: Uint8Array } | { type: 'del', key: string }

export interface GroupMeta {
  groupId: string
  /** hex seed of the current invite key, when this member knows it */
  inviteSecret?: string
  direct: boolean
  /** the other peer of a direct chat */
  peer?: string
  /** the last sequence number this node gave one of its own messages */
  mySeq: number
  /** when this node last heard from the group; history is asked for from a little before */
  lastSeenAt: number
  /** true once this node left or was removed: the group is kept read-only */
  left: boolean
  createdAt: number
}

export interface StoredMessage extends GroupMessage {
  seq: number
}

/** per sender: every seq up to `contiguous` is here, plus the ones in `above` */
export interface SeqWindow {
  contiguous: number
  above: number[]
}

export interface MyChainRecord {
  /** serialized SenderChain (current position) */
  chain: string
  /** hex chain key at iteration 0, handed to members so they can read the whole epoch */
  initialChainKey: string
  /** hex public keys of members that acknowledged this sender key */
  acked: string[]
  /** my seqs up to this one went out before this chain (absent in records written before it existed: 0) */
  seqBase?: number
}

const enc = new TextEncoder()
const dec = new TextDecoder()
const EMPTY = new Uint8Array(0)

export function json (value: unknown): Uint8Array {
  return enc.encode(JSON.stringify(value))
}

function parse<T> (bytes: Uint8Array | undefined): T | undefined {
  return bytes == null ? undefined : JSON.parse(dec.decode(bytes)) as T
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

/**
 * Key layout of the groups service inside the app sublevel. Everything that must change together is written in
 * one batch (LevelDB makes a batch atomic), so a crash never leaves a message without its chain position.
 */
export const keys = {
  meta: (g: string) => `g/${g}/meta`,
  metaPrefix: 'g/',
  log: (g: string, index: number) => `g/${g}/log/${pad(index, 10)}`,
  logRange: (g: string) => ({ gte: `g/${g}/log/`, lt: `g/${g}/log0` }),
  message: (g: string, timestamp: number, messageId: string) => `g/${g}/m/${pad(timestamp, 15)}/${messageId}`,
  messageRange: (g: string) => ({ gte: `g/${g}/m/`, lt: `g/${g}/m0` }),
  messageIndex: (g: string, messageId: string) => `g/${g}/mi/${messageId}`,
  seqWindow: (g: string, sender: string) => `g/${g}/rx/${sender}`,
  /** a message an admin deleted for everyone: it is not stored again when it comes back from history */
  tombstone: (g: string, messageId: string) => `g/${g}/tomb/${messageId}`,
  tombstoneRange: (g: string) => ({ gte: `g/${g}/tomb/`, lt: `g/${g}/tomb0` }),
  chain: (g: string, senderKeyId: string) => `g/${g}/ck/${senderKeyId}`,
  chainRange: (g: string) => ({ gte: `g/${g}/ck/`, lt: `g/${g}/ck0` }),
  myChain: (g: string) => `g/${g}/my`,
  deliveredTo: (g: string, member: string) => `g/${g}/dl/${member}`,
  deliveredRange: (g: string) => ({ gte: `g/${g}/dl/`, lt: `g/${g}/dl0` }),
  outbox: (g: string, seq: number) => `g/${g}/ob/${pad(seq, 12)}`,
  outboxRange: (g: string) => ({ gte: `g/${g}/ob/`, lt: `g/${g}/ob0` }),
  wire: (g: string, receivedAt: number, hash: string) => `g/${g}/w/${pad(receivedAt, 15)}/${hash}`,
  wireRange: (g: string, since: number) => ({ gte: `g/${g}/w/${pad(since, 15)}`, lt: `g/${g}/w0` }),
  wireSeen: (g: string, hash: string) => `g/${g}/wh/${hash}`,
  pending: (g: string, senderKeyId: string, hash: string) => `g/${g}/pk/${senderKeyId}/${hash}`,
  pendingRange: (g: string, senderKeyId?: string) => senderKeyId == null ? { gte: `g/${g}/pk/`, lt: `g/${g}/pk0` } : { gte: `g/${g}/pk/${senderKeyId}/`, lt: `g/${g}/pk/${senderKeyId}0` },
  welcome: (peer: string, g: string) => `wel/${peer}/${g}`,
  welcomeRange: () => ({ gte: 'wel/', lt: 'wel0' }),
  topic: (topic: string) => `topic/${topic}`,
  direct: (peer: string) => `direct/${peer}`
}

export class GroupStore {
  constructor (readonly db: AppDb) {}

  async getJson<T> (key: string): Promise<T | undefined> {
    return parse<T>(await this.db.get(key))
  }

  async getString (key: string): Promise<string | undefined> {
    const v = await this.db.get(key)
    return v == null ? undefined : dec.decode(v)
  }

  async has (key: string): Promise<boolean> {
    return (await this.db.get(key)) != null
  }

  async * entries (range: { gte: string, lt: string }, options: { reverse?: boolean, limit?: number } = {}): AsyncGenerator<[string, Uint8Array]> {
    const it = this.db.iterator({ ...range, ...options })
    try {
      for await (const entry of it) yield entry
    } finally {
      await (it as any).close?.()
    }
  }

  async listMetas (): Promise<GroupMeta[]> {
    const out: GroupMeta[] = []
    for await (const [key, value] of this.entries({ gte: 'g/', lt: 'g0' })) {
      if (key.endsWith('/meta')) out.push(parse<GroupMeta>(value) as GroupMeta)
    }
    return out
  }

  async loadLog (g: string): Promise<Uint8Array[]> {
    const out: Uint8Array[] = []
    for await (const [, value] of this.entries(keys.logRange(g))) out.push(value)
    return out
  }

  async messages (g: string, limit?: number): Promise<StoredMessage[]> {
    const out: StoredMessage[] = []
    for await (const [, value] of this.entries(keys.messageRange(g), { reverse: true, limit: limit ?? -1 })) {
      out.push(parse<StoredMessage>(value) as StoredMessage)
    }
    return out.reverse()
  }

  async lastMessage (g: string): Promise<StoredMessage | undefined> {
    for await (const [, value] of this.entries(keys.messageRange(g), { reverse: true, limit: 1 })) return parse<StoredMessage>(value)
    return undefined
  }

  /** status changes of this node's own messages; returns the ones that changed */
  async setStatus (g: string, messageIds: string[], status: MessageStatus): Promise<StoredMessage[]> {
    const ops: BatchOp[] = []
    const changed: StoredMessage[] = []
    for (const id of messageIds) {
      const orderKey = await this.getString(keys.messageIndex(g, id))
      if (orderKey == null) continue
      const msg = await this.getJson<StoredMessage>(orderKey)
      if (msg == null || msg.status === status || msg.status === 'delivered') continue
      const next = { ...msg, status }
      ops.push({ type: 'put', key: orderKey, value: json(next) })
      changed.push(next)
    }
    if (ops.length > 0) await this.db.batch(ops)
    return changed
  }

  putMessageOps (g: string, msg: StoredMessage): BatchOp[] {
    const orderKey = keys.message(g, msg.timestamp, msg.messageId)
    return [
      { type: 'put', key: orderKey, value: json(msg) },
      { type: 'put', key: keys.messageIndex(g, msg.messageId), value: enc.encode(orderKey) }
    ]
  }

  flag (): Uint8Array {
    return EMPTY
  }
}

export function str (s: string): Uint8Array {
  return enc.encode(s)
}
