// kith community member remove COMMUNITY_ID PEER_ID [--ban]
import type { FanOut } from '@kith/node'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand } from '../cli.ts'
import { groupsReached, outputFanOut } from './community-fan-out.ts'

export default defineCommand({
  name: 'community member remove',
  usage: 'community member remove COMMUNITY_ID PEER_ID [--ban]',
  summary: 'Removes a member from every group of the community (admins only; new key epochs there). Prints\n{"successes","failures"}; exits 1 only if no group could be changed.',
  optionsHelp: '  --ban        and keep it from rejoining (undo with kith community unban)',
  options: { ban: { type: 'boolean', default: false } },
  args: ['COMMUNITY_ID', 'PEER_ID'],
  async run ({ dataDir, json, values, positionals: [communityId, peerId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.delete<FanOut>(`/v1/communities/${seg(communityId)}/members/${seg(peerId)}`, { query: { ban: values.ban === true ? 'true' : undefined } })
    return outputFanOut(json, res, () => `Removed ${peerId} from community ${communityId} (${groupsReached(res)})${values.ban === true ? ', banned' : ''}`)
  }
})
