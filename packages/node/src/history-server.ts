import { decodeHistoryRequest, HistoryPage, MAX_HISTORY_PAGE_MESSAGES, type HistoryRequest } from '@kith/protocol'
import { serveFrames } from './stream-rpc.js'
import type { ComponentLogger, Connection, Libp2p, Logger, Startable, Stream } from '@libp2p/interface'

export const HISTORY_PROTOCOL = '/kith/history/1.0.0'

export interface HistoryPageResult { messages: Uint8Array[], cursor: string }

/** answers a page for the topics it owns; undefined when the topic is not its own */
export type HistoryPager = (request: HistoryRequest & { limit: number }, remotePeer: string) => Promise<HistoryPageResult | undefined>

export interface HistoryServerComponents {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle'>
  logger: ComponentLogger
}

/**
 * One handler for /kith/history/1.0.0 on a daemon: groups and channels each register a pager for their own
 * topics, so a peer asks one protocol for any topic it carries.
 */
export class HistoryServer implements Startable {
  private readonly pagers: HistoryPager[] = []
  private readonly log: Logger

  constructor (private readonly components: HistoryServerComponents, private readonly timeout = 10_000) {
    this.log = components.logger.forComponent('kith:history')
  }

  register (pager: HistoryPager): void {
    this.pagers.push(pager)
  }

  async start (): Promise<void> {
    await this.components.libp2p.handle(HISTORY_PROTOCOL, (stream, conn) => { void this.onStream(stream, conn) }, { runOnLimitedConnection: true, maxInboundStreams: 64 })
  }

  async stop (): Promise<void> {
    await this.components.libp2p.unhandle(HISTORY_PROTOCOL)
  }

  private async onStream (stream: Stream, connection: Connection): Promise<void> {
    const remotePeer = connection.remotePeer.toString()
    try {
      await serveFrames(stream, 1024, async function * (this: HistoryServer, bytes: Uint8Array) {
        const request = decodeHistoryRequest(bytes)
        const limit = Math.min(Math.max(1, request.limit), MAX_HISTORY_PAGE_MESSAGES)
        for (const pager of this.pagers) {
          const page = await pager({ ...request, limit }, remotePeer)
          if (page != null) {
            yield HistoryPage.encode(page)
            return
          }
        }
        yield HistoryPage.encode({ messages: [], cursor: '' })
      }.bind(this), AbortSignal.timeout(this.timeout))
    } catch (err) {
      this.log('history request from %s failed: %s', remotePeer, (err as Error).message)
      stream.abort(err as Error)
    }
  }
}
