// kith channel export-key CHANNEL_ID --out FILE
import { writeFile, rename } from 'node:fs/promises'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output, UsageError } from '../cli.ts'

export default defineCommand({
  name: 'channel export-key',
  usage: 'channel export-key CHANNEL_ID --out FILE',
  summary: "Writes the channel's key to FILE (mode 0600) for kith publish. Whoever holds it can post as the channel.",
  optionsHelp: '  --out FILE   where to write the key',
  options: { out: { type: 'string' } },
  args: ['CHANNEL_ID'],
  async run ({ dataDir, json, values, positionals: [channelId] }) {
    if (values.out == null) throw new UsageError('--out FILE is required')
    const api = await ApiClient.open(dataDir)
    const res = await api.post<{ channelId: string, key: string }>(`/v1/channels/${seg(channelId)}/key`, {})
    const tmp = `${values.out}.${process.pid}.tmp`
    await writeFile(tmp, JSON.stringify({ channelId: res.channelId, key: res.key }) + '\n', { mode: 0o600 })
    await rename(tmp, values.out)
    output(json, { channelId: res.channelId, file: values.out }, () => `Wrote the key of ${res.channelId} to ${values.out} (keep it secret)`)
  }
})
