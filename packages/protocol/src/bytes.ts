import { createHash, timingSafeEqual } from 'node:crypto'
import { base58btc } from 'multiformats/bases/base58'

export function concat (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0
  for (const p of parts) length += p.byteLength
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.byteLength
  }
  return out
}

export function equals (a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && (a.byteLength === 0 || timingSafeEqual(a, b))
}

export function compare (a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b)
}

export function sha256 (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}

const encoder = new TextEncoder()
export function utf8 (s: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(s) as Uint8Array<ArrayBuffer>
}

export function toHex (b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}

export function fromHex (s: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(s, 'hex'))
}

export function toBase58 (b: Uint8Array): string {
  return base58btc.baseEncode(b)
}

export function fromBase58 (s: string): Uint8Array {
  return base58btc.baseDecode(s)
}

export function toBase64url (b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url')
}

export function fromBase64url (s: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(s, 'base64url'))
}

/** a copy with its own ArrayBuffer, so callers never share (and never mutate) another's buffer */
export function copy (b: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(b)
}
