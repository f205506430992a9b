// kith group list: the groups this node is in
import type { GroupSummary } from '@kith/node'
import { ApiClient } from '../api/client.ts'
import { defineCommand, formatTime, output } from '../cli.ts'
import { flagNote } from './channel-flag-note.ts'

export default defineCommand({
  name: 'group list',
  usage: 'group list',
  summary: 'Lists the groups (and direct chats) this node is in:\n[{"groupId","name","flagged","flagReasons","role","members","direct","peer"?,"lastMessage"?}].',
  async run ({ dataDir, json }) {
    const api = await ApiClient.open(dataDir)
    const groups = await api.get<GroupSummary[]>('/v1/groups')
    output(json, groups, () => groups.length === 0
      ? 'No groups. Create one with: kith group create NAME'
      : groups.map(g => {
        const title = g.direct ? `chat with ${g.peer ?? '?'}` : g.name
        const last = g.lastMessage != null ? `\n  last: [${formatTime(g.lastMessage.timestamp)}] ${g.lastMessage.text}` : ''
        return `${g.groupId}  ${title}${flagNote(g)}  (${g.members} member${g.members === 1 ? '' : 's'}, ${g.role})${last}`
      }).join('\n'))
  }
})
