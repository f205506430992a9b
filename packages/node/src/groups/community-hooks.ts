import type { AbortOptions } from '@libp2p/interface'

/** how a group shows a COMMUNITY message that is an announcement */
export interface AnnouncementDisplay {
  kind: 'announcement'
  text: string
  community: { communityId: string, name: string }
  signedBy: string
}

export interface PayloadVerdict {
  /** reject: the sender forged or broke a community rule (a gossipsub Reject); ignore: nothing to show */
  verdict: 'accept' | 'reject' | 'ignore'
  display?: AnnouncementDisplay
  why?: string
}

/**
 * What the communities service plugs into groups: the groups service stays ignorant of communities, and calls these
 * while it validates a decrypted COMMUNITY message or admits a member.
 */
export interface CommunityHooks {
  onPayload (message: { groupId: string, sender: Uint8Array, payload: Uint8Array, timestamp: number }, options?: AbortOptions): Promise<PayloadVerdict>
  /** false refuses the peer: banned from a community the group belongs to */
  mayJoin (groupId: string, publicKey: Uint8Array): boolean
  /** this node just admitted a joiner with the group's invite: it owes the newcomer the community's description */
  onAdmitted (groupId: string, publicKey: Uint8Array): void
}
