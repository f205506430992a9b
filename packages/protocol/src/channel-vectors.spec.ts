// channels.json (test-vectors/): the current code must reproduce every channel record byte for byte from its
// fields, verify it, and refuse the rejected ones. A failure is a wire change that breaks compatibility with
// every peer and every DHT record already out there. See test-vectors.spec.ts for the other vector files.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { fromHex, sha256, toBase58, toHex } from './bytes.js'
import {
  channelIdFromString, channelIdToString, channelTopic, decodeChannelWire, signChannelMeta, signChannelPost, signChannelPostEdit, signChannelReaction,
  signChannelVote, verifyChannelMeta, verifyChannelPost, verifyChannelPostEdit, verifyChannelReaction, verifyChannelVote, type VerifiedChannelMeta,
  type VerifiedChannelPost
} from './channel-records.js'
import { tallyReactions, tallyVotes } from './channel-tally.js'
import { channelRecordKey, decodeKeywordRecord, keywordRecordKey, keywordRecordValidator, mergeKeywordRecord, channelRecordValidator } from './directory-record.js'
import { ChannelRecordRejectedError } from './errors.js'
import { sniffMedia } from './media-sniff.js'
import { keywordsOf, normalizeText } from './search-text.js'
import { identityFromSeed, SignatureVerifier, type Identity } from './signing.js'

const v = JSON.parse(readFileSync(new URL('../test-vectors/channels.json', import.meta.url), 'utf8'))
const hex = toHex
const bytes = fromHex
const verifier = new SignatureVerifier()
const ids: Record<string, Identity> = Object.fromEntries(Object.entries(v.seeds).map(([n, s]) => [n, identityFromSeed(bytes(s as string))]))
const channelId = bytes(v.channel.channelId)
const now: number = v.now
const text = (b: Uint8Array): string => new TextDecoder().decode(b)

const metas: VerifiedChannelMeta[] = v.metas.map((m: any) => verifyChannelMeta(bytes(m.bytes), verifier, channelId))
const posts: VerifiedChannelPost[] = v.posts.map((p: any) => verifyChannelPost(metas[1], bytes(p.bytes), verifier, now))
const pollById = (postId: string): VerifiedChannelPost => posts.find(p => p.postId === postId) as VerifiedChannelPost

function decodesTo (wire: string, kind: string, record: string): void {
  const decoded = decodeChannelWire(bytes(wire))
  expect(decoded.kind).toBe(kind)
  expect(hex(decoded.bytes)).toBe(record)
}

describe('channels.json', () => {
  it('seeds give the stored keys; the channel id, topic and record key derive from the channel key', () => {
    for (const [n, id] of Object.entries(ids)) expect(hex(id.publicKey)).toBe(v.publicKeys[n])
    expect(hex(ids.owner.publicKey)).toBe(v.channel.channelId)
    expect(channelIdToString(channelId)).toBe(v.channel.channelIdString)
    expect(hex(channelIdFromString(v.channel.channelIdString))).toBe(v.channel.channelId)
    expect(channelTopic(channelId)).toBe(v.channel.topic)
    expect(v.channel.topic).toBe(`/kith/c/1/${v.channel.channelIdString}`)
    expect(text(channelRecordKey(channelId))).toBe(v.channel.recordKey)
  })

  it('metas reproduce, verify, hash and carry their keywords', async () => {
    for (const [i, m] of v.metas.entries()) {
      const made = signChannelMeta(ids.owner, { ...m, admins: m.admins.map((n: string) => ids[n].publicKey) })
      expect(hex(made)).toBe(m.bytes)
      expect(hex(metas[i].hash)).toBe(m.hash)
      expect(hex(sha256(made))).toBe(m.hash)
      expect(metas[i].version).toBe(BigInt(m.version))
      expect(metas[i].admins.map(hex)).toEqual(m.admins.map((n: string) => hex(ids[n].publicKey)))
      expect(keywordsOf(metas[i])).toEqual(m.keywords)
      decodesTo(m.wire, 'meta', m.bytes)
      await expect(channelRecordValidator(channelRecordKey(channelId), made)).resolves.toBeUndefined()
    }
  })

  it('posts of every kind reproduce, verify against the current meta, and have their ids', () => {
    expect(new Set(v.posts.map((p: any) => p.kind))).toEqual(new Set(['TEXT', 'PHOTO', 'VIDEO', 'STICKER', 'POLL']))
    for (const [i, p] of v.posts.entries()) {
      const { signer, bytes: b, postId, wire, ...fields } = p
      const made = signChannelPost(ids[signer], { ...fields, channelId, media: fields.media, poll: fields.poll })
      expect(hex(made), `post ${i}`).toBe(b)
      expect(posts[i].postId).toBe(postId)
      expect(toBase58(sha256(made).subarray(0, 16))).toBe(postId)
      expect(posts[i].kind).toBe(fields.kind)
      expect(posts[i].text).toBe(fields.text)
      expect(hex(posts[i].author)).toBe(hex(ids[signer].publicKey))
      if (fields.media != null) expect(posts[i].media).toEqual({ ...fields.media, size: BigInt(fields.media.size) })
      if (fields.poll != null) expect(posts[i].poll).toEqual(fields.poll)
      decodesTo(wire, 'post', b)
    }
  })

  it('edits, reactions and votes reproduce and verify', () => {
    for (const e of v.edits) {
      const { signer, bytes: b, wire, ...fields } = e
      expect(hex(signChannelPostEdit(ids[signer], { ...fields, channelId }))).toBe(b)
      expect(verifyChannelPostEdit(metas[1], bytes(b), verifier, now)).toMatchObject({ postId: fields.postId, text: fields.text, deleted: fields.deleted })
      decodesTo(wire, 'edit', b)
    }
    for (const r of v.reactions) {
      const { signer, bytes: b, wire, ...fields } = r
      expect(hex(signChannelReaction(ids[signer], { ...fields, channelId }))).toBe(b)
      expect(verifyChannelReaction(channelId, bytes(b), verifier, now).emoji).toBe(fields.emoji)
      decodesTo(wire, 'reaction', b)
    }
    for (const x of v.votes) {
      const { signer, bytes: b, wire, ...fields } = x
      expect(hex(signChannelVote(ids[signer], { ...fields, channelId }))).toBe(b)
      expect(verifyChannelVote(pollById(fields.postId), bytes(b), verifier, now).options).toEqual(fields.options)
      decodesTo(wire, 'vote', b)
    }
  })

  it('the rejected records reproduce and are refused with ChannelRecordRejectedError', () => {
    expect(v.rejected.length).toBeGreaterThan(0)
    for (const r of v.rejected) {
      const signer = ids[r.signer]
      const made = r.kind === 'post'
        ? signChannelPost(signer, { ...r.fields, channelId })
        : r.kind === 'edit' ? signChannelPostEdit(signer, { ...r.fields, channelId }) : signChannelVote(signer, { ...r.fields, channelId })
      expect(hex(made), r.why).toBe(r.bytes)
      const check = r.kind === 'post'
        ? () => verifyChannelPost(metas[r.meta], made, verifier, now)
        : r.kind === 'edit' ? () => verifyChannelPostEdit(metas[r.meta], made, verifier, now) : () => verifyChannelVote(pollById(r.poll), made, verifier, now)
      expect(check, r.why).toThrow(ChannelRecordRejectedError)
    }
  })

  it('tallies', () => {
    const reactions = v.reactions.map((r: any) => verifyChannelReaction(channelId, bytes(r.bytes), verifier, now))
    expect(Object.fromEntries(tallyReactions(reactions))).toEqual(v.tallies.reactions)
    const votes = v.votes.map((x: any) => verifyChannelVote(pollById(x.postId), bytes(x.bytes), verifier, now))
    for (const [postId, counts] of Object.entries(v.tallies.votes)) expect(tallyVotes(pollById(postId), votes)).toEqual(counts)
  })

  it('the keyword record reproduces from its merges and validates under its key', async () => {
    const d = v.directory
    expect(normalizeText(d.keyword)).toBe(d.normalized)
    expect(text(keywordRecordKey(d.keyword))).toBe(d.keywordKey)
    expect(d.keywordKey).toBe(`/kithkw/${toBase58(sha256(new TextEncoder().encode(d.normalized)))}`)
    let record: Uint8Array | undefined
    for (const m of d.merges) record = mergeKeywordRecord(record, bytes(m), d.keyword, { now })
    expect(hex(record as Uint8Array)).toBe(d.record)
    expect(decodeKeywordRecord(bytes(d.record)).keyword).toBe(d.normalized)
    await expect(keywordRecordValidator(keywordRecordKey(d.keyword), bytes(d.record))).resolves.toBeUndefined()
  })

  it('normalization and sniffing', () => {
    for (const x of v.normalize) expect(normalizeText(x.input)).toBe(x.output)
    for (const x of v.sniff) expect(sniffMedia(bytes(x.bytes)), x.name).toEqual({ mime: x.mime, family: x.family })
  })
})
