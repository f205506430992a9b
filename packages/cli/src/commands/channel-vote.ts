// kith channel vote POST_ID OPTION…
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'channel vote',
  usage: 'channel vote POST_ID OPTION...',
  summary: 'Votes in a poll (an option\'s text or its number from 1); a new vote replaces your earlier one.',
  args: ['POST_ID', 'OPTION...'],
  async run ({ dataDir, json, positionals: [postId, ...rest] }) {
    const options = rest.flatMap(o => o.split('\u0000')).map(o => /^\d+$/.test(o) ? Number(o) - 1 : o)
    const api = await ApiClient.open(dataDir)
    await api.post(`/v1/posts/${seg(postId)}/vote`, { options })
    output(json, {}, () => 'Voted')
  }
})
