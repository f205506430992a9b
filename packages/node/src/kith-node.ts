import { defaultLogger } from '@libp2p/logger'
import { createKithNode as createKithNodeCore, type KithNodeCore, type KithNodeCoreInit } from './create-node.ts'
import { groups, type GroupsInit, type GroupsService } from './groups/index.js'
import { relay, type RelayInit, type RelayService } from './relay/index.js'
import { HistoryServer } from './history-server.js'
import { channelDirectoryDht, channels, type ChannelsInit, type ChannelsService } from './channels/index.js'
import { communities, type CommunitiesInit, type CommunitiesService } from './communities/index.js'
import type { AppDb } from './groups/group-store.js'
import type { KithNode } from './types.ts'

export interface CreateKithNodeInit extends KithNodeCoreInit {
  groups?: GroupsInit
  channels?: ChannelsInit
  communities?: CommunitiesInit
}

/** every Kith node validates (and helps hold, merging keyword records) the channel directory's DHT records */
const directory = channelDirectoryDht()

export interface FullKithNode extends KithNode, Omit<KithNodeCore, 'addEventListener' | 'removeEventListener'> {
  readonly groups: GroupsService
  readonly channels: ChannelsService
  readonly communities: CommunitiesService
}

/**
 * The store is reopened on every start, so services reach it through the node rather than holding one handle.
 */
function appDb (core: KithNodeCore): AppDb {
  return {
    get: async (key) => (await core.store.app.get(key)) ?? undefined,
    put: async (key, value) => { await core.store.app.put(key, value) },
    del: async (key) => { await core.store.app.del(key) },
    // sync: a relay acknowledges a store only once LevelDB has fsynced it
    batch: async (ops, options) => { await core.store.app.batch(ops as any, options as any) },
    iterator: (options) => core.store.app.iterator(options as any) as any
  }
}

/** a libp2p + helia node on one data folder, with Kith's services (groups) on top */
export async function createKithNode (init: CreateKithNodeInit): Promise<FullKithNode> {
  const core = await createKithNodeCore({ dht: directory.dht, ...init, start: false })
  directory.install(core.store.libp2pDatastore)
  const history = new HistoryServer({ get libp2p () { return core.libp2p }, logger: defaultLogger() })
  await core.addService(history)
  const service = groups(init.groups)({
    history,
    privateKey: core.privateKey,
    get pubsub () { return core.libp2p.services.pubsub },
    get libp2p () { return core.libp2p },
    events: core.events as any,
    db: appDb(core),
    now: core.now,
    logger: defaultLogger()
  } as any)
  await core.addService(service)
  const channelsService = channels(init.channels)({
    privateKey: core.privateKey,
    get pubsub () { return core.libp2p.services.pubsub },
    get libp2p () { return core.libp2p },
    get helia () { return core.helia },
    events: core.events as any,
    history,
    db: appDb(core),
    compact: async () => core.store.compact(),
    now: core.now,
    logger: defaultLogger()
  } as any)
  await core.addService(channelsService)
  // after groups: it plugs its hooks into the groups service when it starts
  const communitiesService = communities(init.communities)({
    privateKey: core.privateKey,
    get libp2p () { return core.libp2p },
    groups: service,
    events: core.events as any,
    db: appDb(core),
    now: core.now,
    logger: defaultLogger()
  })
  await core.addService(communitiesService)
  const node = Object.assign(core, { groups: service, channels: channelsService, communities: communitiesService }) as unknown as FullKithNode
  if (init.start !== false) await node.start()
  return node
}

export interface CreateRelayNodeInit extends KithNodeCoreInit {
  relay?: RelayInit
  /** refuse to hold channel directory records of channels whose name is flagged (`--refuse-flagged-names`) */
  refuseFlaggedNames?: boolean
}

export interface RelayNode extends Omit<KithNodeCore, 'addEventListener' | 'removeEventListener'> {
  readonly relay: RelayService
}

/**
 * The `kith relay` node: the same libp2p + store as a daemon, with a circuit relay v2 server, the DHT in server
 * mode, and the relay service that carries and keeps registered topics. It has no groups and no user identity
 * beyond its peer key.
 */
export async function createRelayNode (init: CreateRelayNodeInit): Promise<RelayNode> {
  const dir = init.refuseFlaggedNames === true ? channelDirectoryDht({ refuseFlaggedNames: true }) : directory
  const core = await createKithNodeCore({ dht: dir.dht, ...init, relayServer: init.relayServer ?? {}, start: false })
  dir.install(core.store.libp2pDatastore)
  const service = relay(init.relay)({
    privateKey: core.privateKey,
    get pubsub () { return core.libp2p.services.pubsub },
    get libp2p () { return core.libp2p },
    db: appDb(core),
    now: core.now,
    logger: defaultLogger()
  } as any)
  await core.addService(service)
  const node = Object.assign(core, { relay: service }) as unknown as RelayNode
  if (init.start !== false) await node.start()
  return node
}
