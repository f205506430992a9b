// kith group invite GROUP_ID [--reset]
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'group invite',
  usage: 'group invite GROUP_ID [--reset]',
  summary: 'Prints the group\'s current invite: {"invite"}. With --reset, replaces it so the old one stops working.',
  optionsHelp: '  --reset      make a new invite; the old one stops working',
  options: { reset: { type: 'boolean', default: false } },
  args: ['GROUP_ID'],
  async run ({ dataDir, json, values, positionals: [groupId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<{ invite: string }>(`/v1/groups/${seg(groupId)}/invite`, { reset: values.reset === true })
    output(json, res, () => res.invite)
  }
})
