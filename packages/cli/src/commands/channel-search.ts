// kith channel search WORDS... [--limit N] [--include-flagged]
import { ApiClient } from '../api/client.ts'
import { defineCommand, output, positiveInt } from '../cli.ts'
import { flagNote } from './channel-flag-note.ts'
import type { ChannelSearchResult } from '@kith/node'

export default defineCommand({
  name: 'channel search',
  usage: 'channel search WORDS... [--limit N] [--include-flagged]',
  summary: 'Searches the channel directory on the DHT (accents and case do not matter); best match first, then most followed.\n' +
    'Channels whose name looks like an impersonation or a scam ("flagged": true, with "flagReasons") are left out\n' +
    'unless --include-flagged.',
  optionsHelp: '  --limit N            at most N results (default 20)\n  --include-flagged    also show channels with a flagged name',
  options: { limit: { type: 'string' }, 'include-flagged': { type: 'boolean', default: false } },
  args: ['WORDS...'],
  async run ({ dataDir, json, values, positionals: [words] }) {
    const api = await ApiClient.open(dataDir)
    const includeFlagged = values['include-flagged'] === true ? 'true' : undefined
    const results = await api.get<ChannelSearchResult[]>('/v1/channels/search', { query: { q: words, limit: positiveInt('limit', values.limit), includeFlagged } })
    output(json, results, () => results.length === 0 ? '(nothing found)' : results.map(r => `${r.channelId}  ${r.name}  (${r.followers} followers)${flagNote(r)}${r.description !== '' ? `\n  ${r.description}` : ''}`).join('\n'))
  }
})
