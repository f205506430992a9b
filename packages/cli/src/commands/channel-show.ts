// kith channel show CHANNEL_ID
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'
import { flagNote } from './channel-flag-note.ts'
import type { ChannelInfo } from '@kith/node'

export default defineCommand({
  name: 'channel show',
  usage: 'channel show CHANNEL_ID',
  summary: 'A channel\'s signed description as this node holds it: name (with "flagged" and "flagReasons"), description,\n' +
    'category, language, admins, your role and, for a channel you own, whether the directory has it.',
  args: ['CHANNEL_ID'],
  async run ({ dataDir, json, positionals: [channelId] }) {
    const api = await ApiClient.open(dataDir)
    const c = await api.get<ChannelInfo>(`/v1/channels/${seg(channelId)}`)
    output(json, c, () => [
      `${c.name || '(unknown channel)'}${flagNote(c)}`,
      `  id ${c.channelId}, version ${c.version}, you: ${c.role}${c.following ? ' (following)' : ''}`,
      ...(c.description !== '' ? [`  ${c.description}`] : []),
      ...(c.category !== '' || c.language !== '' ? [`  ${[c.category, c.language].filter(x => x !== '').join(', ')}`] : []),
      ...(c.admins.length > 0 ? [`  admins: ${c.admins.join(', ')}`] : []),
      ...(c.directory != null ? [`  directory: ${c.directory.status}${c.directory.attempts > 0 ? ` (${c.directory.attempts} retries)` : ''}`] : [])
    ].join('\n'))
  }
})
