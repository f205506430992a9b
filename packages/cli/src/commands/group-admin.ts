// kith group admin GROUP_ID PEER_ID: promote a member to admin
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'group admin',
  usage: 'group admin GROUP_ID PEER_ID',
  summary: 'Makes a member of the group an admin (admins only). Prints {} with --json.',
  args: ['GROUP_ID', 'PEER_ID'],
  async run ({ dataDir, json, positionals: [groupId, peerId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post(`/v1/groups/${seg(groupId)}/admins`, { peerId })
    output(json, res ?? {}, () => `${peerId} is now an admin of ${groupId}`)
  }
})
