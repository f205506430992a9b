// kith community group add COMMUNITY_ID GROUP_ID [--ask]
import type { FanOut } from '@kith/node'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand } from '../cli.ts'
import { outputFanOut } from './community-fan-out.ts'

export default defineCommand({
  name: 'community group add',
  usage: 'community group add COMMUNITY_ID GROUP_ID [--ask]',
  summary: 'Links an existing group this node administers to the community (community admins only); the\ncommunity\'s other admins become its admins too. Prints {"successes","failures"}.',
  optionsHelp: '  --ask        members must ask to join (kith community group request); default: they join freely',
  options: { ask: { type: 'boolean', default: false } },
  args: ['COMMUNITY_ID', 'GROUP_ID'],
  async run ({ dataDir, json, values, positionals: [communityId, groupId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<FanOut>(`/v1/communities/${seg(communityId)}/groups`, { groupId, open: values.ask !== true })
    return outputFanOut(json, res, () => `Added group ${groupId} to community ${communityId} (${values.ask === true ? 'on request' : 'open'})`)
  }
})
