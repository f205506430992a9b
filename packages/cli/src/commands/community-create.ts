// kith community create NAME [--description T]
import { ApiClient } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'
import { flagNote } from './community-fan-out.ts'

export default defineCommand({
  name: 'community create',
  usage: 'community create NAME [--description T]',
  summary: 'Creates a community (and its announcement group) with this node as its admin and prints\n{"communityId","invite","flagged","flagReasons"}. Others join with: kith community join INVITE',
  optionsHelp: '  --description T  what the community is about',
  options: { description: { type: 'string' } },
  args: ['NAME...'],
  async run ({ dataDir, json, values, positionals: [name] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<{ communityId: string, invite: string, flagged: boolean, flagReasons: string[] }>('/v1/communities',
      { name, ...(values.description != null ? { description: values.description } : {}) })
    output(json, res, () => `Created community ${JSON.stringify(name)}: ${res.communityId}${flagNote(res)}\nInvite (share it with the people you want in):\n${res.invite}`)
  }
})
