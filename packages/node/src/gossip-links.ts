import type { AbortOptions, ComponentLogger, Connection, Logger, PeerId, PeerStore, Startable } from '@libp2p/interface'

/** gossipsub's protocols all start so (/meshsub/1.0.0 … 1.3.0, /floodsub/1.0.0 is not one Kith speaks) */
const GOSSIP_PROTOCOL_PREFIX = '/meshsub/'
/** the peer store metadata key identify writes the remote's agent version under */
const AGENT_VERSION = 'AgentVersion'

export interface GossipLinksInit {
  /** how often open connections are looked over; default 10 s */
  checkIntervalMs?: number
  /** a connection younger than this is left to the identify libp2p runs on open; default 10 s (its timeout is 5 s) */
  minAgeMs?: number
  /** identify runs on one connection at most this many times, each wait twice the one before; default 5 */
  maxAttempts?: number
  /** one identify's timeout; default 15 s */
  identifyTimeoutMs?: number
}

export interface GossipLinksComponents {
  libp2p: {
    getConnections: () => Connection[]
    peerStore: Pick<PeerStore, 'get'>
    services: {
      identify: { identify: (connection: Connection, options?: { signal?: AbortSignal }) => Promise<unknown> }
      pubsub: { getPeers: () => PeerId[] }
    }
  }
  logger: ComponentLogger
}

/**
 * libp2p tells gossipsub of a peer only when identify completes on a connection to it. When identify fails on both
 * ends (it gives up after 5 s; seen on a node carrying ~100 peers while dials and DHT queries kept its event loop
 * busy), the connection stays open, neither gossipsub ever learns of the other, and each side's publishes skip the
 * other for good: in the communities benchmark the announcer missed 1 in 10 members of some groups this way.
 * GossipLinks looks over the open connections now and then and runs identify again on one whose peer speaks
 * gossipsub (or has never been identified) but that gossipsub does not know; a success reaches gossipsub the usual
 * way (peer:identify, then its topology's onConnect).
 */
export class GossipLinks implements Startable {
  private readonly log: Logger
  private readonly checkIntervalMs: number
  private readonly minAgeMs: number
  private readonly maxAttempts: number
  private readonly identifyTimeoutMs: number
  private readonly attempts = new WeakMap<Connection, { count: number, nextAt: number }>()
  private readonly running = new WeakSet<Connection>()
  private timer?: ReturnType<typeof setInterval>
  /** what the repairs did since start: for logs, benchmarks and tests */
  readonly stats = { identified: 0, failed: 0 }
  private stopping = new AbortController()

  constructor (private readonly components: GossipLinksComponents, init: GossipLinksInit = {}) {
    this.log = components.logger.forComponent('kith:gossip-links')
    this.checkIntervalMs = init.checkIntervalMs ?? 10_000
    this.minAgeMs = init.minAgeMs ?? 10_000
    this.maxAttempts = init.maxAttempts ?? 5
    this.identifyTimeoutMs = init.identifyTimeoutMs ?? 15_000
  }

  start (): void {
    this.stopping = new AbortController()
    this.timer = setInterval(() => {
      this.check().catch(err => { this.log.error('check failed: %s', (err as Error).message) })
    }, this.checkIntervalMs)
    this.timer.unref?.()
  }

  stop (): void {
    clearInterval(this.timer)
    this.stopping.abort()
  }

  /** one look over the open connections; resolves when the identifies it started are over */
  async check (options?: AbortOptions): Promise<void> {
    const { libp2p } = this.components
    const known = new Set(libp2p.services.pubsub.getPeers().map(p => p.toString()))
    const now = Date.now()
    const work: Array<Promise<void>> = []
    for (const conn of libp2p.getConnections()) {
      if (conn.status !== 'open' || known.has(conn.remotePeer.toString()) || this.running.has(conn)) continue
      if (now - conn.timeline.open < this.minAgeMs) continue
      const tried = this.attempts.get(conn)
      if (tried != null && (tried.count >= this.maxAttempts || now < tried.nextAt)) continue
      work.push(this.reidentify(conn, (tried?.count ?? 0) + 1, options))
    }
    await Promise.all(work)
  }

  private async reidentify (conn: Connection, attempt: number, options?: AbortOptions): Promise<void> {
    // a peer identify has answered before (it stores the agent version) without gossipsub is nothing to repair. The
    // protocol list alone says nothing: libp2p adds every protocol a peer opened a stream with, identify included
    const peer = await this.components.libp2p.peerStore.get(conn.remotePeer).catch(() => undefined)
    if (peer?.metadata.has(AGENT_VERSION) === true && !peer.protocols.some(p => p.startsWith(GOSSIP_PROTOCOL_PREFIX))) {
      // not looked at again while this connection lasts: a relay may hold many such peers
      this.attempts.set(conn, { count: this.maxAttempts, nextAt: Infinity })
      return
    }
    this.running.add(conn)
    try {
      await this.components.libp2p.services.identify.identify(conn, { signal: AbortSignal.any([AbortSignal.timeout(this.identifyTimeoutMs), this.stopping.signal, ...(options?.signal != null ? [options.signal] : [])]) })
      this.stats.identified++
      this.log('gossipsub did not know %p, connected since %s: identified it again', conn.remotePeer, new Date(conn.timeline.open).toISOString())
    } catch (err) {
      this.stats.failed++
      this.log('identify of %p again (attempt %d of %d) failed: %s', conn.remotePeer, attempt, this.maxAttempts, (err as Error).message)
    } finally {
      // a loaded node may fail again soon after: the next try waits twice as long as this one did
      this.attempts.set(conn, { count: attempt, nextAt: Date.now() + this.minAgeMs * 2 ** (attempt - 1) })
      this.running.delete(conn)
    }
  }
}

export function gossipLinks (init: GossipLinksInit = {}): (components: GossipLinksComponents) => GossipLinks {
  return (components) => new GossipLinks(components, init)
}
