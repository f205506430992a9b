// kith group join INVITE [--timeout SECONDS]
import { ApiClient } from '../api/client.ts'
import { UsageError, defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'group join',
  usage: 'group join INVITE [--timeout SECONDS]',
  summary: 'Joins a group by invite and prints {"groupId"}. Waits for a member that can admit this node\n(default 30 s).',
  optionsHelp: '  --timeout SECONDS  how long to wait for a member to admit us (default 30)',
  options: { timeout: { type: 'string' } },
  args: ['INVITE'],
  async run ({ dataDir, json, values, positionals: [invite] }) {
    let timeout: number | undefined
    if (values.timeout != null) {
      timeout = Number(values.timeout)
      if (values.timeout.trim() === '' || !Number.isFinite(timeout) || timeout <= 0) {
        throw new UsageError(`--timeout must be a positive number of seconds, got ${JSON.stringify(values.timeout)}`)
      }
    }
    const api = await ApiClient.open(dataDir)
    // the API takes milliseconds
    const body = timeout === undefined ? { invite } : { invite, timeout: Math.round(timeout * 1000) }
    const res = await api.post<{ groupId: string }>('/v1/groups/join', body)
    output(json, res, () => `Joined group ${res.groupId}`)
  }
})
