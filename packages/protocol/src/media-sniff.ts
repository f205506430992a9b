// What a media file is, judged by its first bytes (never by its name or a declared type), and whether it may be
// the media of a channel post of a given kind.
//
// Recognized: JPEG, PNG, GIF, WebP, the ISO base media family by its 'ftyp' box (MP4; QuickTime, 3GPP, AVIF/HEIF
// images and MPEG-4 audio are told apart by the major brand so none of them passes for MP4), and EBML files
// (WebM or Matroska by the header's DocType). A post accepts only the types in MEDIA_MIME_TYPES.
import { ChannelRecordRejectedError, MalformedMessageError } from './errors.js'
import { isMediaKind, MAX_MEDIA_BYTES, MEDIA_MIME_TYPES, type ChannelPostKind } from './channel-records.js'

export type MediaFamily = 'image' | 'video' | 'unknown'

export interface SniffedMedia {
  readonly mime: string
  readonly family: MediaFamily
}

const UNKNOWN: SniffedMedia = Object.freeze({ mime: 'application/octet-stream', family: 'unknown' })

function at (bytes: Uint8Array, offset: number, signature: readonly number[]): boolean {
  if (bytes.byteLength < offset + signature.length) return false
  for (let i = 0; i < signature.length; i++) if (bytes[offset + i] !== signature[i]) return false
  return true
}

function ascii (s: string): number[] {
  return [...s].map(c => c.charCodeAt(0))
}

function text (bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length))
}

const IMAGE_BRANDS: Readonly<Record<string, string>> = Object.freeze({
  avif: 'image/avif',
  avis: 'image/avif',
  heic: 'image/heic',
  heix: 'image/heic',
  heim: 'image/heic',
  heis: 'image/heic',
  hevc: 'image/heic-sequence',
  hevx: 'image/heic-sequence',
  mif1: 'image/heif',
  msf1: 'image/heif-sequence'
})
const AUDIO_BRANDS: readonly string[] = Object.freeze(['M4A ', 'M4B ', 'M4P ', 'F4A ', 'F4B '])

function sniffFtyp (bytes: Uint8Array): SniffedMedia {
  const boxSize = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0
  if (boxSize < 16 && boxSize !== 0 && boxSize !== 1) return UNKNOWN
  const brand = text(bytes, 8, 4)
  const image = Object.hasOwn(IMAGE_BRANDS, brand) ? IMAGE_BRANDS[brand] : undefined
  if (image != null) return { mime: image, family: 'image' }
  if (AUDIO_BRANDS.includes(brand)) return { mime: 'audio/mp4', family: 'unknown' }
  if (brand === 'qt  ') return { mime: 'video/quicktime', family: 'video' }
  if (brand.startsWith('3g')) return { mime: 'video/3gpp', family: 'video' }
  return { mime: 'video/mp4', family: 'video' }
}

/** an EBML variable-length integer at `offset`: its value (marker bit kept for ids) and its length */
function vint (bytes: Uint8Array, offset: number, keepMarker: boolean): { value: number, length: number } | undefined {
  if (offset >= bytes.byteLength) return undefined
  const first = bytes[offset]
  let length = 1
  while (length <= 8 && (first & (0x80 >> (length - 1))) === 0) length++
  if (length > 8 || offset + length > bytes.byteLength) return undefined
  let value = keepMarker ? first : first & (0xff >> length)
  for (let i = 1; i < length; i++) value = value * 256 + bytes[offset + i]
  return { value, length }
}

const EBML: readonly number[] = Object.freeze([0x1a, 0x45, 0xdf, 0xa3])
const DOC_TYPE = 0x4282

/** the DocType of an EBML header (Matroska's default when absent), or undefined if the header is damaged */
function docType (bytes: Uint8Array): string | undefined {
  const size = vint(bytes, 4, false)
  if (size == null) return undefined
  let offset = 4 + size.length
  const end = Math.min(bytes.byteLength, offset + size.value)
  while (offset < end) {
    const id = vint(bytes, offset, true)
    if (id == null) return undefined
    const length = vint(bytes, offset + id.length, false)
    if (length == null) return undefined
    const data = offset + id.length + length.length
    if (id.value === DOC_TYPE) {
      if (length.value > 32 || data + length.value > bytes.byteLength) return undefined
      return text(bytes, data, length.value).replace(/\0+$/, '')
    }
    offset = data + length.value
  }
  return end === 4 + size.length + size.value ? 'matroska' : undefined
}

/** the type of a file from its magic bytes */
export function sniffMedia (bytes: Uint8Array): SniffedMedia {
  if (at(bytes, 0, [0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', family: 'image' }
  if (at(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: 'image/png', family: 'image' }
  if (at(bytes, 0, ascii('GIF87a')) || at(bytes, 0, ascii('GIF89a'))) return { mime: 'image/gif', family: 'image' }
  if (at(bytes, 0, ascii('RIFF')) && at(bytes, 8, ascii('WEBP'))) return { mime: 'image/webp', family: 'image' }
  if (at(bytes, 4, ascii('ftyp')) && bytes.byteLength >= 12) return sniffFtyp(bytes)
  if (at(bytes, 0, EBML)) {
    const type = docType(bytes)
    if (type === 'webm') return { mime: 'video/webm', family: 'video' }
    if (type === 'matroska') return { mime: 'video/x-matroska', family: 'video' }
    return UNKNOWN
  }
  return UNKNOWN
}

/**
 * Throws ChannelRecordRejectedError unless `bytes` may be the media of a post of `kind`: a PHOTO is a JPEG, PNG,
 * GIF or WebP image, a STICKER a WebP or PNG image, a VIDEO an MP4 or WebM file, each within its kind's size
 * limit. Given the post's declared media, its size must be the content's and its MIME type the sniffed one.
 */
export function checkMediaForKind (kind: ChannelPostKind, bytes: Uint8Array, declared?: { mime?: string, size?: number | bigint }): SniffedMedia {
  if (!isMediaKind(kind)) throw new ChannelRecordRejectedError(`a ${String(kind)} post carries no media`)
  if (bytes.byteLength === 0) throw new ChannelRecordRejectedError('empty media')
  if (bytes.byteLength > MAX_MEDIA_BYTES[kind]) throw new ChannelRecordRejectedError(`a ${kind} is at most ${MAX_MEDIA_BYTES[kind]} bytes, not ${bytes.byteLength}`)
  const sniffed = sniffMedia(bytes)
  if (!MEDIA_MIME_TYPES[kind].includes(sniffed.mime)) {
    throw new ChannelRecordRejectedError(`a ${kind} cannot be ${sniffed.family === 'unknown' ? 'a file of unknown type' : sniffed.mime}`)
  }
  if (declared?.size != null) {
    let size: bigint
    try {
      size = BigInt(declared.size)
    } catch {
      throw new MalformedMessageError('declared size is not an integer')
    }
    if (size !== BigInt(bytes.byteLength)) throw new ChannelRecordRejectedError(`the post declares ${size} bytes, the file has ${bytes.byteLength}`)
  }
  if (declared?.mime != null && declared.mime !== sniffed.mime) throw new ChannelRecordRejectedError(`the post declares ${declared.mime.slice(0, 80)}, the file is ${sniffed.mime}`)
  return sniffed
}
