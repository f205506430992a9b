// The channel test vectors (channels.json), from fixed seeds; generate.ts writes them. Checked by
// src/channel-vectors.spec.ts. Every value here is deterministic: Ed25519 signatures (RFC 8032) and protobuf
// encodings of fixed fields.
import {
  ChannelPostKind, channelIdToString, channelPostId, channelRecordKey, channelTopic, encodeChannelWire, identityFromSeed, keywordRecordKey, keywordsOf,
  mergeKeywordRecord, normalizeText, sha256, signChannelMeta, signChannelPost, signChannelPostEdit, signChannelReaction, signChannelVote, sniffMedia,
  SignatureVerifier, tallyReactions, tallyVotes, toHex, utf8, verifyChannelMeta, verifyChannelPost, verifyChannelPostEdit, verifyChannelReaction,
  verifyChannelVote, type ChannelMetaFields, type ChannelPostFields, type ChannelWireKind, type Identity, type VerifiedChannelMeta
} from '../src/index.js'

const hex = toHex
const fixed = (name: string): Uint8Array => sha256(utf8(`kith/test-vector/${name}`))

const names = ['owner', 'admin', 'admin2', 'ann', 'ben', 'cat'] as const
type Name = typeof names[number]

export function channelVectors (): unknown {
  const verifier = new SignatureVerifier()
  const seeds = Object.fromEntries(names.map(n => [n, fixed(`seed/channel-${n}`)])) as Record<Name, Uint8Array>
  const ids = Object.fromEntries(names.map(n => [n, identityFromSeed(seeds[n])])) as Record<Name, Identity>
  const channelId = ids.owner.publicKey
  const now = 1_750_000_000_000
  const CID = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi'

  // metas: fields in JSON use names for admins
  const metaSteps: Array<Omit<ChannelMetaFields, 'admins'> & { admins: Name[] }> = [
    { version: 1, name: 'Santé publique', description: 'Nouvelles de la santé, chaque jour', avatar: CID, category: 'Health', language: 'fr', admins: ['admin', 'admin2'], timestamp: now - 100_000 },
    { version: 2, name: 'Santé publique ✓', description: 'Nouvelles de la santé', avatar: '', category: 'Health', language: 'fr-CA', admins: ['admin'], timestamp: now - 50_000 }
  ]
  const metas: VerifiedChannelMeta[] = metaSteps.map(m => verifyChannelMeta(signChannelMeta(ids.owner, { ...m, admins: m.admins.map(n => ids[n].publicKey) }), verifier))
  const [meta1, meta2] = metas

  type PostStep = Omit<ChannelPostFields, 'channelId'> & { signer: Name }
  const postSteps: PostStep[] = [
    { signer: 'owner', seq: 1, kind: ChannelPostKind.TEXT, text: 'Bonjour à tous 👋', timestamp: now - 40_000 },
    { signer: 'admin', seq: 1, kind: ChannelPostKind.PHOTO, text: 'Le graphique du jour', media: { cid: CID, mime: 'image/jpeg', size: 345_678 }, timestamp: now - 30_000 },
    { signer: 'admin', seq: 2, kind: ChannelPostKind.VIDEO, text: '', media: { cid: CID, mime: 'video/mp4', size: 12_345_678 }, timestamp: now - 20_000 },
    { signer: 'owner', seq: 2, kind: ChannelPostKind.STICKER, text: '', media: { cid: CID, mime: 'image/webp', size: 20_000 }, timestamp: now - 10_000 },
    { signer: 'owner', seq: 3, kind: ChannelPostKind.POLL, text: 'Votez !', poll: { question: 'Thé ou café ?', options: ['thé', 'café', 'eau'], multiple: false }, timestamp: now - 5_000 },
    { signer: 'admin', seq: 3, kind: ChannelPostKind.POLL, text: '', poll: { question: 'Which days?', options: ['mon', 'tue', 'wed', 'thu'], multiple: true }, timestamp: now - 4_000 }
  ]
  const posts = postSteps.map(({ signer, ...fields }) => verifyChannelPost(meta2, signChannelPost(ids[signer], { ...fields, channelId }), verifier, now))
  const [textPost, , , , single, multi] = posts

  const editSteps = [
    { signer: 'admin' as Name, postId: textPost.postId, text: 'Bonjour à toutes et à tous 👋', deleted: false, timestamp: now - 3_000 },
    { signer: 'owner' as Name, postId: posts[1].postId, text: '', deleted: true, timestamp: now - 2_000 }
  ]
  const edits = editSteps.map(({ signer, ...f }) => verifyChannelPostEdit(meta2, signChannelPostEdit(ids[signer], { ...f, channelId }), verifier, now))

  const reactionSteps = [
    { signer: 'ann' as Name, postId: textPost.postId, emoji: '👍', timestamp: now - 1_000 },
    { signer: 'ann' as Name, postId: textPost.postId, emoji: '❤️', timestamp: now - 900 },
    { signer: 'ben' as Name, postId: textPost.postId, emoji: '👍', timestamp: now - 800 },
    { signer: 'cat' as Name, postId: textPost.postId, emoji: '🇫🇷', timestamp: now - 700 },
    { signer: 'cat' as Name, postId: textPost.postId, emoji: '', timestamp: now - 600 },
    { signer: 'ben' as Name, postId: single.postId, emoji: '🎉', timestamp: now - 500 }
  ]
  const reactions = reactionSteps.map(({ signer, ...f }) => verifyChannelReaction(channelId, signChannelReaction(ids[signer], { ...f, channelId }), verifier, now))

  const pollOf = (postId: string) => postId === single.postId ? single : multi
  const voteSteps = [
    { signer: 'ann' as Name, postId: single.postId, options: [0], timestamp: now - 1_000 },
    { signer: 'ann' as Name, postId: single.postId, options: [1], timestamp: now - 900 },
    { signer: 'ben' as Name, postId: single.postId, options: [1], timestamp: now - 800 },
    { signer: 'cat' as Name, postId: single.postId, options: [2], timestamp: now - 700 },
    { signer: 'cat' as Name, postId: single.postId, options: [], timestamp: now - 600 },
    { signer: 'ann' as Name, postId: multi.postId, options: [0, 2, 3], timestamp: now - 500 },
    { signer: 'ben' as Name, postId: multi.postId, options: [2], timestamp: now - 400 }
  ]
  const votes = voteSteps.map(({ signer, ...f }) => verifyChannelVote(pollOf(f.postId), signChannelVote(ids[signer], { ...f, channelId }), verifier, now))

  const wire = (kind: ChannelWireKind, bytes: Uint8Array): string => hex(encodeChannelWire(kind, bytes))

  // well-formed, correctly signed records that the rules refuse (ChannelRecordRejectedError)
  const rejected = [
    { why: 'a post signed by a follower', kind: 'post', meta: 1, signer: 'ann', fields: { seq: 1, kind: 'TEXT', text: 'hi', timestamp: now }, bytes: signChannelPost(ids.ann, { channelId, seq: 1, kind: ChannelPostKind.TEXT, text: 'hi', timestamp: now }) },
    { why: 'a post by admin2, whom meta version 2 removed', kind: 'post', meta: 1, signer: 'admin2', fields: { seq: 1, kind: 'TEXT', text: 'still here', timestamp: now }, bytes: signChannelPost(ids.admin2, { channelId, seq: 1, kind: ChannelPostKind.TEXT, text: 'still here', timestamp: now }) },
    { why: 'a post dated more than 5 minutes ahead', kind: 'post', meta: 1, signer: 'owner', fields: { seq: 9, kind: 'TEXT', text: 'from the future', timestamp: now + 5 * 60_000 + 1 }, bytes: signChannelPost(ids.owner, { channelId, seq: 9, kind: ChannelPostKind.TEXT, text: 'from the future', timestamp: now + 5 * 60_000 + 1 }) },
    { why: 'a post older than 30 days', kind: 'post', meta: 1, signer: 'owner', fields: { seq: 0, kind: 'TEXT', text: 'old news', timestamp: now - 30 * 86_400_000 - 1 }, bytes: signChannelPost(ids.owner, { channelId, seq: 0, kind: ChannelPostKind.TEXT, text: 'old news', timestamp: now - 30 * 86_400_000 - 1 }) },
    { why: 'an edit by a follower', kind: 'edit', meta: 1, signer: 'ben', fields: { postId: textPost.postId, text: 'vandalized', deleted: false, timestamp: now }, bytes: signChannelPostEdit(ids.ben, { channelId, postId: textPost.postId, text: 'vandalized', timestamp: now }) },
    { why: 'two options on a single-choice poll', kind: 'vote', poll: single.postId, signer: 'ann', fields: { postId: single.postId, options: [0, 1], timestamp: now }, bytes: signChannelVote(ids.ann, { channelId, postId: single.postId, options: [0, 1], timestamp: now }) },
    { why: 'an option the poll does not have', kind: 'vote', poll: multi.postId, signer: 'ann', fields: { postId: multi.postId, options: [4], timestamp: now }, bytes: signChannelVote(ids.ann, { channelId, postId: multi.postId, options: [4], timestamp: now }) }
  ].map(r => ({ ...r, bytes: hex(r.bytes) }))

  // the directory: keyword records built by merging metas into an empty record, in order
  const other = identityFromSeed(fixed('seed/channel-other'))
  const otherMeta = signChannelMeta(other, { version: 5, name: 'Santé & sport', category: 'Sport', timestamp: now - 70_000 })
  const keywordMerges = [meta1.bytes, otherMeta, meta2.bytes]
  let record: Uint8Array | undefined
  for (const m of keywordMerges) record = mergeKeywordRecord(record, m, 'Santé', { now })

  const sniffSamples: Array<[string, Uint8Array]> = [
    ['jpeg', Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00])],
    ['png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])],
    ['gif', utf8('GIF89a\x01\x00\x01\x00')],
    ['webp', Uint8Array.from([...utf8('RIFF'), 0x24, 0, 0, 0, ...utf8('WEBPVP8 ')])],
    ['mp4', Uint8Array.from([0, 0, 0, 0x18, ...utf8('ftypisom'), 0, 0, 2, 0, ...utf8('isomiso2')])],
    ['mov', Uint8Array.from([0, 0, 0, 0x14, ...utf8('ftypqt  '), 0, 0, 2, 0, ...utf8('qt  ')])],
    ['avif', Uint8Array.from([0, 0, 0, 0x1c, ...utf8('ftypavif'), 0, 0, 0, 0, ...utf8('avifmif1miaf')])],
    ['webm', Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 0x87, 0x42, 0x82, 0x84, ...utf8('webm')])],
    ['matroska', Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 0x8b, 0x42, 0x82, 0x88, ...utf8('matroska')])],
    ['svg', utf8('<svg xmlns="http://www.w3.org/2000/svg"/>')]
  ]

  const metaJson = (m: typeof metaSteps[number], v: VerifiedChannelMeta): unknown => ({ ...m, bytes: hex(v.bytes), hash: hex(v.hash), wire: wire('meta', v.bytes), keywords: keywordsOf(v) })

  return {
    description: 'Channels, from fixed seeds (see seeds; the channel key is "owner"). Every record is the exact Signed bytes the sign function gives for its fields (signChannelMeta/Post/PostEdit/Reaction/Vote(identityFromSeed(seeds[signer]), {channelId, ...fields})), wire is encodeChannelWire of it, and each must verify at `now` against metas[1] (the poll post for votes). Post ids are base58btc(sha256(bytes)[0..16]). rejected: well-formed, correctly signed records that must throw ChannelRecordRejectedError against metas[meta] (or the poll). tallies: tallyReactions over all reactions and tallyVotes per poll. directory: the DHT keys and the keyword record mergeKeywordRecord builds from an empty record by merging `merges` in order under `keyword`. normalize: normalizeText cases. sniff: sniffMedia of header bytes. Integers over 2^53 never occur; timestamps are ms.',
    seeds: Object.fromEntries(names.map(n => [n, hex(seeds[n])])),
    publicKeys: Object.fromEntries(names.map(n => [n, hex(ids[n].publicKey)])),
    now,
    channel: { channelId: hex(channelId), channelIdString: channelIdToString(channelId), topic: channelTopic(channelId), recordKey: new TextDecoder().decode(channelRecordKey(channelId)) },
    metas: metaSteps.map((m, i) => metaJson(m, metas[i])),
    posts: postSteps.map((step, i) => ({ ...step, bytes: hex(posts[i].bytes), postId: posts[i].postId, wire: wire('post', posts[i].bytes) })),
    edits: editSteps.map((step, i) => ({ ...step, bytes: hex(edits[i].bytes), wire: wire('edit', edits[i].bytes) })),
    reactions: reactionSteps.map((step, i) => ({ ...step, bytes: hex(reactions[i].bytes), wire: wire('reaction', reactions[i].bytes) })),
    votes: voteSteps.map((step, i) => ({ ...step, bytes: hex(votes[i].bytes), wire: wire('vote', votes[i].bytes) })),
    rejected,
    tallies: {
      reactions: Object.fromEntries(tallyReactions(reactions)),
      votes: Object.fromEntries([single, multi].map(p => [p.postId, tallyVotes(p, votes)]))
    },
    directory: {
      keyword: 'Santé',
      normalized: normalizeText('Santé'),
      keywordKey: new TextDecoder().decode(keywordRecordKey('Santé')),
      merges: keywordMerges.map(hex),
      record: hex(record as Uint8Array)
    },
    normalize: ['Santé', 'SANTÉ & Bien-être!', 'Ｆｕｌｌｗｉｄｔｈ １２３', 'İstanbul', 'Привет, мир', 'tech📣news…2025', 'ﬁnance'].map(input => ({ input, output: normalizeText(input) })),
    sniff: sniffSamples.map(([name, bytes]) => ({ name, bytes: hex(bytes), ...sniffMedia(bytes) }))
  }
}
