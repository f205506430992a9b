// kith chat messages PEER_ID [--limit N]
import type { GroupMessage } from '@kith/node'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output, positiveInt } from '../cli.ts'
import { formatMessages } from '../format.ts'

export default defineCommand({
  name: 'chat messages',
  usage: 'chat messages PEER_ID [--limit N]',
  summary: 'Lists the messages of the direct chat with a peer, oldest first (same shape as kith group messages).',
  optionsHelp: '  --limit N    only the newest N messages',
  options: { limit: { type: 'string' } },
  args: ['PEER_ID'],
  async run ({ dataDir, json, values, positionals: [peerId] }) {
    const limit = positiveInt('limit', values.limit)
    const api = await ApiClient.open(dataDir)
    const messages = await api.get<GroupMessage[]>(`/v1/chats/${seg(peerId)}/messages`, { query: { limit } })
    const self = json ? undefined : (await api.get<{ peerId: string }>('/v1/id')).peerId
    output(json, messages, () => formatMessages(messages, self))
  }
})
