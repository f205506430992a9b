// `kith daemon` and the CLI as real processes on real data folders.
import { readFile, stat, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { cleanupDaemons, dialAddr, eventually, makeDataDir, runKith, startDaemon, stopCleanly } from './helpers/daemon.ts'

afterAll(cleanupDaemons)

const PEER_ID = /^(12D3KooW|Qm)[1-9A-HJ-NP-Za-km-z]+$/

function get (url: string, headers: Record<string, string> = {}): Promise<{ status: number, body: any }> {
  return new Promise((resolve, reject) => {
    request(url, { headers, agent: false }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', s => { text += s })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) }))
    }).on('error', reject).end()
  })
}

function wsStatus (url: string, headers: Record<string, string> = {}): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.on('open', () => { resolve('open'); ws.close() })
    ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate() })
    ws.on('error', err => reject(err))
  })
}

describe('kith daemon', () => {
  it('prints one ready line and serves the API only with the token written to api.json (0600)', async () => {
    const d = await startDaemon()

    // the ready line
    expect(Object.keys(d.ready).sort()).toEqual(['addrs', 'api', 'event', 'peerId'])
    expect(d.ready.event).toBe('ready')
    expect(d.peerId).toMatch(PEER_ID)
    expect(d.addrs.length).toBeGreaterThan(0)
    for (const a of d.addrs) expect(a).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+/)
    expect(d.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(d.stdout().trim().split('\n')).toHaveLength(1)
    // logs on stderr are JSON lines
    for (const line of d.stderr().trim().split('\n').filter(Boolean)) {
      expect(JSON.parse(line)).toMatchObject({ level: expect.any(String), msg: expect.any(String) })
    }

    // api.json
    const file = join(d.dataDir, 'api.json')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const info = JSON.parse(await readFile(file, 'utf8'))
    expect(info).toEqual({ url: d.api, token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), pid: d.process.pid })

    // no token, wrong token: 401; the right one: 200
    expect((await get(`${d.api}/v1/id`)).status).toBe(401)
    expect((await get(`${d.api}/v1/id`, { authorization: 'Bearer nope' })).status).toBe(401)
    expect((await get(`${d.api}/v1/nope`)).status).toBe(401)
    const ok = await get(`${d.api}/v1/id`, { authorization: `Bearer ${info.token}` })
    expect(ok).toEqual({ status: 200, body: { peerId: d.peerId, addrs: d.addrs } })
    expect((await get(`${d.api}/v1/nope`, { authorization: `Bearer ${info.token}` })).status).toBe(404)

    // the WebSocket upgrade too: refused without the token, open with it (header or ?token=)
    const ws = d.api.replace(/^http/, 'ws') + '/v1/events'
    expect(await wsStatus(ws)).toBe(401)
    expect(await wsStatus(`${ws}?token=wrong`)).toBe(401)
    expect(await wsStatus(`${ws}?token=${encodeURIComponent(info.token)}`)).toBe('open')
    expect(await wsStatus(ws, { authorization: `Bearer ${info.token}` })).toBe('open')

    // SIGTERM: exit 0, api.json removed, nothing more on stdout
    expect(await d.stop('SIGTERM')).toEqual({ code: 0, signal: null })
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' })
    expect(d.stdout().trim().split('\n')).toHaveLength(1)
  })

  it('kith id (--json and human), with --data or $KITH_DATA', async () => {
    const d = await startDaemon()
    expect(await d.json(['id'])).toEqual({ peerId: d.peerId, addrs: d.addrs })

    const human = await d.run(['id'])
    expect(human.code).toBe(0)
    expect(human.stdout).toContain(d.peerId)
    expect(human.stdout).toContain(d.addrs[0])

    const viaEnv = await runKith(['id', '--json'], { env: { KITH_DATA: d.dataDir } })
    expect(viaEnv.code).toBe(0)
    expect(JSON.parse(viaEnv.stdout).peerId).toBe(d.peerId)

    const help = await d.run(['id', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: kith id')

    expect(await d.stop('SIGINT')).toEqual({ code: 0, signal: null })
    await expect(stat(join(d.dataDir, 'api.json'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('two daemons: kith peers connect, then kith peers lists the other; events arrive on the WebSocket', async () => {
    const [a, b] = await Promise.all([startDaemon(), startDaemon()])

    expect(await b.json(['peers'])).toEqual([])
    const events: any[] = []
    const ws = new WebSocket(`${a.api.replace(/^http/, 'ws')}/v1/events?token=${encodeURIComponent(a.token)}`)
    ws.on('message', data => events.push(JSON.parse(data.toString())))
    await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject) })

    const connected = await b.json(['peers', 'connect', dialAddr(a)])
    expect(connected.peerId).toBe(a.peerId)
    expect(connected.addrs).toEqual(expect.any(Array))

    const peersOfB = await b.json(['peers'])
    expect(peersOfB.map((p: any) => p.peerId)).toContain(a.peerId)
    expect(peersOfB.find((p: any) => p.peerId === a.peerId).addrs).toEqual(expect.any(Array))
    const peersOfA = await eventually(async () => {
      const peers = await a.json(['peers'])
      expect(peers.map((p: any) => p.peerId)).toContain(b.peerId)
      return peers
    })
    expect(peersOfA.length).toBeGreaterThan(0)

    const human = await b.run(['peers'])
    expect(human.code).toBe(0)
    expect(human.stdout).toContain(a.peerId)

    await eventually(async () => {
      expect(events).toContainEqual({ event: 'peer:connected', detail: { peerId: b.peerId } })
    })
    ws.close()

    // a bad multiaddr is a clear error, not a crash
    const bad = await b.run(['peers', 'connect', 'not-a-multiaddr'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/^kith: /)
    expect(bad.stdout).toBe('')

    await stopCleanly(a, b)
  })

  it('a second daemon on the same data folder exits non-zero with a clear message', async () => {
    const first = await startDaemon()
    const before = await readFile(join(first.dataDir, 'api.json'), 'utf8')

    const second = await runKith(['daemon', '--data', first.dataDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'], { timeout: 30_000 })
    expect(second.code).toBe(1)
    expect(second.stdout).toBe('')
    expect(second.stderr).toContain(`the data folder ${first.dataDir} is in use by another Kith process (pid ${first.process.pid})`)

    // the running daemon is untouched
    expect(await readFile(join(first.dataDir, 'api.json'), 'utf8')).toBe(before)
    expect(await first.json(['id'])).toMatchObject({ peerId: first.peerId })
    expect((await first.stop()).code).toBe(0)
  })

  it('a restarted daemon keeps its peer id', async () => {
    const d = await startDaemon()
    expect((await d.stop()).code).toBe(0)
    const again = await startDaemon({ dataDir: d.dataDir })
    expect(again.peerId).toBe(d.peerId)
    expect(again.token).not.toBe(d.token)
    expect((await again.stop()).code).toBe(0)
  })

  it('listens on --api-port when given', async () => {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer()
      srv.listen(0, '127.0.0.1', () => { const p = (srv.address() as { port: number }).port; srv.close(() => resolve(p)) })
      srv.on('error', reject)
    })
    const d = await startDaemon({ args: ['--api-port', String(port)] })
    expect(d.api).toBe(`http://127.0.0.1:${port}`)
    expect((await d.stop()).code).toBe(0)
  })
})

describe('kith client commands without a daemon', () => {
  it('say clearly that no daemon is running and exit non-zero', async () => {
    const dir = await makeDataDir()
    const expected = `no Kith daemon is running on ${dir} (start one with: kith daemon --data ${dir})`
    for (const args of [['id'], ['peers', '--json'], ['group', 'list'], ['group', 'send', 'G', 'hello']]) {
      const res = await runKith([...args, '--data', dir])
      expect(res.code).toBe(1)
      expect(res.stdout).toBe('')
      expect(res.stderr).toContain(expected)
    }

    // api.json left by a daemon that died: same message
    await writeFile(join(dir, 'api.json'), JSON.stringify({ url: 'http://127.0.0.1:9', token: 'x', pid: 2 ** 22 + 1 }), { mode: 0o600 })
    const stale = await runKith(['id', '--data', dir])
    expect(stale.code).toBe(1)
    expect(stale.stderr).toContain(expected)
  })

  it('usage errors exit 2 with a hint', async () => {
    const res = await runKith(['group', 'send', 'only-a-group-id'])
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('missing TEXT')
    const unknown = await runKith(['frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown command')
    const help = await runKith(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('kith group join INVITE')
  })
})
