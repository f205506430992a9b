// kith community show COMMUNITY_ID
import type { CommunityView } from '@kith/node'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'
import { flagNote } from './community-fan-out.ts'

export function formatCommunity (c: CommunityView): string {
  const lines = [`${c.name}${flagNote(c)}`, `  id: ${c.communityId}`]
  if (!c.described) lines.push('  (its signed description has not arrived yet)')
  if (c.description !== '') lines.push(`  ${c.description}`)
  lines.push(`  your role: ${c.left ? 'left' : c.role}`)
  if (c.admins.length > 0) lines.push(`  admins: ${c.admins.join(', ')}`)
  lines.push(`  announcement group: ${c.announcementGroup}`)
  if (c.groups.length === 0) lines.push('  groups: none yet')
  else {
    lines.push('  groups:')
    for (const g of c.groups) {
      lines.push(`    ${g.groupId}  ${g.name}  ${g.open ? 'open' : 'on request'}${g.joined ? ', joined' : ''}${flagNote(g)}`)
    }
  }
  if (c.banned.length > 0) lines.push(`  banned: ${c.banned.join(', ')}`)
  return lines.join('\n')
}

export default defineCommand({
  name: 'community show',
  usage: 'community show COMMUNITY_ID',
  summary: 'Shows a community: {"communityId","name","description","icon","announcementGroup","admins",\n"groups":[{"groupId","name","open","joined","flagged","flagReasons"}],"banned","role","described","left",\n"flagged","flagReasons"}. role is admin, member or none.',
  args: ['COMMUNITY_ID'],
  async run ({ dataDir, json, positionals: [communityId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.get<CommunityView>(`/v1/communities/${seg(communityId)}`)
    output(json, res, () => formatCommunity(res))
  }
})
