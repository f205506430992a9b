// kith community delete-message COMMUNITY_ID MESSAGE_ID
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'community delete-message',
  usage: 'community delete-message COMMUNITY_ID MESSAGE_ID',
  summary: 'Deletes a message of one of the community\'s groups for everyone (admins only): an admin-signed\ntombstone every member\'s client honours. Prints {"groupId"}.',
  args: ['COMMUNITY_ID', 'MESSAGE_ID'],
  async run ({ dataDir, json, positionals: [communityId, messageId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.delete<{ groupId: string }>(`/v1/communities/${seg(communityId)}/messages/${seg(messageId)}`)
    output(json, res, () => `Deleted message ${messageId} from group ${res.groupId}`)
  }
})
