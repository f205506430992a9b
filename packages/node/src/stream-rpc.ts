import * as lp from 'it-length-prefixed'
import { pipe } from 'it-pipe'
import { messageStreamToDuplex } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'

export interface FrameLimits {
  /** the largest single frame accepted */
  maxFrameBytes: number
  /** how many frames a response may hold */
  maxFrames: number
}

/**
 * One request frame out, response frames back, over a length-prefixed stream. The stream is aborted when the
 * signal fires, so a peer that stops answering cannot hold the caller.
 */
export async function requestFrames (stream: Stream, request: Uint8Array, limits: FrameLimits, signal: AbortSignal): Promise<Uint8Array[]> {
  const onAbort = (): void => { stream.abort(new Error('request timed out')) }
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    const duplex = messageStreamToDuplex(stream)
    const frames: Uint8Array[] = []
    await Promise.all([
      pipe([request], (source) => lp.encode(source), duplex.sink),
      pipe(duplex.source, (source) => lp.decode(source, { maxDataLength: limits.maxFrameBytes }), async (source) => {
        for await (const frame of source) {
          frames.push(frame.subarray())
          if (frames.length >= limits.maxFrames) break
        }
      })
    ])
    signal.throwIfAborted()
    return frames
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/** answer one request frame with the frames `handler` yields, then close */
export async function serveFrames (stream: Stream, maxRequestBytes: number, handler: (request: Uint8Array) => AsyncIterable<Uint8Array> | Iterable<Uint8Array>, signal: AbortSignal): Promise<void> {
  const onAbort = (): void => { stream.abort(new Error('response timed out')) }
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    const duplex = messageStreamToDuplex(stream)
    await pipe(
      duplex.source,
      (source) => lp.decode(source, { maxDataLength: maxRequestBytes }),
      async function * (source) {
        for await (const request of source) {
          yield * handler(request.subarray())
          return
        }
      },
      (source) => lp.encode(source),
      duplex.sink
    )
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
