// kith community reports COMMUNITY_ID
import type { CommunityReport } from '@kith/node'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, formatTime, output } from '../cli.ts'

function target (r: CommunityReport): string {
  const parts: string[] = []
  if (r.message != null) parts.push(`message ${r.message}`)
  if (r.member != null) parts.push(`member ${r.member}`)
  if (r.group != null) parts.push(`group ${r.group}`)
  return parts.length === 0 ? 'the community' : parts.join(', ')
}

export default defineCommand({
  name: 'community reports',
  usage: 'community reports COMMUNITY_ID',
  summary: 'Lists the reports members sent to the community\'s admins (admins only), oldest first:\n[{"reportId","communityId","from","timestamp","reason","message","member","group","excerpt"}]',
  args: ['COMMUNITY_ID'],
  async run ({ dataDir, json, positionals: [communityId] }) {
    const api = await ApiClient.open(dataDir)
    const list = await api.get<CommunityReport[]>(`/v1/communities/${seg(communityId)}/reports`)
    output(json, list, () => list.length === 0
      ? 'No reports.'
      : list.map(r => `[${formatTime(r.timestamp)}] ${r.from} reports ${target(r)}: ${r.reason}` +
        (r.excerpt != null ? `\n    > ${r.excerpt.replace(/\n/g, '\n    > ')}` : '')).join('\n'))
  }
})
