// kith community group approve COMMUNITY_ID GROUP_ID PEER_ID
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'community group approve',
  usage: 'community group approve COMMUNITY_ID GROUP_ID PEER_ID',
  summary: 'Lets a peer into one of the community\'s groups (community admins only); see the requests with\nkith community requests. Prints {} with --json.',
  args: ['COMMUNITY_ID', 'GROUP_ID', 'PEER_ID'],
  async run ({ dataDir, json, positionals: [communityId, groupId, peerId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post(`/v1/communities/${seg(communityId)}/groups/${seg(groupId)}/approve`, { peerId })
    output(json, res ?? {}, () => `Added ${peerId} to ${groupId}`)
  }
})
