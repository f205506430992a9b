import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createKithNode, type CreateKithNodeInit, type FullKithNode } from '@kith/node'

type KithNode = FullKithNode

export interface TestNode extends KithNode {
  /** stop and start again on the same data folder */
  restart (): Promise<TestNode>
}

export class TestNet {
  readonly nodes: KithNode[] = []
  private readonly dirs: string[] = []

  async node (init: Partial<CreateKithNodeInit> = {}): Promise<KithNode> {
    const dataDir = init.dataDir ?? await mkdtemp(join(tmpdir(), 'kith-test-'))
    if (init.dataDir == null) this.dirs.push(dataDir)
    const node = await createKithNode({ listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, ...init, dataDir })
    this.nodes.push(node)
    return node
  }

  async restart (node: KithNode): Promise<KithNode> {
    await node.stop()
    this.nodes.splice(this.nodes.indexOf(node), 1)
    return this.node({ dataDir: node.dataDir })
  }

  async stopNode (node: KithNode): Promise<void> {
    await node.stop()
    const i = this.nodes.indexOf(node)
    if (i >= 0) this.nodes.splice(i, 1)
  }

  async connect (a: KithNode, b: KithNode): Promise<void> {
    await a.connect(b.getMultiaddrs()[0])
  }

  async close (): Promise<void> {
    await Promise.allSettled(this.nodes.map(n => n.stop()))
    this.nodes.length = 0
    await Promise.allSettled(this.dirs.map(d => rm(d, { recursive: true, force: true })))
  }
}

/** poll until `check` returns a truthy value; fails with `what` after `timeout` ms */
export async function waitFor<T> (check: () => T | Promise<T>, what: string, timeout = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await check()
      if (value != null && value !== false) return value as NonNullable<T>
    } catch (err) {
      last = err
    }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}${last != null ? `: ${(last as Error).message}` : ''}`)
}

export async function texts (node: KithNode, groupId: string): Promise<string[]> {
  return (await node.groups.messages(groupId)).map(m => m.text)
}

export { createRelayNode } from '@kith/node'
