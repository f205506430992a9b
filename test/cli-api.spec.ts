// The local API server against a fake KithNode: routing, auth, body limits, error mapping, events.
// (test/cli.spec.ts runs the same API through real daemons.)
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startApiServer, type ApiServer } from '../packages/cli/src/api/server.ts'
import { ApiClient, ApiError } from '../packages/cli/src/api/client.ts'
import { GroupNotFoundError, NotAnAdminError, MessageTooLargeError, type KithNode } from '@kith/node'

interface Call { method: string, args: unknown[] }

function fakeNode (): KithNode & { calls: Call[], emit: (type: string, detail: unknown) => void } {
  const target = new EventTarget()
  const calls: Call[] = []
  const rec = (method: string) => async (...args: unknown[]): Promise<any> => {
    calls.push({ method, args })
    const first = args[0]
    if (first === 'missing') throw new GroupNotFoundError(`group ${String(first)} not found`)
    if (first === 'boom') throw new Error('internal failure')
    switch (method) {
      case 'create': return { groupId: 'g1', invite: 'kith:invite' }
      case 'invite': return { invite: (args[1] as any)?.reset === true ? 'kith:new' : 'kith:invite' }
      case 'join': return { groupId: 'g1' }
      case 'send':
        if (String(args[1]).length > 10) throw new MessageTooLargeError('too long')
        return { messageId: 'm1' }
      case 'messages': return [{ messageId: 'm1', groupId: first, from: 'me', kind: 'text', text: 'hi', timestamp: 1, status: 'sent' }]
      case 'members': return [{ peerId: 'me', role: 'admin' }]
      case 'list': return []
      case 'chat': return { groupId: 'd1', messageId: 'm2' }
      case 'chatMessages': return []
      case 'promote': throw new NotAnAdminError('not an admin')
      default: return undefined
    }
  }
  const groups = Object.fromEntries(['create', 'invite', 'join', 'add', 'remove', 'promote', 'leave', 'send',
    'messages', 'members', 'list', 'chat', 'chatMessages'].map(m => [m, rec(m)])) as any
  return {
    peerId: '12D3KooWFake',
    dataDir: '/nowhere',
    groups,
    calls,
    getMultiaddrs: () => ['/ip4/127.0.0.1/tcp/1/p2p/12D3KooWFake'],
    peers: () => [{ peerId: '12D3KooWOther', addrs: ['/ip4/127.0.0.1/tcp/2'] }],
    connect: async (ma: string) => {
      calls.push({ method: 'connect', args: [ma] })
      return { peerId: '12D3KooWOther', addrs: [ma] }
    },
    addEventListener: (t: string, l: any) => target.addEventListener(t, l),
    removeEventListener: (t: string, l: any) => target.removeEventListener(t, l),
    emit: (type: string, detail: unknown) => target.dispatchEvent(new CustomEvent(type, { detail })),
    start: async () => {},
    stop: async () => {}
  } as any
}

interface Res { status: number, body: any, headers: Record<string, any> }

function raw (url: string, options: { method?: string, token?: string | null, body?: string | Buffer, headers?: Record<string, string> } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token != null) headers.authorization = `Bearer ${options.token}`
    if (options.body != null) headers['content-length'] = String(Buffer.byteLength(options.body))
    const req = request(url, { method: options.method ?? 'GET', headers, agent: false }, res => {
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text), headers: res.headers })
      })
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

describe('local API server (fake node)', () => {
  let dir: string
  let node: ReturnType<typeof fakeNode>
  let api: ApiServer
  let client: ApiClient

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kith-api-'))
    node = fakeNode()
    api = await startApiServer(node, { port: 0, dataDir: dir })
    client = await ApiClient.open(dir)
  })

  afterEach(async () => {
    await api.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('listens on 127.0.0.1 and writes api.json with mode 0600', async () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(api.token).toMatch(/^[A-Za-z0-9_-]{43}$/) // 32 bytes, base64url
    const file = join(dir, 'api.json')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ url: api.url, token: api.token, pid: process.pid })
  })

  it('answers 401 without the token or with a wrong one, before routing', async () => {
    for (const token of [null, 'wrong', api.token + 'x']) {
      for (const path of ['/v1/id', '/nope']) {
        const res = await raw(api.url + path, { token })
        expect(res.status).toBe(401)
        expect(res.body.error.name).toBe('UnauthorizedError')
      }
    }
    // ?token= is only for the WebSocket
    expect((await raw(`${api.url}/v1/id?token=${api.token}`)).status).toBe(401)
    expect((await raw(api.url + '/v1/id', { token: api.token })).status).toBe(200)
  })

  it('routes every command to the node', async () => {
    expect(await client.get('/v1/id')).toEqual({ peerId: '12D3KooWFake', addrs: ['/ip4/127.0.0.1/tcp/1/p2p/12D3KooWFake'] })
    expect(await client.get('/v1/peers')).toEqual([{ peerId: '12D3KooWOther', addrs: ['/ip4/127.0.0.1/tcp/2'] }])
    expect(await client.post('/v1/peers/connect', { multiaddr: '/ip4/1.2.3.4/tcp/5' })).toEqual({ peerId: '12D3KooWOther', addrs: ['/ip4/1.2.3.4/tcp/5'] })
    expect(await client.post('/v1/groups', { name: 'club' })).toEqual({ groupId: 'g1', invite: 'kith:invite' })
    expect(await client.get('/v1/groups')).toEqual([])
    expect(await client.post('/v1/groups/join', { invite: 'kith:invite', timeout: 5000 })).toEqual({ groupId: 'g1' })
    expect(await client.post('/v1/groups/g1/invite', {})).toEqual({ invite: 'kith:invite' })
    expect(await client.post('/v1/groups/g1/invite', { reset: true })).toEqual({ invite: 'kith:new' })
    expect(await client.get('/v1/groups/g1/members')).toEqual([{ peerId: 'me', role: 'admin' }])
    expect(await client.post('/v1/groups/g1/members', { peerId: 'p2' })).toEqual({})
    expect(await client.delete('/v1/groups/g1/members/p%2F2')).toEqual({})
    expect(await client.post('/v1/groups/g1/leave')).toEqual({})
    expect(await client.post('/v1/groups/g1/messages', { text: 'hi' })).toEqual({ messageId: 'm1' })
    expect(await client.get('/v1/groups/g1/messages', { query: { limit: 5 } })).toHaveLength(1)
    expect(await client.post('/v1/chats/p2/messages', { text: 'yo' })).toEqual({ groupId: 'd1', messageId: 'm2' })
    expect(await client.get('/v1/chats/p2/messages')).toEqual([])

    const byMethod = (m: string): unknown[][] => node.calls.filter(c => c.method === m).map(c => c.args)
    expect(byMethod('create')[0][0]).toBe('club')
    expect(byMethod('join')[0][0]).toBe('kith:invite')
    expect(byMethod('join')[0][1]).toMatchObject({ timeout: 5000 })
    expect(byMethod('add')[0].slice(0, 2)).toEqual(['g1', 'p2'])
    expect(byMethod('remove')[0].slice(0, 2)).toEqual(['g1', 'p/2'])
    expect(byMethod('leave')[0][0]).toBe('g1')
    expect(byMethod('send')[0].slice(0, 2)).toEqual(['g1', 'hi'])
    expect(byMethod('messages')[0][1]).toMatchObject({ limit: 5 })
    expect(byMethod('chat')[0].slice(0, 2)).toEqual(['p2', 'yo'])
    expect(byMethod('chatMessages')[0][1]).not.toHaveProperty('limit')
  })

  it('answers node errors with their name and status, others with 500', async () => {
    const res = await raw(api.url + '/v1/groups/missing/members', { token: api.token })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ error: { name: 'GroupNotFoundError', message: 'group missing not found' } })

    await expect(client.post('/v1/groups/g1/admins', { peerId: 'p2' })).rejects.toMatchObject({ name: 'NotAnAdminError', status: 403 })
    await expect(client.post('/v1/groups/g1/messages', { text: 'x'.repeat(11) })).rejects.toMatchObject({ name: 'MessageTooLargeError', status: 413 })
    const err = await client.get('/v1/groups/boom/members').catch(e => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ name: 'Error', status: 500, message: 'internal failure' })
  })

  it('answers 404 for unknown routes, 400 for bad JSON or arguments, 413 over 1 MiB', async () => {
    const t = api.token
    expect((await raw(api.url + '/v1/nope', { token: t })).status).toBe(404)
    expect((await raw(api.url + '/v1/id', { token: t, method: 'POST' })).status).toBe(404)
    expect((await raw(api.url + '/v2/id', { token: t })).body.error.name).toBe('NotFoundError')

    const bad = await raw(api.url + '/v1/groups', { token: t, method: 'POST', body: '{"name":' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.name).toBe('InvalidJsonError')
    expect((await raw(api.url + '/v1/groups', { token: t, method: 'POST', body: '[1]' })).status).toBe(400)
    const missing = await raw(api.url + '/v1/groups', { token: t, method: 'POST', body: '{}' })
    expect(missing.status).toBe(400)
    expect(missing.body.error.name).toBe('InvalidArgumentError')
    expect((await raw(api.url + '/v1/groups/g1/messages?limit=0', { token: t })).status).toBe(400)
    expect((await raw(api.url + '/v1/groups/g1/messages?limit=abc', { token: t })).status).toBe(400)
    expect((await raw(api.url + '/v1/groups/join', { token: t, method: 'POST', body: '{"invite":"x","timeout":"soon"}' })).status).toBe(400)

    const big = JSON.stringify({ text: 'x'.repeat(1024 * 1024) })
    const tooBig = await raw(api.url + '/v1/groups/g1/messages', { token: t, method: 'POST', body: big })
    expect(tooBig.status).toBe(413)
    expect(tooBig.body.error.name).toBe('PayloadTooLargeError')
    expect(node.calls.filter(c => c.method === 'send')).toHaveLength(0)
    // just under the limit is read (and then refused by the fake node's own size check)
    const under = JSON.stringify({ text: 'x'.repeat(1024 * 1024 - 20) })
    expect((await raw(api.url + '/v1/groups/g1/messages', { token: t, method: 'POST', body: under })).body.error.name).toBe('MessageTooLargeError')
  })

  it('refuses a WebSocket upgrade without the right token', async () => {
    const wsUrl = api.url.replace('http', 'ws') + '/v1/events'
    for (const url of [wsUrl, `${wsUrl}?token=wrong`]) {
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(url)
        ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate() })
        ws.on('open', () => reject(new Error('opened without a token')))
        ws.on('error', () => {})
      })
      expect(status).toBe(401)
    }
  })

  it('sends every node event to WebSocket clients (token by header or ?token=)', async () => {
    const wsUrl = api.url.replace('http', 'ws') + '/v1/events'
    const open = (ws: WebSocket): Promise<void> => new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject) })
    const byQuery = new WebSocket(`${wsUrl}?token=${encodeURIComponent(api.token)}`)
    const byHeader = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${api.token}` } })
    await Promise.all([open(byQuery), open(byHeader)])

    const received = (ws: WebSocket, n: number): Promise<any[]> => new Promise(resolve => {
      const got: any[] = []
      ws.on('message', data => { got.push(JSON.parse(data.toString())); if (got.length === n) resolve(got) })
    })
    const a = received(byQuery, 7)
    const b = received(byHeader, 7)
    const msg = { messageId: 'm1', groupId: 'g1', from: 'p', kind: 'text', text: 'hi', timestamp: 1 }
    node.emit('group:message', msg)
    node.emit('group:message-status', { groupId: 'g1', messageId: 'm1', status: 'delivered' })
    node.emit('group:joined', { groupId: 'g1' })
    node.emit('group:members-changed', { groupId: 'g1', members: [] })
    node.emit('group:removed', { groupId: 'g1' })
    node.emit('peer:connected', { peerId: 'p' })
    node.emit('peer:disconnected', { peerId: 'p' })
    for (const got of await Promise.all([a, b])) {
      expect(got.map(e => e.event)).toEqual(['group:message', 'group:message-status', 'group:joined',
        'group:members-changed', 'group:removed', 'peer:connected', 'peer:disconnected'])
      expect(got[0]).toEqual({ event: 'group:message', detail: msg })
    }

    // close() ends the clients and removes api.json
    const closed = Promise.all([byQuery, byHeader].map(ws => new Promise<number>(resolve => ws.on('close', code => resolve(code)))))
    await api.close()
    expect(await closed).toEqual([1001, 1001])
    await expect(stat(join(dir, 'api.json'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('tells a client clearly when no daemon is running', async () => {
    await api.close()
    const msg = `no Kith daemon is running on ${dir} (start one with: kith daemon --data ${dir})`
    await expect(ApiClient.open(dir)).rejects.toThrow(msg)
    // api.json left behind by a crashed daemon: connection refused gives the same message
    await expect(client.get('/v1/id')).rejects.toThrow(msg)
  })
})
