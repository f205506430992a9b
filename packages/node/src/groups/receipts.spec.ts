import { createGenesis, encryptGroupMessage, foldLog, generateIdentity, groupIdToString, Inner, newSenderChain, SignatureVerifier, toHex } from '@kith/protocol'
import { describe, expect, it } from 'vitest'
import { GroupSession } from './group-session.ts'
import { dueAgain, piggyback, receiptRoom, takeDue, PIGGYBACK_MS } from './receipts.ts'

function session (): GroupSession {
  const verifier = new SignatureVerifier()
  const founder = generateIdentity()
  const genesis = createGenesis(founder, { name: 'receipts', invitePublicKey: generateIdentity().publicKey, timestamp: 1 })
  const groupId = groupIdToString(foldLog([genesis], verifier).groupId)
  return new GroupSession({ groupId, direct: false, mySeq: 0, lastSeenAt: 0, left: false, createdAt: 0 }, [genesis], verifier)
}

/** n senders whose windows moved, in this order */
function due (s: GroupSession, n: number): string[] {
  const senders = Array.from({ length: n }, () => toHex(generateIdentity().publicKey))
  senders.forEach((sender, i) => {
    s.windows.set(sender, { contiguous: i + 1, above: [] })
    s.receiptDue.add(sender)
  })
  return senders
}

describe('receipts riding on texts', () => {
  it('a 200-character text carries the oldest receipts due, as many as keep it under 512 bytes on the wire', () => {
    const s = session()
    const senders = due(s, 9)
    const text = 'x'.repeat(200)
    const marks = piggyback(s, text, 10_000)
    expect(marks.length).toBe(receiptRoom(200))
    expect(marks.length).toBeGreaterThan(0)
    expect(marks.map(m => toHex(m.sender))).toEqual(senders.slice(0, marks.length))
    expect(marks.map(m => m.seq)).toEqual(marks.map((_, i) => BigInt(i + 1)))
    // gossipsub sends IDONTWANT to every mesh peer for messages of 512 bytes and more
    const wire = encryptGroupMessage(generateIdentity(), newSenderChain(new Uint8Array(32)), { seq: 99999n, timestamp: BigInt(Date.now()), kind: Inner.Kind.TEXT, text, receipts: marks, padding: new Uint8Array(0) }).wire
    expect(wire.byteLength).toBeLessThan(512)
    // the rest stays due, and the next text within PIGGYBACK_MS carries none
    expect([...s.receiptDue]).toEqual(senders.slice(marks.length))
    expect(piggyback(s, text, 10_000 + PIGGYBACK_MS - 1)).toEqual([])
    expect(piggyback(s, text, 10_000 + PIGGYBACK_MS).map(m => toHex(m.sender))).toEqual(senders.slice(marks.length, 2 * marks.length))
  })

  it('a long text carries none; a RECEIPT takes them all; receipts on a message nobody got are due again', () => {
    const s = session()
    const senders = due(s, 5)
    expect(piggyback(s, 'y'.repeat(400), 10_000)).toEqual([])
    expect(s.receiptsSentAt).toBe(0)
    const all = takeDue(s, 20_000)
    expect(all.map(m => toHex(m.sender))).toEqual(senders)
    expect(s.receiptDue.size).toBe(0)
    expect(s.receiptsSentAt).toBe(20_000)
    dueAgain(s, all)
    expect([...s.receiptDue]).toEqual(senders)
  })
})
