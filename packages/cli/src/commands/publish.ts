// kith publish --key FILE --channel CHANNEL_ID [--bootstrap MA]… (--text T | --photo F | … | --from-file posts.jsonl)
// A channel publisher for scripts: no daemon; a short-lived node with the channel's key posts, waits until enough
// peers confirm they stored the post, and exits.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { CliError, defineCommand, output, positiveInt, UsageError } from '../cli.ts'
import { parseDuration } from '../units.ts'
import { postBody, POST_HELP, POST_OPTIONS } from './channel-post.ts'
import type { FullKithNode, NewPost } from '@kith/node'

class PublishFailedError extends CliError {
  override name = 'PublishFailedError'
}

interface KeyFile { channelId: string, key: string }

async function readKeyFile (file: string, channelId: string): Promise<KeyFile> {
  let parsed: KeyFile
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    throw new UsageError(`cannot read the key file ${file}: ${(err as Error).message}`)
  }
  if (typeof parsed?.key !== 'string' || typeof parsed?.channelId !== 'string') throw new UsageError(`${file} is not a key file written by kith channel export-key`)
  if (parsed.channelId !== channelId) throw new UsageError(`${file} holds the key of channel ${parsed.channelId}, not ${channelId}`)
  return parsed
}

/** a line of a posts.jsonl file: {"text"} | {"photo": FILE, "text"} | {"poll": Q, "options": [...], "multiple"} */
function lineToPost (line: string, n: number, base: string): NewPost {
  let v: any
  try {
    v = JSON.parse(line)
  } catch {
    throw new UsageError(`line ${n} is not JSON`)
  }
  const values = { text: v.text, photo: v.photo, video: v.video, sticker: v.sticker, poll: v.poll, option: v.options, multiple: v.multiple }
  for (const k of ['photo', 'video', 'sticker'] as const) if (typeof values[k] === 'string') values[k] = resolve(base, values[k])
  return postBody(values) as unknown as NewPost
}

function progress (done: number, total: number): void {
  if (process.stderr.isTTY !== true) return
  const width = 30
  const filled = Math.round(width * done / Math.max(1, total))
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`)
  if (done === total) process.stderr.write('\n')
}

export default defineCommand({
  name: 'publish',
  usage: 'publish --key FILE --channel CHANNEL_ID [--bootstrap MULTIADDR]... (--text T | --photo F | --video F | --sticker F | --poll Q --option A... | --from-file posts.jsonl) [--min-acks N] [--timeout 60s]',
  summary: 'Publishes to a channel without a daemon, waits until --min-acks peers stored the post, prints {"postId","acks"}.\n' +
    'With --from-file, publishes each line in order and resumes where it stopped when run again.',
  optionsHelp: `  --key FILE           the channel key (kith channel export-key)
  --channel ID         the channel
  --bootstrap MA       peers to reach first (relays, followers); repeatable
  --min-acks N         peers that must confirm they stored the post (default 1)
  --timeout DURATION   give up after this long (default 60s), exit 1
  --from-file F        a JSON line per post: {"text"} | {"photo":FILE,"text"} | {"poll":Q,"options":[...]}
  --no-mdns            do not look for peers on the local network
${POST_HELP}`,
  dataHelp: '',
  options: {
    ...POST_OPTIONS,
    key: { type: 'string' },
    channel: { type: 'string' },
    bootstrap: { type: 'string', multiple: true },
    'min-acks': { type: 'string' },
    timeout: { type: 'string' },
    'from-file': { type: 'string' },
    'no-mdns': { type: 'boolean' }
  },
  async run ({ json, values }) {
    if (values.key == null || values.channel == null) throw new UsageError('--key FILE and --channel CHANNEL_ID are required')
    const minAcks = positiveInt('min-acks', values['min-acks']) ?? 1
    const timeout = values.timeout != null ? parseDuration('timeout', values.timeout) : 60_000
    const keyFile = await readKeyFile(values.key, values.channel)
    let posts: NewPost[]
    let progressFile: string | undefined
    let done = 0
    if (values['from-file'] != null) {
      const file = resolve(values['from-file'])
      const lines = (await readFile(file, 'utf8')).split('\n').filter(l => l.trim() !== '')
      posts = lines.map((l, i) => lineToPost(l, i + 1, dirname(file)))
      progressFile = `${file}.kith-progress`
      done = Number((await readFile(progressFile, 'utf8').catch(() => '0')).trim()) || 0
    } else {
      posts = [postBody(values) as unknown as NewPost]
    }

    const { createKithNode } = await import('@kith/node')
    const dataDir = await mkdtemp(join(tmpdir(), 'kith-publish-'))
    let node: FullKithNode | undefined
    const deadline = AbortSignal.timeout(timeout)
    const results: Array<{ postId: string, acks: number }> = []
    try {
      node = await createKithNode({ dataDir, listen: ['/ip4/0.0.0.0/tcp/0'], bootstrap: values.bootstrap ?? [], mdns: values['no-mdns'] !== true })
      // wait for someone to talk to: the bootstrap peers, or whoever mDNS finds
      while (node.peers().length === 0) {
        if (deadline.aborted) throw new PublishFailedError(`no peer reachable within ${values.timeout ?? '60s'}`)
        await new Promise(r => setTimeout(r, 200))
      }
      const info = await node.channels.importKey(keyFile.channelId, keyFile.key, { signal: deadline })
      if (info.version === 0) throw new PublishFailedError(`no peer in reach knows channel ${keyFile.channelId}: start a follower or relay that carries it, or pass it with --bootstrap`)
      progress(done, posts.length)
      for (let i = done; i < posts.length; i++) {
        const result = await node.channels.post(keyFile.channelId, posts[i], { signal: deadline, minAcks })
        if (result.acks < minAcks) {
          throw new PublishFailedError(`post ${i + 1} (${result.postId}) was stored by ${result.acks} peer(s), fewer than --min-acks ${minAcks}, within ${values.timeout ?? '60s'}`)
        }
        results.push(result)
        if (progressFile != null) await writeFile(progressFile, String(i + 1))
        progress(i + 1, posts.length)
      }
    } finally {
      await node?.stop().catch(() => {})
      await rm(dataDir, { recursive: true, force: true })
    }
    const value = values['from-file'] != null ? results : results[0]
    output(json, value, () => results.map(r => `Published ${r.postId} (stored by ${r.acks} peer${r.acks === 1 ? '' : 's'})`).join('\n') || 'Nothing left to publish')
  }
})
