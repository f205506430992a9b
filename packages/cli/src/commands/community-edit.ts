// kith community edit COMMUNITY_ID [--name N] [--description T]
import type { CommunityView } from '@kith/node'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output, UsageError } from '../cli.ts'
import { formatCommunity } from './community-show.ts'

export default defineCommand({
  name: 'community edit',
  usage: 'community edit COMMUNITY_ID [--name N] [--description T]',
  summary: "Changes the community's signed description (admins only) and prints the community as kith community show does.",
  optionsHelp: '  --name N         the new name\n  --description T  the new description ("" clears it)',
  options: { name: { type: 'string' }, description: { type: 'string' } },
  args: ['COMMUNITY_ID'],
  async run ({ dataDir, json, values, positionals: [communityId] }) {
    if (values.name == null && values.description == null) throw new UsageError('nothing to change: give --name and/or --description\n(see: kith community edit --help)')
    const api = await ApiClient.open(dataDir)
    const res = await api.request<CommunityView>('PATCH', `/v1/communities/${seg(communityId)}`, { body: { name: values.name, description: values.description } })
    output(json, res, () => formatCommunity(res))
  }
})
