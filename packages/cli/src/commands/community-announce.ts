// kith community announce COMMUNITY_ID TEXT
import type { FanOut } from '@kith/node'
import { ApiClient, seg } from '../api/client.ts'
import { defineCommand } from '../cli.ts'
import { groupsReached, outputFanOut } from './community-fan-out.ts'

export default defineCommand({
  name: 'community announce',
  usage: 'community announce COMMUNITY_ID TEXT',
  summary: 'Sends one signed announcement (admins only) to the announcement group and every group of the\ncommunity this node is in; kith group messages shows it with "kind":"announcement".\nPrints {"announcementId","successes","failures"}; exits 1 only if no group got it.',
  args: ['COMMUNITY_ID', 'TEXT...'],
  async run ({ dataDir, json, positionals: [communityId, text] }) {
    const api = await ApiClient.open(dataDir)
    const res = await api.post<{ announcementId: string } & FanOut>(`/v1/communities/${seg(communityId)}/announcements`, { text })
    return outputFanOut(json, res, () => `Announcement ${res.announcementId} sent to ${groupsReached(res)}`)
  }
})
