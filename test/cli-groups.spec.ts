// The group walk-through over the CLI, with two (or three) real daemons.
import { afterAll, describe, expect, it } from 'vitest'
import { cleanupDaemons, dialAddr, eventually, startDaemon, type Daemon, stopCleanly } from './helpers/daemon.ts'

afterAll(cleanupDaemons)

const STATUSES = ['pending', 'sent', 'delivered']

async function connected (...daemons: Daemon[]): Promise<void> {
  const [first, ...rest] = daemons
  for (const d of rest) {
    const res = await d.json(['peers', 'connect', dialAddr(first)])
    expect(res.peerId).toBe(first.peerId)
  }
}

/** `kith ...` is expected to fail: returns stderr */
async function fails (d: Daemon, args: string[]): Promise<string> {
  const res = await d.run(args)
  expect(res.code, `kith ${args.join(' ')} should fail; stdout: ${res.stdout}`).not.toBe(0)
  expect(res.stdout).toBe('')
  expect(res.stderr).toMatch(/^kith: /)
  return res.stderr
}

describe('groups over the CLI', () => {
  it('create, join by invite, send both ways, messages with status, members, remove, chat', async () => {
    const [a, b] = await Promise.all([startDaemon(), startDaemon()])
    await connected(a, b)

    // A creates a group
    const created = await a.json(['group', 'create', 'Book club'])
    expect(created).toEqual({ groupId: expect.any(String), invite: expect.any(String), flagged: false, flagReasons: [] })
    const g = created.groupId
    expect(await a.json(['group', 'invite', g])).toEqual({ invite: created.invite })
    const listA = await a.json(['group', 'list'])
    expect(listA).toContainEqual(expect.objectContaining({ groupId: g, name: 'Book club', role: 'admin', members: 1, direct: false }))

    // B joins with the invite
    expect(await b.json(['group', 'join', created.invite, '--timeout', '30'], { timeout: 45_000 })).toEqual({ groupId: g })
    await eventually(async () => {
      for (const d of [a, b]) {
        const members = await d.json(['group', 'members', g])
        expect(members).toHaveLength(2)
        expect(members).toContainEqual({ peerId: a.peerId, role: 'admin' })
        expect(members).toContainEqual({ peerId: b.peerId, role: 'member' })
      }
    }, 20_000)
    expect(await b.json(['group', 'list'])).toContainEqual(expect.objectContaining({ groupId: g, name: 'Book club', role: 'member', members: 2, direct: false }))

    // send both ways
    const m1 = await a.json(['group', 'send', g, 'hello from A'])
    expect(m1).toEqual({ messageId: expect.any(String) })
    const m2 = await b.json(['group', 'send', g, 'hello', 'from', 'B']) // the words after GROUP_ID make the text
    expect(m2).toEqual({ messageId: expect.any(String) })
    expect(m2.messageId).not.toBe(m1.messageId)

    // both see both messages, oldest first, and each sender's own message ends up delivered
    for (const [d, own, theirs] of [[a, m1, m2], [b, m2, m1]] as const) {
      const msgs = await eventually(async () => {
        const list = await d.json(['group', 'messages', g])
        expect(list.map((m: any) => m.messageId)).toEqual(expect.arrayContaining([m1.messageId, m2.messageId]))
        const mine = list.find((m: any) => m.messageId === own.messageId)
        expect(mine.status).toBe('delivered')
        return list
      }, 20_000)
      expect(msgs).toHaveLength(2)
      for (const m of msgs) {
        expect(Object.keys(m).sort()).toEqual(expect.arrayContaining(['from', 'groupId', 'kind', 'messageId', 'text', 'timestamp']))
        expect(m.groupId).toBe(g)
        expect(m.kind).toBe('text')
        expect(m.timestamp).toEqual(expect.any(Number))
        if (m.status !== undefined) expect(STATUSES).toContain(m.status)
      }
      const byId = new Map(msgs.map((m: any) => [m.messageId, m]))
      expect(byId.get(m1.messageId)).toMatchObject({ from: a.peerId, text: 'hello from A' })
      expect(byId.get(m2.messageId)).toMatchObject({ from: b.peerId, text: 'hello from B' })
      // a received message has no status
      expect((byId.get(theirs.messageId) as any).status).toBeUndefined()
      // oldest first
      expect(msgs[0].timestamp).toBeLessThanOrEqual(msgs[1].timestamp)
      // --limit 1: the newest only
      expect(await d.json(['group', 'messages', g, '--limit', '1'])).toEqual([msgs[1]])
    }
    // the human form shows the texts
    const human = await b.run(['group', 'messages', g])
    expect(human.code).toBe(0)
    expect(human.stdout).toContain('hello from A')
    expect(human.stdout).toContain('hello from B')

    // a member who is not an admin cannot remove anyone
    expect(await fails(b, ['group', 'remove', g, a.peerId])).toContain('NotAnAdminError')

    // A removes B
    expect(await a.json(['group', 'remove', g, b.peerId])).toEqual({})
    expect(await a.json(['group', 'members', g])).toEqual([{ peerId: a.peerId, role: 'admin' }])
    await eventually(async () => {
      expect(await fails(b, ['group', 'send', g, 'am I still in?'])).toContain('NotAMemberError')
    }, 20_000)
    // A's later messages do not reach B
    const m3 = await a.json(['group', 'send', g, 'after B left'])
    expect(m3).toEqual({ messageId: expect.any(String) })

    // direct chat: A writes to B, B sees it and answers
    const chat = await a.json(['chat', b.peerId, 'psst, B'])
    expect(chat).toEqual({ groupId: expect.any(String), messageId: expect.any(String) })
    expect(chat.groupId).not.toBe(g)
    const atB = await eventually(async () => {
      const list = await b.json(['chat', 'messages', a.peerId])
      expect(list.map((m: any) => m.text)).toContain('psst, B')
      return list
    }, 20_000)
    expect(atB.find((m: any) => m.messageId === chat.messageId)).toMatchObject({ groupId: chat.groupId, from: a.peerId, kind: 'text' })
    const reply = await b.json(['chat', a.peerId, 'hi A'])
    expect(reply).toEqual({ groupId: chat.groupId, messageId: expect.any(String) })
    await eventually(async () => {
      const list = await a.json(['chat', 'messages', b.peerId])
      expect(list.map((m: any) => m.text)).toEqual(['psst, B', 'hi A'])
      expect(list[0].status).toBe('delivered')
    }, 20_000)
    expect(await a.json(['chat', 'messages', b.peerId, '--limit', '1'])).toEqual([expect.objectContaining({ text: 'hi A', from: b.peerId })])
    expect(await a.json(['group', 'list'])).toContainEqual(expect.objectContaining({ groupId: chat.groupId, direct: true, peer: b.peerId, members: 2 }))

    // B's removal did not leak "after B left"
    expect((await b.json(['group', 'messages', g])).map((m: any) => m.text)).not.toContain('after B left')

    await stopCleanly(a, b)
  })

  it('invite --reset, admin promotion, leave, and errors', async () => {
    const [a, b, c] = await Promise.all([startDaemon(), startDaemon(), startDaemon()])
    await connected(a, b, c)

    const { groupId: g, invite: oldInvite } = await a.json(['group', 'create', 'Team'])
    const { invite: newInvite } = await a.json(['group', 'invite', g, '--reset'])
    expect(newInvite).not.toBe(oldInvite)
    expect(await a.json(['group', 'invite', g])).toEqual({ invite: newInvite })

    // the old invite no longer works; the new one does
    const refused = await fails(b, ['group', 'join', oldInvite, '--timeout', '5'])
    expect(refused).toMatch(/InvalidInviteError|JoinFailedError/)
    expect(await b.json(['group', 'join', newInvite, '--timeout', '30'], { timeout: 45_000 })).toEqual({ groupId: g })

    // A makes B an admin; B can then add C
    await eventually(async () => {
      expect(await a.json(['group', 'members', g])).toContainEqual({ peerId: b.peerId, role: 'member' })
    })
    expect(await a.json(['group', 'admin', g, b.peerId])).toEqual({})
    await eventually(async () => {
      expect(await b.json(['group', 'members', g])).toContainEqual({ peerId: b.peerId, role: 'admin' })
    }, 20_000)
    expect(await b.json(['group', 'add', g, c.peerId])).toEqual({})
    await eventually(async () => {
      expect(await c.json(['group', 'list'])).toContainEqual(expect.objectContaining({ groupId: g, name: 'Team', members: 3 }))
    }, 20_000)

    // C leaves
    expect(await c.json(['group', 'leave', g])).toEqual({})
    await eventually(async () => {
      const members = await a.json(['group', 'members', g])
      expect(members.map((m: any) => m.peerId).sort()).toEqual([a.peerId, b.peerId].sort())
    }, 20_000)

    // named errors reach the CLI
    expect(await fails(a, ['group', 'members', 'no-such-group'])).toMatch(/GroupNotFoundError|InvalidArgumentError/)
    expect(await fails(a, ['group', 'join', 'not-an-invite', '--timeout', '2'])).toContain('InvalidInviteError')
    expect(await fails(a, ['chat', 'not-a-peer-id', 'hi'])).toContain('InvalidArgumentError')

    await stopCleanly(a, b, c)
  })
})
