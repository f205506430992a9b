// The local API's community routes: the daemon's communities service over HTTP.
import { badArg, route, type Route } from './server.ts'
import type { FullKithNode, ReportTarget } from '@kith/node'

function text (body: any, key: string, optional = false): string | undefined {
  const v = body?.[key]
  if (v == null && optional) return undefined
  if (typeof v !== 'string' || v.trim() === '') throw badArg(`"${key}" must be a non-empty string`)
  return v
}

function flag (body: any, key: string): boolean | undefined {
  const v = body?.[key]
  if (v == null) return undefined
  if (typeof v !== 'boolean') throw badArg(`"${key}" must be a boolean`)
  return v
}

export function communityRoutes (node: FullKithNode): Route[] {
  const c = node.communities
  return [
    route('GET', '/v1/communities', async () => c.list()),
    route('POST', '/v1/communities', async ({ body, signal }) => c.create(text(body, 'name') as string, { signal, description: text(body, 'description', true) })),
    route('POST', '/v1/communities/join', async ({ body, signal }) => {
      const timeout = body.timeout
      if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)) throw badArg('"timeout" must be a positive number of milliseconds')
      return c.join(text(body, 'invite') as string, { signal, ...(timeout !== undefined ? { timeout } : {}) })
    }),
    route('GET', '/v1/communities/:id', async ({ params }) => c.show(params.id)),
    route('PATCH', '/v1/communities/:id', async ({ params, body, signal }) => {
      for (const key of ['description', 'icon']) {
        if (body[key] != null && typeof body[key] !== 'string') throw badArg(`"${key}" must be a string`)
      }
      return c.edit(params.id, { name: text(body, 'name', true), description: body.description, icon: body.icon }, { signal })
    }),
    route('POST', '/v1/communities/:id/invite', async ({ params, body, signal }) => c.invite(params.id, { signal, reset: flag(body, 'reset') === true })),
    route('POST', '/v1/communities/:id/leave', async ({ params, signal }) => c.leave(params.id, { signal })),
    route('POST', '/v1/communities/:id/groups', async ({ params, body, signal }) => {
      const open = flag(body, 'open')
      if (body.groupId != null) return c.addGroup(params.id, text(body, 'groupId') as string, { signal, open })
      return c.createGroup(params.id, text(body, 'name') as string, { signal, open })
    }),
    route('DELETE', '/v1/communities/:id/groups/:groupId', async ({ params, signal }) => {
      await c.removeGroup(params.id, params.groupId, { signal })
      return {}
    }),
    route('POST', '/v1/communities/:id/groups/:groupId/requests', async ({ params, signal }) => c.requestGroup(params.id, params.groupId, { signal })),
    route('GET', '/v1/communities/:id/requests', async ({ params }) => c.requests(params.id)),
    route('POST', '/v1/communities/:id/groups/:groupId/approve', async ({ params, body, signal }) => {
      await c.approve(params.id, params.groupId, text(body, 'peerId') as string, { signal })
      return {}
    }),
    route('POST', '/v1/communities/:id/admins', async ({ params, body, signal }) => c.addAdmin(params.id, text(body, 'peerId') as string, { signal })),
    route('DELETE', '/v1/communities/:id/admins/:peerId', async ({ params, signal }) => c.removeAdmin(params.id, params.peerId, { signal })),
    route('DELETE', '/v1/communities/:id/members/:peerId', async ({ params, query, signal }) => c.removeMember(params.id, params.peerId, { signal, ban: query.get('ban') === 'true' })),
    route('POST', '/v1/communities/:id/bans', async ({ params, body, signal }) => c.removeMember(params.id, text(body, 'peerId') as string, { signal, ban: true })),
    route('DELETE', '/v1/communities/:id/bans/:peerId', async ({ params, signal }) => {
      await c.unban(params.id, params.peerId, { signal })
      return {}
    }),
    route('POST', '/v1/communities/:id/announcements', async ({ params, body, signal }) => c.announce(params.id, text(body, 'text') as string, { signal })),
    route('POST', '/v1/communities/:id/reports', async ({ params, body, signal }) => {
      const target: ReportTarget = { reason: text(body, 'reason') as string }
      for (const key of ['message', 'member', 'group'] as const) {
        const v = text(body, key, true)
        if (v != null) target[key] = v
      }
      return c.report(params.id, target, { signal })
    }),
    route('GET', '/v1/communities/:id/reports', async ({ params }) => c.reports(params.id)),
    route('DELETE', '/v1/communities/:id/messages/:messageId', async ({ params, signal }) => c.deleteMessage(params.id, params.messageId, { signal }))
  ]
}
