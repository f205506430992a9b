// The community walk-through over the CLI, with two real daemons, and the community commands' usage errors.
import { afterAll, describe, expect, it } from 'vitest'
import { cleanupDaemons, dialAddr, eventually, runKith, startDaemon, type Daemon, stopCleanly } from './helpers/daemon.ts'

afterAll(cleanupDaemons)

/** `kith ...` is expected to fail: returns stderr */
async function fails (d: Daemon, args: string[]): Promise<string> {
  const res = await d.run(args)
  expect(res.code, `kith ${args.join(' ')} should fail; stdout: ${res.stdout}`).not.toBe(0)
  expect(res.stdout).toBe('')
  expect(res.stderr).toMatch(/^kith: /)
  return res.stderr
}

/** Runs `body`; if it fails after a daemon died, the error says so, with the end of that daemon's log */
async function diagnosed (daemons: Daemon[], body: () => Promise<void>): Promise<void> {
  try {
    await body()
  } catch (err: any) {
    for (const d of daemons) {
      if (d.process.exitCode == null && d.process.signalCode == null) continue
      const tail = d.stderr().split('\n').filter(l => !l.includes('"level":"debug"')).slice(-20).join('\n')
      err.message = `${String(err.message)}\n(daemon ${d.peerId} exited: ${d.process.exitCode ?? d.process.signalCode}; its log ends with:\n${tail})`
    }
    throw err
  }
}

/** the announcements among a group's messages as `d` sees them */
async function announcements (d: Daemon, groupId: string): Promise<any[]> {
  return (await d.json(['group', 'messages', groupId])).filter((m: any) => m.kind === 'announcement')
}

describe('communities over the CLI', () => {
  it('create, two groups, join by invite, request an open group, one announcement in every group of the member, report, delete', async () => {
    const [a, b] = await Promise.all([startDaemon(), startDaemon()])
    await diagnosed([a, b], async () => {
      expect((await b.json(['peers', 'connect', dialAddr(a)])).peerId).toBe(a.peerId)

      // A creates a community with two groups: one open, one on request
      const created = await a.json(['community', 'create', 'Parents of 5B', '--description', 'the parents of class 5B'])
      expect(created).toEqual({ communityId: expect.any(String), invite: expect.any(String), flagged: false, flagReasons: [] })
      const c = created.communityId
      const open = await a.json(['community', 'group', 'create', c, 'Class', 'trips'])
      expect(open).toEqual({ groupId: expect.any(String), successes: [open.groupId], failures: [] })
      const asked = await a.json(['community', 'group', 'create', c, 'Teachers', '--ask'])
      expect(asked).toEqual({ groupId: expect.any(String), successes: [asked.groupId], failures: [] })

      const shownA = await a.json(['community', 'show', c])
      expect(shownA).toMatchObject({ communityId: c, name: 'Parents of 5B', description: 'the parents of class 5B', role: 'admin', described: true, left: false, admins: [a.peerId], flagged: false })
      expect(shownA.groups).toHaveLength(2)
      expect(shownA.groups).toContainEqual({ groupId: open.groupId, name: 'Class trips', open: true, joined: true, flagged: false, flagReasons: [] })
      expect(shownA.groups).toContainEqual({ groupId: asked.groupId, name: 'Teachers', open: false, joined: true, flagged: false, flagReasons: [] })
      const announcementGroup: string = shownA.announcementGroup
      expect(await a.json(['community', 'list'])).toContainEqual(expect.objectContaining({ communityId: c, role: 'admin' }))
      const human = await a.run(['community', 'show', c])
      expect(human.code).toBe(0)
      expect(human.stdout).toContain('Parents of 5B')
      expect(human.stdout).toContain('Teachers')

      // B joins by invite: it is in the announcement group and sees the community's groups
      expect(await b.json(['community', 'join', created.invite, '--timeout', '30'], { timeout: 45_000 })).toEqual({ communityId: c, described: true })
      const shownB = await eventually(async () => {
        const v = await b.json(['community', 'show', c])
        expect(v).toMatchObject({ role: 'member', described: true })
        expect(v.groups.map((g: any) => g.groupId).sort()).toEqual([open.groupId, asked.groupId].sort())
        return v
      }, 20_000)
      expect(shownB.groups.every((g: any) => g.joined === false)).toBe(true)
      // a member is no admin
      expect(await fails(b, ['community', 'announce', c, 'not from me'])).toContain('NotAnAdminError')

      // B asks for the open group: the admin online adds it
      expect(await b.json(['community', 'group', 'request', c, open.groupId])).toEqual({ requested: true, open: true })
      await eventually(async () => {
        const groups = (await b.json(['community', 'show', c])).groups
        expect(groups.find((g: any) => g.groupId === open.groupId).joined).toBe(true)
      }, 30_000)

      // A announces: once into each of its groups
      const sent = await a.json(['community', 'announce', c, 'No school on Friday'])
      expect(sent).toEqual({ announcementId: expect.any(String), successes: expect.any(Array), failures: [] })
      expect(sent.successes.sort()).toEqual([announcementGroup, open.groupId, asked.groupId].sort())

      // B reads it once in each group it is in, as an announcement of the community signed by A
      for (const g of [announcementGroup, open.groupId]) {
        const got = await eventually(async () => {
          const list = await announcements(b, g)
          expect(list).toHaveLength(1)
          return list
        }, 20_000)
        expect(got[0]).toMatchObject({ kind: 'announcement', text: 'No school on Friday', groupId: g, from: a.peerId, community: { communityId: c, name: 'Parents of 5B' }, signedBy: a.peerId })
      }
      // and nothing of the group it is not in
      expect(await fails(b, ['group', 'messages', asked.groupId])).toMatch(/GroupNotFoundError|NotAMemberError/)

      // B reports a message of the open group; only A, the admin, lists it
      const { messageId } = await b.json(['group', 'send', open.groupId, 'buy my stuff'])
      await eventually(async () => {
        expect((await a.json(['group', 'messages', open.groupId])).map((m: any) => m.messageId)).toContain(messageId)
      }, 20_000)
      const reported = await b.json(['report', '--community', c, '--message', messageId, '--reason', 'spam'])
      expect(reported).toEqual({ reportId: expect.any(String) })
      expect(await fails(b, ['community', 'reports', c])).toContain('NotAnAdminError')
      const reports = await eventually(async () => {
        const list = await a.json(['community', 'reports', c])
        expect(list).toHaveLength(1)
        return list
      }, 20_000)
      expect(reports[0]).toMatchObject({ reportId: reported.reportId, communityId: c, from: b.peerId, reason: 'spam', message: messageId, excerpt: 'buy my stuff' })

      // A deletes it for everyone
      expect(await a.json(['community', 'delete-message', c, messageId])).toEqual({ groupId: open.groupId })
      await eventually(async () => {
        expect((await b.json(['group', 'messages', open.groupId])).map((m: any) => m.messageId)).not.toContain(messageId)
      }, 20_000)

      await stopCleanly(a, b)
    })
  })

  it('link a group on request, approve, edit, invite --reset, admins, remove with --ban, unban, leave', async () => {
    const [a, b] = await Promise.all([startDaemon(), startDaemon()])
    await diagnosed([a, b], async () => {
      expect((await b.json(['peers', 'connect', dialAddr(a)])).peerId).toBe(a.peerId)

      const { communityId: c, invite: firstInvite } = await a.json(['community', 'create', 'Building 12'])
      // an existing group of A's, linked on request
      const { groupId: g } = await a.json(['group', 'create', 'Floor 3'])
      expect(await a.json(['community', 'group', 'add', c, g, '--ask'])).toEqual({ successes: [g], failures: [] })
      const edited = await a.json(['community', 'edit', c, '--name', 'Building 12 residents', '--description', 'floors 1 to 6'])
      expect(edited).toMatchObject({ communityId: c, name: 'Building 12 residents', description: 'floors 1 to 6' })
      expect(edited.groups).toEqual([{ groupId: g, name: 'Floor 3', open: false, joined: true, flagged: false, flagReasons: [] }])
      const { invite } = await a.json(['community', 'invite', c, '--reset'])
      expect(invite).not.toBe(firstInvite)
      expect(await a.json(['community', 'invite', c])).toEqual({ invite })

      expect(await b.json(['community', 'join', invite, '--timeout', '30'], { timeout: 45_000 })).toEqual({ communityId: c, described: true })
      const announcementGroup: string = (await b.json(['community', 'show', c])).announcementGroup

      // a group on request: B asks, A sees the request and approves it
      expect(await b.json(['community', 'group', 'request', c, g])).toEqual({ requested: true, open: false })
      await eventually(async () => {
        expect(await a.json(['community', 'requests', c])).toEqual([{ communityId: c, groupId: g, peerId: b.peerId, timestamp: expect.any(Number) }])
      }, 20_000)
      expect(await a.json(['community', 'group', 'approve', c, g, b.peerId])).toEqual({})
      expect(await a.json(['community', 'requests', c])).toEqual([])
      await eventually(async () => {
        expect((await b.json(['community', 'show', c])).groups).toContainEqual(expect.objectContaining({ groupId: g, joined: true }))
      }, 20_000)

      // B becomes an admin of the community (and of its groups), then stops being one
      const added = await a.json(['community', 'admin', 'add', c, b.peerId])
      expect(added.failures).toEqual([])
      expect(added.successes.sort()).toEqual([announcementGroup, g].sort())
      await eventually(async () => {
        expect(await b.json(['community', 'show', c])).toMatchObject({ role: 'admin' })
        expect(await b.json(['group', 'members', g])).toContainEqual({ peerId: b.peerId, role: 'admin' })
      }, 20_000)
      expect((await a.json(['community', 'admin', 'remove', c, b.peerId])).failures).toEqual([])
      await eventually(async () => {
        expect(await b.json(['community', 'show', c])).toMatchObject({ role: 'member' })
      }, 20_000)

      // A removes and bans B: it is out of every group and cannot come back until unbanned
      const removed = await a.json(['community', 'member', 'remove', c, b.peerId, '--ban'])
      expect(removed.failures).toEqual([])
      expect(removed.successes.sort()).toEqual([announcementGroup, g].sort())
      expect((await a.json(['community', 'show', c])).banned).toEqual([b.peerId])
      for (const group of [announcementGroup, g]) expect(await a.json(['group', 'members', group])).toEqual([{ peerId: a.peerId, role: 'admin' }])
      await eventually(async () => {
        expect(await fails(b, ['group', 'send', g, 'still here?'])).toContain('NotAMemberError')
      }, 20_000)
      const refused = await fails(b, ['community', 'join', invite, '--timeout', '5'])
      expect(refused).toMatch(/InvalidInviteError|JoinFailedError/)
      expect(refused).toContain('banned')
      expect(await a.json(['community', 'unban', c, b.peerId])).toEqual({})
      expect((await a.json(['community', 'show', c])).banned).toEqual([])
      // removing a member replaced the announcement group's invite, so the community's too: B needs the new one
      expect(await fails(b, ['community', 'join', invite, '--timeout', '5'])).toContain('InvalidInviteError')
      const { invite: afterBan } = await a.json(['community', 'invite', c])
      expect(afterBan).not.toBe(invite)

      // back in, then B leaves on its own; A takes the group out of the community
      expect(await b.json(['community', 'join', afterBan, '--timeout', '30'], { timeout: 45_000 })).toMatchObject({ communityId: c })
      expect(await b.json(['community', 'leave', c])).toEqual({ successes: [announcementGroup], failures: [] })
      expect(await b.json(['community', 'list'])).toContainEqual(expect.objectContaining({ communityId: c, left: true }))
      expect(await a.json(['community', 'group', 'remove', c, g])).toEqual({})
      expect((await a.json(['community', 'show', c])).groups).toEqual([])

      await stopCleanly(a, b)
    })
  })

  it('help lists the community commands; usage errors exit 2 before any daemon is asked', async () => {
    const help = await runKith(['help'])
    expect(help.code).toBe(0)
    for (const line of ['kith community create NAME', 'kith community group add COMMUNITY_ID GROUP_ID [--ask]', 'kith community group approve COMMUNITY_ID GROUP_ID PEER_ID',
      'kith community admin add|remove COMMUNITY_ID PEER_ID', 'kith community member remove COMMUNITY_ID PEER_ID [--ban]', 'kith report --community']) {
      expect(help.stdout).toContain(line)
    }
    // a three-word command's own help, through `kith help` and --help
    for (const args of [['help', 'community', 'group', 'add'], ['community', 'group', 'add', '--help']]) {
      const res = await runKith(args)
      expect(res.code).toBe(0)
      expect(res.stdout).toContain('Usage: kith community group add COMMUNITY_ID GROUP_ID [--ask]')
      expect(res.stdout).toContain('--ask')
    }
    // the words before a subcommand list the commands under them
    const group = await runKith(['community', 'group'])
    expect(group.code).toBe(2)
    expect(group.stderr).toContain('kith community group create')
    expect(group.stderr).not.toContain('kith community announce')

    // no data folder is needed to refuse these: none of them reaches ApiClient.open
    const cases: Array<[string[], string]> = [
      [['community', 'group', 'add', 'C'], 'missing GROUP_ID'],
      [['community', 'group', 'frob', 'C'], 'unknown command "community group frob"'],
      [['community', 'admin', 'promote', 'C', 'P'], 'add or remove'],
      [['community', 'edit', 'C'], 'nothing to change'],
      [['community', 'join', 'INVITE', '--timeout', 'soon'], '--timeout must be a positive number'],
      [['community', 'member', 'remove', 'C', 'P', '--bann'], "Unknown option '--bann'"],
      [['report', '--community', 'C', '--message', 'M'], 'missing --reason'],
      [['report', '--reason', 'spam'], 'missing --community'],
      [['report', '--community', 'C', '--member', 'P', '--group', 'G', '--reason', 'spam'], 'one thing at a time']
    ]
    for (const [args, message] of cases) {
      const res = await runKith([...args, '--data', '/nonexistent/kith'])
      expect(res.code, `kith ${args.join(' ')}: ${res.stderr}`).toBe(2)
      expect(res.stdout).toBe('')
      expect(res.stderr).toContain(message)
    }
  })
})
