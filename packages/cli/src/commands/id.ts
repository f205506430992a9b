// kith id: this node's peer id and addresses
import { ApiClient } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'id',
  usage: 'id',
  summary: 'Prints the peer id and the listen addresses of the daemon\'s node: {"peerId","addrs"}.',
  async run ({ dataDir, json }) {
    const api = await ApiClient.open(dataDir)
    const id = await api.get<{ peerId: string, addrs: string[] }>('/v1/id')
    output(json, id, () => `Peer ID: ${id.peerId}\nAddresses:\n${id.addrs.map(a => `  ${a}`).join('\n') || '  (none)'}`)
  }
})
