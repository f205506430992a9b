// The Kith half of `npm run bench -- groups`. The lead plugs the Kith measurement in here once the Kith node exists.
//
// Contract: set `kithGroups` to a function that measures a Kith group with the SAME method as the raw baseline in
// groups.ts (the method is passed in; reuse measureLatency / measureThroughput from ./lib/group-measure.ts with a
// BenchGroup adapter over Kith nodes) and resolves with:
//   p50, p99       ms, publish to delivery at the LAST of the other members, one message at a time, rotating sender
//   throughput     messages per second delivered to ALL other members, every member sending, bounded window
//   rssIdleMB      resident memory of one idle Kith daemon process, MB (see rssOfPidMB / settledRssMB in ./lib/rss.ts)
//   cryptoUsPerMsg Kith's own per-message crypto cost (seal + sign on send, verify + open on receive), µs
// It must stop every node / daemon it started before resolving or throwing.
// While it is undefined the table shows the Kith figures as null ("kith: not built yet").

export interface GroupsMethod {
  /** group members (10) */
  members: number
  /** every member dials the next `dialNext` (3), mod members */
  dialNext: number
  /** payload size in bytes (200); each payload carries a nonce and its send time (see makePayload) */
  payloadBytes: number
  /** latency: warm-up messages, then measured messages */
  latencyWarmup: number
  latencyMessages: number
  /** throughput: ms of load before counting, ms counted, messages outstanding across the group at most */
  throughputWarmupMs: number
  throughputDurationMs: number
  throughputWindow: number
}

export interface KithGroupsResult {
  p50: number
  p99: number
  throughput: number
  rssIdleMB: number
  cryptoUsPerMsg: number
}

export type KithGroupsFn = (method: GroupsMethod) => Promise<KithGroupsResult>

// A function taking no argument fits this type too: `async () => ({ p50, p99, throughput, rssIdleMB, cryptoUsPerMsg })`.
export const kithGroups: undefined | KithGroupsFn = undefined
