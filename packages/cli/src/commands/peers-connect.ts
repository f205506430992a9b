// kith peers connect MULTIADDR: dial a peer
import { ApiClient } from '../api/client.ts'
import { defineCommand, output } from '../cli.ts'

export default defineCommand({
  name: 'peers connect',
  usage: 'peers connect MULTIADDR',
  summary: 'Dials a peer by multiaddr (ending in /p2p/PEER_ID) and prints {"peerId","addrs"}.',
  args: ['MULTIADDR'],
  async run ({ dataDir, json, positionals: [multiaddr] }) {
    const api = await ApiClient.open(dataDir)
    const peer = await api.post<{ peerId: string, addrs: string[] }>('/v1/peers/connect', { multiaddr })
    output(json, peer, () => `Connected to ${peer.peerId}`)
  }
})
