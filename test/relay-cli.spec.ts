// `kith relay` as a real process: its ready line, metrics, local API and clean stop; daemons that can only be
// reached through it; a kill -9 in the middle of a flow of messages; and no plaintext in what it keeps or logs.
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Level } from 'level'
import { afterAll, describe, expect, it, onTestFailed } from 'vitest'
import {
  cleanupDaemons, dialAddr, eventually, freePort, makeDataDir, parseMetric, runKith, startDaemon, startRelay, stopCleanly, type Daemon, type Relay
} from './helpers/daemon.ts'

afterAll(cleanupDaemons)

/**
 * The tests that start a relay and several daemons take 15-35 s on an idle 2-core machine (every process compiles
 * the TypeScript sources with tsx at start); the margin is for a machine busy with other work
 */
const SLOW_TEST_TIMEOUT = 120_000

const RELAY_FAMILIES = [
  'kith_relay_connections', 'kith_relay_reservations', 'kith_relay_topics', 'kith_relay_stored_messages',
  'kith_relay_stored_bytes', 'kith_relay_messages_in_total', 'kith_relay_messages_out_total',
  'kith_relay_history_requests_total', 'kith_relay_rejected_messages_total', 'kith_relay_expired_messages_total',
  'kith_relay_evicted_messages_total'
]

/** The relay's address for --bootstrap (TCP, with /p2p/ID) */
function relayAddr (relay: Relay): string {
  const addr = relay.addrs.find(a => a.includes('/tcp/') && !a.includes('/ws'))
  if (addr == null) throw new Error(`relay has no TCP address: ${relay.addrs.join(' ')}`)
  return addr.includes('/p2p/') ? addr : `${addr}/p2p/${relay.peerId}`
}

/** records the steps of a test, printed if it fails (where did the time go?) */
function tracer (): (what: string) => void {
  const t0 = Date.now()
  const steps: string[] = []
  onTestFailed(() => { console.error(`steps:\n${steps.join('\n')}`) })
  return what => { steps.push(`${String(Date.now() - t0).padStart(6)} ms  ${what}`) }
}

/** every stderr line is a JSON log line: {time, level, msg, ...} */
function logLines (stderr: string): any[] {
  return stderr.split('\n').filter(l => l.trim() !== '').map(l => {
    try {
      return JSON.parse(l)
    } catch {
      throw new Error(`stderr line is not JSON: ${l}`)
    }
  })
}

async function apiCall (d: Daemon, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(new URL(path, d.api), {
    method,
    headers: { authorization: `Bearer ${d.token}`, ...(body != null ? { 'content-type': 'application/json' } : {}) },
    body: body != null ? JSON.stringify(body) : undefined
  })
  const value = await res.json()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(value)}`)
  return value
}

/** the texts of a group's messages, oldest first (through the API: polling with the CLI would spawn a process each time) */
async function texts (d: Daemon, groupId: string): Promise<string[]> {
  return (await apiCall(d, 'GET', `/v1/groups/${groupId}/messages`)).map((m: any) => m.text)
}

/** waits until a relay metric holds still for a second, and returns it */
async function stableMetric (relay: Relay, name: string): Promise<number> {
  let last = await relay.metric(name)
  return eventually(async () => {
    await new Promise(resolve => setTimeout(resolve, 1000))
    const now = await relay.metric(name)
    const same = now === last
    last = now
    expect(same, `${name} still moving`).toBe(true)
    return now ?? 0
  }, 15_000, 0)
}

/**
 * How many messages a relay's data folder holds, read from its LevelDB while no relay runs on it (white box: the
 * relay store keeps one `rm/<receivedAt>/<hash>` entry per message in the 'app' sublevel, see relay-store.ts)
 */
async function storedOnDisk (dataDir: string): Promise<number> {
  const db = new Level<string, Uint8Array>(join(dataDir, 'db'), { keyEncoding: 'utf8', valueEncoding: 'view' })
  await db.open()
  try {
    let n = 0
    for await (const _ of db.sublevel<string, Uint8Array>('app', { keyEncoding: 'utf8', valueEncoding: 'view' }).keys({ gte: 'rm/', lt: 'rm0' })) n++
    return n
  } finally {
    await db.close()
  }
}

/** every file under dir, recursively */
async function files (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...await files(path))
    else if (entry.isFile()) out.push(path)
  }
  return out
}

/** the files under dir whose bytes contain `needle` */
async function filesContaining (dir: string, needle: string): Promise<string[]> {
  const bytes = Buffer.from(needle, 'utf8')
  const found: string[] = []
  for (const file of await files(dir)) {
    if ((await readFile(file)).indexOf(bytes) !== -1) found.push(file)
  }
  return found
}

describe('kith relay (real processes)', () => {
  it('prints the ready line, serves Prometheus metrics and its API, refuses a held folder, stops on SIGTERM', async () => {
    const relay = await startRelay({ args: ['--api-port', '0', '--retention', '12h', '--max-storage', '500MiB'] })

    // the ready line
    expect(Object.keys(relay.ready).sort()).toEqual(['addrs', 'api', 'event', 'metrics', 'peerId'])
    expect(relay.ready.event).toBe('ready')
    expect(relay.ready.peerId).toMatch(/^12D3KooW/)
    expect(relay.ready.addrs.length).toBeGreaterThan(0)
    expect(relay.ready.addrs.every(a => a.startsWith('/ip4/127.0.0.1/tcp/'))).toBe(true)
    expect(relay.ready.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(relay.ready.metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    expect(relay.stdout().trim().split('\n')).toHaveLength(1)

    // the metrics
    const scrape = await relay.scrape()
    expect(scrape.status).toBe(200)
    expect(scrape.contentType).toMatch(/^text\/plain; version=0\.0\.4/)
    for (const family of RELAY_FAMILIES) expect(scrape.text).toContain(`# TYPE ${family} `)
    expect(scrape.text).toContain('# TYPE kith_relay_rejected_messages_total counter')
    expect(scrape.text).toContain('# TYPE kith_relay_stored_messages gauge')
    for (const reason of ['malformed', 'oversize', 'rate-limited', 'unregistered-topic', 'quota']) {
      expect(parseMetric(scrape.text, `kith_relay_rejected_messages_total{reason="${reason}"}`)).toBe(0)
    }
    expect(parseMetric(scrape.text, 'kith_relay_stored_messages')).toBe(0)
    expect(parseMetric(scrape.text, 'kith_relay_retention_seconds')).toBe(12 * 3600)
    expect(parseMetric(scrape.text, 'kith_relay_max_storage_bytes')).toBe(500 * 1024 * 1024)
    expect(scrape.text).toContain('process_cpu_seconds_total')
    expect(scrape.text).toContain('nodejs_heap_size_used_bytes')
    expect((await fetch(relay.ready.metrics!.replace('/metrics', '/other'))).status).toBe(404)

    // the local API: api.json (0600), the token, the routes; `kith id` and `kith relay stats` use it
    const info = JSON.parse(await readFile(join(relay.dataDir, 'api.json'), 'utf8'))
    expect(info).toEqual({ url: relay.ready.api, token: expect.any(String), pid: relay.process.pid })
    expect((await stat(join(relay.dataDir, 'api.json'))).mode & 0o777).toBe(0o600)
    expect((await fetch(`${relay.ready.api!}/v1/relay/stats`)).status).toBe(401)
    const statsRes = await fetch(`${relay.ready.api!}/v1/relay/stats`, { headers: { authorization: `Bearer ${info.token}` } })
    expect(statsRes.status).toBe(200)
    expect(await statsRes.json()).toMatchObject({
      topics: 0, storedMessages: 0, storedBytes: 0, messagesIn: 0, messagesOut: 0, historyRequests: 0, expired: 0, evicted: 0,
      rejected: { malformed: 0, oversize: 0, 'rate-limited': 0, 'unregistered-topic': 0, quota: 0 },
      connections: 0, reservations: 0, retentionMs: 12 * 3600_000, maxStorageBytes: 500 * 1024 * 1024
    })
    const id = await runKith(['id', '--json', '--data', relay.dataDir])
    expect(id.code, id.stderr).toBe(0)
    expect(JSON.parse(id.stdout)).toEqual({ peerId: relay.peerId, addrs: relay.ready.addrs })
    const stats = await runKith(['relay', 'stats', '--data', relay.dataDir])
    expect(stats.code, stats.stderr).toBe(0)
    expect(stats.stdout).toContain('Topics carried:    0')
    expect(stats.stdout).toContain('of 500 MiB, kept 12h')

    // a second relay on the same folder, or on the same port: a clear message, exit 1
    const taken = relay.addrs[0].split('/p2p/')[0]
    const [second, samePort] = await Promise.all([
      runKith(['relay', '--data', relay.dataDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'], { timeout: 45_000 }),
      runKith(['relay', '--data', await makeDataDir(), '--listen', taken, '--no-mdns'], { timeout: 45_000 })
    ])
    expect(second.code).toBe(1)
    expect(second.stdout).toBe('')
    expect(second.stderr).toContain(`kith: the data folder ${relay.dataDir} is in use by another Kith process (pid ${relay.process.pid})`)
    expect(samePort.code).toBe(1)
    expect(samePort.stdout).toBe('')
    expect(samePort.stderr).toContain(`kith: could not listen on ${taken} (address already in use)`)

    // structured logs on stderr
    const lines = logLines(relay.stderr())
    expect(lines[0]).toMatchObject({
      level: 'info', msg: 'starting relay', dataDir: relay.dataDir, retention: '12h', retentionMs: 12 * 3600_000,
      maxStorageBytes: 500 * 1024 * 1024, mdns: false
    })
    expect(lines.find(l => l.msg === 'ready')).toMatchObject({ peerId: relay.peerId, metrics: relay.ready.metrics })

    // SIGTERM: exit 0, api.json removed, a last log line
    expect(await relay.stop('SIGTERM')).toEqual({ code: 0, signal: null })
    await expect(stat(join(relay.dataDir, 'api.json'))).rejects.toThrow(/ENOENT/)
    expect(logLines(relay.stderr()).map(l => l.msg).slice(-2)).toEqual(['stopping', 'stopped'])
  }, SLOW_TEST_TIMEOUT)

  it('explains bad options (durations, sizes, ports) and exits 2', async () => {
    const dataDir = await makeDataDir()
    const cases: Array<[string[], RegExp]> = [
      [['--retention', '30'], /--retention must be a duration such as 30d, 12h, 90m, 45s or 1h30m \(a number needs a unit\); got "30"/],
      [['--retention', 'forever'], /--retention must be a duration/],
      [['--max-storage', '10 parsecs'], /--max-storage must be a size such as 10GiB, 500MiB, 1GB/],
      [['--max-storage', '0GiB'], /--max-storage must be more than zero bytes/],
      [['--metrics-port', '70000'], /--metrics-port must be a port number/],
      [['--metrics-host', '0.0.0.0'], /--metrics-host needs --metrics-port/]
    ]
    const results = await Promise.all(cases.map(async ([args]) => runKith(['relay', '--data', dataDir, ...args])))
    results.forEach((res, i) => {
      expect(res.code, res.stderr).toBe(2)
      expect(res.stderr).toMatch(cases[i][1])
      expect(res.stdout).toBe('')
    })
    // nothing was started: the folder holds no database
    expect(await readdir(dataDir)).toEqual([])
  })

  it('carries group messages between two daemons that listen on nothing but the relay', async () => {
    const relay = await startRelay()
    const bootstrap = ['--bootstrap', relayAddr(relay)]
    const [a, b] = await Promise.all([
      startDaemon({ listen: ['/p2p-circuit'], args: bootstrap }),
      startDaemon({ listen: ['/p2p-circuit'], args: bootstrap })
    ])
    // A is reachable once its reservation on the relay is up: then the invite carries the relayed address
    const relayedA = await eventually(async () => {
      const { addrs } = await apiCall(a, 'GET', '/v1/id')
      const addr = addrs.find((x: string) => x.includes('/p2p-circuit'))
      expect(addr).toBeDefined()
      return addr as string
    }, 20_000)
    expect(relayedA).toContain(`/p2p/${relay.peerId}/p2p-circuit/p2p/${a.peerId}`)
    // neither daemon has an address of its own
    for (const d of [a, b]) {
      const { addrs } = await d.json(['id'])
      expect(addrs.every((x: string) => x.includes('/p2p-circuit'))).toBe(true)
    }

    const { groupId, invite } = await a.json(['group', 'create', 'Through the relay'])
    expect(await b.json(['group', 'join', invite, '--timeout', '30'], { timeout: 45_000 })).toEqual({ groupId })
    await a.json(['group', 'send', groupId, 'hello from A'])
    await b.json(['group', 'send', groupId, 'hello from B'])
    for (const d of [a, b]) {
      await eventually(async () => {
        expect((await texts(d, groupId)).sort()).toEqual(['hello from A', 'hello from B'])
      }, 20_000)
    }
    // A's message reaches B and is confirmed back
    await eventually(async () => {
      const mine = (await apiCall(a, 'GET', `/v1/groups/${groupId}/messages`)).find((m: any) => m.text === 'hello from A')
      expect(mine.status).toBe('delivered')
    }, 20_000)

    // every connection A and B have goes to the relay or through it
    for (const d of [a, b]) {
      for (const peer of await d.json(['peers'])) {
        for (const addr of peer.addrs) expect(addr).toContain(`/p2p/${relay.peerId}`)
      }
    }
    // the relay held two reservations, carries the group's topic and stored its traffic
    const scrape = (await relay.scrape()).text
    expect(parseMetric(scrape, 'kith_relay_reservations')).toBe(2)
    expect(parseMetric(scrape, 'kith_relay_topics')).toBe(1)
    expect(parseMetric(scrape, 'kith_relay_stored_messages')).toBeGreaterThanOrEqual(2)
    expect(parseMetric(scrape, 'kith_relay_connections')).toBeGreaterThanOrEqual(2)

    await stopCleanly(a, b, relay)
  }, SLOW_TEST_TIMEOUT)

  it('keeps every message it stored through a kill -9, and a member that was away catches up from it', async () => {
    const step = tracer()
    const port = await freePort()
    const listen = [`/ip4/127.0.0.1/tcp/${port}`]
    let relay = await startRelay({ listen })
    const bootstrap = ['--bootstrap', relayAddr(relay)]
    let [a, b] = await Promise.all([startDaemon({ args: bootstrap }), startDaemon({ args: bootstrap })])
    step('relay, A and B started')
    const { groupId, invite } = await apiCall(a, 'POST', '/v1/groups', { name: 'Crash club' })
    await apiCall(b, 'POST', '/v1/groups/join', { invite, timeout: 30_000 })
    await eventually(async () => expect(await relay.metric('kith_relay_topics')).toBe(1), 20_000)
    step('B joined; the relay carries the topic')
    // B holds A's sender key once it has read something from A
    await apiCall(a, 'POST', `/v1/groups/${groupId}/messages`, { text: 'm-start' })
    await eventually(async () => expect(await texts(b, groupId)).toContain('m-start'), 20_000)
    expect((await b.stop()).code).toBe(0)
    const base = await stableMetric(relay, 'kith_relay_stored_messages')
    step(`B stopped; the relay holds ${base}`)

    // A sends 50 messages. The relay is killed (SIGKILL) right after the 21st and comes back after the 36th
    const KILL_AT = 20
    const sent: string[] = []
    let countedAtKill = 0
    let storedAfterCrash = 0
    for (let i = 0; i < 50; i++) {
      const text = `m-${String(i).padStart(2, '0')}`
      await apiCall(a, 'POST', `/v1/groups/${groupId}/messages`, { text })
      sent.push(text)
      if (i === KILL_AT) {
        countedAtKill = (await relay.metric('kith_relay_stored_messages')) ?? 0
        relay.process.kill('SIGKILL')
        expect((await relay.exited).signal).toBe('SIGKILL')
        step(`relay killed after ${text}; it counted ${countedAtKill}`)
      }
      // what the relay left on disk (read offline: a relay started to tell would be found by A's redials at once)
      if (i === KILL_AT + 5) {
        storedAfterCrash = await storedOnDisk(relay.dataDir)
        step(`its folder holds ${storedAfterCrash}`)
      }
      if (i === 35) {
        relay = await startRelay({ dataDir: relay.dataDir, listen })
        step('relay restarted')
      }
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    expect(countedAtKill - base).toBeGreaterThan(KILL_AT / 2)
    // nothing the relay had stored was lost. Its count can differ from the disk by the message in flight at the
    // kill: counted before its write reached the disk, or written after the count was read
    expect(storedAfterCrash).toBeGreaterThanOrEqual(countedAtKill - 2)
    expect(storedAfterCrash).toBeLessThanOrEqual(countedAtKill + 1)
    expect(await relay.metric('kith_relay_stored_messages')).toBeGreaterThanOrEqual(storedAfterCrash)

    // A hands what waited in its outbox to the relay once it is back
    await eventually(async () => {
      const mine = await apiCall(a, 'GET', `/v1/groups/${groupId}/messages`)
      expect(mine.filter((m: any) => m.status === 'pending').map((m: any) => m.text)).toEqual([])
    }, 30_000)
    step('A has nothing pending')
    expect(await stableMetric(relay, 'kith_relay_stored_messages')).toBeGreaterThanOrEqual(storedAfterCrash + 50 - KILL_AT - 3)

    // A goes away too: B comes back with only the relay to talk to and catches up from it alone
    expect((await a.stop()).code).toBe(0)
    b = await startDaemon({ dataDir: b.dataDir, args: bootstrap })
    step('A stopped, B restarted')
    const fromRelay = await eventually(async () => {
      const got = await texts(b, groupId)
      // every message A sent before the crash (but those on their way to the relay when it was killed) and after it
      expect(sent.filter(t => !got.includes(t) && (Number(t.slice(2)) < KILL_AT - 3 || Number(t.slice(2)) > KILL_AT + 1))).toEqual([])
      return got
    }, 30_000)
    // what B misses can only be what was on its way to the relay when it was killed: its sender marked it sent
    // when gossip handed it to the relay, and keeps it for when it meets the other members (see docs/RELAY.md)
    const missing = sent.filter(t => !fromRelay.includes(t))
    step(`B caught up from the relay; it misses ${missing.join(' ') || 'nothing'}`)
    expect(missing.length).toBeLessThanOrEqual(3)
    expect(await relay.metric('kith_relay_history_requests_total')).toBeGreaterThan(0)

    // once A is back and writes again, B notices what it misses and fetches it from A: B has every message, in order
    // (B asks A for history when they connect, too, but that ask is lost when it comes before A's services are up)
    a = await startDaemon({ dataDir: a.dataDir, args: bootstrap })
    await apiCall(b, 'POST', '/v1/peers/connect', { multiaddr: dialAddr(a) })
    await apiCall(a, 'POST', `/v1/groups/${groupId}/messages`, { text: 'm-end' })
    sent.push('m-end')
    step('A restarted, B connected to it, A wrote again')
    await eventually(async () => {
      const got = await texts(b, groupId)
      expect(sent.filter(t => !got.includes(t)), `B still misses these after meeting A (the relay missed ${missing.join(' ')})`).toEqual([])
      expect(got).toEqual(['m-start', ...sent])
    }, 20_000)

    await stopCleanly(a, b, relay)
  }, SLOW_TEST_TIMEOUT)

  it('keeps and logs no plaintext: not the messages, not the group name', async () => {
    const secret = 'secret-plaintext-4b1f'
    const groupName = 'secret-groupname-9c2e'
    const relay = await startRelay()
    const bootstrap = ['--bootstrap', relayAddr(relay)]
    const [a, b] = await Promise.all([startDaemon({ args: bootstrap }), startDaemon({ args: bootstrap })])
    const { groupId, invite } = await a.json(['group', 'create', groupName])
    await b.json(['group', 'join', invite, '--timeout', '30'], { timeout: 45_000 })
    await eventually(async () => expect(await relay.metric('kith_relay_topics')).toBe(1), 20_000)
    for (let i = 0; i < 5; i++) {
      await apiCall(a, 'POST', `/v1/groups/${groupId}/messages`, { text: `${secret} from A #${i}` })
      await apiCall(b, 'POST', `/v1/groups/${groupId}/messages`, { text: `${secret} from B #${i}` })
    }
    await eventually(async () => {
      for (const d of [a, b]) expect((await texts(d, groupId)).filter(t => t.startsWith(secret))).toHaveLength(10)
    }, 20_000)
    await eventually(async () => expect(await relay.metric('kith_relay_stored_messages')).toBeGreaterThanOrEqual(10), 20_000)

    // the method finds the text where it is: the members keep their messages in their own folders
    expect(await filesContaining(a.dataDir, secret)).not.toEqual([])

    // with the relay running and after it stopped (LevelDB has written out everything)
    for (const phase of ['running', 'stopped']) {
      if (phase === 'stopped') expect((await relay.stop()).code).toBe(0)
      expect(await filesContaining(relay.dataDir, secret), phase).toEqual([])
      expect(await filesContaining(relay.dataDir, groupName), phase).toEqual([])
      expect(await filesContaining(relay.dataDir, groupId), phase).toEqual([])
      expect(relay.stderr()).not.toContain(secret)
      expect(relay.stderr()).not.toContain(groupName)
      expect(relay.stdout()).not.toContain(secret)
    }
    expect((await files(relay.dataDir)).length).toBeGreaterThan(0)
    await stopCleanly(a, b)
  }, SLOW_TEST_TIMEOUT)
})
