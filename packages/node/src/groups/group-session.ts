import { foldLog, toHex, type GroupState, type ReceivingChain, type SenderChain, type SignatureVerifier, groupTopic, groupIdFromString, applyLogEntry, verifyLogEntry, decodeLogEntry } from '@kith/protocol'
import type { GroupMeta, SeqWindow } from './group-store.js'

export interface RetryState {
  attempts: number
  nextAt: number
}

/**
 * What a node holds in memory for one group: the membership state folded from the log, its own sending chain,
 * the chains it has from other members, and the bookkeeping for retries and receipts. Work on one group runs
 * through `run`, one task at a time, because chains must advance in order.
 */
export class GroupSession {
  readonly groupId: Uint8Array
  readonly gid: string
  readonly topic: string
  meta: GroupMeta
  log: Uint8Array[]
  state: GroupState
  /** hex epoch (log head) → hex public keys of the members in that state */
  readonly epochs = new Map<string, Set<string>>()
  myChain?: SenderChain
  myInitialChainKey?: Uint8Array
  /** my seqs up to this one went out before my current chain (SenderKey.seqBase) */
  mySeqBase = 0
  /** hex public keys of members that acknowledged my sender key for the current epoch */
  acked = new Set<string>()
  /** hex sender key ids of this node's own chains, so history of its own messages is not taken for missing keys */
  ownKeyIds = new Set<string>()
  readonly chains = new Map<string, ReceivingChain>()
  readonly windows = new Map<string, SeqWindow>()
  /** hex member → the highest of my seqs it confirmed */
  readonly deliveredTo = new Map<string, number>()
  deliveredUpTo = 0
  readonly keyRetries = new Map<string, RetryState>()
  keyRequest?: RetryState & { epochs: Set<string> }
  readonly historyAskedAt = new Map<string, number>()
  /** failed history requests per member, for the retry backoff */
  readonly historyRetries = new Map<string, number>()
  /** senders whose seq window moved since the last receipt */
  readonly receiptDue = new Set<string>()
  receiptTimer?: ReturnType<typeof setTimeout>
  /** Date.now() when receipts last went out, on a text or in a RECEIPT (see receipts.ts) */
  receiptsSentAt = 0
  /** my seqs that send() is publishing itself, past the outbox: a flush must not publish them a second time */
  readonly directInFlight = new Set<number>()
  /** ids of messages deleted for everyone (held in memory: the receive path checks them for every text) */
  readonly tombstones = new Set<string>()
  /** sender keys received and not yet acknowledged: hex sender → the key to ack */
  readonly acksDue = new Map<string, { epoch: Uint8Array, senderKeyId: Uint8Array }>()
  ackTimer?: ReturnType<typeof setTimeout>
  gapTimer?: ReturnType<typeof setTimeout>
  /** hex sender → the highest of its seqs other members' receipts say they hold and we do not (yet) */
  readonly claimed = new Map<string, number>()
  claimTimer?: ReturnType<typeof setTimeout>
  flushing = false
  /** a send arrived while a flush was running */
  flushAgain = false
  /** the outbox may hold messages (true after a restart until a flush finds it empty) */
  outboxPending = true
  private queue: Promise<unknown> = Promise.resolve()

  constructor (meta: GroupMeta, log: Uint8Array[], verifier: SignatureVerifier) {
    this.meta = meta
    this.groupId = groupIdFromString(meta.groupId)
    this.gid = meta.groupId
    this.topic = groupTopic(this.groupId)
    this.log = log
    this.state = foldLog(log, verifier)
    this.recordEpochs(verifier)
  }

  /** remember which members each epoch had, so a key or message can be checked against the state it names */
  recordEpochs (verifier: SignatureVerifier): void {
    this.epochs.clear()
    let state: GroupState | undefined
    for (const bytes of this.log) {
      state = applyLogEntry(state, verifyLogEntry(state, bytes, verifier))
      this.epochs.set(toHex(state.head), new Set(state.members.keys()))
    }
  }

  addEpoch (state: GroupState): void {
    this.epochs.set(toHex(state.head), new Set(state.members.keys()))
  }

  /** tasks queued or running: said when a stop waits too long for them */
  queued = 0

  run<T> (task: () => Promise<T>): Promise<T> {
    this.queued++
    const next = this.queue.then(task, task).finally(() => { this.queued-- })
    this.queue = next.catch(() => {})
    return next
  }

  isMember (publicKeyHex: string): boolean {
    return this.state.members.has(publicKeyHex)
  }

  otherMembers (meHex: string): string[] {
    return [...this.state.members.keys()].filter(k => k !== meHex)
  }

  entryHashAt (index: number): Uint8Array | undefined {
    const bytes = this.log[index]
    return bytes == null ? undefined : decodeLogEntry(bytes).hash
  }
}
