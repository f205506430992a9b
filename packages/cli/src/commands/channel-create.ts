// kith channel create NAME [--description TEXT] [--category C] [--language L]
import { ApiClient } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'
import { flagNote, type Flagged } from './channel-flag-note.ts'

export default defineCommand({
  name: 'channel create',
  usage: 'channel create NAME [--description TEXT] [--category C] [--language L]',
  summary: 'Creates a channel owned by this node and prints {"channelId","flagged","flagReasons"}. Followers find it with\n' +
    'kith channel search; a name flagged as a likely impersonation or scam is created, but searches leave it out by default.',
  optionsHelp: '  --description TEXT   what the channel is about\n  --category C         e.g. news, health, sport\n  --language L         a BCP 47 tag, e.g. fr',
  options: { description: { type: 'string' }, category: { type: 'string' }, language: { type: 'string' } },
  args: ['NAME...'],
  async run ({ dataDir, json, values, positionals: [name] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<{ channelId: string } & Flagged>('/v1/channels', { name, description: values.description, category: values.category, language: values.language })
    output(json, res, () => `Created channel ${JSON.stringify(name)}: ${res.channelId}${flagNote(res)}` +
      (res.flagged === true ? '\nThis name looks like an impersonation or a scam: searches leave the channel out unless --include-flagged.' : ''))
  }
})
