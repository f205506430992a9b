// Helpers for `npm run bench -- relay`: GroupWire-shaped payloads, the peers around a hub (plain libp2p + gossipsub,
// configured as Kith configures gossipsub), a hub in its own process (bench/lib/relay-hub.ts), filling a relay's
// store directly, and paging a relay's history over /kith/history/1.0.0.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  decodeHistoryPage, decodeRegistrationResponse, HistoryRequest, identityFromSeed, MAX_HISTORY_PAGE_BYTES, MAX_WIRE_BYTES,
  signTopicRegistration
} from '@kith/protocol'
import { openStore } from '@kith/node'
import { CipherBody, GroupWire, Signed } from '../../packages/protocol/src/proto/kith.js'
import { requestFrames } from '../../packages/node/src/stream-rpc.js'
import { RelayStore } from '../../packages/node/src/relay/relay-store.js'
import type { AppDb, BatchOp } from '../../packages/node/src/groups/group-store.js'
import { makePayload, readPayload } from './group-measure.js'
import { createPeer, type Peer } from './relay-peer.js'

export { createPeer, type Peer }

export const RELAY_REGISTER_PROTOCOL = '/kith/relay/register/1.0.0'
export const HISTORY_PROTOCOL = '/kith/history/1.0.0'

// ------------------------------------------------------------------------------------------------ payloads

export interface WireSender {
  epoch: Uint8Array
  senderKeyId: Uint8Array
  signature: Uint8Array
}

export function wireSender (): WireSender {
  return { epoch: new Uint8Array(randomBytes(32)), senderKeyId: new Uint8Array(randomBytes(16)), signature: new Uint8Array(randomBytes(64)) }
}

/**
 * A GroupWire `cipher` exactly as a Kith member sends it (Signed CipherBody with a 32-byte epoch, 16-byte key id,
 * 64-byte signature), whose ciphertext is a bench payload (nonce, send time, filler). A relay checks the shape only,
 * so it handles it like any group message; it is `payloadBytes` of ciphertext plus ~130 bytes of framing.
 */
export function groupWirePayload (from: WireSender, nonce: number, payloadBytes: number, sentAt?: number): Uint8Array {
  const body = CipherBody.encode({ epoch: from.epoch, senderKeyId: from.senderKeyId, iteration: nonce % 2 ** 32, ciphertext: makePayload(nonce, payloadBytes, sentAt) })
  return GroupWire.encode({ cipher: Signed.encode({ body, signature: from.signature }) })
}

export function readGroupWirePayload (data: Uint8Array): { nonce: number, sentAt: number } | undefined {
  try {
    const wire = GroupWire.decode(data)
    if (wire.cipher == null) return undefined
    return readPayload(CipherBody.decode(Signed.decode(wire.cipher).body).ciphertext)
  } catch {
    return undefined
  }
}

// ------------------------------------------------------------------------------------------------ peers

/** a peer whose key we hold, so it can sign a topic registration for a relay */
export async function createSigningPeer (): Promise<{ peer: Peer, sign: (topics: string[]) => Uint8Array }> {
  const privateKey = await generateKeyPair('Ed25519')
  const peer = await createPeer(privateKey)
  const identity = identityFromSeed(privateKey.raw)
  return { peer, sign: (topics) => signTopicRegistration(identity, topics, Date.now()) }
}

/** ask the relay to carry `topics`; throws unless all are accepted */
export async function registerTopics (from: { peer: Peer, sign: (topics: string[]) => Uint8Array }, relayPeerId: string, topics: string[]): Promise<void> {
  const signal = AbortSignal.timeout(10_000)
  const stream = await from.peer.dialProtocol(peerIdFromString(relayPeerId), RELAY_REGISTER_PROTOCOL, { signal })
  const [frame] = await requestFrames(stream, from.sign(topics), { maxFrameBytes: 512 * 1024, maxFrames: 1 }, signal)
  const response = decodeRegistrationResponse(frame ?? new Uint8Array(0))
  if (response.accepted.length !== topics.length) throw new Error(`relay accepted ${response.accepted.length} of ${topics.length} topics: ${response.error}`)
}

/** a returning peer's catch-up: every page of `topic` from `since`, pages of `limit` (500 as a daemon asks) */
export async function pageHistory (from: Peer, relayPeerId: string, topic: string, limit = 500, since = 0): Promise<{ messages: Uint8Array[], pages: number }> {
  const messages: Uint8Array[] = []
  let cursor = ''
  let pages = 0
  for (;;) {
    const signal = AbortSignal.timeout(10_000)
    const stream = await from.dialProtocol(peerIdFromString(relayPeerId), HISTORY_PROTOCOL, { signal })
    const [frame] = await requestFrames(stream, HistoryRequest.encode({ topic, since: BigInt(since), cursor, limit }), { maxFrameBytes: MAX_HISTORY_PAGE_BYTES + MAX_WIRE_BYTES, maxFrames: 1 }, signal)
    if (frame == null) throw new Error('no history page')
    const page = decodeHistoryPage(frame)
    pages++
    messages.push(...page.messages)
    cursor = page.cursor
    if (cursor === '' || page.messages.length === 0) return { messages, pages }
  }
}

// ------------------------------------------------------------------------------------------------ a relay's store

/** the relay's own store (packages/node/src/relay/relay-store.ts) on a data folder no process holds */
export async function withRelayStore<T> (dataDir: string, fn: (store: RelayStore, db: AppDb) => Promise<T>): Promise<T> {
  const kithStore = await openStore(dataDir)
  const app = kithStore.app
  const db: AppDb = {
    get: async (key) => (await app.get(key)) ?? undefined,
    put: async (key, value) => { await app.put(key, value) },
    del: async (key) => { await app.del(key) },
    batch: async (ops: BatchOp[]) => { await app.batch(ops as any) },
    iterator: (options) => app.iterator(options as any) as any
  }
  try {
    const store = new RelayStore(db)
    await store.load()
    return await fn(store, db)
  } finally {
    await kithStore.close()
  }
}

// ------------------------------------------------------------------------------------------------ a hub in its own process

const HUB_SCRIPT = fileURLToPath(new URL('./relay-hub.ts', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export type HubMode = 'kith' | 'raw' | 'bare'

export interface HubConfig {
  /** kith: createRelayNode's `relay` options (RelayInit) */
  relay?: Record<string, unknown>
  /** raw: topics to subscribe to */
  topics?: string[]
}

export interface Hub {
  peerId: string
  addr: string
  /** ms from spawn to the ready line */
  readyMs: number
  /** the child's own timing of its start (createRelayNode / createLibp2p), ms */
  startMs: number
  pid: number
  /** sends one command line, resolves with the child's JSON answer */
  request: (command: string) => Promise<any>
  stop: () => Promise<void>
}

/**
 * Spawns `node --expose-gc --import tsx bench/lib/relay-hub.ts MODE DATADIR CONFIG`: a Kith relay (createRelayNode), a
 * raw libp2p + gossipsub hub, or a bare libp2p node, alone in its process. Commands on stdin, JSON answers on stdout.
 */
export async function spawnHub (mode: HubMode, dataDir: string, config: HubConfig = {}, readyTimeoutMs = 120_000): Promise<Hub> {
  const t0 = performance.now()
  // KITH_BENCH_HUB_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) goes to the hub's node: to profile the hub alone
  const extra = (process.env.KITH_BENCH_HUB_NODE_ARGS ?? '').split(/\s+/).filter(a => a !== '')
  const child: ChildProcess = spawn(process.execPath, [...extra, '--expose-gc', '--import', 'tsx', HUB_SCRIPT, mode, dataDir, JSON.stringify(config)], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' }
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (s: string) => { stderr = (stderr + s).slice(-4000) })
  const lines = createInterface({ input: child.stdout! })
  const waiting: Array<{ resolve: (v: any) => void, reject: (e: Error) => void }> = []
  let ready: ((v: any) => void) | undefined
  const exited = new Promise<void>(resolve => { child.once('exit', () => { resolve() }) })
  child.once('exit', (code) => {
    const err = new Error(`hub (${mode}) exited with ${String(code)}; stderr: ${stderr}`)
    for (const w of waiting.splice(0)) w.reject(err)
  })
  lines.on('line', (line) => {
    let msg: any
    try { msg = JSON.parse(line) } catch { return }
    if (msg.event === 'ready') ready?.(msg)
    else waiting.shift()?.resolve(msg)
  })
  const hello = await new Promise<any>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`hub (${mode}) not ready after ${readyTimeoutMs} ms; stderr: ${stderr}`)) }, readyTimeoutMs)
    ready = (v) => { clearTimeout(timer); resolve(v) }
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`hub (${mode}) exited with ${String(code)} before ready; stderr: ${stderr}`)) })
  })
  const request = async (command: string): Promise<any> => await new Promise((resolve, reject) => {
    waiting.push({ resolve, reject })
    child.stdin!.write(command + '\n')
  })
  return {
    peerId: hello.peerId,
    addr: hello.addr,
    readyMs: performance.now() - t0,
    startMs: hello.startMs,
    pid: child.pid as number,
    request,
    stop: async () => {
      if (child.exitCode != null || child.signalCode != null) return
      child.stdin!.write('stop\n')
      const kill = setTimeout(() => { child.kill('SIGKILL') }, 15_000)
      await exited
      clearTimeout(kill)
    }
  }
}
