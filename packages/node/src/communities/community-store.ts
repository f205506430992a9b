import type { AppDb, BatchOp } from '../groups/group-store.js'

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

/** Key layout of the communities service inside the app sublevel (beside the groups service's `g/` keys) */
export const communityKeys = {
  meta: (c: string) => `cm/${c}`,
  metaRange: { gte: 'cm/', lt: 'cm0' },
  log: (c: string, index: number) => `c/${c}/log/${pad(index, 10)}`,
  logRange: (c: string) => ({ gte: `c/${c}/log/`, lt: `c/${c}/log0` }),
  report: (c: string, timestamp: number, id: string) => `c/${c}/rep/${pad(timestamp, 15)}/${id}`,
  reportRange: (c: string) => ({ gte: `c/${c}/rep/`, lt: `c/${c}/rep0` }),
  request: (c: string, groupId: string, peerId: string) => `c/${c}/req/${groupId}/${peerId}`,
  requestRange: (c: string) => ({ gte: `c/${c}/req/`, lt: `c/${c}/req0` })
}

/** what a node keeps about a community besides its log */
export interface CommunityMeta {
  communityId: string
  /** the name the invite gave, until the log arrives */
  name: string
  announcementGroup: string
  /** true once this node left the community */
  left: boolean
}

export interface StoredReport {
  reportId: string
  communityId: string
  from: string
  timestamp: number
  reason: string
  message?: string
  member?: string
  group?: string
  excerpt?: string
}

export interface StoredRequest {
  communityId: string
  groupId: string
  peerId: string
  timestamp: number
}

const enc = new TextEncoder()
const dec = new TextDecoder()

export function json (value: unknown): Uint8Array {
  return enc.encode(JSON.stringify(value))
}

export async function readJson<T> (db: AppDb, key: string): Promise<T | undefined> {
  const bytes = await db.get(key)
  return bytes == null ? undefined : JSON.parse(dec.decode(bytes)) as T
}

export async function * scan (db: AppDb, range: { gte: string, lt: string }): AsyncGenerator<[string, Uint8Array]> {
  for await (const entry of db.iterator(range)) yield entry
}

export async function scanJson<T> (db: AppDb, range: { gte: string, lt: string }): Promise<T[]> {
  const out: T[] = []
  for await (const [, value] of scan(db, range)) out.push(JSON.parse(dec.decode(value)) as T)
  return out
}

export function logOps (c: string, from: number, entries: Uint8Array[], previousLength: number): BatchOp[] {
  const ops: BatchOp[] = entries.slice(from).map((value, i) => ({ type: 'put', key: communityKeys.log(c, from + i), value }))
  // a fork resolved against us leaves a shorter log: drop the tail it replaced
  for (let i = entries.length; i < previousLength; i++) ops.push({ type: 'del', key: communityKeys.log(c, i) })
  return ops
}
