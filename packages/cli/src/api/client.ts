// A small client of the daemon's local API: finds it through DIR/api.json and sends the bearer token.
import { readFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'

export const API_FILE = 'api.json'

export interface ApiInfo {
  url: string
  token: string
  pid: number
}

/** The daemon answered with `{"error":{name,message}}`; `name` is the node's error name (err.name) */
export class ApiError extends Error {
  readonly status: number
  constructor (name: string, message: string, status: number) {
    super(message)
    this.name = name
    this.status = status
  }
}

/** No daemon behind DIR/api.json (missing file, dead process, connection refused) */
export class DaemonNotRunningError extends Error {
  readonly dataDir: string
  constructor (dataDir: string) {
    super(`no Kith daemon is running on ${dataDir} (start one with: kith daemon --data ${dataDir})`)
    this.name = 'DaemonNotRunningError'
    this.dataDir = dataDir
  }
}

export async function readApiInfo (dataDir: string): Promise<ApiInfo> {
  let text: string
  try {
    text = await readFile(join(dataDir, API_FILE), 'utf8')
  } catch (err: any) {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') throw new DaemonNotRunningError(dataDir)
    throw err
  }
  let info: any
  try {
    info = JSON.parse(text)
  } catch {
    // a half-written file cannot happen (the daemon renames it into place): treat garbage as no daemon
    throw new DaemonNotRunningError(dataDir)
  }
  if (typeof info?.url !== 'string' || typeof info?.token !== 'string') throw new DaemonNotRunningError(dataDir)
  if (typeof info.pid === 'number' && !processAlive(info.pid)) throw new DaemonNotRunningError(dataDir)
  return info
}

function processAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err: any) {
    return err.code === 'EPERM'
  }
}

export interface RequestOptions {
  body?: unknown
  query?: Record<string, string | number | undefined>
  signal?: AbortSignal
}

export class ApiClient {
  readonly dataDir: string
  readonly info: ApiInfo

  constructor (dataDir: string, info: ApiInfo) {
    this.dataDir = dataDir
    this.info = info
  }

  static async open (dataDir: string): Promise<ApiClient> {
    return new ApiClient(dataDir, await readApiInfo(dataDir))
  }

  get<T = any> (path: string, options?: RequestOptions): Promise<T> {
    return this.request('GET', path, options)
  }

  post<T = any> (path: string, body: unknown = {}, options?: RequestOptions): Promise<T> {
    return this.request('POST', path, { ...options, body })
  }

  delete<T = any> (path: string, options?: RequestOptions): Promise<T> {
    return this.request('DELETE', path, options)
  }

  async request<T = any> (method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(path, this.info.url)
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v))
    }
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body))
    const headers: Record<string, string> = { authorization: `Bearer ${this.info.token}`, accept: 'application/json' }
    if (body != null) {
      headers['content-type'] = 'application/json'
      headers['content-length'] = String(body.length)
    }

    const { status, text } = await new Promise<{ status: number, text: string }>((resolve, reject) => {
      // agent: false: one connection per request, nothing left open to keep the process alive
      const req = request(url, { method, headers, agent: false, signal: options.signal }, res => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      })
      req.on('error', (err: any) => {
        if (err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET' || err.code === 'EADDRNOTAVAIL') {
          reject(new DaemonNotRunningError(this.dataDir))
        } else {
          reject(err)
        }
      })
      req.end(body)
    })

    let value: any
    try {
      value = text === '' ? undefined : JSON.parse(text)
    } catch {
      throw new ApiError('BadResponseError', `the daemon answered ${status} with a body that is not JSON`, status)
    }
    if (status >= 200 && status < 300) return value as T
    const e = value?.error
    throw new ApiError(typeof e?.name === 'string' ? e.name : 'HttpError',
      typeof e?.message === 'string' ? e.message : `the daemon answered ${status}`, status)
  }
}

/** Encodes one path segment (group ids, peer ids) */
export function seg (s: string): string {
  return encodeURIComponent(s)
}
