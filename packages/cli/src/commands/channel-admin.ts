// kith channel admin add|remove CHANNEL_ID PEER_ID
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output, UsageError } from '../cli.ts'

export default defineCommand({
  name: 'channel admin',
  usage: 'channel admin add|remove CHANNEL_ID PEER_ID',
  summary: 'Lets a peer post in the channel, or stops it (owner only). Prints the channel.',
  args: ['ACTION', 'CHANNEL_ID', 'PEER_ID'],
  async run ({ dataDir, json, positionals: [action, channelId, peerId] }) {
    if (action !== 'add' && action !== 'remove') throw new UsageError('kith channel admin add|remove CHANNEL_ID PEER_ID')
    const api = await ApiClient.open(dataDir)
    const res = action === 'add'
      ? await api.post(`/v1/channels/${seg(channelId)}/admins`, { peerId })
      : await api.delete(`/v1/channels/${seg(channelId)}/admins/${seg(peerId)}`)
    output(json, res, () => `Admins of ${channelId}: ${(res.admins as string[]).join(', ') || '(the owner only)'}`)
  }
})
