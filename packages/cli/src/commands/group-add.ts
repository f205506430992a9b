// kith group add GROUP_ID PEER_ID
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'group add',
  usage: 'group add GROUP_ID PEER_ID',
  summary: 'Adds a peer to the group (admins only). Prints {} with --json.',
  args: ['GROUP_ID', 'PEER_ID'],
  async run ({ dataDir, json, positionals: [groupId, peerId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post(`/v1/groups/${seg(groupId)}/members`, { peerId })
    output(json, res ?? {}, () => `Added ${peerId} to ${groupId}`)
  }
})
