// kith channel search WORDS...
import { ApiClient } from '../api/client.ts'
import { defineCommand, output, positiveInt } from '../cli.ts'
import type { ChannelSearchResult } from '@kith/node'

export default defineCommand({
  name: 'channel search',
  usage: 'channel search WORDS... [--limit N]',
  summary: 'Searches the channel directory on the DHT (accents and case do not matter); best match first, then most followed.',
  optionsHelp: '  --limit N    at most N results (default 20)',
  options: { limit: { type: 'string' } },
  args: ['WORDS...'],
  async run ({ dataDir, json, values, positionals: [words] }) {
    const api = await ApiClient.open(dataDir)
    const results = await api.get<ChannelSearchResult[]>('/v1/channels/search', { query: { q: words, limit: positiveInt('limit', values.limit) } })
    output(json, results, () => results.length === 0 ? '(nothing found)' : results.map(r => `${r.channelId}  ${r.name}  (${r.followers} followers)${r.description !== '' ? `\n  ${r.description}` : ''}`).join('\n'))
  }
})
