// kith community group create COMMUNITY_ID NAME [--ask]
import type { FanOut } from '@kith/node'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand } from '../cli.ts'
import { outputFanOut } from './community-fan-out.ts'

export default defineCommand({
  name: 'community group create',
  usage: 'community group create COMMUNITY_ID NAME [--ask]',
  summary: 'Creates a group inside the community (community admins only) and prints\n{"groupId","successes","failures"}: the community\'s admins become the group\'s admins.',
  optionsHelp: '  --ask        members must ask to join (kith community group request); default: they join freely',
  options: { ask: { type: 'boolean', default: false } },
  args: ['COMMUNITY_ID', 'NAME...'],
  async run ({ dataDir, json, values, positionals: [communityId, name] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<{ groupId: string } & FanOut>(`/v1/communities/${seg(communityId)}/groups`, { name, open: values.ask !== true })
    return outputFanOut(json, res, () => `Created group ${JSON.stringify(name)} in community ${communityId}: ${res.groupId} (${values.ask === true ? 'on request' : 'open'})`)
  }
})
