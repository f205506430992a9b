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
  'channel show': { summary: "a channel's description, flagged or not", load: async () => import('./commands/channel-show.ts') },
  'channel list': { summary: 'the channels this node owns or follows', load: async () => import('./commands/channel-list.ts') },
  updates: { summary: 'followed channels, newest first, with unread counts', load: async () => import('./commands/updates.ts') },
  publish: { summary: 'publish to a channel without a daemon (for scripts)', load: async () => import('./commands/publish.ts') },
  'community create': { summary: 'create a community and print its invite', load: async () => import('./commands/community-create.ts') },
  'community list': { summary: 'the communities this node is in', load: async () => import('./commands/community-list.ts') },
  'community show': { summary: "a community's description, groups and your role", load: async () => import('./commands/community-show.ts') },
  'community edit': { summary: "change a community's name or description", load: async () => import('./commands/community-edit.ts') },
  'community invite': { summary: "show (or --reset) a community's invite", load: async () => import('./commands/community-invite.ts') },
  'community join': { summary: 'join a community by invite', load: async () => import('./commands/community-join.ts') },
  'community leave': { summary: 'leave a community and its groups', load: async () => import('./commands/community-leave.ts') },
  'community group add': { summary: 'link a group you administer to a community', load: async () => import('./commands/community-group-add.ts') },
  'community group create': { summary: 'create a group inside a community', load: async () => import('./commands/community-group-create.ts') },
  'community group remove': { summary: 'take a group out of a community', load: async () => import('./commands/community-group-remove.ts') },
  'community group request': { summary: "ask to join one of a community's groups", load: async () => import('./commands/community-group-request.ts') },
  'community group approve': { summary: 'let a member into a group it asked for', load: async () => import('./commands/community-group-approve.ts') },
  'community requests': { summary: "a community's pending group requests", load: async () => import('./commands/community-requests.ts') },
  'community admin': { summary: 'make a peer a community admin, or stop it', load: async () => import('./commands/community-admin.ts') },
  'community member remove': { summary: 'remove a member from every group of a community', load: async () => import('./commands/community-member-remove.ts') },
  'community ban': { summary: 'remove a peer from a community and keep it out', load: async () => import('./commands/community-ban.ts') },
  'community unban': { summary: 'let a banned peer rejoin a community', load: async () => import('./commands/community-unban.ts') },
  'community announce': { summary: 'one signed announcement to every group of a community', load: async () => import('./commands/community-announce.ts') },
  'community reports': { summary: "the reports sent to a community's admins", load: async () => import('./commands/community-reports.ts') },
  'community delete-message': { summary: 'delete a message for everyone (admins)', load: async () => import('./commands/community-delete-message.ts') },
  report: { summary: "report a message, member or group to a community's admins", load: async () => import('./commands/report.ts') }
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
  'channel show': 'channel show CHANNEL_ID',
  'channel list': 'channel list',
  updates: 'updates',
  publish: 'publish --key FILE --channel ID [--bootstrap MA]... (--text T | ... | --from-file F)',
  'community create': 'community create NAME [--description T]',
  'community list': 'community list',
  'community show': 'community show COMMUNITY_ID',
  'community edit': 'community edit COMMUNITY_ID [--name N] [--description T]',
  'community invite': 'community invite COMMUNITY_ID [--reset]',
  'community join': 'community join INVITE [--timeout SECONDS]',
  'community leave': 'community leave COMMUNITY_ID',
  'community group add': 'community group add COMMUNITY_ID GROUP_ID [--ask]',
  'community group create': 'community group create COMMUNITY_ID NAME [--ask]',
  'community group remove': 'community group remove COMMUNITY_ID GROUP_ID',
  'community group request': 'community group request COMMUNITY_ID GROUP_ID',
  'community group approve': 'community group approve COMMUNITY_ID GROUP_ID PEER_ID',
  'community requests': 'community requests COMMUNITY_ID',
  'community admin': 'community admin add|remove COMMUNITY_ID PEER_ID',
  'community member remove': 'community member remove COMMUNITY_ID PEER_ID [--ban]',
  'community ban': 'community ban COMMUNITY_ID PEER_ID',
  'community unban': 'community unban COMMUNITY_ID PEER_ID',
  'community announce': 'community announce COMMUNITY_ID TEXT',
  'community reports': 'community reports COMMUNITY_ID',
  'community delete-message': 'community delete-message COMMUNITY_ID MESSAGE_ID',
  report: 'report --community ID [--message ID | --member PEER_ID | --group ID] --reason T'
}

const MAX_WORDS = Math.max(...Object.keys(COMMANDS).map(n => n.split(' ').length))

/** true when `words` is the start of a longer command name ("community", "community group") */
function isPrefix (words: string): boolean {
  return Object.keys(COMMANDS).some(n => n.startsWith(words + ' '))
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
  const [first] = argv
  if (first == null || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? argv.slice(1).join(' ') : ''
    if (topic !== '' && COMMANDS[topic] != null) return main([...topic.split(' '), '--help'])
    if (topic !== '' && isPrefix(topic)) {
      process.stdout.write(usage(topic))
      return 0
    }
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

  // the longest run of leading words that names a command: "community group add", "relay stats", "relay"
  let name: string | undefined
  for (let n = Math.min(argv.length, MAX_WORDS); n >= 1 && name == null; n--) {
    if (COMMANDS[argv.slice(0, n).join(' ')] != null) name = argv.slice(0, n).join(' ')
  }
  if (name == null) {
    // "kith community group": the commands under the longest prefix the words make
    let n = Math.min(argv.length, MAX_WORDS - 1)
    while (n >= 1 && !isPrefix(argv.slice(0, n).join(' '))) n--
    const prefix = n >= 1 ? argv.slice(0, n).join(' ') : undefined
    const next = argv[n]
    if (prefix != null && (next == null || next === '--help' || next === '-h')) {
      if (next == null) {
        process.stderr.write(usage(prefix))
        return 2
      }
      process.stdout.write(usage(prefix))
      return 0
    }
    process.stderr.write(`kith: unknown command ${JSON.stringify(prefix != null ? `${prefix} ${next}` : first)}\n\n${usage(prefix)}`)
    return 2
  }
  const rest = argv.slice(name.split(' ').length)

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
