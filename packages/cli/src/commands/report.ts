// kith report --community COMMUNITY_ID [--message MESSAGE_ID | --member PEER_ID | --group GROUP_ID] --reason TEXT
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output, UsageError } from '../cli.ts'

const USAGE = 'report --community COMMUNITY_ID [--message MESSAGE_ID | --member PEER_ID | --group GROUP_ID] --reason TEXT'

export default defineCommand({
  name: 'report',
  usage: USAGE,
  summary: 'Reports a message, a member, a group or (with none of them) the community itself to the community\'s\nadmins, encrypted to them alone. Prints {"reportId"}.',
  optionsHelp: '  --community ID    the community whose admins get the report\n' +
    '  --message ID      a message (its text goes along as an excerpt)\n' +
    '  --member PEER_ID  a member\n' +
    '  --group ID        one of the community\'s groups\n' +
    '  --reason TEXT     why (required)',
  options: { community: { type: 'string' }, message: { type: 'string' }, member: { type: 'string' }, group: { type: 'string' }, reason: { type: 'string' } },
  async run ({ dataDir, json, values }) {
    const hint = `\nUsage: kith ${USAGE}\n(see: kith report --help)`
    if (values.community == null || values.community.trim() === '') throw new UsageError(`missing --community${hint}`)
    if (values.reason == null || values.reason.trim() === '') throw new UsageError(`missing --reason${hint}`)
    const targets = (['message', 'member', 'group'] as const).filter(k => values[k] != null)
    if (targets.length > 1) throw new UsageError(`report one thing at a time: --${targets.join(' and --')} were given${hint}`)
    for (const k of targets) {
      if (values[k]?.trim() === '') throw new UsageError(`--${k} must not be empty${hint}`)
    }
    const api = await ApiClient.open(dataDir)
    const body: Record<string, string> = { reason: values.reason }
    for (const k of targets) body[k] = values[k] as string
    const res = await api.post<{ reportId: string }>(`/v1/communities/${seg(values.community)}/reports`, body)
    output(json, res, () => `Report ${res.reportId} sent to the admins of community ${values.community as string}`)
  }
})
