// Human forms shared by several commands
import type { GroupMessage } from '@kith/node'
import { formatTime } from './cli.ts'

export function formatMessages (messages: GroupMessage[], self?: string): string {
  if (messages.length === 0) return 'No messages.'
  return messages.map(m => {
    const from = self != null && m.from === self ? 'me' : m.from
    const status = m.status != null ? ` (${m.status})` : ''
    if (m.kind === 'announcement') {
      // shown as the community's, with the admin who signed it
      const signer = self != null && m.signedBy === self ? 'me' : m.signedBy ?? from
      return `[${formatTime(m.timestamp)}] 📢 ${m.community?.name ?? 'community'} (announcement by ${signer}): ${m.text}${status}`
    }
    return `[${formatTime(m.timestamp)}] ${from}: ${m.text}${status}`
  }).join('\n')
}
