import { afterEach, describe, expect, it } from 'vitest'
import {
  encodeCommunityPayload, fromBase58, groupIdFromString, groupTopic, identityFromSeed, publicKeyFromPeerId, signAnnouncement,
  toHex
} from '@kith/protocol'
import { TestNet, texts, waitFor } from './helpers/nodes.js'
import type { FullKithNode } from '@kith/node'

type Node = FullKithNode

async function announcements (node: Node, groupId: string): Promise<Array<{ text: string, signedBy?: string, community?: { name: string } }>> {
  return (await node.groups.messages(groupId)).filter(m => m.kind === 'announcement')
}

async function inGroup (node: Node, groupId: string): Promise<boolean> {
  return (await node.groups.list()).some(g => g.groupId === groupId && g.left !== true)
}

describe('communities between real nodes', () => {
  const net = new TestNet()
  afterEach(async () => { await net.close() })

  /** alice founds a community and links `groups` groups; everyone else joins the community by invite */
  async function school (members: number): Promise<{ alice: Node, others: Node[], communityId: string, announcementGroup: string }> {
    const alice = await net.node()
    const others: Node[] = []
    for (let i = 0; i < members; i++) {
      const n = await net.node()
      await net.connect(n, alice)
      others.push(n)
    }
    const { communityId, invite } = await alice.communities.create('Parents of 5B', { description: 'Lycée Jean Moulin' })
    for (const n of others) {
      const joined = await n.communities.join(invite)
      expect(joined.communityId).toBe(communityId)
    }
    const announcementGroup = alice.communities.show(communityId).announcementGroup
    return { alice, others, communityId, announcementGroup }
  }

  it('one announcement reaches every member of every group exactly once, and a non-member reads nothing', async () => {
    const { alice, others: [bob, carol, dave], communityId, announcementGroup } = await school(3)
    const g1 = (await alice.communities.createGroup(communityId, 'Class 5B')).groupId
    const g2 = (await alice.communities.createGroup(communityId, 'Class 4A')).groupId
    const g3 = (await alice.communities.createGroup(communityId, 'Football')).groupId
    const membersOf: Record<string, Node[]> = { [g1]: [bob, carol], [g2]: [carol, dave], [g3]: [bob, dave] }
    for (const [g, nodes] of Object.entries(membersOf)) {
      for (const n of nodes) await alice.groups.add(g, n.peerId)
    }
    for (const [g, nodes] of Object.entries(membersOf)) {
      for (const n of nodes) await waitFor(async () => inGroup(n, g), 'welcomed into a class group')
    }
    await waitFor(() => bob.communities.show(communityId).described, 'bob holds the description')
    expect(bob.communities.show(communityId)).toMatchObject({ name: 'Parents of 5B', description: 'Lycée Jean Moulin', role: 'member' })
    expect(alice.communities.show(communityId).role).toBe('admin')

    // eve carries the topics (as any gossip neighbour or relay may) but is in none of the groups
    const eve = await net.node()
    await net.connect(eve, alice)
    await net.connect(eve, bob)
    const seenByEve: Uint8Array[] = []
    const pubsub = (eve as any).libp2p.services.pubsub
    pubsub.addEventListener('message', (evt: any) => { seenByEve.push(evt.detail.data) })
    for (const g of [announcementGroup, g1, g2, g3]) pubsub.subscribe(groupTopic(groupIdFromString(g)))
    await new Promise(resolve => setTimeout(resolve, 1500))

    const result = await alice.communities.announce(communityId, 'School closes at noon on Friday')
    expect(result.failures).toEqual([])
    expect(result.successes.sort()).toEqual([announcementGroup, g1, g2, g3].sort())

    const expected: Array<[Node, string[]]> = [[bob, [announcementGroup, g1, g3]], [carol, [announcementGroup, g1, g2]], [dave, [announcementGroup, g2, g3]]]
    for (const [node, groups] of expected) {
      for (const g of groups) {
        const got = await waitFor(async () => {
          const a = await announcements(node, g)
          return a.length > 0 ? a : undefined
        }, 'the announcement in every group')
        expect(got).toHaveLength(1)
        expect(got[0]).toMatchObject({ text: 'School closes at noon on Friday', signedBy: alice.peerId, community: { name: 'Parents of 5B' } })
      }
      const notIn = [g1, g2, g3].filter(g => !groups.includes(g))
      for (const g of notIn) await expect(node.groups.messages(g)).rejects.toMatchObject({ name: 'GroupNotFoundError' })
    }
    // let stragglers (history, retries) arrive, then check nothing came twice
    await new Promise(resolve => setTimeout(resolve, 1000))
    for (const [node, groups] of expected) {
      for (const g of groups) expect(await announcements(node, g)).toHaveLength(1)
    }
    expect(seenByEve.length).toBeGreaterThan(0)
    const plain = Buffer.from('School closes')
    expect(seenByEve.some(d => Buffer.from(d).includes(plain))).toBe(false)
    expect(await eve.groups.list()).toEqual([])
    expect(eve.communities.list()).toEqual([])
  })

  it('refuses forged announcements: signed by a member, or an admin\'s replayed by a member; and a member cannot post in the announcement group', async () => {
    const { alice, others: [bob, carol], communityId, announcementGroup } = await school(2)
    const g1 = (await alice.communities.createGroup(communityId, 'Class 5B')).groupId
    await alice.groups.add(g1, bob.peerId)
    await alice.groups.add(g1, carol.peerId)
    await waitFor(async () => (await inGroup(bob, g1)) && (await inGroup(carol, g1)), 'both in the class group')
    await waitFor(() => bob.communities.show(communityId).described && carol.communities.show(communityId).described, 'descriptions')

    await expect(bob.groups.send(announcementGroup, 'I am not an admin')).rejects.toMatchObject({ name: 'NotAnAdminError' })

    const bobId = identityFromSeed((bob as any).privateKey.raw)
    const cid = fromBase58(communityId)
    // (a) bob signs an announcement himself
    const forged = signAnnouncement(bobId, { communityId: cid, text: 'Forged: school is cancelled', timestamp: Date.now() })
    await bob.groups.sendPayload(g1, encodeCommunityPayload({ communityId: cid, logStart: 0n, log: [], announcement: forged }))
    // (b) bob re-sends a real announcement of alice's as his own message
    await alice.communities.announce(communityId, 'Real: parents evening on Monday')
    const real = await waitFor(async () => (await bob.groups.messages(g1)).find(m => m.text.startsWith('Real:')), 'bob gets the real one')
    expect(real.signedBy).toBe(alice.peerId)
    // an announcement alice really signed, as a member who got hold of its bytes would send it on as his own
    const aliceId = identityFromSeed((alice as any).privateKey.raw)
    const stolen = signAnnouncement(aliceId, { communityId: cid, text: 'Replay: parents evening cancelled', timestamp: Date.now() })
    await bob.groups.sendPayload(g1, encodeCommunityPayload({ communityId: cid, logStart: 0n, log: [], announcement: stolen }))
    await bob.groups.send(g1, 'a plain text after the forgeries')

    await waitFor(async () => (await texts(carol, g1)).includes('a plain text after the forgeries'), 'carol gets bob\'s later text')
    const carolSees = await texts(carol, g1)
    expect(carolSees).toContain('Real: parents evening on Monday')
    expect(carolSees.some(t => t.startsWith('Forged') || t.startsWith('Replay'))).toBe(false)
    expect((await texts(alice, g1)).some(t => t.startsWith('Forged') || t.startsWith('Replay'))).toBe(false)
  })

  it('joins by invite, joins an open group at once and an ask-first group on approval, and a removed member loses every group', async () => {
    const { alice, others: [bob, carol], communityId, announcementGroup } = await school(2)
    const open = (await alice.communities.createGroup(communityId, 'Open class', { open: true })).groupId
    const closed = (await alice.communities.createGroup(communityId, 'Teachers', { open: false })).groupId
    await alice.groups.add(open, carol.peerId)
    await alice.groups.add(closed, carol.peerId)
    await waitFor(() => {
      const view = bob.communities.show(communityId)
      return view.groups.length === 2 ? view : undefined
    }, 'bob sees both groups')
    expect(bob.communities.show(communityId).groups.map(g => [g.name, g.open, g.joined])).toEqual([['Open class', true, false], ['Teachers', false, false]])

    expect(await bob.communities.requestGroup(communityId, open)).toMatchObject({ requested: true, open: true })
    await waitFor(async () => inGroup(bob, open), 'bob added to the open group')

    await bob.communities.requestGroup(communityId, closed)
    const requests = await waitFor(async () => {
      const r = await alice.communities.requests(communityId)
      return r.length > 0 ? r : undefined
    }, 'alice gets the request')
    expect(requests).toMatchObject([{ groupId: closed, peerId: bob.peerId }])
    expect(await inGroup(bob, closed)).toBe(false)
    await alice.communities.approve(communityId, closed, bob.peerId)
    await waitFor(async () => inGroup(bob, closed), 'bob added on approval')
    expect(await alice.communities.requests(communityId)).toEqual([])

    const removed = await alice.communities.removeMember(communityId, bob.peerId)
    expect(removed.failures).toEqual([])
    expect(removed.successes.sort()).toEqual([announcementGroup, open, closed].sort())
    for (const g of [announcementGroup, open, closed]) {
      await waitFor(async () => !(await alice.groups.members(g)).some(m => m.peerId === bob.peerId), 'bob removed everywhere')
    }
    await alice.groups.send(open, 'after bob left: open')
    await alice.groups.send(closed, 'after bob left: teachers')
    await alice.communities.announce(communityId, 'after bob left: announcement')
    for (const g of [open, closed]) await waitFor(async () => (await texts(carol, g)).some(t => t.startsWith('after bob left')), 'carol still reads')
    await waitFor(async () => (await texts(carol, announcementGroup)).some(t => t.startsWith('after bob left')), 'carol reads the announcement')
    await new Promise(resolve => setTimeout(resolve, 1500))
    for (const g of [announcementGroup, open, closed]) {
      expect((await texts(bob, g)).some(t => t.startsWith('after bob left'))).toBe(false)
    }
  })

  it('a report reaches the admins and no one else; a tombstone deletes the message everywhere; a banned peer cannot rejoin', async () => {
    const { alice, others: [bob, carol, dave], communityId } = await school(3)
    await alice.communities.addAdmin(communityId, dave.peerId)
    await waitFor(() => dave.communities.show(communityId).role === 'admin', 'dave is an admin')
    const g1 = (await alice.communities.createGroup(communityId, 'Class 5B')).groupId
    await alice.groups.add(g1, bob.peerId)
    await alice.groups.add(g1, carol.peerId)
    await waitFor(async () => (await inGroup(bob, g1)) && (await inGroup(carol, g1)) && (await inGroup(dave, g1)), 'everyone in the class group')
    expect((await alice.groups.members(g1)).find(m => m.peerId === dave.peerId)?.role).toBe('admin')

    const { messageId } = await carol.groups.send(g1, 'buy cheap pills at example.com')
    await waitFor(async () => (await texts(bob, g1)).includes('buy cheap pills at example.com'), 'bob sees the spam')
    await waitFor(() => bob.communities.show(communityId).described, 'bob holds the description')
    const { reportId } = await bob.communities.report(communityId, { message: messageId, reason: 'spam' })
    for (const admin of [alice, dave]) {
      const reports = await waitFor(async () => {
        const r = await admin.communities.reports(communityId)
        return r.length > 0 ? r : undefined
      }, 'the report reaches an admin')
      expect(reports).toMatchObject([{ reportId, from: bob.peerId, reason: 'spam', message: messageId, group: g1, member: carol.peerId, excerpt: 'buy cheap pills at example.com' }])
    }
    await expect(carol.communities.reports(communityId)).rejects.toMatchObject({ name: 'NotAnAdminError' })

    await dave.communities.deleteMessage(communityId, messageId)
    for (const n of [alice, bob, carol, dave]) {
      await waitFor(async () => !(await texts(n, g1)).includes('buy cheap pills at example.com'), 'the message is gone everywhere')
    }

    await alice.communities.removeMember(communityId, carol.peerId, { ban: true })
    expect(alice.communities.show(communityId).banned).toEqual([carol.peerId])
    const announcementGroup = alice.communities.show(communityId).announcementGroup
    await waitFor(async () => !(await inGroup(carol, announcementGroup)), 'carol learns she was removed')
    const { invite } = await alice.communities.invite(communityId)
    await expect(carol.communities.join(invite, { timeout: 20_000 })).rejects.toMatchObject({ name: 'InvalidInviteError', message: expect.stringContaining('banned') })
    await expect(alice.groups.add(g1, carol.peerId)).rejects.toMatchObject({ name: 'MembershipChangeRefusedError' })
  })

  it('any admin acts while the founder is offline: links a group and announces', async () => {
    const { alice, others: [bob, dave], communityId, announcementGroup } = await school(2)
    await alice.communities.addAdmin(communityId, dave.peerId)
    await waitFor(() => dave.communities.show(communityId).role === 'admin', 'dave is an admin')
    await waitFor(async () => (await dave.groups.members(announcementGroup)).find(m => m.peerId === dave.peerId)?.role === 'admin', 'dave admin of the announcement group')
    await net.connect(bob, dave)
    await net.stopNode(alice)

    const { groupId } = await dave.communities.createGroup(communityId, 'Class 3C')
    await dave.groups.add(groupId, bob.peerId)
    await waitFor(async () => inGroup(bob, groupId), 'bob in the new group')
    const sent = await dave.communities.announce(communityId, 'Dave here: trip on Thursday')
    expect(sent.successes.sort()).toEqual([announcementGroup, groupId].sort())
    for (const g of [announcementGroup, groupId]) {
      const got = await waitFor(async () => (await announcements(bob, g)).find(a => a.text === 'Dave here: trip on Thursday'), 'bob gets dave\'s announcement')
      expect(got.signedBy).toBe(dave.peerId)
    }
    expect(bob.communities.show(communityId).groups.map(g => g.name)).toEqual(['Class 3C'])
  })

  it('a member holding an older log fetches what it lacks from the sender of a tail it cannot attach; a non-member is refused', async () => {
    const { alice, others: [bob], communityId, announcementGroup } = await school(1)
    await waitFor(() => bob.communities.show(communityId).described, 'bob holds the description')
    await alice.communities.edit(communityId, { description: 'first edit' })
    await waitFor(() => bob.communities.show(communityId).description === 'first edit', 'bob has the first edit')
    // bob lost the last entries (as a member admitted while the log went by, or with a log from a stale admin)
    const internals = bob.communities as unknown as { held: Map<string, { log: Uint8Array[], state: unknown }>, fold: (log: Uint8Array[]) => unknown }
    const full = internals.held.get(communityId)?.log ?? []
    expect(full.length).toBeGreaterThan(1)
    internals.held.set(communityId, { log: full.slice(0, 1), state: internals.fold(full.slice(0, 1)) })
    expect(bob.communities.show(communityId).description).not.toBe('first edit')

    // alice's next change goes out as a tail that starts past what bob holds
    await alice.communities.edit(communityId, { description: 'second edit' })
    await alice.communities.announce(communityId, 'Tail that does not attach')
    const got = await waitFor(async () => (await announcements(bob, announcementGroup)).find(a => a.text === 'Tail that does not attach'), 'bob shows the announcement')
    expect(got.signedBy).toBe(alice.peerId)
    expect(bob.communities.show(communityId).description).toBe('second edit')

    // someone in none of the community's groups gets no entries
    const eve = await net.node()
    await net.connect(eve, alice)
    const { fetchCommunityLog } = await import('../packages/node/src/communities/log-sync.ts')
    expect((await fetchCommunityLog(eve.libp2p, alice.peerId, fromBase58(communityId), 0, 5000)).entries).toEqual([])
    expect((await fetchCommunityLog(bob.libp2p, alice.peerId, fromBase58(communityId), 0, 5000)).entries.length).toBe(full.length + 1)
  })

  it('asks a member that sends tails starting nowhere for the log once, not for each message', async () => {
    const { alice, others: [bob], communityId, announcementGroup } = await school(1)
    await waitFor(() => bob.communities.show(communityId).described, 'bob holds the description')
    let asked = 0
    const internals = bob.communities as unknown as { logFor: (c: string, peer: string) => unknown }
    const logFor = internals.logFor.bind(bob.communities)
    internals.logFor = (c, peer) => { asked++; return logFor(c, peer) }
    const tail = encodeCommunityPayload({ communityId: fromBase58(communityId), logStart: 1000n, log: [] })
    await bob.groups.sendPayload(announcementGroup, tail)
    await waitFor(() => asked === 1, 'alice asks bob for the log')
    await bob.groups.sendPayload(announcementGroup, tail)
    // alice has taken in both of bob's messages, and asked once
    const window = (): number => (alice.groups as unknown as { sessions: Map<string, { windows: Map<string, { contiguous: number }> }> })
      .sessions.get(announcementGroup)?.windows.get(toHex(publicKeyFromPeerId(bob.peerId)))?.contiguous ?? 0
    const before = window()
    await bob.groups.sendPayload(announcementGroup, tail)
    await waitFor(() => window() > before, 'alice takes in the next tail')
    expect(asked).toBe(1)
  })

  it('members send no receipts for announcements (n² decryptions in a big community): they stay sent', async () => {
    const { alice, others: [bob, carol], communityId, announcementGroup } = await school(2)
    // what the members encrypt and send from now on (white-box: the one place every group message goes through)
    const sentKinds: number[] = []
    for (const n of [bob, carol]) {
      const internals = n.groups as unknown as { sendInner: (session: unknown, inner: { kind: number }) => Promise<number> }
      const sendInner = internals.sendInner.bind(n.groups)
      internals.sendInner = async (session, inner) => { sentKinds.push(inner.kind); return await sendInner(session, inner) }
    }
    await alice.communities.announce(communityId, 'No receipts for this')
    for (const n of [bob, carol]) await waitFor(async () => (await announcements(n, announcementGroup)).some(a => a.text === 'No receipts for this'), 'members show it')
    // a standalone receipt would leave after 2 s (receiptDelay)
    await new Promise(resolve => setTimeout(resolve, 3500))
    expect(sentKinds).toEqual([])
    expect((await alice.groups.messages(announcementGroup)).find(m => m.text === 'No receipts for this')?.status).toBe('sent')
  })

  it('flags impersonating names in every answer that shows them, creation included', async () => {
    const alice = await net.node()
    const flagged = await alice.communities.create('Kíth Support')
    expect(flagged).toMatchObject({ flagged: true })
    expect(flagged.flagReasons.length).toBeGreaterThan(0)
    expect(alice.communities.show(flagged.communityId)).toMatchObject({ name: 'Kíth Support', flagged: true })
    const plain = await alice.communities.create('Parents of 5B')
    expect(plain).toMatchObject({ flagged: false, flagReasons: [] })
    const group = await alice.communities.createGroup(plain.communityId, 'WhatsApp Suport')
    expect(alice.communities.show(plain.communityId).groups[0]).toMatchObject({ groupId: group.groupId, flagged: true })
    expect((await alice.groups.list()).find(g => g.groupId === group.groupId)).toMatchObject({ flagged: true })
    expect(await alice.groups.create('Class 5B')).toMatchObject({ flagged: false })
  })

  it('leaving the community leaves its groups', async () => {
    const { alice, others: [bob], communityId, announcementGroup } = await school(1)
    const g1 = (await alice.communities.createGroup(communityId, 'Class 5B')).groupId
    await alice.groups.add(g1, bob.peerId)
    await waitFor(async () => inGroup(bob, g1), 'bob in the class group')
    await waitFor(() => bob.communities.show(communityId).groups.length === 1, 'bob sees the group')
    const left = await bob.communities.leave(communityId)
    expect(left.failures).toEqual([])
    expect(left.successes.sort()).toEqual([announcementGroup, g1].sort())
    for (const g of [announcementGroup, g1]) {
      await waitFor(async () => !(await alice.groups.members(g)).some(m => m.peerId === bob.peerId), 'alice sees bob gone')
    }
    expect(bob.communities.show(communityId)).toMatchObject({ left: true })
  })

  it('keeps communities, their logs and roles across a restart', async () => {
    const { alice, others: [bob], communityId } = await school(1)
    const g1 = (await alice.communities.createGroup(communityId, 'Class 5B')).groupId
    await waitFor(() => bob.communities.show(communityId).groups.length === 1, 'bob sees the group')
    const bob2 = await net.restart(bob)
    expect(bob2.communities.show(communityId)).toMatchObject({ name: 'Parents of 5B', role: 'member', groups: [{ groupId: g1, name: 'Class 5B' }] })
  })
})
