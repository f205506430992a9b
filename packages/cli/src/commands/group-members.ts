// kith group members GROUP_ID
import type { GroupMember } from '@kith/node'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'group members',
  usage: 'group members GROUP_ID',
  summary: 'Lists the members of the group: [{"peerId","role"}].',
  args: ['GROUP_ID'],
  async run ({ dataDir, json, positionals: [groupId] }) {
    const api = await ApiClient.open(dataDir)
    const members = await api.get<GroupMember[]>(`/v1/groups/${seg(groupId)}/members`)
    output(json, members, () => members.map(m => `${m.peerId}  ${m.role}`).join('\n') || 'No members.')
  }
})
