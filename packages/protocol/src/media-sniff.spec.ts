import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { concat, utf8 } from './bytes.js'
import { ChannelPostKind, MAX_MEDIA_BYTES } from './channel-records.js'
import { ChannelRecordRejectedError } from './errors.js'
import { checkMediaForKind, sniffMedia } from './media-sniff.js'

const b = (...xs: Array<number | string>): Uint8Array => concat(...xs.map(x => typeof x === 'string' ? utf8(x) : Uint8Array.of(x)))
const u32 = (n: number): number[] => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]

const samples = {
  jpeg: b(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'JFIF', 0),
  png: b(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'IHDR'),
  gif87: b('GIF87a', 1, 0, 1, 0),
  gif89: b('GIF89a', 1, 0, 1, 0),
  webp: b('RIFF', 0x24, 0, 0, 0, 'WEBP', 'VP8 '),
  mp4: ftyp('isom', 'isom', 'iso2', 'avc1', 'mp41'),
  m4v: ftyp('M4V ', 'M4V ', 'mp42'),
  mov: ftyp('qt  ', 'qt  '),
  threeGp: ftyp('3gp5', '3gp5'),
  avif: ftyp('avif', 'avif', 'mif1'),
  heic: ftyp('heic', 'mif1', 'heic'),
  m4a: ftyp('M4A ', 'M4A ', 'mp42'),
  webm: ebml([[0x42, 0x86, 0x81, 1], [0x42, 0xf7, 0x81, 1], [0x42, 0xf2, 0x81, 4], [0x42, 0xf3, 0x81, 8], [0x42, 0x82, 0x84, ...utf8('webm')], [0x42, 0x87, 0x81, 4], [0x42, 0x85, 0x81, 2]]),
  mkv: ebml([[0x42, 0x86, 0x81, 1], [0x42, 0x82, 0x88, ...utf8('matroska')]]),
  ebmlNoDocType: ebml([[0x42, 0x86, 0x81, 1]]),
  ebmlOther: ebml([[0x42, 0x82, 0x83, ...utf8('foo')]])
}

function ftyp (major: string, ...compatible: string[]): Uint8Array {
  const size = 16 + 4 * compatible.length
  return b(...u32(size), 'ftyp', major, 0, 0, 2, 0, ...compatible, ...u32(8), 'mdat')
}

function ebml (children: number[][]): Uint8Array {
  const body = children.flat()
  return Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 0x80 | body.length, ...body, 0x18, 0x53, 0x80, 0x67])
}

/** `content` followed by zeros up to `size` bytes */
const sized = (content: Uint8Array, size: number): Uint8Array => {
  const out = new Uint8Array(size)
  out.set(content.subarray(0, size))
  return out
}

describe('sniffMedia', () => {
  it('recognizes images and videos by their magic bytes', () => {
    const expected: Record<keyof typeof samples, [string, string]> = {
      jpeg: ['image/jpeg', 'image'],
      png: ['image/png', 'image'],
      gif87: ['image/gif', 'image'],
      gif89: ['image/gif', 'image'],
      webp: ['image/webp', 'image'],
      mp4: ['video/mp4', 'video'],
      m4v: ['video/mp4', 'video'],
      mov: ['video/quicktime', 'video'],
      threeGp: ['video/3gpp', 'video'],
      avif: ['image/avif', 'image'],
      heic: ['image/heic', 'image'],
      m4a: ['audio/mp4', 'unknown'],
      webm: ['video/webm', 'video'],
      mkv: ['video/x-matroska', 'video'],
      ebmlNoDocType: ['video/x-matroska', 'video'],
      ebmlOther: ['application/octet-stream', 'unknown']
    }
    for (const [name, [mime, family]] of Object.entries(expected)) {
      expect(sniffMedia(samples[name as keyof typeof samples]), name).toEqual({ mime, family })
    }
  })

  it('anything else, truncated headers included, is unknown', () => {
    const unknown = { mime: 'application/octet-stream', family: 'unknown' }
    for (const bytes of [new Uint8Array(0), b(0xff, 0xd8), b('GIF88a'), b('RIFF', 0, 0, 0, 0, 'WAVE'), b('<svg xmlns="http://www.w3.org/2000/svg"/>'), b('%PDF-1.7'), b(0x1a, 0x45, 0xdf), samples.webm.subarray(0, 12), b(0, 0, 0, 8, 'ftyp')]) {
      expect(sniffMedia(bytes)).toEqual(unknown)
    }
  })

  it('judges content, never the declared type: a PNG named .jpg is a PNG', () => {
    expect(sniffMedia(samples.png).mime).toBe('image/png')
  })

  it('never throws, whatever the bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...Object.values(samples)), fc.nat(), (tail, sample, cut) => {
      sniffMedia(tail)
      sniffMedia(concat(sample.subarray(0, cut % (sample.byteLength + 1)), tail))
    }), { numRuns: Number(process.env.FC_RUNS ?? 5000) })
  })
})

describe('checkMediaForKind', () => {
  const MiB = 1024 * 1024

  it('a photo is a JPEG, PNG, GIF or WebP image; a sticker a WebP or PNG; a video an MP4 or WebM', () => {
    const ok: Array<[ChannelPostKind, Uint8Array, string]> = [
      [ChannelPostKind.PHOTO, samples.jpeg, 'image/jpeg'], [ChannelPostKind.PHOTO, samples.png, 'image/png'], [ChannelPostKind.PHOTO, samples.gif89, 'image/gif'], [ChannelPostKind.PHOTO, samples.webp, 'image/webp'],
      [ChannelPostKind.STICKER, samples.webp, 'image/webp'], [ChannelPostKind.STICKER, samples.png, 'image/png'],
      [ChannelPostKind.VIDEO, samples.mp4, 'video/mp4'], [ChannelPostKind.VIDEO, samples.m4v, 'video/mp4'], [ChannelPostKind.VIDEO, samples.webm, 'video/webm']
    ]
    for (const [kind, bytes, mime] of ok) expect(checkMediaForKind(kind, bytes).mime).toBe(mime)
    const bad: Array<[ChannelPostKind, Uint8Array]> = [
      [ChannelPostKind.PHOTO, samples.mp4], [ChannelPostKind.PHOTO, samples.avif], [ChannelPostKind.PHOTO, b('<svg/>')],
      [ChannelPostKind.STICKER, samples.jpeg], [ChannelPostKind.STICKER, samples.gif89],
      [ChannelPostKind.VIDEO, samples.mov], [ChannelPostKind.VIDEO, samples.mkv], [ChannelPostKind.VIDEO, samples.m4a], [ChannelPostKind.VIDEO, samples.jpeg],
      [ChannelPostKind.TEXT, samples.jpeg], [ChannelPostKind.POLL, samples.jpeg], [ChannelPostKind.PHOTO, new Uint8Array(0)]
    ]
    for (const [kind, bytes] of bad) expect(() => checkMediaForKind(kind, bytes), `${kind} ${sniffMedia(bytes).mime}`).toThrow(ChannelRecordRejectedError)
  })

  it('enforces each kind\'s size limit on the content', () => {
    expect(checkMediaForKind(ChannelPostKind.STICKER, sized(samples.webp, MiB)).mime).toBe('image/webp')
    expect(() => checkMediaForKind(ChannelPostKind.STICKER, sized(samples.webp, MiB + 1))).toThrow(/at most/)
    expect(checkMediaForKind(ChannelPostKind.PHOTO, sized(samples.jpeg, 16 * MiB)).mime).toBe('image/jpeg')
    expect(() => checkMediaForKind(ChannelPostKind.PHOTO, sized(samples.jpeg, 16 * MiB + 1))).toThrow(/at most/)
    expect(checkMediaForKind(ChannelPostKind.VIDEO, sized(samples.mp4, MAX_MEDIA_BYTES.VIDEO)).mime).toBe('video/mp4')
    expect(() => checkMediaForKind(ChannelPostKind.VIDEO, sized(samples.mp4, MAX_MEDIA_BYTES.VIDEO + 1))).toThrow(ChannelRecordRejectedError)
  })

  it('given the post\'s declared media, its size and type must be the content\'s', () => {
    expect(checkMediaForKind(ChannelPostKind.PHOTO, samples.jpeg, { mime: 'image/jpeg', size: BigInt(samples.jpeg.byteLength) }).mime).toBe('image/jpeg')
    expect(() => checkMediaForKind(ChannelPostKind.PHOTO, samples.png, { mime: 'image/jpeg' })).toThrow(/declares image\/jpeg/)
    expect(() => checkMediaForKind(ChannelPostKind.PHOTO, samples.jpeg, { size: samples.jpeg.byteLength + 1 })).toThrow(/declares/)
  })
})
