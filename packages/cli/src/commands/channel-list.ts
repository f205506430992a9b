// kith channel list
import { ApiClient } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'
import { flagNote, type Flagged } from './channel-flag-note.ts'

export default defineCommand({
  name: 'channel list',
  usage: 'channel list',
  summary: 'The channels this node owns, administers or follows.',
  async run ({ dataDir, json }) {
    const api = await ApiClient.open(dataDir)
    const channels = await api.get<Array<{ channelId: string, name: string, role: string } & Flagged>>('/v1/channels')
    output(json, channels, () => channels.length === 0 ? '(no channels)' : channels.map(c => `${c.channelId}  ${c.name}  (${c.role})${flagNote(c)}`).join('\n'))
  }
})
