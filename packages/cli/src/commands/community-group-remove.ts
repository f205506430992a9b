// kith community group remove COMMUNITY_ID GROUP_ID
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'community group remove',
  usage: 'community group remove COMMUNITY_ID GROUP_ID',
  summary: 'Takes a group out of the community (community admins only); the group itself goes on.\nPrints {} with --json.',
  args: ['COMMUNITY_ID', 'GROUP_ID'],
  async run ({ dataDir, json, positionals: [communityId, groupId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.delete(`/v1/communities/${seg(communityId)}/groups/${seg(groupId)}`)
    output(json, res ?? {}, () => `Removed group ${groupId} from community ${communityId}`)
  }
})
