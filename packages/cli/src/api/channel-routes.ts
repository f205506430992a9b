// The local API's channel routes: the daemon's channels service over HTTP.
import { isAbsolute } from 'node:path'
import { badArg, route, type Route } from './server.ts'
import type { FullKithNode, NewPost, PostKindName } from '@kith/node'

function text (body: any, key: string, optional = false): string | undefined {
  const v = body?.[key]
  if (v == null && optional) return undefined
  if (typeof v !== 'string') throw badArg(`"${key}" must be a string`)
  return v
}

function limitOf (query: URLSearchParams): number | undefined {
  const v = query.get('limit')
  if (v == null || v === '') return undefined
  if (!/^\d+$/.test(v) || Number(v) < 1) throw badArg('"limit" must be a positive integer')
  return Number(v)
}

/** a yes/no query parameter: absent, '', 0 or false is no; 1 or true is yes */
function flagOf (query: URLSearchParams, key: string): boolean {
  const v = query.get(key)
  if (v == null || v === '' || v === '0' || v === 'false') return false
  if (v === '1' || v === 'true') return true
  throw badArg(`"${key}" must be true or false`)
}

const KINDS: PostKindName[] = ['text', 'photo', 'video', 'sticker', 'poll']

function newPost (body: any): NewPost {
  const kind = body?.kind
  if (!KINDS.includes(kind)) throw badArg(`"kind" is one of ${KINDS.join(', ')}`)
  const post: NewPost = { kind, text: text(body, 'text', true) }
  if (body.file != null) {
    const file = text(body, 'file') as string
    // the daemon reads the file itself: it runs on this machine, for the token holder
    if (!isAbsolute(file)) throw badArg('"file" must be an absolute path')
    post.file = file
  }
  if (body.poll != null) {
    const options = body.poll.options
    if (!Array.isArray(options) || options.some((o: unknown) => typeof o !== 'string')) throw badArg('"poll.options" must be a list of texts')
    post.poll = { question: text(body.poll, 'question') as string, options, multiple: body.poll.multiple === true }
  }
  return post
}

export function channelRoutes (node: FullKithNode): Route[] {
  const c = node.channels
  return [
    route('GET', '/v1/channels', async ({ signal }) => c.list({ signal })),
    route('POST', '/v1/channels', async ({ body, signal }) => c.create(text(body, 'name') as string, { description: text(body, 'description', true), category: text(body, 'category', true), language: text(body, 'language', true) }, { signal })),
    route('GET', '/v1/channels/search', async ({ query, signal }) => {
      const words = query.get('q') ?? ''
      if (words.trim() === '') throw badArg('"q" must hold some words')
      return c.search(words, { signal, limit: limitOf(query), includeFlagged: flagOf(query, 'includeFlagged') })
    }),
    route('GET', '/v1/channels/:id', async ({ params, signal }) => c.info(params.id, { signal })),
    route('PATCH', '/v1/channels/:id', async ({ params, body, signal }) => c.edit(params.id, { name: text(body, 'name', true), description: text(body, 'description', true), category: text(body, 'category', true), language: text(body, 'language', true), avatar: text(body, 'avatar', true) }, { signal })),
    route('POST', '/v1/channels/:id/admins', async ({ params, body, signal }) => c.addAdmin(params.id, text(body, 'peerId') as string, { signal })),
    route('DELETE', '/v1/channels/:id/admins/:peerId', async ({ params, signal }) => c.removeAdmin(params.id, params.peerId, { signal })),
    route('POST', '/v1/channels/:id/key', async ({ params }) => c.exportKey(params.id)),
    route('POST', '/v1/channels/:id/posts', async ({ params, body, signal }) => c.post(params.id, newPost(body), { signal })),
    route('GET', '/v1/channels/:id/posts', async ({ params, query, signal }) => c.posts(params.id, { signal, limit: limitOf(query) })),
    route('POST', '/v1/channels/:id/follow', async ({ params, signal }) => c.follow(params.id, { signal })),
    route('POST', '/v1/channels/:id/unfollow', async ({ params, signal }) => { await c.unfollow(params.id, { signal }); return {} }),
    route('PATCH', '/v1/posts/:postId', async ({ params, body, signal }) => { await c.editPost(params.postId, text(body, 'text') as string, { signal }); return {} }),
    route('DELETE', '/v1/posts/:postId', async ({ params, signal }) => { await c.deletePost(params.postId, { signal }); return {} }),
    route('POST', '/v1/posts/:postId/reaction', async ({ params, body, signal }) => { await c.react(params.postId, text(body, 'emoji') as string, { signal }); return {} }),
    route('POST', '/v1/posts/:postId/vote', async ({ params, body, signal }) => {
      const options = body?.options
      if (!Array.isArray(options) || options.some((o: unknown) => typeof o !== 'string' && typeof o !== 'number')) throw badArg('"options" must be a list of option texts or indices')
      await c.vote(params.postId, options, { signal })
      return {}
    }),
    route('GET', '/v1/updates', async ({ signal }) => c.updates({ signal }))
  ]
}
