// kith community list
import type { CommunityView } from '@kith/node'
import { ApiClient } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'
import { flagNote } from './community-fan-out.ts'

export default defineCommand({
  name: 'community list',
  usage: 'community list',
  summary: 'Lists the communities this node is in (or left):\n[{"communityId","name","description","role","groups","admins","flagged","flagReasons",...}]',
  async run ({ dataDir, json }) {
    const api = await ApiClient.open(dataDir)
    const list = await api.get<CommunityView[]>('/v1/communities')
    output(json, list, () => list.length === 0
      ? 'No communities.'
      : list.map(c => `${c.communityId}  ${c.name}  ${c.left ? 'left' : c.role}, ${c.groups.length} ${c.groups.length === 1 ? 'group' : 'groups'}${flagNote(c)}`).join('\n'))
  }
})
