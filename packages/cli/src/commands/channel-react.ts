// kith channel react POST_ID EMOJI
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'channel react',
  usage: 'channel react POST_ID EMOJI | --remove',
  summary: 'Reacts to a post with one emoji (replacing your earlier reaction), or removes your reaction.',
  optionsHelp: '  --remove   take your reaction back',
  options: { remove: { type: 'boolean' } },
  args: ['POST_ID'],
  async run ({ dataDir, json, values, positionals: [postId, emoji] }) {
    const api = await ApiClient.open(dataDir)
    await api.post(`/v1/posts/${seg(postId)}/reaction`, { emoji: values.remove === true ? '' : (emoji ?? '') })
    output(json, {}, () => values.remove === true ? 'Reaction removed' : `Reacted ${String(emoji)}`)
  }
})
