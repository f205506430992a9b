// kith channel posts CHANNEL_ID [--limit N]
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, formatTime, output, positiveInt } from '../cli.ts'
import type { ChannelPostView } from '@kith/node'

export function formatPost (p: ChannelPostView): string {
  const lines = [`[${formatTime(p.timestamp)}] #${p.seq} ${p.postId} (${p.kind})${p.edited ? ' (edited)' : ''}`]
  if (p.text !== '') lines.push(`  ${p.text}`)
  if (p.media != null) lines.push(`  ${p.media.mime} ${p.media.size} bytes ${p.media.cid}${p.media.available ? '' : ' (not fetched yet)'}`)
  if (p.poll != null) {
    lines.push(`  ${p.poll.question}${p.poll.multiple ? ' (several answers)' : ''}`)
    p.poll.options.forEach((o, i) => lines.push(`    ${i + 1}. ${o.text} — ${o.votes}`))
  }
  const reactions = Object.entries(p.reactions).map(([e, n]) => `${e} ${n}`).join('  ')
  if (reactions !== '') lines.push(`  ${reactions}`)
  return lines.join('\n')
}

export default defineCommand({
  name: 'channel posts',
  usage: 'channel posts CHANNEL_ID [--limit N]',
  summary: 'A channel\'s posts, oldest first: [{"postId","channelId","seq","kind","text","media","poll","reactions","timestamp"}]',
  optionsHelp: '  --limit N    only the newest N posts',
  options: { limit: { type: 'string' } },
  args: ['CHANNEL_ID'],
  async run ({ dataDir, json, values, positionals: [channelId] }) {
    const limit = positiveInt('limit', values.limit)
    const api = await ApiClient.open(dataDir)
    const posts = await api.get<ChannelPostView[]>(`/v1/channels/${seg(channelId)}/posts`, { query: { limit } })
    output(json, posts, () => posts.length === 0 ? '(no posts)' : posts.map(formatPost).join('\n'))
  }
})
