// kith channel follow CHANNEL_ID
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'
import { flagNote, type Flagged } from './channel-flag-note.ts'

export default defineCommand({
  name: 'channel follow',
  usage: 'channel follow CHANNEL_ID',
  summary: 'Follows a channel: its posts of the last 30 days come from any peer that holds them, new ones live.',
  args: ['CHANNEL_ID'],
  async run ({ dataDir, json, positionals: [channelId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<{ name: string } & Flagged>(`/v1/channels/${seg(channelId)}/follow`, {})
    output(json, res, () => `Following ${res.name || channelId}${flagNote(res)}`)
  }
})
