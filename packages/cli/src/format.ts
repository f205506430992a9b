// Human forms shared by several commands
import type { GroupMessage } from '@kith/node'
import { formatTime } from './cli.ts'

export function formatMessages (messages: GroupMessage[], self?: string): string {
  if (messages.length === 0) return 'No messages.'
  return messages.map(m => {
    const from = self != null && m.from === self ? 'me' : m.from
    const status = m.status != null ? ` (${m.status})` : ''
    return `[${formatTime(m.timestamp)}] ${from}: ${m.text}${status}`
  }).join('\n')
}
