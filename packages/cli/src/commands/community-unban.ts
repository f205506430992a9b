// kith community unban COMMUNITY_ID PEER_ID
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'community unban',
  usage: 'community unban COMMUNITY_ID PEER_ID',
  summary: 'Lets a banned peer rejoin the community (admins only). Prints {} with --json.',
  args: ['COMMUNITY_ID', 'PEER_ID'],
  async run ({ dataDir, json, positionals: [communityId, peerId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.delete(`/v1/communities/${seg(communityId)}/bans/${seg(peerId)}`)
    output(json, res ?? {}, () => `${peerId} may rejoin community ${communityId}`)
  }
})
