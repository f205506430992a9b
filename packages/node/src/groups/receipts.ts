import { fromHex, toHex, type Inner } from '@kith/protocol'
import type { GroupSession } from './group-session.js'

/**
 * Receipts (per sender, the highest seq received without a gap) ride on this node's texts in `Inner.receipts`; a
 * RECEIPT message of its own goes out only when its texts have carried none for a while (see the groups service).
 * A standalone RECEIPT is a full group message every member verifies, decrypts and stores: at chat rates it was a
 * third of a group's traffic.
 */

/** a text carries receipts at most this often */
export const PIGGYBACK_MS = 500
/**
 * and only as many as keep it under this size on the wire: gossipsub sends an IDONTWANT to every mesh peer for a
 * message of 512 bytes or more (idontwantMinDataSize), which a 200-character text without receipts (356 bytes)
 * does not need
 */
const PIGGYBACK_WIRE_BYTES = 500
/** wire bytes of a text message besides its text and receipts (signature, header, tag, framing), rounded up */
const TEXT_OVERHEAD_BYTES = 160
/** one receipt: a 32-byte public key and a seq, with protobuf framing */
const MARK_BYTES = 40

/** how many receipts a text of this many UTF-8 bytes can carry under PIGGYBACK_WIRE_BYTES */
export function receiptRoom (textBytes: number): number {
  return Math.max(0, Math.floor((PIGGYBACK_WIRE_BYTES - TEXT_OVERHEAD_BYTES - textBytes) / MARK_BYTES))
}

/** the receipts that have been due longest, at most `limit`, taken off the due list */
export function takeDue (session: GroupSession, now: number, limit = Infinity): Inner['receipts'] {
  const receipts: Inner['receipts'] = []
  // a Set iterates in insertion order, and a sender that moves again keeps its place: oldest due first
  for (const sender of session.receiptDue) {
    if (receipts.length >= limit) break
    receipts.push({ sender: fromHex(sender), seq: BigInt(session.windows.get(sender)?.contiguous ?? 0) })
  }
  for (const mark of receipts) session.receiptDue.delete(toHex(mark.sender))
  if (receipts.length > 0) session.receiptsSentAt = now
  return receipts
}

/** the receipts a text about to be encrypted carries (none if some went out less than PIGGYBACK_MS ago) */
export function piggyback (session: GroupSession, text: string, now: number): Inner['receipts'] {
  if (session.receiptDue.size === 0 || now - session.receiptsSentAt < PIGGYBACK_MS) return []
  return takeDue(session, now, receiptRoom(Buffer.byteLength(text, 'utf8')))
}

/** receipts that went out on a message nobody got are due again */
export function dueAgain (session: GroupSession, receipts: Inner['receipts']): void {
  for (const mark of receipts) session.receiptDue.add(toHex(mark.sender))
}
