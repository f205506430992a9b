// Channel records read back from this node's own store.
//
// The service writes a record only after its verify function accepted it (signature, rules, authority, time:
// see `apply` in channels-service.ts), so reading one back does not check its signature again: that cost
// posts() ~0.15 ms a record (0.5 s of a 3,000-post feed, again on every call). What can have changed since it
// was stored is checked here: the channel's meta, so a removed admin's posts and edits stop counting. A record
// that does not decode (a store written by another version) is left out.
import {
  channelPostId, ChannelPost, ChannelPostEdit, ChannelReaction, ChannelVote, isChannelAuthor, markVerified, MAX_POLL_OPTIONS,
  Signed, type ChannelMeta, type VerifiedChannelPost, type VerifiedChannelPostEdit, type VerifiedChannelReaction,
  type VerifiedChannelVote
} from '@kith/protocol'

function body<T> (bytes: Uint8Array, decode: (body: Uint8Array) => T): T | undefined {
  try {
    return decode(Signed.decode(bytes).body)
  } catch {
    return undefined
  }
}

/** a stored post, while its author may still post under `meta`; `postId` when the caller has it (its key ends with it) */
export function storedPost (meta: ChannelMeta, bytes: Uint8Array, postId?: string): VerifiedChannelPost | undefined {
  const post = body(bytes, b => ChannelPost.decode(b))
  if (post == null || !isChannelAuthor(meta, post.author)) return undefined
  return markVerified({ ...post, bytes, postId: postId ?? channelPostId(bytes) })
}

export function storedEdit (meta: ChannelMeta, bytes: Uint8Array): VerifiedChannelPostEdit | undefined {
  const edit = body(bytes, b => ChannelPostEdit.decode(b))
  if (edit == null || !isChannelAuthor(meta, edit.author)) return undefined
  return markVerified({ ...edit, bytes })
}

export function storedReaction (bytes: Uint8Array): VerifiedChannelReaction | undefined {
  const reaction = body(bytes, b => ChannelReaction.decode(b))
  return reaction == null ? undefined : markVerified({ ...reaction, bytes })
}

/** a stored ballot; its poll was checked when it was stored, and a poll's options never change */
export function storedVote (bytes: Uint8Array): VerifiedChannelVote | undefined {
  const vote = body(bytes, b => ChannelVote.decode(b, { limits: { options: MAX_POLL_OPTIONS } }))
  return vote == null ? undefined : markVerified({ ...vote, bytes })
}
