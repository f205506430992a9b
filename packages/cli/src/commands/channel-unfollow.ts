// kith channel unfollow CHANNEL_ID
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'channel unfollow',
  usage: 'channel unfollow CHANNEL_ID',
  summary: 'Stops following a channel.',
  args: ['CHANNEL_ID'],
  async run ({ dataDir, json, positionals: [channelId] }) {
    const api = await ApiClient.open(dataDir)
    await api.post(`/v1/channels/${seg(channelId)}/unfollow`, {})
    output(json, {}, () => `No longer following ${channelId}`)
  }
})
