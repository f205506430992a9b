// kith updates
import { ApiClient } from '../api/client.ts'
import { defineCommand, formatTime, output } from '../cli.ts'
import { flagNote } from './channel-flag-note.ts'
import type { UpdatesEntry } from '@kith/node'

export default defineCommand({
  name: 'updates',
  usage: 'updates',
  summary: 'The Updates view: followed channels with their newest post and unread count, newest first.',
  async run ({ dataDir, json }) {
    const api = await ApiClient.open(dataDir)
    const updates = await api.get<UpdatesEntry[]>('/v1/updates')
    output(json, updates, () => updates.length === 0 ? '(you follow no channels)' : updates.map(u =>
      `${u.name}${flagNote(u)}  ${u.unread > 0 ? `(${u.unread} new)` : ''}\n  ${u.newestPost != null ? `[${formatTime(u.newestPost.timestamp)}] ${u.newestPost.text || u.newestPost.kind}` : '(no posts)'}`).join('\n'))
  }
})
