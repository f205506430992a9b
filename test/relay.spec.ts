import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRelayNode, type RelayNode } from '@kith/node'
import { TestNet, texts, waitFor } from './helpers/nodes.js'

describe('relay: store-and-forward', () => {
  const net = new TestNet()
  const relays: RelayNode[] = []
  const dirs: string[] = []
  afterEach(async () => {
    await net.close()
    await Promise.allSettled(relays.map(r => r.stop()))
    relays.length = 0
    await Promise.allSettled(dirs.map(d => rm(d, { recursive: true, force: true })))
  })

  async function startRelay (dataDir?: string): Promise<RelayNode> {
    const dir = dataDir ?? await mkdtemp(join(tmpdir(), 'kith-relay-'))
    if (dataDir == null) dirs.push(dir)
    const relay = await createRelayNode({ dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    relays.push(relay)
    return relay
  }

  it('delivers to a member that was offline while no other member was online', async () => {
    const relay = await startRelay()
    const relayAddr = relay.getMultiaddrs()[0]
    const alice = await net.node({ bootstrap: [relayAddr] })
    let bob = await net.node({ bootstrap: [relayAddr] })
    await net.connect(bob, alice)
    const { groupId, invite } = await alice.groups.create('offline')
    await bob.groups.join(invite)
    await waitFor(() => relay.relay.topics().length === 1, 'relay carries the topic')
    await alice.groups.send(groupId, 'm0')
    await waitFor(async () => (await texts(bob, groupId)).includes('m0'), 'bob reads m0')

    await net.stopNode(bob)
    for (let i = 1; i <= 5; i++) await alice.groups.send(groupId, `m${i}`)
    await waitFor(async () => (await alice.groups.messages(groupId)).every(m => m.status !== 'pending'), 'alice sent to the relay')
    await waitFor(() => relay.relay.stats().storedMessages >= 6, 'relay stored them')
    await net.stopNode(alice)

    bob = await net.node({ dataDir: bob.dataDir, bootstrap: [relayAddr] })
    await waitFor(async () => (await texts(bob, groupId)).length === 6, 'bob catches up from the relay alone', 30_000)
    expect(await texts(bob, groupId)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5'])
  })
})
