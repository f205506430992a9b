// Adversarial input on group topics, between real Kith nodes (TCP on 127.0.0.1, LevelDB in temp folders).
//
// Attackers here are real Kith nodes that subscribe to a group's topic without being members (anyone who learns a
// topic from a gossip neighbour can), plus, where a check can only be reached from inside the group, a member's node
// that publishes hand-made bytes (a modified client). Observation is done from the outside or read-only:
// a wrapper around alice's topic validator records each verdict, a non-member "spy" node records the wire bytes it
// receives, and internal state (sender chains) is only read, never changed.
import { createCipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'
import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import {
  boxHint, decodeGroupWire, decryptGroupMessage, Domain, encryptGroupMessage, groupIdFromString, groupTopic, identityFromSeed,
  Inner, openSealedControl, publicKeyFromPeerId, sealControl, sign, stepChain, toHex, x25519PrivateFromIdentity,
  x25519PublicFromEd25519, MAX_TEXT_BYTES, MAX_WIRE_BYTES, type DecodedCipher, type Identity, type ReceivingChain, type SenderChain
} from '@kith/protocol'
import { afterEach, describe, expect, it } from 'vitest'
// the wire codecs are not exported by @kith/protocol; a hand-made message needs them (read-only use)
import { CipherBody, GroupWire, Signed } from '../packages/protocol/src/proto/kith.js'
import { TestNet, texts, waitFor } from './helpers/nodes.js'
import type { FullKithNode, KithNode } from '@kith/node'

type Node = FullKithNode

const full = (n: KithNode): Node => n as unknown as Node
const pubsubOf = (n: Node): GossipSub => n.libp2p.services.pubsub
/** the groups service's in-memory state for one group (read only) */
const sessionOf = (n: Node, groupId: string): any => (n.groups as any).sessions.get(groupId)
/** the GossipSub interface type leaves out getScore; the implementation has it */
const scoreOf = (viewer: Node, peerId: string): number => (pubsubOf(viewer) as unknown as { getScore (id: string): number }).getScore(peerId)
const identityOf = (n: Node): Identity => identityFromSeed(n.privateKey.raw)
const hashOf = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

interface Verdict { from: string, result: TopicValidatorResult }

/**
 * Wrap the node's own validator for the topic (the groups service's `processWire`) and record what it answers
 * for each payload, by sha256 of the data. Only gossip goes through here; history sync calls processWire directly.
 */
function watchVerdicts (node: Node, topic: string): { verdict: (data: Uint8Array, what: string) => Promise<Verdict>, all: Map<string, Verdict[]> } {
  const pubsub = pubsubOf(node)
  const inner = pubsub.topicValidators.get(topic)
  if (inner == null) throw new Error('the node has no validator on the topic')
  const all = new Map<string, Verdict[]>()
  pubsub.topicValidators.set(topic, async (peer, msg) => {
    const result = await inner(peer, msg)
    const h = hashOf(msg.data)
    all.set(h, [...(all.get(h) ?? []), { from: peer.toString(), result }])
    return result
  })
  return {
    all,
    verdict: async (data, what) => (await waitFor(() => all.get(hashOf(data))?.[0], `alice's verdict on ${what}`))
  }
}

/** subscribe a node to the topic and keep every payload it receives there (a spy: it holds no keys) */
function spyOn (node: Node, topic: string): Uint8Array[] {
  const captured: Uint8Array[] = []
  const pubsub = pubsubOf(node)
  pubsub.addEventListener('message', (evt) => {
    if (evt.detail.topic === topic) captured.push(evt.detail.data)
  })
  pubsub.subscribe(topic)
  return captured
}

/** wait until `from` knows that every one of `to` carries the topic (so a publish reaches them) */
async function subscribedSeen (from: Node, to: Node[], topic: string, timeout?: number): Promise<void> {
  // white-box: a subscription arrives on the peer's stream to us, while ours to it may still be opening (gossipsub
  // opens them one at a time), and a publish before it is open leaves that peer out of the recipients
  const outbound = (pubsubOf(from) as unknown as { streamsOutbound: Map<string, unknown> }).streamsOutbound
  await waitFor(() => {
    const subs = pubsubOf(from).getSubscribers(topic).map(p => p.toString())
    return to.every(n => subs.includes(n.peerId) && outbound.has(n.peerId))
  }, `${to.length} subscriber(s) seen on the topic, with a stream open to each`, timeout)
}

/** a receiving chain for `sender`'s current sending chain, at iteration 0 (a test-side oracle; decrypting is pure) */
function oracleChain (sender: Node, groupId: string): ReceivingChain {
  const s = sessionOf(sender, groupId)
  return { ...s.myChain, chainKey: s.myInitialChainKey, iteration: 0, sender: publicKeyFromPeerId(sender.peerId), skipped: new Map() }
}

/** the captured wire bytes of `sender`'s text message `text` (sent under its current chain) */
function wireOf (captured: Uint8Array[], sender: Node, groupId: string, text: string): { wire: Uint8Array, cipher: DecodedCipher } {
  const chain = oracleChain(sender, groupId)
  for (const wire of captured) {
    const decoded = decodeGroupWire(wire)
    if (decoded.kind !== 'cipher' || toHex(decoded.body.senderKeyId) !== toHex(chain.senderKeyId)) continue
    try {
      if (decryptGroupMessage(chain, decoded.body).inner.text === text) return { wire, cipher: decoded }
    } catch {}
  }
  throw new Error(`no captured wire carries "${text}"`)
}

/** wait until the spy has captured `sender`'s text message `text` */
async function capturedWire (captured: Uint8Array[], sender: Node, groupId: string, text: string): Promise<{ wire: Uint8Array, cipher: DecodedCipher }> {
  return waitFor(() => {
    try {
      return wireOf(captured, sender, groupId, text)
    } catch {
      return undefined
    }
  }, `the spy to capture "${text}"`)
}

const textInner = (seq: number, text: string): Inner => ({ seq: BigInt(seq), timestamp: BigInt(Date.now()), kind: Inner.Kind.TEXT, text, receipts: [], padding: new Uint8Array(0) })

/**
 * encryptGroupMessage without its size checks (checkInner): what a modified client could put on the wire.
 * Same construction as packages/protocol/src/sender-keys.ts (HKDF kith/msg/v1, AES-256-GCM, AAD epoch||keyId||iteration).
 */
function encryptUnchecked (identity: Identity, chain: SenderChain, inner: Inner): Uint8Array {
  const plaintext = Inner.encode(inner)
  const { messageKey } = stepChain(chain.chainKey)
  const okm = Buffer.from(hkdfSync('sha256', messageKey, new Uint8Array(0), 'kith/msg/v1', 44))
  const it = Buffer.alloc(4)
  it.writeUInt32BE(chain.iteration)
  const cipher = createCipheriv('aes-256-gcm', okm.subarray(0, 32), okm.subarray(32))
  cipher.setAAD(Buffer.concat([chain.epoch, chain.senderKeyId, it]))
  const ciphertext = new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]))
  const body = CipherBody.encode({ epoch: chain.epoch, senderKeyId: chain.senderKeyId, iteration: chain.iteration, ciphertext })
  return GroupWire.encode({ cipher: Signed.encode({ body, signature: sign(identity, Domain.cipher, body) }) })
}

/** step a sending chain forward n iterations (for a hand-made message that must not collide with real ones) */
function ahead (chain: SenderChain, n: number): SenderChain {
  let { chainKey, iteration } = chain
  for (let i = 0; i < n; i++) {
    chainKey = stepChain(chainKey).next
    iteration++
  }
  return { ...chain, chainKey, iteration }
}

/** every sender key sealed to `node` in the captured traffic, with the epoch it is for */
function keysSealedTo (node: Node, groupId: string, captured: Uint8Array[]): Array<{ epoch: string, senderKeyId: string, sender: string }> {
  const identity = identityOf(node)
  const sealKey = x25519PrivateFromIdentity(identity)
  const out: Array<{ epoch: string, senderKeyId: string, sender: string }> = []
  for (const wire of captured) {
    const decoded = decodeGroupWire(wire)
    if (decoded.kind !== 'sealed') continue
    const control = openSealedControl(identity, sealKey, groupIdFromString(groupId), decoded.sealed, (node.groups as any).verifier)
    if (control?.senderKey != null) out.push({ epoch: toHex(control.senderKey.epoch), senderKeyId: toHex(control.senderKey.senderKeyId), sender: toHex(control.sender) })
  }
  return out
}

/** does any receiving chain `node` holds for the group open this cipher? (decryptGroupMessage is pure) */
function chainsThatDecrypt (node: Node, groupId: string, cipher: DecodedCipher): string[] {
  const opened: string[] = []
  for (const [keyId, chain] of sessionOf(node, groupId).chains as Map<string, ReceivingChain>) {
    try {
      decryptGroupMessage(chain, cipher.body)
      opened.push(keyId)
    } catch {}
  }
  return opened
}

describe('groups under adversarial input', () => {
  const net = new TestNet()
  afterEach(async () => { await net.close() })

  /** alice (admin) + bob in a group; eve, a non-member, connected to both and subscribed to the topic as a spy */
  async function setup (name: string): Promise<{ alice: Node, bob: Node, eve: Node, groupId: string, topic: string, captured: Uint8Array[], verdicts: ReturnType<typeof watchVerdicts> }> {
    const alice = full(await net.node())
    const bob = full(await net.node())
    const eve = full(await net.node())
    await net.connect(bob, alice)
    const { groupId, invite } = await alice.groups.create(name)
    await bob.groups.join(invite)
    const topic = groupTopic(groupIdFromString(groupId))
    expect(topic).toBe((alice.groups as any).topicOf(groupId))
    const verdicts = watchVerdicts(alice, topic)
    await net.connect(eve, alice)
    await net.connect(eve, bob)
    const captured = spyOn(eve, topic)
    await subscribedSeen(alice, [bob, eve], topic)
    await subscribedSeen(bob, [alice, eve], topic)
    await subscribedSeen(eve, [alice, bob], topic)
    return { alice, bob, eve, groupId, topic, captured, verdicts }
  }

  /** n nodes that are not members, each connected to `to` only and knowing it carries the topic (so they can publish) */
  async function freshPeers (n: number, to: Node, topic: string): Promise<Node[]> {
    const peers = (await Promise.all(Array.from({ length: n }, async () => net.node()))).map(full)
    await Promise.all(peers.map(async p => { await net.connect(p, to) }))
    await Promise.all(peers.map(async p => { await subscribedSeen(p, [to], topic) }))
    return peers
  }

  /**
   * Publish what `make` returns from `from` until `to` is among the recipients. On a loaded machine a connection can
   * drop between the check and the publish (see the connection-monitor test in groups-scale.spec.ts); a fresh
   * payload each attempt, as gossipsub refuses to publish the same bytes twice.
   */
  async function publishHeard (from: Node, to: Node, topic: string, make: () => Uint8Array): Promise<Uint8Array> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!from.libp2p.getConnections(to.libp2p.peerId).some(c => c.status === 'open')) await net.connect(from, to)
        await subscribedSeen(from, [to], topic, 5000)
        const data = make()
        const { recipients } = await pubsubOf(from).publish(topic, data)
        if (recipients.some(p => p.toString() === to.peerId)) return data
      } catch (err) {
        if (attempt === 3) throw err
        continue
      }
      if (attempt === 3) throw new Error(`${to.peerId} was not among the recipients, ${attempt} times`)
    }
  }

  /** publish these exact bytes from a node that never published them, until `to` is among the recipients */
  async function publishFromFresh (first: Node, to: Node, topic: string, data: Uint8Array): Promise<void> {
    let from = first
    for (let attempt = 1; ; attempt++) {
      const { recipients } = await pubsubOf(from).publish(topic, data)
      if (recipients.some(p => p.toString() === to.peerId)) return
      if (attempt === 3) throw new Error(`${to.peerId} was not among the recipients, ${attempt} times`)
      from = (await freshPeers(1, to, topic))[0]
    }
  }

  it('rejects garbage, oversized, forged and unopenable input from a non-member without a crash, and goes on', async () => {
    const { alice, bob, eve, groupId, topic, captured, verdicts } = await setup('adversarial')
    const gid = groupIdFromString(groupId)
    const aliceKey = publicKeyFromPeerId(alice.peerId)
    const eveId = identityOf(eve)

    await bob.groups.send(groupId, 'hello from bob')
    await waitFor(async () => (await texts(alice, groupId)).includes('hello from bob'), 'alice reads bob')
    const real = await capturedWire(captured, bob, groupId, 'hello from bob')
    // the spy is not a member: it holds the ciphertext but nothing to open it with
    expect(sessionOf(eve, groupId)).toBeUndefined()

    const rejects: Array<[string, Uint8Array]> = []
    // (a) garbage: not protobuf, protobuf of the wrong shape, both fields, a cipher with bad field lengths
    rejects.push(['garbage text', new TextEncoder().encode(`this is not a group message ${Math.random()}`)])
    rejects.push(['random bytes', Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, ...randomBytes(64))])
    rejects.push(['empty GroupWire with a nonce in an unknown field', Uint8Array.of(0x78, ...randomBytes(1).map(b => b & 0x7f))])
    rejects.push(['cipher and sealed both set', GroupWire.encode({ cipher: randomBytes(100), sealed: { boxes: [{ hint: randomBytes(8), ephemeral: randomBytes(32), nonce: randomBytes(12), ciphertext: randomBytes(40) }] } })])
    rejects.push(['cipher with a 5-byte key id', GroupWire.encode({ cipher: Signed.encode({ body: CipherBody.encode({ epoch: randomBytes(32), senderKeyId: randomBytes(5), iteration: 0, ciphertext: randomBytes(40) }), signature: randomBytes(64) }) })])
    // (b) oversized: a payload over 1 MiB (under gossipsub's 4 MiB, so only Kith's check stands in the way) and a
    // cipher over the 80 KiB cipher limit (a 100 KiB text encrypted without the sender-side checks)
    rejects.push(['1.5 MiB payload', GroupWire.encode({ cipher: new Uint8Array(randomBytes(MAX_WIRE_BYTES + 512 * 1024)) })])
    const eveChain: SenderChain = { epoch: real.cipher.body.epoch, senderKeyId: new Uint8Array(randomBytes(16)), chainKey: new Uint8Array(randomBytes(32)), iteration: 0 }
    rejects.push(['cipher of 100 KiB text', encryptUnchecked(eveId, eveChain, textInner(1, 'x'.repeat(100 * 1024)))])
    // (c) forged: bob's sender key id and epoch (copied from his real message), signed by eve
    const forgedChain: SenderChain = { epoch: real.cipher.body.epoch, senderKeyId: real.cipher.body.senderKeyId, chainKey: new Uint8Array(randomBytes(32)), iteration: real.cipher.body.iteration + 1 }
    rejects.push(['forged cipher under bob\'s key id', encryptGroupMessage(eveId, forgedChain, textInner(2, 'forged: pay eve')).wire])
    // ...and bob's real signed body with its ciphertext changed (the signature no longer covers it)
    const tampered = Signed.decode(GroupWire.decode(real.wire).cipher as Uint8Array)
    const body = CipherBody.decode(tampered.body)
    body.ciphertext[0] ^= 1
    rejects.push(['bob\'s message with a flipped ciphertext bit', GroupWire.encode({ cipher: Signed.encode({ body: CipherBody.encode(body), signature: tampered.signature }) })])
    // (e) sealed: a box with alice's hint that does not open (junk), a real box to alice with a flipped tag byte,
    // and a box that opens but comes from a non-member offering a sender key
    const hint = boxHint(gid, aliceKey)
    rejects.push(['junk box with alice\'s hint', GroupWire.encode({ sealed: { boxes: [{ hint, ephemeral: randomBytes(32), nonce: randomBytes(12), ciphertext: randomBytes(120) }] } })])
    const toAlice = [{ publicKey: aliceKey, sealKey: x25519PublicFromEd25519(aliceKey) }]
    const flipped = sealControl(eveId, gid, toAlice, { keyAck: { epoch: real.cipher.body.epoch, senderKeyId: real.cipher.body.senderKeyId } }, Date.now())
    flipped[flipped.byteLength - 1] ^= 0x80
    expect(decodeGroupWire(flipped).kind).toBe('sealed')
    rejects.push(['sealed box to alice with a flipped tag', flipped])
    const eveKeyId = new Uint8Array(randomBytes(16))
    rejects.push(['sealed sender key from a non-member', sealControl(eveId, gid, toAlice, { senderKey: { epoch: real.cipher.body.epoch, senderKeyId: eveKeyId, chainKey: new Uint8Array(randomBytes(32)), iteration: 0, seqBase: 0n } }, Date.now())])

    // each bad input comes from a peer of its own: once its Rejects take a peer's score under the graylist threshold,
    // gossipsub drops everything from it before any validator runs, and later inputs would not be exercised
    // (one at a time, each stopped after use: a dozen nodes starting at once is a CPU storm on 2 cores)
    for (const [what, data] of rejects) {
      const [attacker] = await freshPeers(1, alice, topic)
      await publishFromFresh(attacker, alice, topic, data)
      expect((await verdicts.verdict(data, what)).result, what).toBe(TopicValidatorResult.Reject)
      await net.stopNode(attacker)
    }
    // a sender key from a non-member was not taken
    expect(sessionOf(alice, groupId).chains.has(toHex(eveKeyId))).toBe(false)

    // (b') a member's modified client: a text over 64 KiB under bob's real chain (alice holds it, so the message
    // decrypts and only the size check after decryption stands in the way). Published from bob's node, as is.
    const bobChain = ahead(sessionOf(bob, groupId).myChain as SenderChain, 10)
    const big = encryptUnchecked(identityOf(bob), bobChain, textInner(1000, 'y'.repeat(MAX_TEXT_BYTES + 1000)))
    expect(big.byteLength).toBeLessThan(80 * 1024) // under the cipher limit: the decoder lets it through
    await publishFromFresh(bob, alice, topic, big)
    expect((await verdicts.verdict(big, 'a member\'s 65 KiB text')).result).toBe(TopicValidatorResult.Reject)

    // alice's node is still up and still hears bob; nothing bogus made it into either message list
    expect(alice.isStarted).toBe(true)
    expect(alice.libp2p.status).toBe('started')
    await bob.groups.send(groupId, 'bob again, after the attack')
    await waitFor(async () => (await texts(alice, groupId)).includes('bob again, after the attack'), 'alice reads bob after the attack')
    expect(await texts(alice, groupId)).toEqual(['hello from bob', 'bob again, after the attack'])
    expect(await texts(bob, groupId)).toEqual(['hello from bob', 'bob again, after the attack'])
    await alice.groups.send(groupId, 'alice is fine')
    await waitFor(async () => (await texts(bob, groupId)).includes('alice is fine'), 'bob reads alice after the attack')
  })

  it('drops a replayed message: exact bytes after a restart (gossipsub\'s seen cache empty), and bytes re-wrapped to dodge de-duplication', async () => {
    let { alice, bob, eve, groupId, topic, captured, verdicts } = await setup('replay')
    await bob.groups.send(groupId, 'original')
    await waitFor(async () => (await texts(alice, groupId)).includes('original'), 'alice reads the original')
    const { wire } = await capturedWire(captured, bob, groupId, 'original')

    // Re-wrapped: the same signed cipher with an unknown protobuf field appended. The payload hash (gossipsub's
    // message id and Kith's seen set) differ, decoding yields the same signed body: only the sender chain, which
    // refuses a used iteration, stands in the way.
    let variant = 0
    const rewrapped = await publishHeard(eve, alice, topic, () => Uint8Array.from([...wire, 0x78, ++variant]))
    expect(toHex((decodeGroupWire(rewrapped) as DecodedCipher).bodyBytes)).toBe(toHex((decodeGroupWire(wire) as DecodedCipher).bodyBytes))
    expect((await verdicts.verdict(rewrapped, 're-wrapped replay')).result).toBe(TopicValidatorResult.Reject)

    // Exact bytes: within seenTTL (2 min) gossipsub drops them before any validator. A restart empties that cache
    // (as waiting out seenTTL would): then only Kith's own, persistent de-duplication stands in the way.
    alice = full(await net.restart(alice))
    verdicts = watchVerdicts(alice, topic) // before any peer can gossip the message to the restarted node
    await net.connect(bob, alice)
    // from nodes that never saw the message, so their gossipsub lets them publish it
    const [replayer] = await freshPeers(1, alice, topic)
    await publishFromFresh(replayer, alice, topic, wire)
    // the exact bytes reach alice's validator (from the replayer, or first by bob's gossip): Ignore, not a second copy
    const v = await verdicts.verdict(wire, 'exact replay after restart')
    expect(v.result).toBe(TopicValidatorResult.Ignore)

    expect(alice.isStarted).toBe(true)
    await bob.groups.send(groupId, 'after the replay')
    await waitFor(async () => (await texts(alice, groupId)).includes('after the replay'), 'alice reads bob after the replay')
    expect(await texts(alice, groupId)).toEqual(['original', 'after the replay'])
  })

  // PROTOCOL.md, "Validation": "Rejects are logged and lower the sender's gossipsub score", and "Peer scoring":
  // "Kith relies instead on its validators (Rejects count against the sender)".
  it('Rejects lower the sender\'s gossipsub score with the receiver (PROTOCOL.md, Validation)', async () => {
    const { alice, bob, eve, groupId, topic, verdicts } = await setup('scoring')
    const before = scoreOf(alice, eve.peerId)
    for (let i = 0; i < 2; i++) {
      const junk = await publishHeard(eve, alice, topic, () => new TextEncoder().encode(`junk ${i} ${Math.random()}`))
      expect((await verdicts.verdict(junk, `junk ${i}`)).result).toBe(TopicValidatorResult.Reject)
    }
    // scores are cached for up to a heartbeat (1 s): give it a few
    await waitFor(() => scoreOf(alice, eve.peerId) < before, 'eve\'s score to drop', 4000).catch(() => {})
    const after = scoreOf(alice, eve.peerId)
    expect(after, `eve's score with alice after 2 Rejects (was ${before}); without topic score params invalid deliveries are not counted`).toBeLessThan(before)
    // a member that behaves is not touched, and still heard
    expect(scoreOf(alice, bob.peerId)).toBeGreaterThanOrEqual(0)
    await bob.groups.send(groupId, 'bob is fine')
    await waitFor(async () => (await texts(alice, groupId)).includes('bob is fine'), 'alice reads bob')
  })

  // PROTOCOL.md keeps and Accepts a cipher under an unknown key id and asks every member for that epoch's keys.
  // The epoch is whatever the (unauthenticated) sender wrote: a non-member who knows the topic can make up epochs.
  it('ciphers under made-up epochs from a non-member do not make members ask the whole group for keys (amplification)', async () => {
    const { alice, bob, eve, groupId, topic, verdicts } = await setup('amplification')
    const eveId = identityOf(eve)
    const bobId = identityOf(bob)
    const bobSeal = x25519PrivateFromIdentity(bobId)
    const aliceHex = toHex(publicKeyFromPeerId(alice.peerId))
    const madeUp = new Set<string>()
    let requests = 0
    // bob opens his boxes and counts alice's key requests for the made-up epochs
    pubsubOf(bob).addEventListener('message', (evt) => {
      if (evt.detail.topic !== topic) return
      const decoded = decodeGroupWire(evt.detail.data)
      if (decoded.kind !== 'sealed') return
      try {
        const control = openSealedControl(bobId, bobSeal, groupIdFromString(groupId), decoded.sealed, (bob.groups as any).verifier)
        if (control?.keyRequest != null && toHex(control.sender) === aliceHex && madeUp.has(toHex(control.keyRequest.epoch))) requests++
      } catch {}
    })
    const bogus = (i: number): Uint8Array => {
      const chain: SenderChain = { epoch: new Uint8Array(randomBytes(32)), senderKeyId: new Uint8Array(randomBytes(16)), chainKey: new Uint8Array(randomBytes(32)), iteration: 0 }
      madeUp.add(toHex(chain.epoch))
      return encryptGroupMessage(eveId, chain, textInner(1, `bogus ${i}`)).wire
    }
    for (let i = 0; i < 20; i++) {
      const data = await publishHeard(eve, alice, topic, () => bogus(i))
      await verdicts.verdict(data, 'a cipher under a made-up epoch')
    }
    // nothing shows, whatever the verdict
    expect(await texts(alice, groupId)).toEqual([])
    // alice's key requests go out on her 1 s tick: with the current code 20 sealed messages to the whole group at
    // once, again after 2, 4, 8 … 60 s, for ever (every member that received the bogus ciphers does the same)
    const seen = await waitFor(() => requests > 0 && requests, 'alice to ask the group for made-up epochs\' keys', 3000).catch(() => 0)
    expect(seen, `alice sent ${seen} sealed key requests to the group for epochs that are in no log, for 20 bogus ciphers from a non-member`).toBe(0)
    await bob.groups.send(groupId, 'still here')
    await waitFor(async () => (await texts(alice, groupId)).includes('still here'), 'alice reads bob')
  })

  it('a removed member holds no chain that opens what is sent after its removal; a late joiner none for what came before', async () => {
    const alice = full(await net.node())
    const bob = full(await net.node())
    const mallory = full(await net.node())
    const eve = full(await net.node())
    await net.connect(bob, alice)
    await net.connect(mallory, alice)
    await net.connect(mallory, bob)
    const { groupId, invite } = await alice.groups.create('removal')
    const topic = groupTopic(groupIdFromString(groupId))
    // the spy listens from the start, so it sees every sender key handed out
    await net.connect(eve, alice)
    await net.connect(eve, bob)
    await net.connect(eve, mallory)
    const captured = spyOn(eve, topic)
    await subscribedSeen(alice, [eve], topic)
    await bob.groups.join(invite)
    await mallory.groups.join(invite)
    await subscribedSeen(alice, [bob, mallory, eve], topic)
    await subscribedSeen(bob, [alice, mallory, eve], topic)

    await alice.groups.send(groupId, 'before removal')
    await waitFor(async () => (await texts(mallory, groupId)).includes('before removal'), 'mallory reads before removal')
    const before = await capturedWire(captured, alice, groupId, 'before removal')
    // while a member, mallory held alice's chain for this message (and has used its key: receivers forget used keys)
    expect((sessionOf(mallory, groupId).chains as Map<string, ReceivingChain>).has(toHex(before.cipher.body.senderKeyId))).toBe(true)

    await alice.groups.remove(groupId, mallory.peerId)
    await waitFor(async () => (await bob.groups.members(groupId)).length === 2, 'bob learns of the removal')
    await waitFor(async () => (await mallory.groups.list()).find(g => g.groupId === groupId)?.members === 2, 'mallory learns of her removal')
    await alice.groups.send(groupId, 'after removal from alice')
    await bob.groups.send(groupId, 'after removal from bob')
    await waitFor(async () => (await texts(bob, groupId)).includes('after removal from alice'), 'bob reads alice')
    await waitFor(async () => (await texts(alice, groupId)).includes('after removal from bob'), 'alice reads bob')
    const after = [
      await capturedWire(captured, alice, groupId, 'after removal from alice'),
      await capturedWire(captured, bob, groupId, 'after removal from bob')
    ]

    // the spy (like mallory keeping a copy) has the bytes; none of the chains mallory holds opens them
    const malloryChains = sessionOf(mallory, groupId).chains as Map<string, ReceivingChain>
    expect(malloryChains.size).toBeGreaterThan(0)
    for (const { cipher } of after) {
      expect(malloryChains.has(toHex(cipher.body.senderKeyId))).toBe(false)
      for (const chain of malloryChains.values()) expect(() => decryptGroupMessage(chain, cipher.body)).toThrow()
    }
    // and no sender key for an epoch without her was ever sealed to her
    const epochs = sessionOf(alice, groupId).epochs as Map<string, Set<string>>
    const malloryHex = toHex(publicKeyFromPeerId(mallory.peerId))
    const malloryKeys = keysSealedTo(mallory, groupId, captured)
    expect(malloryKeys.length).toBeGreaterThan(0)
    for (const k of malloryKeys) expect(epochs.get(k.epoch)?.has(malloryHex), `key ${k.senderKeyId} for epoch ${k.epoch}`).toBe(true)
    // asking a member for history gets her nothing either: members answer only members
    expect(await (mallory.groups as any).syncHistory(sessionOf(mallory, groupId), alice.peerId)).toBe(0)
    expect(await texts(mallory, groupId)).toEqual(['before removal'])

    // a late joiner: dave joins after all this; history brings him the old ciphertexts, but no key for them
    const dave = full(await net.node())
    await net.connect(dave, alice)
    await net.connect(dave, bob)
    const { invite: invite2 } = await alice.groups.invite(groupId)
    await dave.groups.join(invite2)
    await alice.groups.send(groupId, 'welcome dave')
    await waitFor(async () => (await texts(dave, groupId)).includes('welcome dave'), 'dave reads after joining')
    const daveSession = sessionOf(dave, groupId)
    // history from a member: processed exactly like gossip; the old messages are of epochs dave was not in, so he
    // neither keeps them nor asks for their keys
    expect(await (dave.groups as any).syncHistory(daveSession, alice.peerId)).toBeGreaterThan(0)
    expect(daveSession.keyRequest?.epochs.size ?? 0).toBe(0)
    // a client that asks anyway gets no key for them
    daveSession.keyRequest = { attempts: 0, nextAt: 0, epochs: new Set([before, ...after].map(w => toHex(w.cipher.body.epoch))) }
    await (dave.groups as unknown as { requestKeys: (session: unknown) => Promise<void> }).requestKeys(daveSession)
    expect(daveSession.keyRequest.attempts).toBe(1)
    // a round trip after the key request, so any answer to it would have had its chance to arrive
    await dave.groups.send(groupId, 'hi from dave')
    await waitFor(async () => (await texts(alice, groupId)).includes('hi from dave'), 'alice reads dave')
    await alice.groups.send(groupId, 'hi dave')
    await waitFor(async () => (await texts(dave, groupId)).includes('hi dave'), 'dave reads alice again')
    for (const { cipher } of [before, ...after]) {
      expect(chainsThatDecrypt(dave, groupId, cipher)).toEqual([])
    }
    const daveHex = toHex(publicKeyFromPeerId(dave.peerId))
    const daveKeys = keysSealedTo(dave, groupId, captured)
    expect(daveKeys.length).toBeGreaterThan(0)
    for (const k of daveKeys) expect(epochs.get(k.epoch)?.has(daveHex), `key ${k.senderKeyId} for epoch ${k.epoch}`).toBe(true)
    expect(await texts(dave, groupId)).toEqual(['welcome dave', 'hi from dave', 'hi dave'])
  })
})
