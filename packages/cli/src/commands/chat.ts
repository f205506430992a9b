// kith chat PEER_ID TEXT: a direct message (a two-member group made on the first message)
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'chat',
  usage: 'chat PEER_ID TEXT',
  summary: 'Sends a direct message to a peer and prints {"groupId","messageId"}.\nThe first message makes the chat (a two-member group). See also: kith chat messages PEER_ID',
  args: ['PEER_ID', 'TEXT...'],
  async run ({ dataDir, json, positionals: [peerId, text] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<{ groupId: string, messageId: string }>(`/v1/chats/${seg(peerId)}/messages`, { text })
    output(json, res, () => `Sent ${res.messageId} to ${peerId}`)
  }
})
