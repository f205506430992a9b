// kith group create NAME
import { ApiClient } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'
import { flagNote, type Flagged } from './channel-flag-note.ts'

export default defineCommand({
  name: 'group create',
  usage: 'group create NAME',
  summary: 'Creates a group with this node as its admin and prints {"groupId","invite","flagged","flagReasons"}.\nOthers join with: kith group join INVITE',
  args: ['NAME...'],
  async run ({ dataDir, json, positionals: [name] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<{ groupId: string, invite: string } & Flagged>('/v1/groups', { name })
    output(json, res, () => `Created group ${JSON.stringify(name)}${flagNote(res)}: ${res.groupId}\nInvite (share it with the people you want in):\n${res.invite}`)
  }
})
