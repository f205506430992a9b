// kith group send GROUP_ID TEXT
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'group send',
  usage: 'group send GROUP_ID TEXT',
  summary: 'Sends a text message to the group and prints {"messageId"}.\nThe words after GROUP_ID make the text; put "--" before a text that starts with "-".',
  args: ['GROUP_ID', 'TEXT...'],
  async run ({ dataDir, json, positionals: [groupId, text] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<{ messageId: string }>(`/v1/groups/${seg(groupId)}/messages`, { text })
    output(json, res, () => `Sent ${res.messageId}`)
  }
})
