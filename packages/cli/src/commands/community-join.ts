// kith community join INVITE [--timeout SECONDS]
import { ApiClient } from '../api/client.ts'
import { UsageError, defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'community join',
  usage: 'community join INVITE [--timeout SECONDS]',
  summary: 'Joins a community by invite (this makes you a member of its announcement group) and prints\n{"communityId","described"}. described is false when the community\'s description had not arrived\nwithin the timeout; it arrives later. Then see its groups with: kith community show COMMUNITY_ID',
  optionsHelp: '  --timeout SECONDS  how long to wait for a member to admit us, then for the description',
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
    const res = await api.post<{ communityId: string, described: boolean }>('/v1/communities/join', body)
    output(json, res, () => `Joined community ${res.communityId}` +
      (res.described ? `\nIts groups: kith community show ${res.communityId}` : '\nIts description has not arrived yet; kith community show will have it once a member sends it.'))
  }
})
