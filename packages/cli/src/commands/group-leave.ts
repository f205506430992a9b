// kith group leave GROUP_ID
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'group leave',
  usage: 'group leave GROUP_ID',
  summary: 'Leaves the group. Prints {} with --json.',
  args: ['GROUP_ID'],
  async run ({ dataDir, json, positionals: [groupId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post(`/v1/groups/${seg(groupId)}/leave`, {})
    output(json, res ?? {}, () => `Left ${groupId}`)
  }
})
