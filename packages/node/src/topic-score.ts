import { createTopicScoreParams } from '@libp2p/gossipsub/score'
import type { GossipSub } from '@libp2p/gossipsub'

/**
 * Score a topic so that messages our validators Reject count against the peer that brought them: a few rejects
 * take a peer below zero (it gets no gossip), a flood of them below the graylist (it is ignored). Quiet chats must
 * not penalise anyone, so the mesh-delivery terms (made for busy topics) are off. gossipsub reads these per topic
 * when it computes scores, so a topic can be added while running.
 */
export function scoreTopic (pubsub: GossipSub, topic: string): void {
  const params = (pubsub as unknown as { score?: { params?: { topics?: Record<string, unknown> } } }).score?.params
  if (params?.topics == null || params.topics[topic] != null) return
  params.topics[topic] = createTopicScoreParams({
    topicWeight: 1,
    timeInMeshWeight: 0.01,
    timeInMeshQuantum: 1000,
    timeInMeshCap: 100,
    firstMessageDeliveriesWeight: 0.1,
    firstMessageDeliveriesDecay: 0.9,
    firstMessageDeliveriesCap: 100,
    meshMessageDeliveriesWeight: 0,
    meshFailurePenaltyWeight: 0,
    invalidMessageDeliveriesWeight: -10,
    invalidMessageDeliveriesDecay: 0.9
  })
}

export function unscoreTopic (pubsub: GossipSub, topic: string): void {
  const params = (pubsub as unknown as { score?: { params?: { topics?: Record<string, unknown> } } }).score?.params
  if (params?.topics != null) delete params.topics[topic]
}
