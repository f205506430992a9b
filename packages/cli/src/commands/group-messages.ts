// kith group messages GROUP_ID [--limit N]
import type { GroupMessage } from '@kith/node'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output, positiveInt } from '../cli.ts'
import { formatMessages } from '../format.ts'

export default defineCommand({
  name: 'group messages',
  usage: 'group messages GROUP_ID [--limit N]',
  summary: 'Lists the group\'s messages, oldest first:\n[{"messageId","groupId","from","kind","text","timestamp","status"}]\n(status is pending, sent or delivered for the messages this node sent).',
  optionsHelp: '  --limit N    only the newest N messages',
  options: { limit: { type: 'string' } },
  args: ['GROUP_ID'],
  async run ({ dataDir, json, values, positionals: [groupId] }) {
    const limit = positiveInt('limit', values.limit)
    const api = await ApiClient.open(dataDir)
    const messages = await api.get<GroupMessage[]>(`/v1/groups/${seg(groupId)}/messages`, { query: { limit } })
    const self = json ? undefined : (await api.get<{ peerId: string }>('/v1/id')).peerId
    output(json, messages, () => formatMessages(messages, self))
  }
})
