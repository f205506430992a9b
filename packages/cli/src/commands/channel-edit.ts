// kith channel edit CHANNEL_ID [--name N] [--description T] [--category C] [--language L]
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'
import { flagNote } from './channel-flag-note.ts'

export default defineCommand({
  name: 'channel edit',
  usage: 'channel edit CHANNEL_ID [--name N] [--description T] [--category C] [--language L]',
  summary: "Changes the channel's signed description (owner only) and prints it.",
  optionsHelp: '  --name N  --description T  --category C  --language L',
  options: { name: { type: 'string' }, description: { type: 'string' }, category: { type: 'string' }, language: { type: 'string' } },
  args: ['CHANNEL_ID'],
  async run ({ dataDir, json, values, positionals: [channelId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.request('PATCH', `/v1/channels/${seg(channelId)}`, { body: { name: values.name, description: values.description, category: values.category, language: values.language } })
    output(json, res, () => `Channel ${channelId} is now version ${String(res.version)}: ${String(res.name)}${flagNote(res)}`)
  }
})
