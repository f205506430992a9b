// kith community requests COMMUNITY_ID
import type { CommunityJoinRequest } from '@kith/node'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, formatTime, output } from '../cli.ts'

export default defineCommand({
  name: 'community requests',
  usage: 'community requests COMMUNITY_ID',
  summary: 'Lists the pending requests to join the community\'s groups (admins only):\n[{"communityId","groupId","peerId","timestamp"}]. Approve one with kith community group approve.',
  args: ['COMMUNITY_ID'],
  async run ({ dataDir, json, positionals: [communityId] }) {
    const api = await ApiClient.open(dataDir)
    const list = await api.get<CommunityJoinRequest[]>(`/v1/communities/${seg(communityId)}/requests`)
    output(json, list, () => list.length === 0
      ? 'No pending requests.'
      : list.map(r => `[${formatTime(r.timestamp)}] ${r.peerId} asks to join ${r.groupId}`).join('\n'))
  }
})
