// kith community leave COMMUNITY_ID
import type { FanOut } from '@kith/node'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand } from '../cli.ts'
import { groupsReached, outputFanOut } from './community-fan-out.ts'

export default defineCommand({
  name: 'community leave',
  usage: 'community leave COMMUNITY_ID',
  summary: 'Leaves the community and every group of it this node is in. Prints {"successes","failures"}\n(the groups left, and those that could not be); exits 1 only if none could be left.',
  args: ['COMMUNITY_ID'],
  async run ({ dataDir, json, positionals: [communityId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<FanOut>(`/v1/communities/${seg(communityId)}/leave`, {})
    return outputFanOut(json, res, () => `Left community ${communityId} (${groupsReached(res)} left)`)
  }
})
