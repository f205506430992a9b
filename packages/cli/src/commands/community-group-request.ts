// kith community group request COMMUNITY_ID GROUP_ID
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'community group request',
  usage: 'community group request COMMUNITY_ID GROUP_ID',
  summary: 'Asks to join one of the community\'s groups and prints {"requested","open"}. An open group lets the\nfirst admin online add you; otherwise an admin approves (kith community group approve).',
  args: ['COMMUNITY_ID', 'GROUP_ID'],
  async run ({ dataDir, json, positionals: [communityId, groupId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<{ requested: boolean, open: boolean }>(`/v1/communities/${seg(communityId)}/groups/${seg(groupId)}/requests`, {})
    output(json, res, () => res.open
      ? `Asked to join ${groupId}: it is open, so the first admin online adds you (see: kith group list)`
      : `Asked the admins to let you into ${groupId}`)
  }
})
