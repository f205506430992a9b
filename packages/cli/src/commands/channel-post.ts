// kith channel post CHANNEL_ID (--text T | --photo F | --video F | --sticker F | --poll Q --option A --option B… [--multiple])
import { resolve } from 'node:path'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand, output, UsageError } from '../cli.ts'

export const POST_OPTIONS = {
  text: { type: 'string' },
  photo: { type: 'string' },
  video: { type: 'string' },
  sticker: { type: 'string' },
  poll: { type: 'string' },
  option: { type: 'string', multiple: true },
  multiple: { type: 'boolean' }
} as const

export const POST_HELP = `  --text T              a text post, or the caption of a photo, video or poll
  --photo F | --video F | --sticker F   a media post (checked by content: JPEG/PNG/GIF/WebP, MP4/WebM, WebP/PNG)
  --poll Q --option A --option B… [--multiple]   a poll with 2 to 12 options`

/** the post body of the API from the command's options */
export function postBody (values: { text?: string, photo?: string, video?: string, sticker?: string, poll?: string, option?: string[], multiple?: boolean }): Record<string, unknown> {
  const media = (['photo', 'video', 'sticker'] as const).filter(k => values[k] != null)
  if (media.length + (values.poll != null ? 1 : 0) > 1) throw new UsageError('give one of --photo, --video, --sticker or --poll')
  if (media.length === 1) return { kind: media[0], file: resolve(values[media[0]] as string), text: values.text }
  if (values.poll != null) return { kind: 'poll', text: values.text, poll: { question: values.poll, options: values.option ?? [], multiple: values.multiple === true } }
  if (values.text == null) throw new UsageError('give --text, --photo, --video, --sticker or --poll')
  return { kind: 'text', text: values.text }
}

export default defineCommand({
  name: 'channel post',
  usage: 'channel post CHANNEL_ID (--text T | --photo F | --video F | --sticker F | --poll Q --option A --option B… [--multiple])',
  summary: 'Posts to a channel this node owns or is an admin of; prints {"postId","acks"} (acks: peers that stored it).',
  optionsHelp: POST_HELP,
  options: POST_OPTIONS,
  args: ['CHANNEL_ID'],
  async run ({ dataDir, json, values, positionals: [channelId] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<{ postId: string, acks: number }>(`/v1/channels/${seg(channelId)}/posts`, postBody(values))
    output(json, res, () => `Posted ${res.postId} (stored by ${res.acks} peer${res.acks === 1 ? '' : 's'})`)
  }
})
