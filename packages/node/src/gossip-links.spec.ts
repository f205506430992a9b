import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createKithNode } from './create-node.ts'
import type { KithNodeCore } from './create-node.ts'
import type { Message } from '@libp2p/gossipsub'
import type { Startable } from '@libp2p/interface'

/** the identify service is Startable, though its public type does not say so */
const identifyOf = (n: KithNodeCore): Startable => n.libp2p.services.identify as unknown as Startable

async function waitFor (cond: () => boolean, what: string, timeout = 5_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

describe('GossipLinks', () => {
  const nodes: KithNodeCore[] = []
  const dirs: string[] = []

  afterEach(async () => {
    await Promise.allSettled(nodes.splice(0).map(async n => n.stop()))
    await Promise.allSettled(dirs.splice(0).map(async d => rm(d, { recursive: true, force: true })))
  })

  async function node (): Promise<KithNodeCore> {
    const dataDir = await mkdtemp(join(tmpdir(), 'kith-links-'))
    dirs.push(dataDir)
    const n = await createKithNode({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, gossipLinks: { checkIntervalMs: 100, minAgeMs: 200 } })
    nodes.push(n)
    return n
  }

  it('identifies again a connection whose identify failed on both ends, so gossip flows over it', async () => {
    const [a, b] = [await node(), await node()]
    const known = (x: KithNodeCore, y: KithNodeCore): boolean => x.libp2p.services.pubsub.getPeers().some(p => p.toString() === y.peerId)
    // both ends' identify fails when the connection opens (what a 5 s timeout on a loaded node does)
    await identifyOf(a).stop()
    await identifyOf(b).stop()
    await a.connect(b.getMultiaddrs()[0])
    await new Promise(resolve => setTimeout(resolve, 100))
    expect(known(a, b) || known(b, a)).toBe(false)
    await identifyOf(a).start()
    await identifyOf(b).start()

    await waitFor(() => known(a, b) && known(b, a), 'gossipsub on both ends to know the other')
    const topic = 'kith-test-links'
    b.libp2p.services.pubsub.subscribe(topic)
    const got = new Promise<string>(resolve => {
      b.libp2p.services.pubsub.addEventListener('message', (evt: CustomEvent<Message>) => { resolve(new TextDecoder().decode(evt.detail.data)) })
    })
    await waitFor(() => a.libp2p.services.pubsub.getSubscribers(topic).some(p => p.toString() === b.peerId), 'a to see b\'s subscription')
    await a.libp2p.services.pubsub.publish(topic, new TextEncoder().encode('over the repaired link'))
    expect(await got).toBe('over the repaired link')
  })
})
