// Writes the JSON test vectors beside this file from fixed seeds.
//
//   npx tsx packages/protocol/test-vectors/generate.ts [--reseal]
//
// Everything but sealed.json is deterministic, so re-running it rewrites identical files. Sealed boxes are
// randomized; sealed.json is only rewritten when it is missing or --reseal is given.
//
// Run it only on purpose: a vector that changes is a wire or crypto change that breaks compatibility with every
// peer and every store already out there. src/test-vectors.spec.ts checks that the current code reproduces every
// vector byte for byte (and decodes it back).
import { existsSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  applyLogEntry, boxHint, createGenesis, Domain, encodeInvite, encryptGroupMessage, groupIdToString, groupTopic, HistoryPage, HistoryRequest,
  identityFromSeed, Inner, JoinResponse, LogOp, messageIdFor, peerIdFromPublicKey, sealControl, sealTo, serializeChain, sha256, sign,
  signJoinProof, signJoinRequest, signLogEntry, SignatureVerifier, stepChain, toHex, utf8, verifyLogEntry, x25519PrivateFromIdentity,
  x25519PublicFromEd25519, type GroupState, type Identity, type InviteInfo, type LogEntryFields, type ReceivingChain, type SenderChain
} from '../src/index.js'
import { channelVectors } from './channels.js'
import { communityVectors } from './communities.js'

const dir = fileURLToPath(new URL('.', import.meta.url))
const verifier = new SignatureVerifier()

/** a fixed 32-byte value from a name: sha256("kith/test-vector/" + name) */
const fixed = (name: string): Uint8Array => sha256(utf8(`kith/test-vector/${name}`))
const hex = toHex

function write (file: string, data: unknown): void {
  writeFileSync(`${dir}/${file}`, `${JSON.stringify(data, (_, v) => typeof v === 'bigint' ? v.toString() : v, 2)}\n`)
  console.log(`wrote ${file}`)
}

const names = ['founder', 'alice', 'bob', 'carol', 'dave', 'eve', 'invite', 'invite2'] as const
type Name = typeof names[number]
const seeds = Object.fromEntries(names.map(n => [n, fixed(`seed/${n}`)])) as Record<Name, Uint8Array>
const ids = Object.fromEntries(names.map(n => [n, identityFromSeed(seeds[n])])) as Record<Name, Identity>
const seedsJson = Object.fromEntries(names.map(n => [n, hex(seeds[n])]))

function x25519Raw (key: ReturnType<typeof x25519PublicFromEd25519>, type: 'spki' | 'pkcs8'): string {
  const der = key.export({ format: 'der', type })
  return hex(der.subarray(der.byteLength - 32))
}

// ---- peer ids ----

write('peer-ids.json', {
  description: 'Ed25519 identities from 32-byte seeds: the public key, the libp2p peer id (base58btc identity multihash of the libp2p PublicKey protobuf), and the X25519 keys sealed boxes use (the Ed25519 key converted to Montgomery form, as libsodium crypto_sign_ed25519_{pk,sk}_to_curve25519). identityFromSeed(seed) must give publicKey; peerIdFromPublicKey(publicKey) must give peerId and publicKeyFromPeerId(peerId) the key back.',
  vectors: names.map(n => ({
    name: n,
    seed: hex(seeds[n]),
    publicKey: hex(ids[n].publicKey),
    peerId: peerIdFromPublicKey(ids[n].publicKey),
    x25519PublicKey: x25519Raw(x25519PublicFromEd25519(ids[n].publicKey), 'spki'),
    x25519PrivateKey: x25519Raw(x25519PrivateFromIdentity(ids[n]), 'pkcs8')
  }))
})

// ---- group ids, topics, hints, message ids ----

const groupIds = [new Uint8Array(32), fixed('group/a'), fixed('group/b')]
write('group-ids.json', {
  description: 'Values derived from a 32-byte group id: its text form (groupIdToString, base58btc), its pubsub topic (groupTopic: /kith/g/1/ + base58btc(sha256("kith/topic/v1" || groupId))), the 8-byte sealed-box hint of a recipient (boxHint) and deterministic message ids (messageIdFor(groupId, sender, seq)).',
  vectors: groupIds.map(g => ({
    groupId: hex(g),
    groupIdString: groupIdToString(g),
    topic: groupTopic(g),
    hints: (['alice', 'bob'] as const).map(n => ({ recipient: hex(ids[n].publicKey), hint: hex(boxHint(g, ids[n].publicKey)) })),
    messageIds: [0, 1, 2, 1_000_000, Number.MAX_SAFE_INTEGER].map(seq => ({ sender: hex(ids.alice.publicKey), seq, messageId: messageIdFor(g, ids.alice.publicKey, seq) }))
  }))
})

// ---- signatures ----

const messages = ['', '00', hex(utf8('hello kith')), hex(fixed('message'))]
write('signatures.json', {
  description: 'Ed25519 signatures (deterministic, RFC 8032) over utf8(domain) || message, for every signing domain. sign(identityFromSeed(seed), domain, message) must give signature, and verify must accept it only under its own domain.',
  vectors: Object.values(Domain).flatMap(domain => messages.map((message, i) => {
    const signer = i % 2 === 0 ? 'alice' : 'founder'
    return { domain, seed: hex(seeds[signer]), publicKey: hex(ids[signer].publicKey), message, signature: hex(sign(ids[signer], domain, Buffer.from(message, 'hex'))) }
  }))
})

// ---- membership log ----

interface Step { signer: Name, op: LogOp, target?: Name, name?: string, invitePublicKey?: Name, inviteSigner?: Name, timestamp: number }

function fieldsOf (step: Step, state: GroupState): LogEntryFields {
  const f: LogEntryFields = {}
  if (step.target != null) f.target = ids[step.target].publicKey
  if (step.name != null) f.name = step.name
  if (step.invitePublicKey != null) f.invitePublicKey = ids[step.invitePublicKey].publicKey
  if (step.inviteSigner != null && step.target != null) f.inviteSignature = signJoinProof(seeds[step.inviteSigner], state.groupId, ids[step.target].publicKey)
  return f
}

function stateJson (state: GroupState): unknown {
  return {
    groupId: hex(state.groupId),
    name: state.name,
    founder: hex(state.founder),
    direct: state.direct,
    invitePublicKey: hex(state.invitePublicKey),
    head: hex(state.head),
    length: state.length,
    members: [...state.members.values()].map(m => ({ publicKey: hex(m.publicKey), role: m.role, since: m.since })).sort((a, b) => a.publicKey < b.publicKey ? -1 : 1)
  }
}

function buildLog (genesis: { name: string, nonce: Uint8Array, timestamp: number, direct: boolean }, steps: Step[]): { entries: unknown[], states: GroupState[] } {
  const entries: unknown[] = []
  const states: GroupState[] = []
  const bytes0 = createGenesis(ids.founder, { name: genesis.name, invitePublicKey: ids.invite.publicKey, timestamp: genesis.timestamp, nonce: genesis.nonce, direct: genesis.direct })
  let state = applyLogEntry(undefined, verifyLogEntry(undefined, bytes0, verifier))
  states.push(state)
  entries.push({ op: 'GENESIS', signer: 'founder', name: genesis.name, invitePublicKey: 'invite', nonce: hex(genesis.nonce), direct: genesis.direct, timestamp: genesis.timestamp, bytes: hex(bytes0), hash: hex(state.head) })
  for (const step of steps) {
    const bytes = signLogEntry(ids[step.signer], state, step.op, fieldsOf(step, state), step.timestamp)
    state = applyLogEntry(state, verifyLogEntry(state, bytes, verifier))
    states.push(state)
    entries.push({ ...step, bytes: hex(bytes), hash: hex(state.head) })
  }
  return { entries, states }
}

const t0 = 1_700_000_000_000
const steps: Step[] = [
  { signer: 'founder', op: LogOp.ADD, target: 'alice', timestamp: t0 + 1 },
  { signer: 'founder', op: LogOp.ADD, target: 'bob', timestamp: t0 + 2 },
  { signer: 'founder', op: LogOp.PROMOTE, target: 'alice', timestamp: t0 + 3 },
  { signer: 'bob', op: LogOp.JOIN, target: 'carol', inviteSigner: 'invite', timestamp: t0 + 4 },
  { signer: 'alice', op: LogOp.RENAME, name: 'Renamed ✓ group', timestamp: t0 + 5 },
  { signer: 'alice', op: LogOp.SET_INVITE, invitePublicKey: 'invite2', timestamp: t0 + 6 },
  { signer: 'carol', op: LogOp.JOIN, target: 'dave', inviteSigner: 'invite2', timestamp: t0 + 7 },
  { signer: 'founder', op: LogOp.DEMOTE, target: 'alice', timestamp: t0 + 8 },
  { signer: 'founder', op: LogOp.REMOVE, target: 'bob', timestamp: t0 + 9 },
  { signer: 'carol', op: LogOp.LEAVE, target: 'carol', timestamp: t0 + 10 },
  // the founder, the last admin, leaves: alice (a member since index 1) becomes admin
  { signer: 'founder', op: LogOp.LEAVE, target: 'founder', timestamp: t0 + 11 }
]
const main = buildLog({ name: 'Kith test group', nonce: fixed('nonce/main').subarray(0, 16), timestamp: t0, direct: false }, steps)
const direct = buildLog({ name: '', nonce: fixed('nonce/direct').subarray(0, 16), timestamp: t0, direct: true }, [
  { signer: 'founder', op: LogOp.ADD, target: 'alice', timestamp: t0 + 1 }
])

// entries that are well formed, correctly placed and signed, but that the state before them does not allow
const rejectedSteps: Array<{ after: number, step: Step, why: string }> = [
  { after: 3, step: { signer: 'bob', op: LogOp.ADD, target: 'eve', timestamp: t0 }, why: 'a plain member cannot add' },
  { after: 3, step: { signer: 'bob', op: LogOp.PROMOTE, target: 'bob', timestamp: t0 }, why: 'a plain member cannot promote itself' },
  { after: 4, step: { signer: 'alice', op: LogOp.REMOVE, target: 'founder', timestamp: t0 }, why: 'nobody can remove the founder' },
  { after: 4, step: { signer: 'alice', op: LogOp.DEMOTE, target: 'founder', timestamp: t0 }, why: 'nobody can demote the founder' },
  { after: 3, step: { signer: 'founder', op: LogOp.LEAVE, target: 'alice', timestamp: t0 }, why: 'only a member itself can leave' },
  { after: 7, step: { signer: 'alice', op: LogOp.JOIN, target: 'eve', inviteSigner: 'invite', timestamp: t0 }, why: 'a proof from the old invite key after SET_INVITE' },
  { after: 3, step: { signer: 'eve', op: LogOp.JOIN, target: 'eve', inviteSigner: 'invite', timestamp: t0 }, why: 'a joiner cannot admit itself' },
  { after: 3, step: { signer: 'bob', op: LogOp.RENAME, name: 'mine', timestamp: t0 }, why: 'a plain member cannot rename' }
]

write('log-entries.json', {
  description: 'Membership logs built from fixed seeds (see seeds). Each entry is the exact Signed LogEntry bytes signLogEntry (or createGenesis with the given nonce) produces for its fields, and hash is sha256 of those bytes (the head after it). foldLog over the entries must give states[i] after entry i (members sorted by hex key). Each of "rejected" is a well-formed, correctly placed and signed entry that verifyLogEntry must refuse with LogEntryRejectedError against the state after the first `after` entries of the main log. Timestamps are ms; names in signer/target/invitePublicKey/inviteSigner refer to seeds.',
  seeds: seedsJson,
  logs: [
    { name: 'main', entries: main.entries, states: main.states.map(stateJson) },
    { name: 'direct', entries: direct.entries, states: direct.states.map(stateJson) }
  ],
  rejected: rejectedSteps.map(({ after, step, why }) => {
    const state = main.states[after - 1]
    return { after, why, ...step, bytes: hex(signLogEntry(ids[step.signer], state, step.op, fieldsOf(step, state), step.timestamp)) }
  })
})

// ---- invites and join requests ----

const mainGroupId = main.states[0].groupId
const invites: InviteInfo[] = [
  {
    groupId: mainGroupId,
    name: 'Kith test group',
    inviteSecret: seeds.invite,
    peers: [
      { publicKey: ids.founder.publicKey, addrs: ['/ip4/192.0.2.1/tcp/4001', '/ip4/192.0.2.1/udp/4001/quic-v1'] },
      { publicKey: ids.alice.publicKey, addrs: ['/dns4/relay.example.org/tcp/443/wss/p2p/12D3KooWRelay/p2p-circuit'] }
    ]
  },
  { groupId: fixed('group/a'), name: '', inviteSecret: seeds.invite2, peers: [] }
]
write('invite.json', {
  description: 'Invite texts: encodeInvite(invite) must give text exactly (kith://invite/ + base64url, no padding, of the Invite protobuf) and decodeInvite(text) the invite back. joinProofs: signJoinProof(inviteSecret, groupId, joiner) over "kith/join/v1" || groupId || joiner. joinRequests: signJoinRequest(identityFromSeed(joinerSeed), invite, timestamp) must give bytes exactly, and verifyJoinRequest must accept them.',
  invites: invites.map(i => ({
    groupId: hex(i.groupId),
    name: i.name,
    inviteSecret: hex(i.inviteSecret),
    peers: i.peers.map(p => ({ publicKey: hex(p.publicKey), addrs: p.addrs })),
    text: encodeInvite(i)
  })),
  joinProofs: (['bob', 'eve'] as const).map(n => ({
    inviteSecret: hex(seeds.invite),
    groupId: hex(mainGroupId),
    joiner: hex(ids[n].publicKey),
    signature: hex(signJoinProof(seeds.invite, mainGroupId, ids[n].publicKey))
  })),
  joinRequests: (['eve', 'dave'] as const).map((n, k) => ({
    invite: k,
    joinerSeed: hex(seeds[n]),
    timestamp: t0 + k,
    bytes: hex(signJoinRequest(ids[n], invites[k], t0 + k))
  }))
})

// ---- sender keys ----

function innerJson (inner: Inner): unknown {
  return { seq: inner.seq.toString(), timestamp: inner.timestamp.toString(), kind: inner.kind, text: inner.text, receipts: inner.receipts.map(r => ({ sender: hex(r.sender), seq: r.seq.toString() })), padding: hex(inner.padding) }
}

const chains: Array<{ chain: SenderChain, inners: Inner[] }> = [
  {
    chain: { epoch: main.states[main.states.length - 1].head, senderKeyId: fixed('sender-key-id/1').subarray(0, 16), chainKey: fixed('chain-key/1'), iteration: 0 },
    inners: [
      { seq: 1n, timestamp: BigInt(t0 + 100), kind: Inner.Kind.TEXT, text: 'hello, group', receipts: [], padding: new Uint8Array(0) },
      { seq: 2n, timestamp: BigInt(t0 + 200), kind: Inner.Kind.TEXT, text: 'ünïcödé ✓ 🎉', receipts: [], padding: new Uint8Array(13) },
      { seq: 3n, timestamp: BigInt(t0 + 300), kind: Inner.Kind.RECEIPT, text: '', receipts: [{ sender: ids.alice.publicKey, seq: 7n }, { sender: ids.dave.publicKey, seq: 1n }], padding: new Uint8Array(0) }
    ]
  },
  {
    chain: { epoch: fixed('epoch/2'), senderKeyId: fixed('sender-key-id/2').subarray(0, 16), chainKey: fixed('chain-key/2'), iteration: 41 },
    inners: [{ seq: 1000n, timestamp: 0n, kind: Inner.Kind.TEXT, text: '', receipts: [], padding: new Uint8Array(0) }]
  }
]

function chainJson (c: SenderChain): unknown {
  return { epoch: hex(c.epoch), senderKeyId: hex(c.senderKeyId), chainKey: hex(c.chainKey), iteration: c.iteration }
}

write('sender-keys.json', {
  description: 'Sender-key messages: encryptGroupMessage(identityFromSeed(senderSeed), chain, inner) is deterministic. Starting from `chain`, each message i must give wire exactly (a GroupWire holding a Signed CipherBody, AES-256-GCM under keys from the chain, signed by the sender) and the chain after it; decryptGroupMessage with a receiving chain made from `chain` must give each inner back. stepChain: the message key and next chain key for a chain key. serialized: serializeChain of a receiving chain, the JSON the store keeps, exactly.',
  senderSeed: hex(seeds.founder),
  sender: hex(ids.founder.publicKey),
  chains: chains.map(({ chain, inners }) => {
    let c = chain
    return {
      chain: chainJson(chain),
      messages: inners.map(inner => {
        const out = encryptGroupMessage(ids.founder, c, inner)
        c = out.chain
        return { inner: innerJson(inner), wire: hex(out.wire), chainAfter: chainJson(out.chain) }
      })
    }
  }),
  stepChain: [fixed('chain-key/1'), new Uint8Array(32)].map(k => {
    const s = stepChain(k)
    return { chainKey: hex(k), messageKey: hex(s.messageKey), next: hex(s.next) }
  }),
  serialized: (() => {
    const receiving: ReceivingChain = {
      ...chains[0].chain,
      iteration: 3,
      chainKey: stepChain(stepChain(stepChain(chains[0].chain.chainKey).next).next).next,
      sender: ids.founder.publicKey,
      skipped: new Map([[1, stepChain(stepChain(chains[0].chain.chainKey).next).messageKey]])
    }
    return { chain: { ...chainJson(receiving) as object, sender: hex(receiving.sender), skipped: [...receiving.skipped].map(([i, k]) => [i, hex(k)]) }, json: serializeChain(receiving) }
  })()
})

// ---- sealed boxes (random each time: stored ciphertexts, expected plaintexts) ----

const recipients = (['alice', 'bob', 'dave'] as const).map(n => ({ publicKey: ids[n].publicKey, sealKey: x25519PublicFromEd25519(ids[n].publicKey) }))
const senderKey = { epoch: main.states[main.states.length - 1].head, senderKeyId: fixed('sender-key-id/1').subarray(0, 16), chainKey: fixed('chain-key/1'), iteration: 0 }
const keyAck = { epoch: senderKey.epoch, senderKeyId: fixed('sender-key-id/3').subarray(0, 16) }
const controlTimestamp = t0 + 500
const sealedWire = sealControl(ids.founder, mainGroupId, recipients, { logEntries: [Buffer.from((main.entries[1] as { bytes: string }).bytes, 'hex')], senderKey, keyAck, inviteSecret: seeds.invite2 }, controlTimestamp)
const rawPlaintext = utf8('a sealed box for alice')
const rawBox = sealTo(ids.alice.publicKey, recipients[0].sealKey, boxHint(mainGroupId, ids.alice.publicKey), rawPlaintext)

// re-sealing gives new bytes every run: keep the stored file unless it is missing or --reseal is given
const sealedFile = `${dir}/sealed.json`
if (existsSync(sealedFile) && !process.argv.includes('--reseal')) {
  console.log('kept sealed.json (pass --reseal to make new boxes)')
} else write('sealed.json', {
  description: 'Sealed boxes are randomized (ephemeral X25519 key, nonce), so these store ciphertexts made once and the plaintext their recipient must get. boxes: openBox(identityFromSeed(recipientSeed), x25519PrivateFromIdentity(...), box) must give plaintext. controls: decodeGroupWire(wire) is a sealed message; openSealedControl for each recipient seed must give a Control with exactly the listed fields (signed by sender, naming that recipient), and undefined for each non-recipient seed.',
  boxes: [{
    recipientSeed: hex(seeds.alice),
    box: { hint: hex(rawBox.hint), ephemeral: hex(rawBox.ephemeral), nonce: hex(rawBox.nonce), ciphertext: hex(rawBox.ciphertext) },
    plaintext: hex(rawPlaintext)
  }],
  controls: [{
    groupId: hex(mainGroupId),
    wire: hex(sealedWire),
    sender: hex(ids.founder.publicKey),
    recipientSeeds: (['alice', 'bob', 'dave'] as const).map(n => hex(seeds[n])),
    nonRecipientSeeds: (['founder', 'carol', 'eve'] as const).map(n => hex(seeds[n])),
    expected: {
      groupId: hex(mainGroupId),
      sender: hex(ids.founder.publicKey),
      timestamp: String(controlTimestamp),
      logEntries: [(main.entries[1] as { bytes: string }).bytes],
      senderKey: chainJson(senderKey),
      keyAck: { epoch: hex(keyAck.epoch), senderKeyId: hex(keyAck.senderKeyId) },
      keyRequest: null,
      inviteSecret: hex(seeds.invite2)
    }
  }]
})

// ---- history and join responses ----

write('history.json', {
  description: 'Plain protobuf encodings of the history and join stream messages. Encoding the fields must give bytes exactly; decodeHistoryRequest / decodeHistoryPage / decodeJoinResponse of bytes must give the fields back. 64-bit integers are decimal strings, byte strings hex.',
  historyRequests: [
    { topic: groupTopic(mainGroupId), since: String(t0), cursor: 'opaque-cursor-1', limit: 50 },
    { topic: '', since: '0', cursor: '', limit: 0 }
  ].map(r => ({ ...r, bytes: hex(HistoryRequest.encode({ ...r, since: BigInt(r.since) })) })),
  historyPages: [
    { messages: [hex(encryptGroupMessage(ids.founder, chains[0].chain, chains[0].inners[0]).wire), '00ff'], cursor: 'next' },
    { messages: [], cursor: '' }
  ].map(p => ({ ...p, bytes: hex(HistoryPage.encode({ messages: p.messages.map(m => Buffer.from(m, 'hex')), cursor: p.cursor })) })),
  joinResponses: [
    { accepted: true, error: '', log: (main.entries.slice(0, 3) as Array<{ bytes: string }>).map(e => e.bytes) },
    { accepted: false, error: 'the invite is no longer valid', log: [] }
  ].map(r => ({ ...r, bytes: hex(JoinResponse.encode({ ...r, log: r.log.map(l => Buffer.from(l, 'hex')) })) }))
})

// ---- channels (built in channels.ts) ----

write('channels.json', channelVectors())
write('communities.json', communityVectors())
