// The local API of `kith daemon` (and of `kith relay`, see relay-api.ts): HTTP for commands, a WebSocket at
// /v1/events for live events. Listens on 127.0.0.1 only; every request carries the bearer token written to DIR/api.json (mode 0600).
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto'
import { open, rename, unlink } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { KithNode, KithNodeEvents } from '@kith/node'
import { API_FILE } from './client.ts'
import { channelRoutes } from './channel-routes.ts'
import { communityRoutes } from './community-routes.ts'
import type { FullKithNode } from '@kith/node'

type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void

export const MAX_BODY_BYTES = 1024 * 1024

export interface ApiServerOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks any free port */
  port?: number
  /** where api.json is written (and removed by close) */
  dataDir: string
  /** structured log sink; default none */
  log?: Log
}

export interface ApiServer {
  /** http://127.0.0.1:N */
  url: string
  token: string
  close (): Promise<void>
}

/** Every event of KithNodeEvents: the compiler checks that none is missing */
const EVENT_NAMES = Object.keys({
  'group:message': true,
  'group:message-status': true,
  'group:joined': true,
  'group:members-changed': true,
  'group:removed': true,
  'group:message-deleted': true,
  'community:updated': true,
  'community:report': true,
  'community:request': true,
  'channel:post': true,
  'channel:updated': true,
  'peer:connected': true,
  'peer:disconnected': true
} satisfies Record<keyof KithNodeEvents, true>) as Array<keyof KithNodeEvents>

/** A WebSocket client that lets this much pile up unsent is cut off */
const MAX_WS_BUFFERED = 8 * 1024 * 1024
const WS_PING_INTERVAL = 30_000

export class HttpError extends Error {
  readonly status: number
  constructor (status: number, name: string, message: string) {
    super(message)
    this.name = name
    this.status = status
  }
}

export const badArg = (message: string): HttpError => new HttpError(400, 'InvalidArgumentError', message)

export interface Request {
  params: Record<string, string>
  query: URLSearchParams
  body: any
  signal: AbortSignal
}

export type Handler = (req: Request) => Promise<unknown>

export interface Route {
  method: string
  pattern: RegExp
  keys: string[]
  /** whether the route takes a JSON body */
  body: boolean
  handler: Handler
}

export function route (method: string, path: string, handler: Handler): Route {
  const keys: string[] = []
  const pattern = new RegExp('^' + path.replace(/:(\w+)/g, (_, k: string) => { keys.push(k); return '([^/]+)' }) + '/?$')
  return { method, pattern, keys, body: method === 'POST' || method === 'PUT' || method === 'PATCH', handler }
}

function str (body: any, key: string, options: { optional?: boolean } = {}): string {
  const v = body[key]
  if (v === undefined && options.optional === true) return v
  if (typeof v !== 'string' || v.trim() === '') throw badArg(`"${key}" must be a non-empty string`)
  return v
}

function limit (query: URLSearchParams): number | undefined {
  const v = query.get('limit')
  if (v == null || v === '') return undefined
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < 1) throw badArg('"limit" must be a positive integer')
  return Number(v)
}

function nodeRoutes (node: KithNode): Route[] {
  const g = node.groups
  const peerInfo = (): { peerId: string, addrs: string[] } => ({ peerId: node.peerId, addrs: node.getMultiaddrs() })
  return [
    route('GET', '/v1/id', async () => peerInfo()),
    route('GET', '/v1/peers', async () => node.peers()),
    route('POST', '/v1/peers/connect', async ({ body, signal }) => node.connect(str(body, 'multiaddr'), { signal })),

    route('GET', '/v1/groups', async ({ signal }) => g.list({ signal })),
    route('POST', '/v1/groups', async ({ body, signal }) => g.create(str(body, 'name'), { signal })),
    route('POST', '/v1/groups/join', async ({ body, signal }) => {
      const timeout = body.timeout
      if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)) {
        throw badArg('"timeout" must be a positive number of milliseconds')
      }
      return g.join(str(body, 'invite'), { signal, ...(timeout !== undefined ? { timeout } : {}) })
    }),
    route('POST', '/v1/groups/:id/invite', async ({ params, body, signal }) => {
      if (body.reset !== undefined && typeof body.reset !== 'boolean') throw badArg('"reset" must be a boolean')
      return g.invite(params.id, { signal, reset: body.reset === true })
    }),
    route('GET', '/v1/groups/:id/members', async ({ params, signal }) => g.members(params.id, { signal })),
    route('POST', '/v1/groups/:id/members', async ({ params, body, signal }) => {
      await g.add(params.id, str(body, 'peerId'), { signal })
      return {}
    }),
    route('DELETE', '/v1/groups/:id/members/:peerId', async ({ params, signal }) => {
      await g.remove(params.id, params.peerId, { signal })
      return {}
    }),
    route('POST', '/v1/groups/:id/admins', async ({ params, body, signal }) => {
      await g.promote(params.id, str(body, 'peerId'), { signal })
      return {}
    }),
    route('POST', '/v1/groups/:id/leave', async ({ params, signal }) => {
      await g.leave(params.id, { signal })
      return {}
    }),
    route('POST', '/v1/groups/:id/messages', async ({ params, body, signal }) => {
      if (typeof body.text !== 'string' || body.text === '') throw badArg('"text" must be a non-empty string')
      return g.send(params.id, body.text, { signal })
    }),
    route('GET', '/v1/groups/:id/messages', async ({ params, query, signal }) =>
      g.messages(params.id, { signal, ...optLimit(limit(query)) })),
    route('POST', '/v1/chats/:peerId/messages', async ({ params, body, signal }) => {
      if (typeof body.text !== 'string' || body.text === '') throw badArg('"text" must be a non-empty string')
      return g.chat(params.peerId, body.text, { signal })
    }),
    route('GET', '/v1/chats/:peerId/messages', async ({ params, query, signal }) =>
      g.chatMessages(params.peerId, { signal, ...optLimit(limit(query)) })),
    // nodes without the channels service (a test's fake node) simply have no channel routes
    ...((node as Partial<FullKithNode>).channels != null ? channelRoutes(node as FullKithNode) : []),
    ...((node as Partial<FullKithNode>).communities != null ? communityRoutes(node as FullKithNode) : [])
  ]
}

function optLimit (n: number | undefined): { limit?: number } {
  return n === undefined ? {} : { limit: n }
}

function sendJson (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return
  const body = JSON.stringify(value ?? {})
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers
  })
  res.end(body)
}

function sendError (res: ServerResponse, status: number, name: string, message: string, headers?: Record<string, string>): void {
  sendJson(res, status, { error: { name, message } }, headers)
}

/** Constant-time token check; hashing first makes lengths equal */
function tokenMatches (given: string | null | undefined, token: string): boolean {
  if (given == null) return false
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(token).digest()
  return timingSafeEqual(a, b)
}

function bearer (req: IncomingMessage): string | undefined {
  const h = req.headers.authorization
  if (h == null) return undefined
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h)
  return m?.[1]
}

function readBody (req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > MAX_BODY_BYTES) {
      reject(new HttpError(413, 'PayloadTooLargeError', `request body larger than ${MAX_BODY_BYTES} bytes`))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (c: Buffer) => {
      if (done) return
      size += c.length
      if (size > MAX_BODY_BYTES) {
        done = true
        reject(new HttpError(413, 'PayloadTooLargeError', `request body larger than ${MAX_BODY_BYTES} bytes`))
        return
      }
      chunks.push(c)
    })
    req.on('end', () => { if (!done) { done = true; resolve(Buffer.concat(chunks)) } })
    req.on('error', err => { if (!done) { done = true; reject(err) } })
  })
}

/** Writes `value` to `file` atomically with mode 0600: a temp file in the same folder, then rename */
async function writePrivateJson (file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  const fh = await open(tmp, 'wx', 0o600)
  try {
    await fh.chmod(0o600) // whatever the umask
    await fh.writeFile(JSON.stringify(value) + '\n')
    await fh.sync()
  } finally {
    await fh.close()
  }
  try {
    await rename(tmp, file)
  } catch (err) {
    await unlink(tmp).catch(() => {})
    throw err
  }
}

/** Something that emits the events the WebSocket /v1/events forwards (a KithNode, a relay node's events) */
export interface EventSource {
  addEventListener (type: string, listener: (evt: any) => void): void
  removeEventListener (type: string, listener: (evt: any) => void): void
}

export interface HttpApiOptions extends ApiServerOptions {
  routes: Route[]
  /** forwarded as `{"event","detail"}` frames on the WebSocket /v1/events */
  events?: { source: EventSource, names: readonly string[] }
}

/** The daemon's local API: the node's routes and every node event on /v1/events */
export async function startApiServer (node: KithNode, options: ApiServerOptions): Promise<ApiServer> {
  return startHttpApi({ ...options, routes: nodeRoutes(node), events: { source: node as EventSource, names: EVENT_NAMES } })
}

/**
 * A local API on 127.0.0.1 serving `routes` (JSON in and out) and, with `events`, a WebSocket at /v1/events, behind
 * a random bearer token; writes `{url, token, pid}` to DIR/api.json (mode 0600) once listening, removes it on close.
 */
export async function startHttpApi (options: HttpApiOptions): Promise<ApiServer> {
  const { dataDir } = options
  const port = options.port ?? 0
  const log = options.log ?? (() => {})
  const token = randomBytes(32).toString('base64url')
  const table = options.routes
  const eventNames = options.events?.names ?? []

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (!tokenMatches(bearer(req), token)) {
      sendError(res, 401, 'UnauthorizedError', 'missing or wrong bearer token (see api.json in the data folder)',
        { 'www-authenticate': 'Bearer' })
      return
    }
    if (options.events != null && (url.pathname === '/v1/events' || url.pathname === '/v1/events/')) {
      sendError(res, 426, 'UpgradeRequiredError', '/v1/events is a WebSocket', { upgrade: 'websocket' })
      return
    }

    let found: { route: Route, params: Record<string, string> } | undefined
    for (const r of table) {
      if (r.method !== req.method) continue
      const m = r.pattern.exec(url.pathname)
      if (m == null) continue
      const params: Record<string, string> = {}
      try {
        r.keys.forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]) })
      } catch {
        throw badArg('malformed percent-encoding in the path')
      }
      found = { route: r, params }
      break
    }
    if (found == null) {
      sendError(res, 404, 'NotFoundError', `no such route: ${req.method ?? ''} ${url.pathname}`)
      return
    }

    let body: any = {}
    if (found.route.body) {
      const raw = await readBody(req)
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'))
        } catch {
          throw new HttpError(400, 'InvalidJsonError', 'the request body is not valid JSON')
        }
        if (body === null || typeof body !== 'object' || Array.isArray(body)) {
          throw new HttpError(400, 'InvalidJsonError', 'the request body must be a JSON object')
        }
      }
    }

    // the operation is cancelled if the client goes away before the answer
    const ac = new AbortController()
    res.on('close', () => { if (!res.writableFinished) ac.abort() })

    const result = await found.route.handler({ params: found.params, query: url.searchParams, body, signal: ac.signal })
    sendJson(res, 200, result === undefined ? {} : result)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: any) => {
      const status = typeof err?.status === 'number' && err.status >= 400 && err.status <= 599 ? err.status : 500
      const name = typeof err?.name === 'string' ? err.name : 'Error'
      const message = typeof err?.message === 'string' ? err.message : String(err)
      if (status >= 500) log('error', 'api request failed', { method: req.method, path: req.url?.split('?')[0], error: name, message, stack: err?.stack })
      if (status === 413) {
        // stop reading the oversized body; close the connection after the answer
        sendError(res, status, name, message, { connection: 'close' })
        req.resume()
        return
      }
      sendError(res, status, name, message)
    })
  })
  // the node's own waits (joins: up to the caller's timeout) bound long requests, not the HTTP server
  server.requestTimeout = 0
  server.headersTimeout = 30_000

  // --- WebSocket /v1/events -------------------------------------------------------------------------
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  const alive = new WeakMap<WebSocket, boolean>()

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const reject = (status: number, name: string, message: string): void => {
      const body = JSON.stringify({ error: { name, message } })
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Not Found'}\r\n` +
        'Connection: close\r\nContent-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n${status === 401 ? 'WWW-Authenticate: Bearer\r\n' : ''}\r\n${body}`)
      socket.on('error', () => {})
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const given = bearer(req) ?? url.searchParams.get('token')
    if (!tokenMatches(given, token)) {
      reject(401, 'UnauthorizedError', 'missing or wrong token (Authorization: Bearer, or ?token=)')
      return
    }
    if (options.events == null || (url.pathname !== '/v1/events' && url.pathname !== '/v1/events/')) {
      reject(404, 'NotFoundError', `no WebSocket at ${url.pathname}`)
      return
    }
    wss.handleUpgrade(req, socket, head, ws => { wss.emit('connection', ws, req) })
  })

  wss.on('connection', (ws: WebSocket) => {
    alive.set(ws, true)
    ws.on('pong', () => alive.set(ws, true))
    ws.on('error', () => {})
    // the API is one-way: anything a client sends is ignored
  })

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) { ws.terminate(); continue }
      alive.set(ws, false)
      ws.ping()
    }
  }, WS_PING_INTERVAL)
  pinger.unref()

  const listeners = new Map<string, (evt: Event) => void>()
  for (const name of eventNames) {
    const listener = (evt: Event): void => {
      if (wss.clients.size === 0) return
      const frame = JSON.stringify({ event: name, detail: (evt as CustomEvent).detail ?? null })
      for (const ws of wss.clients) {
        if (ws.readyState !== ws.OPEN) continue
        if (ws.bufferedAmount > MAX_WS_BUFFERED) {
          log('warn', 'events client too slow, disconnecting', { buffered: ws.bufferedAmount })
          ws.terminate()
          continue
        }
        ws.send(frame)
      }
    }
    listeners.set(name, listener)
    options.events?.source.addEventListener(name, listener)
  }

  const removeListeners = (): void => {
    for (const [name, listener] of listeners) options.events?.source.removeEventListener(name, listener)
    listeners.clear()
  }

  // --- listen, then publish api.json ------------------------------------------------------------------
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err: any) {
    removeListeners()
    clearInterval(pinger)
    if (err.code === 'EADDRINUSE') {
      throw Object.assign(new Error(`API port ${port} on 127.0.0.1 is already in use (choose another with --api-port, or 0 for any)`), { name: 'ApiPortInUseError', code: err.code })
    }
    throw err
  }
  server.on('error', err => log('error', 'api server error', { message: err.message }))

  const address = server.address()
  if (address == null || typeof address === 'string') throw new Error('unexpected server address')
  const url = `http://127.0.0.1:${address.port}`
  const apiFile = join(dataDir, API_FILE)
  try {
    await writePrivateJson(apiFile, { url, token, pid: process.pid })
  } catch (err) {
    removeListeners()
    clearInterval(pinger)
    server.close()
    throw err
  }

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      removeListeners()
      clearInterval(pinger)
      await unlink(apiFile).catch(() => {})
      for (const ws of wss.clients) ws.close(1001, 'daemon stopping')
      const closed = new Promise<void>(resolve => server.close(() => resolve()))
      server.closeIdleConnections()
      // give open clients a moment to receive the close frame, then cut everything
      const t = setTimeout(() => {
        for (const ws of wss.clients) ws.terminate()
        server.closeAllConnections()
      }, 500)
      await closed
      clearTimeout(t)
      await new Promise<void>(resolve => wss.close(() => resolve()))
    })()
    return closing
  }

  return { url, token, close }
}
