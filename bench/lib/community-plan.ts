// The shape of the `communities` bench, shared by its Kith and raw halves so both get exactly the same groups,
// connections and topics: node 0 is the announcer (in every group), nodes 1..members are the members.

export interface CommunityPlanOptions {
  /** member nodes (100) */
  members: number
  /** groups in the community (50) */
  groups: number
  /** groups each member is in (5) */
  groupsPerMember: number
  /** besides the announcer, every member dials this many random other members (3) */
  extraDials: number
  seed: number
}

export interface CommunityPlan {
  /** nodes in all, the announcer included */
  size: number
  /** member node indices (1-based) of each group; the announcer is in every group on top */
  groups: number[][]
  /** for each node, the indices of the groups it is in (the announcer: all) */
  groupsOf: number[][]
  /** [dialer, listener]; every member dials the announcer, then `extraDials` random others */
  edges: Array<[number, number]>
}

/** mulberry32: a small seeded PRNG, so a run can be repeated with the same topology */
export function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffle<T> (items: T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/**
 * Groups in `groupsPerMember` rounds: each round splits a fresh random permutation of the members into
 * groups / groupsPerMember groups, so every member is in exactly groupsPerMember groups and no group holds a member twice.
 */
export function planCommunity (o: CommunityPlanOptions): CommunityPlan {
  const perRound = o.groups / o.groupsPerMember
  const groupSize = o.members / perRound
  if (!Number.isInteger(perRound) || !Number.isInteger(groupSize) || groupSize < 2) {
    throw new Error(`cannot split ${o.members} members into ${o.groups} groups with each member in ${o.groupsPerMember}`)
  }
  const random = prng(o.seed)
  const memberIds = Array.from({ length: o.members }, (_, i) => i + 1)
  const groups: number[][] = []
  for (let r = 0; r < o.groupsPerMember; r++) {
    const order = shuffle(memberIds, random)
    for (let k = 0; k < perRound; k++) groups.push(order.slice(k * groupSize, (k + 1) * groupSize).sort((a, b) => a - b))
  }
  const size = o.members + 1
  const groupsOf: number[][] = Array.from({ length: size }, () => [])
  groupsOf[0] = groups.map((_, g) => g)
  groups.forEach((members, g) => { for (const m of members) groupsOf[m].push(g) })
  const edges: Array<[number, number]> = []
  const linked = new Set<string>()
  const link = (a: number, b: number): void => {
    linked.add(`${Math.min(a, b)}-${Math.max(a, b)}`)
    edges.push([a, b])
  }
  for (const m of memberIds) link(m, 0)
  for (const m of memberIds) {
    let added = 0
    for (let tries = 0; added < o.extraDials && tries < 100; tries++) {
      const other = 1 + Math.floor(random() * o.members)
      if (other === m || linked.has(`${Math.min(m, other)}-${Math.max(m, other)}`)) continue
      link(m, other)
      added++
    }
  }
  return { size, groups, groupsOf, edges }
}

/** unordered pairs of connected node indices, from each node's view of its connections */
export function edgesFromConnections (peerIdsOf: string[][], peerIds: string[]): Array<[number, number]> {
  const index = new Map(peerIds.map((p, i) => [p, i]))
  const seen = new Set<string>()
  const edges: Array<[number, number]> = []
  peerIdsOf.forEach((peers, i) => {
    for (const p of peers) {
      const j = index.get(p)
      if (j == null || j === i) continue
      const key = `${Math.min(i, j)}-${Math.max(i, j)}`
      if (seen.has(key)) continue
      seen.add(key)
      // the higher index dials the lower, as in the plan (members dial the announcer)
      edges.push([Math.max(i, j), Math.min(i, j)])
    }
  })
  return edges
}
