// kith relay stats: the counters of a running `kith relay` (through its local API: start it with --api-port)
import type { RelayStatsResponse } from '../api/relay-api.ts'
import { ApiClient, DaemonNotRunningError } from '../api/client.ts'
import { CliError, defineCommand, output } from '../cli.ts'
import { formatDuration, formatSize } from '../units.ts'
import { RELAY_DATA_HELP, defaultRelayDataDir } from './relay.ts'

export default defineCommand({
  name: 'relay stats',
  usage: 'relay stats',
  summary: `Prints the counters of the relay running on the data folder (it must have been started with --api-port):
topics carried, messages and bytes stored, messages in and out, history requests, rejections by reason,
expired and evicted messages, connections and circuit relay reservations.`,
  dataHelp: RELAY_DATA_HELP,
  defaultDataDir: defaultRelayDataDir,
  async run ({ dataDir, json }) {
    let s: RelayStatsResponse
    try {
      s = await (await ApiClient.open(dataDir)).get<RelayStatsResponse>('/v1/relay/stats')
    } catch (err) {
      if (err instanceof DaemonNotRunningError) {
        throw new CliError(`no relay with a local API is running on ${dataDir} (start it with: kith relay --data ${dataDir} --api-port 0)`)
      }
      throw err
    }
    output(json, s, () => {
      const rejected = Object.entries(s.rejected).map(([k, v]) => `${k} ${v}`).join(', ')
      return [
        `Topics carried:    ${s.topics}`,
        `Stored:            ${s.storedMessages} messages, ${formatSize(s.storedBytes)} of ${formatSize(s.maxStorageBytes)}, kept ${formatDuration(s.retentionMs)}`,
        `Messages in / out: ${s.messagesIn} / ${s.messagesOut} (${s.historyRequests} history requests)`,
        `Expired / evicted: ${s.expired} / ${s.evicted}`,
        `Rejected:          ${rejected}`,
        `Connections:       ${s.connections} (${s.peers} peers, ${s.reservations} reservations)`,
        `Up for:            ${uptime(s.uptime)}`
      ].join('\n')
    })
  }
})

function uptime (seconds: number): string {
  const d = Math.floor(seconds / 86400)
  const h = Math.floor(seconds % 86400 / 3600)
  const m = Math.floor(seconds % 3600 / 60)
  const parts = [d > 0 ? `${d}d` : '', h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', `${seconds % 60}s`].filter(p => p !== '')
  return parts.slice(0, 3).join(' ')
}
