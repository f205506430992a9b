// kith peers: the connected peers
import { ApiClient } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'peers',
  usage: 'peers',
  summary: 'Lists the peers the node is connected to: [{"peerId","addrs"}].\nTo dial one: kith peers connect MULTIADDR',
  async run ({ dataDir, json }) {
    const api = await ApiClient.open(dataDir)
    const peers = await api.get<Array<{ peerId: string, addrs: string[] }>>('/v1/peers')
    output(json, peers, () => peers.length === 0
      ? 'No connected peers.'
      : peers.map(p => `${p.peerId}${p.addrs.length > 0 ? `\n${p.addrs.map(a => `  ${a}`).join('\n')}` : ''}`).join('\n'))
  }
})
