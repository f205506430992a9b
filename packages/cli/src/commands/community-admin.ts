// kith community admin add|remove COMMUNITY_ID PEER_ID
import type { FanOut } from '@kith/node'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, UsageError } from '../cli.ts'
import { outputFanOut } from './community-fan-out.ts'

export default defineCommand({
  name: 'community admin',
  usage: 'community admin add|remove COMMUNITY_ID PEER_ID',
  summary: 'Makes a peer a community admin, or stops it (admins only); it becomes (or stops being) an admin of\nthe community\'s groups this node administers. Prints {"successes","failures"}.',
  args: ['ACTION', 'COMMUNITY_ID', 'PEER_ID'],
  async run ({ dataDir, json, positionals: [action, communityId, peerId] }) {
    if (action !== 'add' && action !== 'remove') throw new UsageError(`the action is add or remove, got ${JSON.stringify(action)}\nUsage: kith community admin add|remove COMMUNITY_ID PEER_ID`)
    const api = await ApiClient.open(dataDir)
    const res = action === 'add'
      ? await api.post<FanOut>(`/v1/communities/${seg(communityId)}/admins`, { peerId })
      : await api.delete<FanOut>(`/v1/communities/${seg(communityId)}/admins/${seg(peerId)}`)
    return outputFanOut(json, res, () => `${peerId} is ${action === 'add' ? 'now' : 'no longer'} an admin of community ${communityId}`)
  }
})
