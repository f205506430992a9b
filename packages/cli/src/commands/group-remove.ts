// kith group remove GROUP_ID PEER_ID
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'group remove',
  usage: 'group remove GROUP_ID PEER_ID',
  summary: 'Removes a member from the group (admins only). Prints {} with --json.',
  args: ['GROUP_ID', 'PEER_ID'],
  async run ({ dataDir, json, positionals: [groupId, peerId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.delete(`/v1/groups/${seg(groupId)}/members/${seg(peerId)}`)
    output(json, res ?? {}, () => `Removed ${peerId} from ${groupId}`)
  }
})
