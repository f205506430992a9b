// kith: the command line of a Kith node. `kith daemon` runs the node; every other command talks to it
// through the local API (DIR/api.json). Command modules are loaded lazily: a client command never loads libp2p.
import '../../node/src/polyfill.ts'
import { ApiError, DaemonNotRunningError } from './api/client.ts'
import { CliError, VERSION, type Command } from './cli.ts'

type Loader = () => Promise<{ default: Command }>

const COMMANDS: Record<string, { summary: string, load: Loader }> = {
  daemon: { summary: 'run a Kith node and its local API', load: async () => import('./commands/daemon.ts') },
  relay: { summary: 'run a relay: circuit relay, store-and-forward of group topics, metrics', load: async () => import('./commands/relay.ts') },
  'relay stats': { summary: "a running relay's counters", load: async () => import('./commands/relay-stats.ts') },
  id: { summary: "this node's peer id and addresses", load: async () => import('./commands/id.ts') },
  peers: { summary: 'the connected peers', load: async () => import('./commands/peers.ts') },
  'peers connect': { summary: 'dial a peer by multiaddr', load: async () => import('./commands/peers-connect.ts') },
  'group list': { summary: 'the groups this node is in', load: async () => import('./commands/group-list.ts') },
  'group create': { summary: 'create a group and print its invite', load: async () => import('./commands/group-create.ts') },
  'group invite': { summary: "show (or --reset) a group's invite", load: async () => import('./commands/group-invite.ts') },
  'group join': { summary: 'join a group by invite', load: async () => import('./commands/group-join.ts') },
  'group add': { summary: 'add a peer to a group', load: async () => import('./commands/group-add.ts') },
  'group remove': { summary: 'remove a member from a group', load: async () => import('./commands/group-remove.ts') },
  'group admin': { summary: 'make a member an admin', load: async () => import('./commands/group-admin.ts') },
  'group leave': { summary: 'leave a group', load: async () => import('./commands/group-leave.ts') },
  'group send': { summary: 'send a message to a group', load: async () => import('./commands/group-send.ts') },
  'group messages': { summary: "a group's messages, oldest first", load: async () => import('./commands/group-messages.ts') },
  'group members': { summary: "a group's members and their roles", load: async () => import('./commands/group-members.ts') },
  chat: { summary: 'send a direct message to a peer', load: async () => import('./commands/chat.ts') },
  'chat messages': { summary: 'the messages of a direct chat', load: async () => import('./commands/chat-messages.ts') },
  'channel create': { summary: 'create a channel owned by this node', load: async () => import('./commands/channel-create.ts') },
  'channel edit': { summary: "change a channel's name, description, category or language", load: async () => import('./commands/channel-edit.ts') },
  'channel admin': { summary: 'let a peer post in a channel, or stop it', load: async () => import('./commands/channel-admin.ts') },
  'channel export-key': { summary: "write a channel's key to a file for kith publish", load: async () => import('./commands/channel-export-key.ts') },
  'channel post': { summary: 'post text, a photo, video, sticker or poll', load: async () => import('./commands/channel-post.ts') },
  'channel follow': { summary: 'follow a channel', load: async () => import('./commands/channel-follow.ts') },
  'channel unfollow': { summary: 'stop following a channel', load: async () => import('./commands/channel-unfollow.ts') },
  'channel react': { summary: 'react to a post with an emoji', load: async () => import('./commands/channel-react.ts') },
  'channel vote': { summary: 'vote in a poll', load: async () => import('./commands/channel-vote.ts') },
  'channel posts': { summary: "a channel's posts, oldest first", load: async () => import('./commands/channel-posts.ts') },
  'channel search': { summary: 'search the channel directory', load: async () => import('./commands/channel-search.ts') },
  'channel list': { summary: 'the channels this node owns or follows', load: async () => import('./commands/channel-list.ts') },
  updates: { summary: 'followed channels, newest first, with unread counts', load: async () => import('./commands/updates.ts') },
  publish: { summary: 'publish to a channel without a daemon (for scripts)', load: async () => import('./commands/publish.ts') }
}

const USAGES: Record<string, string> = {
  daemon: 'daemon [--listen MULTIADDR]... [--api-port N] [--no-mdns] ...',
  relay: 'relay [--listen MULTIADDR]... [--retention 30d] ...',
  'relay stats': 'relay stats',
  id: 'id',
  peers: 'peers',
  'peers connect': 'peers connect MULTIADDR',
  'group list': 'group list',
  'group create': 'group create NAME',
  'group invite': 'group invite GROUP_ID [--reset]',
  'group join': 'group join INVITE [--timeout SECONDS]',
  'group add': 'group add GROUP_ID PEER_ID',
  'group remove': 'group remove GROUP_ID PEER_ID',
  'group admin': 'group admin GROUP_ID PEER_ID',
  'group leave': 'group leave GROUP_ID',
  'group send': 'group send GROUP_ID TEXT',
  'group messages': 'group messages GROUP_ID [--limit N]',
  'group members': 'group members GROUP_ID',
  chat: 'chat PEER_ID TEXT',
  'chat messages': 'chat messages PEER_ID [--limit N]',
  'channel create': 'channel create NAME [--description T] [--category C]',
  'channel edit': 'channel edit CHANNEL_ID [--name N] [--description T] ...',
  'channel admin': 'channel admin add|remove CHANNEL_ID PEER_ID',
  'channel export-key': 'channel export-key CHANNEL_ID --out FILE',
  'channel post': 'channel post CHANNEL_ID (--text T | --photo F | --poll Q --option A ...)',
  'channel follow': 'channel follow CHANNEL_ID',
  'channel unfollow': 'channel unfollow CHANNEL_ID',
  'channel react': 'channel react POST_ID EMOJI',
  'channel vote': 'channel vote POST_ID OPTION...',
  'channel posts': 'channel posts CHANNEL_ID [--limit N]',
  'channel search': 'channel search WORDS...',
  'channel list': 'channel list',
  updates: 'updates',
  publish: 'publish --key FILE --channel ID [--bootstrap MA]... (--text T | ... | --from-file F)'
}

function usage (prefix?: string): string {
  const names = Object.keys(COMMANDS).filter(n => prefix == null || n === prefix || n.startsWith(prefix + ' '))
  const width = Math.max(...names.map(n => USAGES[n].length))
  return `Usage: kith COMMAND [options]

Commands:
${names.map(n => `  kith ${USAGES[n].padEnd(width)}  ${COMMANDS[n].summary}`).join('\n')}

Every command takes --data DIR (default: $KITH_DATA, then ~/.kith; for kith relay and kith relay stats:
$KITH_RELAY_DATA, then ~/.kith-relay), --json and --help.
`
}

/** Runs the command line `argv` (without node and the script); resolves to the exit code */
export async function main (argv: string[]): Promise<number> {
  const [first, second] = argv
  if (first == null || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? argv.slice(1).join(' ') : ''
    if (topic !== '' && COMMANDS[topic] != null) return main([...topic.split(' '), '--help'])
    if (first == null) {
      process.stderr.write(usage())
      return 2
    }
    process.stdout.write(usage())
    return 0
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`kith ${VERSION}\n`)
    return 0
  }

  let name: string | undefined
  let rest: string[] = []
  if (second != null && COMMANDS[`${first} ${second}`] != null) {
    name = `${first} ${second}`
    rest = argv.slice(2)
  } else if (COMMANDS[first] != null) {
    name = first
    rest = argv.slice(1)
  }
  if (name == null) {
    const isGroup = Object.keys(COMMANDS).some(n => n.startsWith(first + ' '))
    if (isGroup && (second == null || second === '--help' || second === '-h')) {
      if (second == null) {
        process.stderr.write(usage(first))
        return 2
      }
      process.stdout.write(usage(first))
      return 0
    }
    process.stderr.write(`kith: unknown command ${JSON.stringify(isGroup ? `${first} ${second ?? ''}`.trim() : first)}\n\n${usage(isGroup ? first : undefined)}`)
    return 2
  }

  try {
    const { default: command } = await COMMANDS[name].load()
    return await command.run(rest)
  } catch (err: any) {
    return reportError(err)
  }
}

function reportError (err: any): number {
  if (err instanceof DaemonNotRunningError) {
    process.stderr.write(`kith: ${err.message}\n`)
    return 1
  }
  if (err instanceof ApiError) {
    process.stderr.write(`kith: ${err.message} (${err.name})\n`)
    return 1
  }
  if (err instanceof CliError) {
    process.stderr.write(`kith: ${err.message}\n`)
    return err.exitCode
  }
  process.stderr.write(`kith: ${String(err?.stack ?? err)}\n`)
  return 1
}
