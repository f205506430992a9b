import {
  channelIdToString, channelRecordKey, keywordRecordKey, keywordsOf, matchScore, mergeKeywordRecord, pickChannelMeta,
  tokenize, verifyChannelMeta, verifyKeywordRecord, type SignatureVerifier, type VerifiedChannelMeta
} from '@kith/protocol'
import type { AbortOptions, ContentRouting, Logger } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { nameFlags, type NameFlags } from './name-flags.js'

export interface ChannelSearchResult extends NameFlags {
  channelId: string
  name: string
  description: string
  category: string
  language: string
  /** share of the query's words the channel matches, 0..1 */
  score: number
  /** peers that announce they follow it (as many as answered in time, at most 100) */
  followers: number
}

/**
 * The channel directory on the Kademlia DHT: `/kithchan/<id>` holds a channel's signed meta and
 * `/kithkw/<hash(keyword)>` a list of signed metas that have the keyword. Every value is checked by the DHT's
 * validators on every peer, and again here before it is shown.
 */
/** kad-dht's own put, whose events say which peers took the record (contentRouting.put says nothing) */
export interface DhtPut {
  put (key: Uint8Array, value: Uint8Array, options?: AbortOptions): AsyncIterable<{ name: string, messageName?: string }>
}

export class ChannelDirectory {
  constructor (
    private readonly routing: ContentRouting,
    private readonly verifier: SignatureVerifier,
    private readonly log: Logger,
    private readonly timeout: number,
    private readonly dht?: DhtPut
  ) {}

  /** how many peers took the record; without the DHT's own put, 1 when the put did not throw */
  private async put (key: Uint8Array, value: Uint8Array, options: AbortOptions): Promise<number> {
    if (this.dht == null) {
      await this.routing.put(key, value, options)
      return 1
    }
    let stored = 0
    for await (const event of this.dht.put(key, value, options)) {
      if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') stored++
    }
    return stored
  }

  /**
   * Put the meta under the channel's key and merge it into each of its keyword records. Returns whether every
   * record was taken by at least one peer: a put to a DHT with no peers "succeeds" on this node alone.
   */
  async publish (meta: VerifiedChannelMeta, options?: AbortOptions): Promise<boolean> {
    const signal = (): AbortSignal => AbortSignal.any([AbortSignal.timeout(this.timeout), ...(options?.signal != null ? [options.signal] : [])])
    let complete = true
    try {
      if (await this.put(channelRecordKey(meta.channelId), meta.bytes, { signal: signal() }) === 0) {
        complete = false
        this.log('directory: no peer took the channel record of %s', channelIdToString(meta.channelId))
      }
    } catch (err) {
      complete = false
      this.log('directory: channel record not published: %s', (err as Error).message)
    }
    await Promise.all(keywordsOf(meta).map(async keyword => {
      try {
        const key = keywordRecordKey(keyword)
        let existing: Uint8Array | undefined
        try {
          existing = await this.routing.get(key, { signal: signal() })
        } catch {}
        if (await this.put(key, mergeKeywordRecord(existing, meta.bytes, keyword, { verifier: this.verifier }), { signal: signal() }) === 0) {
          complete = false
          this.log('directory: no peer took keyword %s', keyword)
        }
      } catch (err) {
        complete = false
        this.log('directory: keyword %s not published: %s', keyword, (err as Error).message)
      }
    }))
    return complete
  }

  async lookup (channelId: Uint8Array, options?: AbortOptions): Promise<VerifiedChannelMeta | undefined> {
    try {
      const value = await this.routing.get(channelRecordKey(channelId), { signal: AbortSignal.any([AbortSignal.timeout(this.timeout), ...(options?.signal != null ? [options.signal] : [])]) })
      return verifyChannelMeta(value, this.verifier, channelId)
    } catch (err) {
      this.log('directory: no record for %s: %s', channelIdToString(channelId), (err as Error).message)
      return undefined
    }
  }

  /**
   * Channels whose name, description or category hold the words, best match first, then most followed. Those
   * with a flagged name (name-flags.ts) are left out unless `includeFlagged`.
   */
  async search (words: string, options: AbortOptions & { limit?: number, followersOf: (channelId: string) => CID, includeFlagged?: boolean }): Promise<ChannelSearchResult[]> {
    const query = [...new Set(tokenize(words))].slice(0, 8)
    const found = new Map<string, VerifiedChannelMeta[]>()
    const signal = (): AbortSignal => AbortSignal.any([AbortSignal.timeout(this.timeout), ...(options.signal != null ? [options.signal] : [])])
    await Promise.all(query.map(async word => {
      try {
        const value = await this.routing.get(keywordRecordKey(word), { signal: signal() })
        for (const meta of verifyKeywordRecord(undefined, value, this.verifier).entries) {
          const id = channelIdToString(meta.channelId)
          found.set(id, [...(found.get(id) ?? []), meta])
        }
      } catch {}
    }))
    const results: ChannelSearchResult[] = []
    await Promise.all([...found].map(async ([id, metas]) => {
      // a keyword entry may be an older version: the channel's own record has the newest
      const latest = pickChannelMeta([...metas, ...(await this.lookupQuietly(metas[0].channelId))]) as VerifiedChannelMeta
      const flags = nameFlags(latest.name)
      if (flags.flagged && options.includeFlagged !== true) return
      const score = matchScore(query, latest)
      if (score === 0) return
      results.push({ channelId: id, name: latest.name, ...flags, description: latest.description, category: latest.category, language: latest.language, score, followers: await this.countFollowers(options.followersOf(id)) })
    }))
    return results.sort((a, b) => b.score - a.score || b.followers - a.followers || a.name.localeCompare(b.name)).slice(0, options.limit ?? 20)
  }

  private async lookupQuietly (channelId: Uint8Array): Promise<VerifiedChannelMeta[]> {
    const meta = await this.lookup(channelId)
    return meta == null ? [] : [meta]
  }

  private async countFollowers (cid: CID): Promise<number> {
    const seen = new Set<string>()
    try {
      for await (const provider of this.routing.findProviders(cid, { signal: AbortSignal.timeout(Math.min(this.timeout, 1500)) })) {
        seen.add(provider.id.toString())
        if (seen.size >= 100) break
      }
    } catch {}
    return seen.size
  }
}
