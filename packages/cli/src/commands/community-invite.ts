// kith community invite COMMUNITY_ID [--reset]
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'community invite',
  usage: 'community invite COMMUNITY_ID [--reset]',
  summary: 'Prints the community\'s current invite: {"invite"}. With --reset, replaces it so the old one stops working.',
  optionsHelp: '  --reset      make a new invite; the old one stops working',
  options: { reset: { type: 'boolean', default: false } },
  args: ['COMMUNITY_ID'],
  async run ({ dataDir, json, values, positionals: [communityId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<{ invite: string }>(`/v1/communities/${seg(communityId)}/invite`, { reset: values.reset === true })
    output(json, res, () => res.invite)
  }
})
