// The node core: one data folder (LevelDB), one identity, libp2p 3 + helia 7 on top of them, and a list of
// Startable services (the groups service etc.) run after libp2p starts and stopped before it stops.
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { KEEP_ALIVE, TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger, logger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { createHeliaLight } from 'helia'
import { ConnectFailedError, InvalidArgumentError, NotStartedError } from './errors.ts'
import { loadOrCreateIdentity } from './identity.ts'
import { gossipLinks, type GossipLinks, type GossipLinksInit } from './gossip-links.ts'
import { kithLibp2pOptions } from './libp2p-config.ts'
import { openStore } from './store.ts'
import type { KithServices, KithLibp2pConfigInit } from './libp2p-config.ts'
import type { KithStore } from './store.ts'
import type { KithNodeEvents, KithNodeInit, PeerInfo } from './types.ts'
import type { HeliaWithLibp2p } from '@helia/libp2p'
import type { AbortOptions, Ed25519PrivateKey, Libp2p, PeerInfo as Libp2pPeerInfo } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const log = logger('kith:node')

export const DEFAULT_CONNECT_TIMEOUT = 10_000

export interface KithService {
  start (): void | Promise<void>
  stop (): void | Promise<void>
}

export interface KithNodeCoreInit extends KithNodeInit {
  /** mDNS service name; default '_kith._udp.local' (tests use a unique one to stay apart) */
  mdnsServiceTag?: string
  /** custom DHT record validators/selectors, keyed by namespace without slashes (for keys `/ns/...`) */
  dht?: KithLibp2pConfigInit['dht']
  /** run as a circuit relay v2 server (the `kith relay` role) */
  relayServer?: KithLibp2pConfigInit['relayServer']
  /** addresses to advertise instead of the listening ones */
  announce?: string[]
  /** the re-identify of connections gossipsub does not know of (gossip-links.ts); tests shorten its intervals */
  gossipLinks?: GossipLinksInit
}

export type KithHelia = HeliaWithLibp2p<KithServices>

export interface KithNodeCore {
  readonly peerId: string
  /** the data folder, absolute */
  readonly dataDir: string
  /** throws NotStartedError before the first start(): helia creates libp2p when it starts */
  readonly libp2p: Libp2p<KithServices>
  readonly helia: KithHelia
  readonly store: KithStore
  readonly privateKey: Ed25519PrivateKey
  readonly events: TypedEventEmitter<KithNodeEvents>
  readonly now: () => number
  /** re-identifies connections gossipsub missed (gossip-links.ts); its stats say how often */
  readonly gossipLinks: Pick<GossipLinks, 'stats'>
  readonly isStarted: boolean
  /** while stop() runs: what it waits for now (a service by name, helia and libp2p, the store) */
  readonly stopStage: string | undefined
  getMultiaddrs (): string[]
  /** connected peers with the remote addresses of their open connections */
  peers (): PeerInfo[]
  /** dial a multiaddr (normally with /p2p/ID); default timeout 10 s when no signal is given */
  connect (multiaddr: string, options?: AbortOptions): Promise<PeerInfo>
  /**
   * Register a service: started after libp2p, stopped before it, in reverse order. On a running node it is started
   * now (the promise settles then); otherwise on the next start(). Do not await it inside another service's start().
   */
  addService (service: KithService): Promise<void>
  addEventListener<K extends keyof KithNodeEvents> (type: K, listener: (evt: KithNodeEvents[K]) => void): void
  removeEventListener<K extends keyof KithNodeEvents> (type: K, listener: (evt: KithNodeEvents[K]) => void): void
  /** (re)opens the store if stop() closed it, starts helia (and libp2p), then the services; idempotent */
  start (): Promise<void>
  /** stops the services (reverse order), helia (which stops libp2p), then closes the store; idempotent */
  stop (): Promise<void>
}

type Status = 'stopped' | 'starting' | 'started' | 'stopping'

class KithNodeCoreImpl implements KithNodeCore {
  readonly peerId: string
  readonly dataDir: string
  readonly helia: KithHelia
  readonly store: KithStore
  readonly privateKey: Ed25519PrivateKey
  readonly events = new TypedEventEmitter<KithNodeEvents>()
  readonly now: () => number
  readonly gossipLinks: GossipLinks

  readonly #bootstrap: Multiaddr[]
  readonly #services: KithService[] = []
  #running: KithService[] = []
  #status: Status = 'stopped'
  /** what a stop in progress waits for: named when a stop takes too long (a service may say more, see stopStage) */
  #stopStage?: () => string
  #lifecycle: Promise<void> = Promise.resolve()
  #libp2p?: Libp2p<KithServices>
  /** aborted on stop: cancels background dials of the current run */
  #run?: AbortController
  readonly #dialing = new Set<string>()
  /** peers mDNS heard while we were starting, dialed once started */
  readonly #heardWhileStarting = new Map<string, Libp2pPeerInfo>()

  constructor (init: KithNodeCoreInit, store: KithStore, privateKey: Ed25519PrivateKey) {
    this.store = store
    this.dataDir = store.dir
    this.privateKey = privateKey
    this.now = init.now ?? Date.now
    this.#bootstrap = (init.bootstrap ?? []).map(parseMultiaddr)

    const libp2pOptions = kithLibp2pOptions({
      privateKey,
      datastore: store.libp2pDatastore,
      listen: init.listen,
      bootstrap: init.bootstrap,
      mdns: init.mdns,
      mdnsServiceTag: init.mdnsServiceTag,
      dht: init.dht,
      relayServer: init.relayServer,
      announce: init.announce,
      onMdnsPeer: (peer) => { this.#onMdnsPeer(peer) }
    })
    // createHelia() would add its own libp2p defaults (autoTLS, UPnP, delegated routing) and HTTP gateways:
    // compose the light helia with our libp2p config and bitswap instead
    const helia = createHeliaLight({ datastore: store.heliaDatastore, blockstore: store.blockstore })
    this.helia = withBitswap(withLibp2pLight(helia, libp2pOptions))
    this.peerId = peerIdFromPrivateKey(privateKey).toString()
    const libp2p = (): Libp2p<KithServices> => this.libp2p
    this.gossipLinks = gossipLinks(init.gossipLinks)({ get libp2p () { return libp2p() }, logger: defaultLogger() })
    this.#services.push(this.gossipLinks)
  }

  get stopStage (): string | undefined {
    return this.#stopStage?.()
  }

  get libp2p (): Libp2p<KithServices> {
    if (this.#libp2p == null) {
      throw new NotStartedError('the node has not been started yet, so libp2p does not exist')
    }
    return this.#libp2p
  }

  get isStarted (): boolean {
    return this.#status === 'started'
  }

  getMultiaddrs (): string[] {
    if (this.#status !== 'started' || this.#libp2p == null) return []
    return this.#libp2p.getMultiaddrs().map(ma => ma.toString())
  }

  peers (): PeerInfo[] {
    if (this.#status !== 'started' || this.#libp2p == null) return []
    const byPeer = new Map<string, string[]>()
    for (const conn of this.#libp2p.getConnections()) {
      if (conn.status !== 'open') continue
      const id = conn.remotePeer.toString()
      const addrs = byPeer.get(id) ?? []
      addrs.push(conn.remoteAddr.toString())
      byPeer.set(id, addrs)
    }
    return [...byPeer].map(([peerId, addrs]) => ({ peerId, addrs }))
  }

  async connect (addr: string, options: AbortOptions = {}): Promise<PeerInfo> {
    const ma = parseMultiaddr(addr)
    const libp2p = this.#libp2p
    const run = this.#run
    if (this.#status !== 'started' || libp2p == null || run == null) {
      throw new NotStartedError('the node is not started')
    }
    const signal = AbortSignal.any([options.signal ?? AbortSignal.timeout(DEFAULT_CONNECT_TIMEOUT), run.signal])
    try {
      const conn = await libp2p.dial(ma, { signal })
      const peerId = conn.remotePeer.toString()
      return this.peers().find(p => p.peerId === peerId) ?? { peerId, addrs: [conn.remoteAddr.toString()] }
    } catch (err: any) {
      const reason = signal.aborted && options.signal?.aborted !== true && !run.signal.aborted
        ? `timed out after ${DEFAULT_CONNECT_TIMEOUT} ms`
        : String(err?.message ?? err)
      const e = new ConnectFailedError(`could not connect to ${addr}: ${reason}`)
      e.cause = err
      throw e
    }
  }

  async addService (service: KithService): Promise<void> {
    this.#services.push(service)
    // while starting, the start loop picks it up; while stopped, the next start does
    if (this.#status === 'starting' || this.#status === 'stopped') return
    await this.#queue(async () => {
      if (this.#status === 'started' && !this.#running.includes(service) && this.#services.includes(service)) {
        await service.start()
        this.#running.push(service)
      }
    })
  }

  addEventListener<K extends keyof KithNodeEvents> (type: K, listener: (evt: KithNodeEvents[K]) => void): void {
    this.events.addEventListener(type, listener)
  }

  removeEventListener<K extends keyof KithNodeEvents> (type: K, listener: (evt: KithNodeEvents[K]) => void): void {
    this.events.removeEventListener(type, listener)
  }

  async start (): Promise<void> {
    await this.#queue(async () => {
      if (this.#status === 'started') return
      this.#status = 'starting'
      const run = new AbortController()
      this.#run = run
      try {
        await this.store.open()
        await this.helia.start()
        if (this.#libp2p == null) {
          this.#libp2p = this.helia.libp2p
          this.#wire(this.#libp2p)
        }
        this.#dialBootstrap(this.#libp2p, run.signal)
        // a for-of over the live array also starts services added while we are starting
        for (const service of this.#services) {
          await service.start()
          this.#running.push(service)
        }
        this.#status = 'started'
        log('started %s', this.peerId)
        for (const peer of this.#heardWhileStarting.values()) this.#dialDiscovered(this.#libp2p, peer)
        this.#heardWhileStarting.clear()
      } catch (err) {
        log.error('start failed - %e', err)
        this.#heardWhileStarting.clear()
        await this.#teardown().catch(() => {})
        this.#status = 'stopped'
        throw err
      }
    })
  }

  async stop (): Promise<void> {
    await this.#queue(async () => {
      if (this.#status === 'stopped') return
      this.#status = 'stopping'
      try {
        await this.#teardown()
      } finally {
        this.#status = 'stopped'
        log('stopped %s', this.peerId)
      }
    })
  }

  /** stops everything that runs, always closing the store; throws the first error after cleaning up */
  async #teardown (): Promise<void> {
    let firstError: unknown
    this.#run?.abort()
    for (const service of [...this.#running].reverse()) {
      const name = (service as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] ?? service.constructor.name
      this.#stopStage = () => {
        const inner = (service as { stopStage?: string }).stopStage
        return `service ${name}${inner != null ? `, waiting for ${inner}` : ''}`
      }
      try {
        await service.stop()
      } catch (err) {
        log.error('a service failed to stop - %e', err)
        firstError ??= err
      }
    }
    this.#running = []
    this.#stopStage = () => 'helia and libp2p'
    try {
      await this.helia.stop()
    } catch (err) {
      log.error('helia failed to stop - %e', err)
      firstError ??= err
    }
    this.#stopStage = () => 'the store'
    try {
      await this.store.close()
    } catch (err) {
      log.error('the store failed to close - %e', err)
      firstError ??= err
    }
    this.#stopStage = undefined
    if (firstError != null) throw firstError
  }

  /** start/stop/addService run one at a time */
  async #queue (fn: () => Promise<void>): Promise<void> {
    const next = this.#lifecycle.then(fn, fn)
    this.#lifecycle = next.catch(() => {})
    return next
  }

  /** libp2p lives across restarts (helia keeps it), so its listeners are attached once */
  #wire (libp2p: Libp2p<KithServices>): void {
    libp2p.addEventListener('peer:connect', (evt) => {
      this.events.safeDispatchEvent('peer:connected', { detail: { peerId: evt.detail.toString() } })
    })
    libp2p.addEventListener('peer:disconnect', (evt) => {
      this.events.safeDispatchEvent('peer:disconnected', { detail: { peerId: evt.detail.toString() } })
    })
  }

  /**
   * mDNS finds peers but does not dial. libp2p's own 'peer:discovery' fires only for peers new to the (persistent)
   * peer store, so the mDNS service reports every peer it hears here, even while libp2p is still starting
   */
  #onMdnsPeer (peer: Libp2pPeerInfo): void {
    if (this.#status === 'starting') {
      this.#heardWhileStarting.set(peer.id.toString(), peer)
    } else if (this.#status === 'started' && this.#libp2p != null) {
      this.#dialDiscovered(this.#libp2p, peer)
    }
  }

  #dialDiscovered (libp2p: Libp2p<KithServices>, peer: Libp2pPeerInfo): void {
    const run = this.#run
    const id = peer.id.toString()
    if (this.#status !== 'started' || run == null || run.signal.aborted) return
    if (id === this.peerId || this.#dialing.has(id) || libp2p.getConnections(peer.id).length > 0) return
    this.#dialing.add(id)
    const signal = AbortSignal.any([run.signal, AbortSignal.timeout(DEFAULT_CONNECT_TIMEOUT)])
    void (async () => {
      try {
        await libp2p.peerStore.merge(peer.id, { multiaddrs: peer.multiaddrs }, { signal })
        await libp2p.dial(peer.id, { signal })
        log('dialed discovered peer %s', id)
      } catch (err) {
        log('could not dial discovered peer %s - %e', id, err)
      } finally {
        this.#dialing.delete(id)
      }
    })()
  }

  /** bootstrap peers are dialed at every start (in the background) and tagged keep-alive so libp2p redials them */
  #dialBootstrap (libp2p: Libp2p<KithServices>, runSignal: AbortSignal): void {
    for (const ma of this.#bootstrap) {
      const signal = AbortSignal.any([runSignal, AbortSignal.timeout(DEFAULT_CONNECT_TIMEOUT)])
      void (async () => {
        try {
          const conn = await libp2p.dial(ma, { signal })
          await libp2p.peerStore.merge(conn.remotePeer, { tags: { [KEEP_ALIVE]: { value: 1 } } }, { signal })
          log('connected to bootstrap peer %a', ma)
        } catch (err) {
          log('could not dial bootstrap peer %a - %e', ma, err)
        }
      })()
    }
  }
}

function parseMultiaddr (addr: string): Multiaddr {
  if (typeof addr !== 'string' || addr.length === 0) {
    throw new InvalidArgumentError('a multiaddr string is required')
  }
  try {
    return multiaddr(addr)
  } catch (err: any) {
    throw new InvalidArgumentError(`invalid multiaddr "${addr}": ${String(err?.message ?? err)}`)
  }
}


/**
 * Opens (or creates) the data folder, loads (or makes) the identity, composes libp2p + helia on it and, unless
 * `init.start === false`, starts the node. Throws DataFolderLockedError when another process holds the folder.
 */
export async function createKithNode (init: KithNodeCoreInit): Promise<KithNodeCore> {
  if (init == null || typeof init.dataDir !== 'string' || init.dataDir.length === 0) {
    throw new InvalidArgumentError('dataDir is required')
  }
  const store = await openStore(init.dataDir)
  try {
    const privateKey = await loadOrCreateIdentity(store)
    const core = new KithNodeCoreImpl(init, store, privateKey)
    if (init.start !== false) {
      await core.start()
    }
    return core
  } catch (err) {
    // start() already tore down on failure; make sure the folder is unlocked whatever failed
    await store.close().catch(() => {})
    throw err
  }
}
