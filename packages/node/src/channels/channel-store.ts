const pad = (n: number | bigint, width = 15): string => String(n).padStart(width, '0')

/**
 * Key layout of the channels service inside the app sublevel.
 *
 *   ch/<id>/meta                  Signed ChannelMeta (the newest this node accepted)
 *   ch/<id>/key                   the owner key's seed, for channels this node created
 *   ch/<id>/follow                {since, readAt} for followed channels
 *   ch/<id>/seq/<author>          the last seq this node gave one of its posts by that author key
 *   ch/<id>/p/<timestamp>/<post>  Signed ChannelPost, in time order
 *   ch/<id>/pi/<post>             the key above
 *   ch/<id>/e/<post>              the newest Signed ChannelPostEdit
 *   ch/<id>/r/<post>/<follower>   the newest Signed ChannelReaction of a follower
 *   ch/<id>/v/<post>/<follower>   the newest Signed ChannelVote of a follower
 *   chpost/<post>                 channel id of a post
 *   chexp/<timestamp>/<id>/<post> retention index, oldest first
 *   chmedia/<cid>/<post>          which posts reference a media file
 *   chmediaok/<cid>               the file was fetched, checked and pinned
 */
export const channelKeys = {
  meta: (c: string) => `ch/${c}/meta`,
  key: (c: string) => `ch/${c}/key`,
  follow: (c: string) => `ch/${c}/follow`,
  seq: (c: string, author: string) => `ch/${c}/seq/${author}`,
  post: (c: string, timestamp: bigint | number, postId: string) => `ch/${c}/p/${pad(timestamp)}/${postId}`,
  postRange: (c: string, since = 0) => ({ gte: `ch/${c}/p/${pad(since)}`, lt: `ch/${c}/p0` }),
  postIndex: (c: string, postId: string) => `ch/${c}/pi/${postId}`,
  edit: (c: string, postId: string) => `ch/${c}/e/${postId}`,
  editRange: (c: string) => ({ gte: `ch/${c}/e/`, lt: `ch/${c}/e0` }),
  reaction: (c: string, postId: string, follower: string) => `ch/${c}/r/${postId}/${follower}`,
  reactionRange: (c: string, postId: string) => ({ gte: `ch/${c}/r/${postId}/`, lt: `ch/${c}/r/${postId}0` }),
  /** every reaction of the channel, grouped by post */
  reactionsRange: (c: string) => ({ gte: `ch/${c}/r/`, lt: `ch/${c}/r0` }),
  vote: (c: string, postId: string, follower: string) => `ch/${c}/v/${postId}/${follower}`,
  voteRange: (c: string, postId: string) => ({ gte: `ch/${c}/v/${postId}/`, lt: `ch/${c}/v/${postId}0` }),
  votesRange: (c: string) => ({ gte: `ch/${c}/v/`, lt: `ch/${c}/v0` }),
  channelOfPost: (postId: string) => `chpost/${postId}`,
  expiry: (timestamp: bigint | number, c: string, postId: string) => `chexp/${pad(timestamp)}/${c}/${postId}`,
  expiryRange: (before: number) => ({ gte: 'chexp/', lt: `chexp/${pad(Math.max(0, before))}` }),
  mediaRef: (cid: string, postId: string) => `chmedia/${cid}/${postId}`,
  mediaRefRange: (cid: string) => ({ gte: `chmedia/${cid}/`, lt: `chmedia/${cid}0` }),
  mediaOk: (cid: string) => `chmediaok/${cid}`,
  channelRange: () => ({ gte: 'ch/', lt: 'ch0' })
}
