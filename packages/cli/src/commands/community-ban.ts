// kith community ban COMMUNITY_ID PEER_ID
import type { FanOut } from '@kith/node'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand } from '../cli.ts'
import { groupsReached, outputFanOut } from './community-fan-out.ts'

export default defineCommand({
  name: 'community ban',
  usage: 'community ban COMMUNITY_ID PEER_ID',
  summary: 'Bans a peer from the community (admins only): removes it from every group of it and keeps it from\nrejoining. Prints {"successes","failures"}.',
  args: ['COMMUNITY_ID', 'PEER_ID'],
  async run ({ dataDir, json, positionals: [communityId, peerId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<FanOut>(`/v1/communities/${seg(communityId)}/bans`, { peerId })
    return outputFanOut(json, res, () => `Banned ${peerId} from community ${communityId} (${groupsReached(res)})`)
  }
})
