import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Signed {
  body: Uint8Array
  signature: Uint8Array
}

export namespace Signed {
  let _codec: Codec<Signed>

  export const codec = (): Codec<Signed> => {
    if (_codec == null) {
      _codec = message<Signed>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.body)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          body: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.body = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.body`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SignedBodyFieldEvent {
    field: '$.body'
    value: Uint8Array
  }

  export interface SignedSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array
  }

  export function encode (obj: Partial<Signed>): Uint8Array {
    return encodeMessage(obj, Signed.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Signed>): Signed {
    return decodeMessage(buf, Signed.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Signed>): Generator<SignedBodyFieldEvent | SignedSignatureFieldEvent> {
    return streamMessage(buf, Signed.codec(), opts)
  }
}

export interface LogEntry {
  groupId: Uint8Array
  index: bigint
  prev: Uint8Array
  op: LogEntry.Op
  target: Uint8Array
  signer: Uint8Array
  timestamp: bigint
  name: string
  invitePublicKey: Uint8Array
  inviteSignature: Uint8Array
  nonce: Uint8Array
  flags: number
}

export namespace LogEntry {
  export enum Op {
    GENESIS = 'GENESIS',
    ADD = 'ADD',
    REMOVE = 'REMOVE',
    PROMOTE = 'PROMOTE',
    DEMOTE = 'DEMOTE',
    LEAVE = 'LEAVE',
    JOIN = 'JOIN',
    SET_INVITE = 'SET_INVITE',
    RENAME = 'RENAME'
  }

  enum __OpValues {
    GENESIS = 0,
    ADD = 1,
    REMOVE = 2,
    PROMOTE = 3,
    DEMOTE = 4,
    LEAVE = 5,
    JOIN = 6,
    SET_INVITE = 7,
    RENAME = 8
  }

  export namespace Op {
    export const codec = (): Codec<Op> => {
      return enumeration<Op>(__OpValues)
    }
  }

  let _codec: Codec<LogEntry>

  export const codec = (): Codec<LogEntry> => {
    if (_codec == null) {
      _codec = message<LogEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.groupId)
        }

        if ((obj.index != null && obj.index !== 0n)) {
          w.uint32(16)
          w.uint64(obj.index)
        }

        if ((obj.prev != null && obj.prev.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.prev)
        }

        if (obj.op != null && __OpValues[obj.op] !== 0) {
          w.uint32(32)
          LogEntry.Op.codec().encode(obj.op, w)
        }

        if ((obj.target != null && obj.target.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.target)
        }

        if ((obj.signer != null && obj.signer.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.signer)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(56)
          w.uint64(obj.timestamp)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(66)
          w.string(obj.name)
        }

        if ((obj.invitePublicKey != null && obj.invitePublicKey.byteLength > 0)) {
          w.uint32(74)
          w.bytes(obj.invitePublicKey)
        }

        if ((obj.inviteSignature != null && obj.inviteSignature.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.inviteSignature)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.nonce)
        }

        if ((obj.flags != null && obj.flags !== 0)) {
          w.uint32(96)
          w.uint32(obj.flags)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: uint8ArrayAlloc(0),
          index: 0n,
          prev: uint8ArrayAlloc(0),
          op: Op.GENESIS,
          target: uint8ArrayAlloc(0),
          signer: uint8ArrayAlloc(0),
          timestamp: 0n,
          name: '',
          invitePublicKey: uint8ArrayAlloc(0),
          inviteSignature: uint8ArrayAlloc(0),
          nonce: uint8ArrayAlloc(0),
          flags: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.groupId = reader.bytes()
              break
            }
            case 2: {
              obj.index = reader.uint64()
              break
            }
            case 3: {
              obj.prev = reader.bytes()
              break
            }
            case 4: {
              obj.op = LogEntry.Op.codec().decode(reader)
              break
            }
            case 5: {
              obj.target = reader.bytes()
              break
            }
            case 6: {
              obj.signer = reader.bytes()
              break
            }
            case 7: {
              obj.timestamp = reader.uint64()
              break
            }
            case 8: {
              obj.name = reader.string()
              break
            }
            case 9: {
              obj.invitePublicKey = reader.bytes()
              break
            }
            case 10: {
              obj.inviteSignature = reader.bytes()
              break
            }
            case 11: {
              obj.nonce = reader.bytes()
              break
            }
            case 12: {
              obj.flags = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.prev`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.op`,
                value: LogEntry.Op.codec().decode(reader)
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.target`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.signer`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.invitePublicKey`,
                value: reader.bytes()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.inviteSignature`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.flags`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface LogEntryGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array
  }

  export interface LogEntryIndexFieldEvent {
    field: '$.index'
    value: bigint
  }

  export interface LogEntryPrevFieldEvent {
    field: '$.prev'
    value: Uint8Array
  }

  export interface LogEntryOpFieldEvent {
    field: '$.op'
    value: LogEntry.Op
  }

  export interface LogEntryTargetFieldEvent {
    field: '$.target'
    value: Uint8Array
  }

  export interface LogEntrySignerFieldEvent {
    field: '$.signer'
    value: Uint8Array
  }

  export interface LogEntryTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface LogEntryNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface LogEntryInvitePublicKeyFieldEvent {
    field: '$.invitePublicKey'
    value: Uint8Array
  }

  export interface LogEntryInviteSignatureFieldEvent {
    field: '$.inviteSignature'
    value: Uint8Array
  }

  export interface LogEntryNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array
  }

  export interface LogEntryFlagsFieldEvent {
    field: '$.flags'
    value: number
  }

  export function encode (obj: Partial<LogEntry>): Uint8Array {
    return encodeMessage(obj, LogEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogEntry>): LogEntry {
    return decodeMessage(buf, LogEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LogEntry>): Generator<LogEntryGroupIdFieldEvent | LogEntryIndexFieldEvent | LogEntryPrevFieldEvent | LogEntryOpFieldEvent | LogEntryTargetFieldEvent | LogEntrySignerFieldEvent | LogEntryTimestampFieldEvent | LogEntryNameFieldEvent | LogEntryInvitePublicKeyFieldEvent | LogEntryInviteSignatureFieldEvent | LogEntryNonceFieldEvent | LogEntryFlagsFieldEvent> {
    return streamMessage(buf, LogEntry.codec(), opts)
  }
}

export interface InvitePeer {
  publicKey: Uint8Array
  addrs: string[]
}

export namespace InvitePeer {
  let _codec: Codec<InvitePeer>

  export const codec = (): Codec<InvitePeer> => {
    if (_codec == null) {
      _codec = message<InvitePeer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.publicKey)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(18)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          publicKey: uint8ArrayAlloc(0),
          addrs: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.publicKey = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.string())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          addrs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
              }

              yield {
                field: `${prefix}.addrs[]`,
                index: obj.addrs,
                value: reader.string()
              }

              obj.addrs++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface InvitePeerPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array
  }

  export interface InvitePeerAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<InvitePeer>): Uint8Array {
    return encodeMessage(obj, InvitePeer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InvitePeer>): InvitePeer {
    return decodeMessage(buf, InvitePeer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InvitePeer>): Generator<InvitePeerPublicKeyFieldEvent | InvitePeerAddrsFieldEvent> {
    return streamMessage(buf, InvitePeer.codec(), opts)
  }
}

export interface Invite {
  groupId: Uint8Array
  name: string
  inviteSecret: Uint8Array
  peers: InvitePeer[]
}

export namespace Invite {
  let _codec: Codec<Invite>

  export const codec = (): Codec<Invite> => {
    if (_codec == null) {
      _codec = message<Invite>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.groupId)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if ((obj.inviteSecret != null && obj.inviteSecret.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.inviteSecret)
        }

        if (obj.peers != null && obj.peers.length > 0) {
          for (const value of obj.peers) {
            w.uint32(34)
            InvitePeer.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: uint8ArrayAlloc(0),
          name: '',
          inviteSecret: uint8ArrayAlloc(0),
          peers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.groupId = reader.bytes()
              break
            }
            case 2: {
              obj.name = reader.string()
              break
            }
            case 3: {
              obj.inviteSecret = reader.bytes()
              break
            }
            case 4: {
              if (opts.limits?.peers != null && obj.peers.length === opts.limits.peers) {
                throw new MaxLengthError('Decode error - repeated field "peers" had too many elements')
              }

              obj.peers.push(InvitePeer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.peers$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          peers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.inviteSecret`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              if (opts.limits?.peers != null && obj.peers === opts.limits.peers) {
                throw new MaxLengthError('Streaming decode error - repeated field "peers" had too many elements')
              }

              for (const evt of InvitePeer.codec().stream(reader, reader.uint32(), `${prefix}.peers[]`, {
                limits: opts.limits?.peers$
              })) {
                yield {
                  ...evt,
                  index: obj.peers
                }
              }

              obj.peers++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface InviteGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array
  }

  export interface InviteNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface InviteInviteSecretFieldEvent {
    field: '$.inviteSecret'
    value: Uint8Array
  }

  export interface InvitePeersPublicKeyFieldEvent {
    field: '$.peers[].publicKey'
    value: Uint8Array
    index: number
  }

  export interface InvitePeersAddrsFieldEvent {
    field: '$.peers[].addrs[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<Invite>): Uint8Array {
    return encodeMessage(obj, Invite.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Invite>): Invite {
    return decodeMessage(buf, Invite.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Invite>): Generator<InviteGroupIdFieldEvent | InviteNameFieldEvent | InviteInviteSecretFieldEvent | InvitePeersPublicKeyFieldEvent | InvitePeersAddrsFieldEvent> {
    return streamMessage(buf, Invite.codec(), opts)
  }
}

export interface JoinRequest {
  groupId: Uint8Array
  publicKey: Uint8Array
  inviteSignature: Uint8Array
  timestamp: bigint
}

export namespace JoinRequest {
  let _codec: Codec<JoinRequest>

  export const codec = (): Codec<JoinRequest> => {
    if (_codec == null) {
      _codec = message<JoinRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.groupId)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.inviteSignature != null && obj.inviteSignature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.inviteSignature)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(32)
          w.uint64(obj.timestamp)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: uint8ArrayAlloc(0),
          publicKey: uint8ArrayAlloc(0),
          inviteSignature: uint8ArrayAlloc(0),
          timestamp: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.groupId = reader.bytes()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
              obj.inviteSignature = reader.bytes()
              break
            }
            case 4: {
              obj.timestamp = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.inviteSignature`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface JoinRequestGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array
  }

  export interface JoinRequestPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array
  }

  export interface JoinRequestInviteSignatureFieldEvent {
    field: '$.inviteSignature'
    value: Uint8Array
  }

  export interface JoinRequestTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export function encode (obj: Partial<JoinRequest>): Uint8Array {
    return encodeMessage(obj, JoinRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinRequest>): JoinRequest {
    return decodeMessage(buf, JoinRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinRequest>): Generator<JoinRequestGroupIdFieldEvent | JoinRequestPublicKeyFieldEvent | JoinRequestInviteSignatureFieldEvent | JoinRequestTimestampFieldEvent> {
    return streamMessage(buf, JoinRequest.codec(), opts)
  }
}

export interface JoinResponse {
  accepted: boolean
  error: string
  log: Uint8Array[]
}

export namespace JoinResponse {
  let _codec: Codec<JoinResponse>

  export const codec = (): Codec<JoinResponse> => {
    if (_codec == null) {
      _codec = message<JoinResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.accepted != null && obj.accepted !== false)) {
          w.uint32(8)
          w.bool(obj.accepted)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(18)
          w.string(obj.error)
        }

        if (obj.log != null && obj.log.length > 0) {
          for (const value of obj.log) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          accepted: false,
          error: '',
          log: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.accepted = reader.bool()
              break
            }
            case 2: {
              obj.error = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.log != null && obj.log.length === opts.limits.log) {
                throw new MaxLengthError('Decode error - repeated field "log" had too many elements')
              }

              obj.log.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          log: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.accepted`,
                value: reader.bool()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.log != null && obj.log === opts.limits.log) {
                throw new MaxLengthError('Streaming decode error - repeated field "log" had too many elements')
              }

              yield {
                field: `${prefix}.log[]`,
                index: obj.log,
                value: reader.bytes()
              }

              obj.log++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface JoinResponseAcceptedFieldEvent {
    field: '$.accepted'
    value: boolean
  }

  export interface JoinResponseErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export interface JoinResponseLogFieldEvent {
    field: '$.log[]'
    index: number
    value: Uint8Array
  }

  export function encode (obj: Partial<JoinResponse>): Uint8Array {
    return encodeMessage(obj, JoinResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinResponse>): JoinResponse {
    return decodeMessage(buf, JoinResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinResponse>): Generator<JoinResponseAcceptedFieldEvent | JoinResponseErrorFieldEvent | JoinResponseLogFieldEvent> {
    return streamMessage(buf, JoinResponse.codec(), opts)
  }
}

export interface GroupWire {
  cipher?: Uint8Array
  sealed?: Sealed
}

export namespace GroupWire {
  let _codec: Codec<GroupWire>

  export const codec = (): Codec<GroupWire> => {
    if (_codec == null) {
      _codec = message<GroupWire>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.cipher != null) {
          w.uint32(10)
          w.bytes(obj.cipher)
        }

        if (obj.sealed != null) {
          w.uint32(18)
          Sealed.codec().encode(obj.sealed, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.cipher = reader.bytes()
              break
            }
            case 2: {
              obj.sealed = Sealed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.sealed
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.cipher`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield * Sealed.codec().stream(reader, reader.uint32(), `${prefix}.sealed`, {
                limits: opts.limits?.sealed
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GroupWireCipherFieldEvent {
    field: '$.cipher'
    value: Uint8Array
  }

  export interface GroupWireSealedBoxesHintFieldEvent {
    field: '$.sealed.boxes[].hint'
    value: Uint8Array
    index: number
  }

  export interface GroupWireSealedBoxesEphemeralFieldEvent {
    field: '$.sealed.boxes[].ephemeral'
    value: Uint8Array
    index: number
  }

  export interface GroupWireSealedBoxesNonceFieldEvent {
    field: '$.sealed.boxes[].nonce'
    value: Uint8Array
    index: number
  }

  export interface GroupWireSealedBoxesCiphertextFieldEvent {
    field: '$.sealed.boxes[].ciphertext'
    value: Uint8Array
    index: number
  }

  export function encode (obj: Partial<GroupWire>): Uint8Array {
    return encodeMessage(obj, GroupWire.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupWire>): GroupWire {
    return decodeMessage(buf, GroupWire.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupWire>): Generator<GroupWireCipherFieldEvent | GroupWireSealedBoxesHintFieldEvent | GroupWireSealedBoxesEphemeralFieldEvent | GroupWireSealedBoxesNonceFieldEvent | GroupWireSealedBoxesCiphertextFieldEvent> {
    return streamMessage(buf, GroupWire.codec(), opts)
  }
}

export interface CipherBody {
  epoch: Uint8Array
  senderKeyId: Uint8Array
  iteration: number
  ciphertext: Uint8Array
}

export namespace CipherBody {
  let _codec: Codec<CipherBody>

  export const codec = (): Codec<CipherBody> => {
    if (_codec == null) {
      _codec = message<CipherBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.epoch)
        }

        if ((obj.senderKeyId != null && obj.senderKeyId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.senderKeyId)
        }

        if ((obj.iteration != null && obj.iteration !== 0)) {
          w.uint32(24)
          w.uint32(obj.iteration)
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.ciphertext)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: uint8ArrayAlloc(0),
          senderKeyId: uint8ArrayAlloc(0),
          iteration: 0,
          ciphertext: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.epoch = reader.bytes()
              break
            }
            case 2: {
              obj.senderKeyId = reader.bytes()
              break
            }
            case 3: {
              obj.iteration = reader.uint32()
              break
            }
            case 4: {
              obj.ciphertext = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.senderKeyId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.iteration`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.ciphertext`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface CipherBodyEpochFieldEvent {
    field: '$.epoch'
    value: Uint8Array
  }

  export interface CipherBodySenderKeyIdFieldEvent {
    field: '$.senderKeyId'
    value: Uint8Array
  }

  export interface CipherBodyIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface CipherBodyCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array
  }

  export function encode (obj: Partial<CipherBody>): Uint8Array {
    return encodeMessage(obj, CipherBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CipherBody>): CipherBody {
    return decodeMessage(buf, CipherBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CipherBody>): Generator<CipherBodyEpochFieldEvent | CipherBodySenderKeyIdFieldEvent | CipherBodyIterationFieldEvent | CipherBodyCiphertextFieldEvent> {
    return streamMessage(buf, CipherBody.codec(), opts)
  }
}

export interface Inner {
  seq: bigint
  timestamp: bigint
  kind: Inner.Kind
  text: string
  receipts: SeqMark[]
  padding: Uint8Array
  payload?: Uint8Array
}

export namespace Inner {
  export enum Kind {
    TEXT = 'TEXT',
    RECEIPT = 'RECEIPT',
    COMMUNITY = 'COMMUNITY'
  }

  enum __KindValues {
    TEXT = 0,
    RECEIPT = 1,
    COMMUNITY = 2
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<Inner>

  export const codec = (): Codec<Inner> => {
    if (_codec == null) {
      _codec = message<Inner>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(8)
          w.uint64(obj.seq)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(16)
          w.uint64(obj.timestamp)
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(24)
          Inner.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(34)
          w.string(obj.text)
        }

        if (obj.receipts != null && obj.receipts.length > 0) {
          for (const value of obj.receipts) {
            w.uint32(42)
            SeqMark.codec().encode(value, w)
          }
        }

        if ((obj.padding != null && obj.padding.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.padding)
        }

        if (obj.payload != null) {
          w.uint32(58)
          w.bytes(obj.payload)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          seq: 0n,
          timestamp: 0n,
          kind: Kind.TEXT,
          text: '',
          receipts: [],
          padding: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.seq = reader.uint64()
              break
            }
            case 2: {
              obj.timestamp = reader.uint64()
              break
            }
            case 3: {
              obj.kind = Inner.Kind.codec().decode(reader)
              break
            }
            case 4: {
              obj.text = reader.string()
              break
            }
            case 5: {
              if (opts.limits?.receipts != null && obj.receipts.length === opts.limits.receipts) {
                throw new MaxLengthError('Decode error - repeated field "receipts" had too many elements')
              }

              obj.receipts.push(SeqMark.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.receipts$
              }))
              break
            }
            case 6: {
              obj.padding = reader.bytes()
              break
            }
            case 7: {
              obj.payload = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          receipts: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.kind`,
                value: Inner.Kind.codec().decode(reader)
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 5: {
              if (opts.limits?.receipts != null && obj.receipts === opts.limits.receipts) {
                throw new MaxLengthError('Streaming decode error - repeated field "receipts" had too many elements')
              }

              for (const evt of SeqMark.codec().stream(reader, reader.uint32(), `${prefix}.receipts[]`, {
                limits: opts.limits?.receipts$
              })) {
                yield {
                  ...evt,
                  index: obj.receipts
                }
              }

              obj.receipts++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.padding`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.payload`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface InnerSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export interface InnerTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface InnerKindFieldEvent {
    field: '$.kind'
    value: Inner.Kind
  }

  export interface InnerTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface InnerReceiptsSenderFieldEvent {
    field: '$.receipts[].sender'
    value: Uint8Array
    index: number
  }

  export interface InnerReceiptsSeqFieldEvent {
    field: '$.receipts[].seq'
    value: bigint
    index: number
  }

  export interface InnerPaddingFieldEvent {
    field: '$.padding'
    value: Uint8Array
  }

  export interface InnerPayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array
  }

  export function encode (obj: Partial<Inner>): Uint8Array {
    return encodeMessage(obj, Inner.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Inner>): Inner {
    return decodeMessage(buf, Inner.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Inner>): Generator<InnerSeqFieldEvent | InnerTimestampFieldEvent | InnerKindFieldEvent | InnerTextFieldEvent | InnerReceiptsSenderFieldEvent | InnerReceiptsSeqFieldEvent | InnerPaddingFieldEvent | InnerPayloadFieldEvent> {
    return streamMessage(buf, Inner.codec(), opts)
  }
}

export interface SeqMark {
  sender: Uint8Array
  seq: bigint
}

export namespace SeqMark {
  let _codec: Codec<SeqMark>

  export const codec = (): Codec<SeqMark> => {
    if (_codec == null) {
      _codec = message<SeqMark>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.sender != null && obj.sender.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.sender)
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(16)
          w.uint64(obj.seq)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          sender: uint8ArrayAlloc(0),
          seq: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.sender = reader.bytes()
              break
            }
            case 2: {
              obj.seq = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.sender`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SeqMarkSenderFieldEvent {
    field: '$.sender'
    value: Uint8Array
  }

  export interface SeqMarkSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export function encode (obj: Partial<SeqMark>): Uint8Array {
    return encodeMessage(obj, SeqMark.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SeqMark>): SeqMark {
    return decodeMessage(buf, SeqMark.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SeqMark>): Generator<SeqMarkSenderFieldEvent | SeqMarkSeqFieldEvent> {
    return streamMessage(buf, SeqMark.codec(), opts)
  }
}

export interface Sealed {
  boxes: SealedBox[]
}

export namespace Sealed {
  let _codec: Codec<Sealed>

  export const codec = (): Codec<Sealed> => {
    if (_codec == null) {
      _codec = message<Sealed>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.boxes != null && obj.boxes.length > 0) {
          for (const value of obj.boxes) {
            w.uint32(10)
            SealedBox.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          boxes: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.boxes != null && obj.boxes.length === opts.limits.boxes) {
                throw new MaxLengthError('Decode error - repeated field "boxes" had too many elements')
              }

              obj.boxes.push(SealedBox.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.boxes$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          boxes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.boxes != null && obj.boxes === opts.limits.boxes) {
                throw new MaxLengthError('Streaming decode error - repeated field "boxes" had too many elements')
              }

              for (const evt of SealedBox.codec().stream(reader, reader.uint32(), `${prefix}.boxes[]`, {
                limits: opts.limits?.boxes$
              })) {
                yield {
                  ...evt,
                  index: obj.boxes
                }
              }

              obj.boxes++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SealedBoxesHintFieldEvent {
    field: '$.boxes[].hint'
    value: Uint8Array
    index: number
  }

  export interface SealedBoxesEphemeralFieldEvent {
    field: '$.boxes[].ephemeral'
    value: Uint8Array
    index: number
  }

  export interface SealedBoxesNonceFieldEvent {
    field: '$.boxes[].nonce'
    value: Uint8Array
    index: number
  }

  export interface SealedBoxesCiphertextFieldEvent {
    field: '$.boxes[].ciphertext'
    value: Uint8Array
    index: number
  }

  export function encode (obj: Partial<Sealed>): Uint8Array {
    return encodeMessage(obj, Sealed.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Sealed>): Sealed {
    return decodeMessage(buf, Sealed.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Sealed>): Generator<SealedBoxesHintFieldEvent | SealedBoxesEphemeralFieldEvent | SealedBoxesNonceFieldEvent | SealedBoxesCiphertextFieldEvent> {
    return streamMessage(buf, Sealed.codec(), opts)
  }
}

export interface SealedBox {
  hint: Uint8Array
  ephemeral: Uint8Array
  nonce: Uint8Array
  ciphertext: Uint8Array
}

export namespace SealedBox {
  let _codec: Codec<SealedBox>

  export const codec = (): Codec<SealedBox> => {
    if (_codec == null) {
      _codec = message<SealedBox>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.hint != null && obj.hint.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.hint)
        }

        if ((obj.ephemeral != null && obj.ephemeral.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.ephemeral)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.nonce)
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.ciphertext)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          hint: uint8ArrayAlloc(0),
          ephemeral: uint8ArrayAlloc(0),
          nonce: uint8ArrayAlloc(0),
          ciphertext: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.hint = reader.bytes()
              break
            }
            case 2: {
              obj.ephemeral = reader.bytes()
              break
            }
            case 3: {
              obj.nonce = reader.bytes()
              break
            }
            case 4: {
              obj.ciphertext = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.hint`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.ephemeral`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.ciphertext`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SealedBoxHintFieldEvent {
    field: '$.hint'
    value: Uint8Array
  }

  export interface SealedBoxEphemeralFieldEvent {
    field: '$.ephemeral'
    value: Uint8Array
  }

  export interface SealedBoxNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array
  }

  export interface SealedBoxCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array
  }

  export function encode (obj: Partial<SealedBox>): Uint8Array {
    return encodeMessage(obj, SealedBox.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedBox>): SealedBox {
    return decodeMessage(buf, SealedBox.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedBox>): Generator<SealedBoxHintFieldEvent | SealedBoxEphemeralFieldEvent | SealedBoxNonceFieldEvent | SealedBoxCiphertextFieldEvent> {
    return streamMessage(buf, SealedBox.codec(), opts)
  }
}

export interface Control {
  groupId: Uint8Array
  sender: Uint8Array
  timestamp: bigint
  nonce: Uint8Array
  logEntries: Uint8Array[]
  senderKey?: SenderKey
  keyAck?: KeyRef
  keyRequest?: KeyRef
  recipient: Uint8Array
  inviteSecret: Uint8Array
}

export namespace Control {
  let _codec: Codec<Control>

  export const codec = (): Codec<Control> => {
    if (_codec == null) {
      _codec = message<Control>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.groupId)
        }

        if ((obj.sender != null && obj.sender.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.sender)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(24)
          w.uint64(obj.timestamp)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.nonce)
        }

        if (obj.logEntries != null && obj.logEntries.length > 0) {
          for (const value of obj.logEntries) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if (obj.senderKey != null) {
          w.uint32(50)
          SenderKey.codec().encode(obj.senderKey, w)
        }

        if (obj.keyAck != null) {
          w.uint32(58)
          KeyRef.codec().encode(obj.keyAck, w)
        }

        if (obj.keyRequest != null) {
          w.uint32(66)
          KeyRef.codec().encode(obj.keyRequest, w)
        }

        if ((obj.recipient != null && obj.recipient.byteLength > 0)) {
          w.uint32(74)
          w.bytes(obj.recipient)
        }

        if ((obj.inviteSecret != null && obj.inviteSecret.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.inviteSecret)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: uint8ArrayAlloc(0),
          sender: uint8ArrayAlloc(0),
          timestamp: 0n,
          nonce: uint8ArrayAlloc(0),
          logEntries: [],
          recipient: uint8ArrayAlloc(0),
          inviteSecret: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.groupId = reader.bytes()
              break
            }
            case 2: {
              obj.sender = reader.bytes()
              break
            }
            case 3: {
              obj.timestamp = reader.uint64()
              break
            }
            case 4: {
              obj.nonce = reader.bytes()
              break
            }
            case 5: {
              if (opts.limits?.logEntries != null && obj.logEntries.length === opts.limits.logEntries) {
                throw new MaxLengthError('Decode error - repeated field "logEntries" had too many elements')
              }

              obj.logEntries.push(reader.bytes())
              break
            }
            case 6: {
              obj.senderKey = SenderKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.senderKey
              })
              break
            }
            case 7: {
              obj.keyAck = KeyRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.keyAck
              })
              break
            }
            case 8: {
              obj.keyRequest = KeyRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.keyRequest
              })
              break
            }
            case 9: {
              obj.recipient = reader.bytes()
              break
            }
            case 10: {
              obj.inviteSecret = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          logEntries: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sender`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              if (opts.limits?.logEntries != null && obj.logEntries === opts.limits.logEntries) {
                throw new MaxLengthError('Streaming decode error - repeated field "logEntries" had too many elements')
              }

              yield {
                field: `${prefix}.logEntries[]`,
                index: obj.logEntries,
                value: reader.bytes()
              }

              obj.logEntries++

              break
            }
            case 6: {
              yield * SenderKey.codec().stream(reader, reader.uint32(), `${prefix}.senderKey`, {
                limits: opts.limits?.senderKey
              })

              break
            }
            case 7: {
              yield * KeyRef.codec().stream(reader, reader.uint32(), `${prefix}.keyAck`, {
                limits: opts.limits?.keyAck
              })

              break
            }
            case 8: {
              yield * KeyRef.codec().stream(reader, reader.uint32(), `${prefix}.keyRequest`, {
                limits: opts.limits?.keyRequest
              })

              break
            }
            case 9: {
              yield {
                field: `${prefix}.recipient`,
                value: reader.bytes()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.inviteSecret`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ControlGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array
  }

  export interface ControlSenderFieldEvent {
    field: '$.sender'
    value: Uint8Array
  }

  export interface ControlTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface ControlNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array
  }

  export interface ControlLogEntriesFieldEvent {
    field: '$.logEntries[]'
    index: number
    value: Uint8Array
  }

  export interface ControlSenderKeyEpochFieldEvent {
    field: '$.senderKey.epoch'
    value: Uint8Array
  }

  export interface ControlSenderKeySenderKeyIdFieldEvent {
    field: '$.senderKey.senderKeyId'
    value: Uint8Array
  }

  export interface ControlSenderKeyChainKeyFieldEvent {
    field: '$.senderKey.chainKey'
    value: Uint8Array
  }

  export interface ControlSenderKeyIterationFieldEvent {
    field: '$.senderKey.iteration'
    value: number
  }

  export interface ControlSenderKeySeqBaseFieldEvent {
    field: '$.senderKey.seqBase'
    value: bigint
  }

  export interface ControlKeyAckEpochFieldEvent {
    field: '$.keyAck.epoch'
    value: Uint8Array
  }

  export interface ControlKeyAckSenderKeyIdFieldEvent {
    field: '$.keyAck.senderKeyId'
    value: Uint8Array
  }

  export interface ControlKeyRequestEpochFieldEvent {
    field: '$.keyRequest.epoch'
    value: Uint8Array
  }

  export interface ControlKeyRequestSenderKeyIdFieldEvent {
    field: '$.keyRequest.senderKeyId'
    value: Uint8Array
  }

  export interface ControlRecipientFieldEvent {
    field: '$.recipient'
    value: Uint8Array
  }

  export interface ControlInviteSecretFieldEvent {
    field: '$.inviteSecret'
    value: Uint8Array
  }

  export function encode (obj: Partial<Control>): Uint8Array {
    return encodeMessage(obj, Control.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Control>): Control {
    return decodeMessage(buf, Control.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Control>): Generator<ControlGroupIdFieldEvent | ControlSenderFieldEvent | ControlTimestampFieldEvent | ControlNonceFieldEvent | ControlLogEntriesFieldEvent | ControlSenderKeyEpochFieldEvent | ControlSenderKeySenderKeyIdFieldEvent | ControlSenderKeyChainKeyFieldEvent | ControlSenderKeyIterationFieldEvent | ControlSenderKeySeqBaseFieldEvent | ControlKeyAckEpochFieldEvent | ControlKeyAckSenderKeyIdFieldEvent | ControlKeyRequestEpochFieldEvent | ControlKeyRequestSenderKeyIdFieldEvent | ControlRecipientFieldEvent | ControlInviteSecretFieldEvent> {
    return streamMessage(buf, Control.codec(), opts)
  }
}

export interface SenderKey {
  epoch: Uint8Array
  senderKeyId: Uint8Array
  chainKey: Uint8Array
  iteration: number
  seqBase: bigint
}

export namespace SenderKey {
  let _codec: Codec<SenderKey>

  export const codec = (): Codec<SenderKey> => {
    if (_codec == null) {
      _codec = message<SenderKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.epoch)
        }

        if ((obj.senderKeyId != null && obj.senderKeyId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.senderKeyId)
        }

        if ((obj.chainKey != null && obj.chainKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.chainKey)
        }

        if ((obj.iteration != null && obj.iteration !== 0)) {
          w.uint32(32)
          w.uint32(obj.iteration)
        }

        if ((obj.seqBase != null && obj.seqBase !== 0n)) {
          w.uint32(40)
          w.uint64(obj.seqBase)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: uint8ArrayAlloc(0),
          senderKeyId: uint8ArrayAlloc(0),
          chainKey: uint8ArrayAlloc(0),
          iteration: 0,
          seqBase: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.epoch = reader.bytes()
              break
            }
            case 2: {
              obj.senderKeyId = reader.bytes()
              break
            }
            case 3: {
              obj.chainKey = reader.bytes()
              break
            }
            case 4: {
              obj.iteration = reader.uint32()
              break
            }
            case 5: {
              obj.seqBase = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.senderKeyId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.chainKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.iteration`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.seqBase`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SenderKeyEpochFieldEvent {
    field: '$.epoch'
    value: Uint8Array
  }

  export interface SenderKeySenderKeyIdFieldEvent {
    field: '$.senderKeyId'
    value: Uint8Array
  }

  export interface SenderKeyChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array
  }

  export interface SenderKeyIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SenderKeySeqBaseFieldEvent {
    field: '$.seqBase'
    value: bigint
  }

  export function encode (obj: Partial<SenderKey>): Uint8Array {
    return encodeMessage(obj, SenderKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKey>): SenderKey {
    return decodeMessage(buf, SenderKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKey>): Generator<SenderKeyEpochFieldEvent | SenderKeySenderKeyIdFieldEvent | SenderKeyChainKeyFieldEvent | SenderKeyIterationFieldEvent | SenderKeySeqBaseFieldEvent> {
    return streamMessage(buf, SenderKey.codec(), opts)
  }
}

export interface KeyRef {
  epoch: Uint8Array
  senderKeyId: Uint8Array
}

export namespace KeyRef {
  let _codec: Codec<KeyRef>

  export const codec = (): Codec<KeyRef> => {
    if (_codec == null) {
      _codec = message<KeyRef>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.epoch)
        }

        if ((obj.senderKeyId != null && obj.senderKeyId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.senderKeyId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: uint8ArrayAlloc(0),
          senderKeyId: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.epoch = reader.bytes()
              break
            }
            case 2: {
              obj.senderKeyId = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.senderKeyId`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface KeyRefEpochFieldEvent {
    field: '$.epoch'
    value: Uint8Array
  }

  export interface KeyRefSenderKeyIdFieldEvent {
    field: '$.senderKeyId'
    value: Uint8Array
  }

  export function encode (obj: Partial<KeyRef>): Uint8Array {
    return encodeMessage(obj, KeyRef.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyRef>): KeyRef {
    return decodeMessage(buf, KeyRef.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyRef>): Generator<KeyRefEpochFieldEvent | KeyRefSenderKeyIdFieldEvent> {
    return streamMessage(buf, KeyRef.codec(), opts)
  }
}

export interface HistoryRequest {
  topic: string
  since: bigint
  cursor: string
  limit: number
}

export namespace HistoryRequest {
  let _codec: Codec<HistoryRequest>

  export const codec = (): Codec<HistoryRequest> => {
    if (_codec == null) {
      _codec = message<HistoryRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.topic != null && obj.topic !== '')) {
          w.uint32(10)
          w.string(obj.topic)
        }

        if ((obj.since != null && obj.since !== 0n)) {
          w.uint32(16)
          w.uint64(obj.since)
        }

        if ((obj.cursor != null && obj.cursor !== '')) {
          w.uint32(26)
          w.string(obj.cursor)
        }

        if ((obj.limit != null && obj.limit !== 0)) {
          w.uint32(32)
          w.uint32(obj.limit)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          topic: '',
          since: 0n,
          cursor: '',
          limit: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.topic = reader.string()
              break
            }
            case 2: {
              obj.since = reader.uint64()
              break
            }
            case 3: {
              obj.cursor = reader.string()
              break
            }
            case 4: {
              obj.limit = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.topic`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.since`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.cursor`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.limit`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface HistoryRequestTopicFieldEvent {
    field: '$.topic'
    value: string
  }

  export interface HistoryRequestSinceFieldEvent {
    field: '$.since'
    value: bigint
  }

  export interface HistoryRequestCursorFieldEvent {
    field: '$.cursor'
    value: string
  }

  export interface HistoryRequestLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export function encode (obj: Partial<HistoryRequest>): Uint8Array {
    return encodeMessage(obj, HistoryRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryRequest>): HistoryRequest {
    return decodeMessage(buf, HistoryRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryRequest>): Generator<HistoryRequestTopicFieldEvent | HistoryRequestSinceFieldEvent | HistoryRequestCursorFieldEvent | HistoryRequestLimitFieldEvent> {
    return streamMessage(buf, HistoryRequest.codec(), opts)
  }
}

export interface HistoryPage {
  messages: Uint8Array[]
  cursor: string
}

export namespace HistoryPage {
  let _codec: Codec<HistoryPage>

  export const codec = (): Codec<HistoryPage> => {
    if (_codec == null) {
      _codec = message<HistoryPage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.messages != null && obj.messages.length > 0) {
          for (const value of obj.messages) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if ((obj.cursor != null && obj.cursor !== '')) {
          w.uint32(18)
          w.string(obj.cursor)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          messages: [],
          cursor: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.messages != null && obj.messages.length === opts.limits.messages) {
                throw new MaxLengthError('Decode error - repeated field "messages" had too many elements')
              }

              obj.messages.push(reader.bytes())
              break
            }
            case 2: {
              obj.cursor = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          messages: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.messages != null && obj.messages === opts.limits.messages) {
                throw new MaxLengthError('Streaming decode error - repeated field "messages" had too many elements')
              }

              yield {
                field: `${prefix}.messages[]`,
                index: obj.messages,
                value: reader.bytes()
              }

              obj.messages++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.cursor`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface HistoryPageMessagesFieldEvent {
    field: '$.messages[]'
    index: number
    value: Uint8Array
  }

  export interface HistoryPageCursorFieldEvent {
    field: '$.cursor'
    value: string
  }

  export function encode (obj: Partial<HistoryPage>): Uint8Array {
    return encodeMessage(obj, HistoryPage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryPage>): HistoryPage {
    return decodeMessage(buf, HistoryPage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HistoryPage>): Generator<HistoryPageMessagesFieldEvent | HistoryPageCursorFieldEvent> {
    return streamMessage(buf, HistoryPage.codec(), opts)
  }
}

export interface TopicRegistration {
  topics: string[]
  publicKey: Uint8Array
  timestamp: bigint
}

export namespace TopicRegistration {
  let _codec: Codec<TopicRegistration>

  export const codec = (): Codec<TopicRegistration> => {
    if (_codec == null) {
      _codec = message<TopicRegistration>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.topics != null && obj.topics.length > 0) {
          for (const value of obj.topics) {
            w.uint32(10)
            w.string(value)
          }
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(24)
          w.uint64(obj.timestamp)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          topics: [],
          publicKey: uint8ArrayAlloc(0),
          timestamp: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.topics != null && obj.topics.length === opts.limits.topics) {
                throw new MaxLengthError('Decode error - repeated field "topics" had too many elements')
              }

              obj.topics.push(reader.string())
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
              obj.timestamp = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          topics: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.topics != null && obj.topics === opts.limits.topics) {
                throw new MaxLengthError('Streaming decode error - repeated field "topics" had too many elements')
              }

              yield {
                field: `${prefix}.topics[]`,
                index: obj.topics,
                value: reader.string()
              }

              obj.topics++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface TopicRegistrationTopicsFieldEvent {
    field: '$.topics[]'
    index: number
    value: string
  }

  export interface TopicRegistrationPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array
  }

  export interface TopicRegistrationTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export function encode (obj: Partial<TopicRegistration>): Uint8Array {
    return encodeMessage(obj, TopicRegistration.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TopicRegistration>): TopicRegistration {
    return decodeMessage(buf, TopicRegistration.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TopicRegistration>): Generator<TopicRegistrationTopicsFieldEvent | TopicRegistrationPublicKeyFieldEvent | TopicRegistrationTimestampFieldEvent> {
    return streamMessage(buf, TopicRegistration.codec(), opts)
  }
}

export interface RegistrationResponse {
  accepted: string[]
  error: string
}

export namespace RegistrationResponse {
  let _codec: Codec<RegistrationResponse>

  export const codec = (): Codec<RegistrationResponse> => {
    if (_codec == null) {
      _codec = message<RegistrationResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.accepted != null && obj.accepted.length > 0) {
          for (const value of obj.accepted) {
            w.uint32(10)
            w.string(value)
          }
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(18)
          w.string(obj.error)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          accepted: [],
          error: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.accepted != null && obj.accepted.length === opts.limits.accepted) {
                throw new MaxLengthError('Decode error - repeated field "accepted" had too many elements')
              }

              obj.accepted.push(reader.string())
              break
            }
            case 2: {
              obj.error = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          accepted: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.accepted != null && obj.accepted === opts.limits.accepted) {
                throw new MaxLengthError('Streaming decode error - repeated field "accepted" had too many elements')
              }

              yield {
                field: `${prefix}.accepted[]`,
                index: obj.accepted,
                value: reader.string()
              }

              obj.accepted++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RegistrationResponseAcceptedFieldEvent {
    field: '$.accepted[]'
    index: number
    value: string
  }

  export interface RegistrationResponseErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export function encode (obj: Partial<RegistrationResponse>): Uint8Array {
    return encodeMessage(obj, RegistrationResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RegistrationResponse>): RegistrationResponse {
    return decodeMessage(buf, RegistrationResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RegistrationResponse>): Generator<RegistrationResponseAcceptedFieldEvent | RegistrationResponseErrorFieldEvent> {
    return streamMessage(buf, RegistrationResponse.codec(), opts)
  }
}

export interface StoreRequest {
  topic: string
  messages: Uint8Array[]
}

export namespace StoreRequest {
  let _codec: Codec<StoreRequest>

  export const codec = (): Codec<StoreRequest> => {
    if (_codec == null) {
      _codec = message<StoreRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.topic != null && obj.topic !== '')) {
          w.uint32(10)
          w.string(obj.topic)
        }

        if (obj.messages != null && obj.messages.length > 0) {
          for (const value of obj.messages) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          topic: '',
          messages: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.topic = reader.string()
              break
            }
            case 2: {
              if (opts.limits?.messages != null && obj.messages.length === opts.limits.messages) {
                throw new MaxLengthError('Decode error - repeated field "messages" had too many elements')
              }

              obj.messages.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          messages: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.topic`,
                value: reader.string()
              }
              break
            }
            case 2: {
              if (opts.limits?.messages != null && obj.messages === opts.limits.messages) {
                throw new MaxLengthError('Streaming decode error - repeated field "messages" had too many elements')
              }

              yield {
                field: `${prefix}.messages[]`,
                index: obj.messages,
                value: reader.bytes()
              }

              obj.messages++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface StoreRequestTopicFieldEvent {
    field: '$.topic'
    value: string
  }

  export interface StoreRequestMessagesFieldEvent {
    field: '$.messages[]'
    index: number
    value: Uint8Array
  }

  export function encode (obj: Partial<StoreRequest>): Uint8Array {
    return encodeMessage(obj, StoreRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreRequest>): StoreRequest {
    return decodeMessage(buf, StoreRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreRequest>): Generator<StoreRequestTopicFieldEvent | StoreRequestMessagesFieldEvent> {
    return streamMessage(buf, StoreRequest.codec(), opts)
  }
}

export interface StoreResponse {
  stored: number
  error: string
}

export namespace StoreResponse {
  let _codec: Codec<StoreResponse>

  export const codec = (): Codec<StoreResponse> => {
    if (_codec == null) {
      _codec = message<StoreResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.stored != null && obj.stored !== 0)) {
          w.uint32(8)
          w.uint32(obj.stored)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(18)
          w.string(obj.error)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          stored: 0,
          error: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.stored = reader.uint32()
              break
            }
            case 2: {
              obj.error = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.stored`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface StoreResponseStoredFieldEvent {
    field: '$.stored'
    value: number
  }

  export interface StoreResponseErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export function encode (obj: Partial<StoreResponse>): Uint8Array {
    return encodeMessage(obj, StoreResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreResponse>): StoreResponse {
    return decodeMessage(buf, StoreResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreResponse>): Generator<StoreResponseStoredFieldEvent | StoreResponseErrorFieldEvent> {
    return streamMessage(buf, StoreResponse.codec(), opts)
  }
}

export interface ChannelMeta {
  channelId: Uint8Array
  version: bigint
  name: string
  description: string
  avatar: string
  category: string
  language: string
  admins: Uint8Array[]
  timestamp: bigint
}

export namespace ChannelMeta {
  let _codec: Codec<ChannelMeta>

  export const codec = (): Codec<ChannelMeta> => {
    if (_codec == null) {
      _codec = message<ChannelMeta>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.channelId != null && obj.channelId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.channelId)
        }

        if ((obj.version != null && obj.version !== 0n)) {
          w.uint32(16)
          w.uint64(obj.version)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(26)
          w.string(obj.name)
        }

        if ((obj.description != null && obj.description !== '')) {
          w.uint32(34)
          w.string(obj.description)
        }

        if ((obj.avatar != null && obj.avatar !== '')) {
          w.uint32(42)
          w.string(obj.avatar)
        }

        if ((obj.category != null && obj.category !== '')) {
          w.uint32(50)
          w.string(obj.category)
        }

        if ((obj.language != null && obj.language !== '')) {
          w.uint32(58)
          w.string(obj.language)
        }

        if (obj.admins != null && obj.admins.length > 0) {
          for (const value of obj.admins) {
            w.uint32(66)
            w.bytes(value)
          }
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(72)
          w.uint64(obj.timestamp)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          channelId: uint8ArrayAlloc(0),
          version: 0n,
          name: '',
          description: '',
          avatar: '',
          category: '',
          language: '',
          admins: [],
          timestamp: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.channelId = reader.bytes()
              break
            }
            case 2: {
              obj.version = reader.uint64()
              break
            }
            case 3: {
              obj.name = reader.string()
              break
            }
            case 4: {
              obj.description = reader.string()
              break
            }
            case 5: {
              obj.avatar = reader.string()
              break
            }
            case 6: {
              obj.category = reader.string()
              break
            }
            case 7: {
              obj.language = reader.string()
              break
            }
            case 8: {
              if (opts.limits?.admins != null && obj.admins.length === opts.limits.admins) {
                throw new MaxLengthError('Decode error - repeated field "admins" had too many elements')
              }

              obj.admins.push(reader.bytes())
              break
            }
            case 9: {
              obj.timestamp = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          admins: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.channelId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.description`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.avatar`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.category`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.language`,
                value: reader.string()
              }
              break
            }
            case 8: {
              if (opts.limits?.admins != null && obj.admins === opts.limits.admins) {
                throw new MaxLengthError('Streaming decode error - repeated field "admins" had too many elements')
              }

              yield {
                field: `${prefix}.admins[]`,
                index: obj.admins,
                value: reader.bytes()
              }

              obj.admins++

              break
            }
            case 9: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ChannelMetaChannelIdFieldEvent {
    field: '$.channelId'
    value: Uint8Array
  }

  export interface ChannelMetaVersionFieldEvent {
    field: '$.version'
    value: bigint
  }

  export interface ChannelMetaNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface ChannelMetaDescriptionFieldEvent {
    field: '$.description'
    value: string
  }

  export interface ChannelMetaAvatarFieldEvent {
    field: '$.avatar'
    value: string
  }

  export interface ChannelMetaCategoryFieldEvent {
    field: '$.category'
    value: string
  }

  export interface ChannelMetaLanguageFieldEvent {
    field: '$.language'
    value: string
  }

  export interface ChannelMetaAdminsFieldEvent {
    field: '$.admins[]'
    index: number
    value: Uint8Array
  }

  export interface ChannelMetaTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export function encode (obj: Partial<ChannelMeta>): Uint8Array {
    return encodeMessage(obj, ChannelMeta.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelMeta>): ChannelMeta {
    return decodeMessage(buf, ChannelMeta.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelMeta>): Generator<ChannelMetaChannelIdFieldEvent | ChannelMetaVersionFieldEvent | ChannelMetaNameFieldEvent | ChannelMetaDescriptionFieldEvent | ChannelMetaAvatarFieldEvent | ChannelMetaCategoryFieldEvent | ChannelMetaLanguageFieldEvent | ChannelMetaAdminsFieldEvent | ChannelMetaTimestampFieldEvent> {
    return streamMessage(buf, ChannelMeta.codec(), opts)
  }
}

export interface ChannelMedia {
  cid: string
  mime: string
  size: bigint
}

export namespace ChannelMedia {
  let _codec: Codec<ChannelMedia>

  export const codec = (): Codec<ChannelMedia> => {
    if (_codec == null) {
      _codec = message<ChannelMedia>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.cid != null && obj.cid !== '')) {
          w.uint32(10)
          w.string(obj.cid)
        }

        if ((obj.mime != null && obj.mime !== '')) {
          w.uint32(18)
          w.string(obj.mime)
        }

        if ((obj.size != null && obj.size !== 0n)) {
          w.uint32(24)
          w.uint64(obj.size)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          cid: '',
          mime: '',
          size: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.cid = reader.string()
              break
            }
            case 2: {
              obj.mime = reader.string()
              break
            }
            case 3: {
              obj.size = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.cid`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.mime`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ChannelMediaCidFieldEvent {
    field: '$.cid'
    value: string
  }

  export interface ChannelMediaMimeFieldEvent {
    field: '$.mime'
    value: string
  }

  export interface ChannelMediaSizeFieldEvent {
    field: '$.size'
    value: bigint
  }

  export function encode (obj: Partial<ChannelMedia>): Uint8Array {
    return encodeMessage(obj, ChannelMedia.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelMedia>): ChannelMedia {
    return decodeMessage(buf, ChannelMedia.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelMedia>): Generator<ChannelMediaCidFieldEvent | ChannelMediaMimeFieldEvent | ChannelMediaSizeFieldEvent> {
    return streamMessage(buf, ChannelMedia.codec(), opts)
  }
}

export interface ChannelPoll {
  question: string
  options: string[]
  multiple: boolean
}

export namespace ChannelPoll {
  let _codec: Codec<ChannelPoll>

  export const codec = (): Codec<ChannelPoll> => {
    if (_codec == null) {
      _codec = message<ChannelPoll>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.question != null && obj.question !== '')) {
          w.uint32(10)
          w.string(obj.question)
        }

        if (obj.options != null && obj.options.length > 0) {
          for (const value of obj.options) {
            w.uint32(18)
            w.string(value)
          }
        }

        if ((obj.multiple != null && obj.multiple !== false)) {
          w.uint32(24)
          w.bool(obj.multiple)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          question: '',
          options: [],
          multiple: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.question = reader.string()
              break
            }
            case 2: {
              if (opts.limits?.options != null && obj.options.length === opts.limits.options) {
                throw new MaxLengthError('Decode error - repeated field "options" had too many elements')
              }

              obj.options.push(reader.string())
              break
            }
            case 3: {
              obj.multiple = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          options: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.question`,
                value: reader.string()
              }
              break
            }
            case 2: {
              if (opts.limits?.options != null && obj.options === opts.limits.options) {
                throw new MaxLengthError('Streaming decode error - repeated field "options" had too many elements')
              }

              yield {
                field: `${prefix}.options[]`,
                index: obj.options,
                value: reader.string()
              }

              obj.options++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.multiple`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ChannelPollQuestionFieldEvent {
    field: '$.question'
    value: string
  }

  export interface ChannelPollOptionsFieldEvent {
    field: '$.options[]'
    index: number
    value: string
  }

  export interface ChannelPollMultipleFieldEvent {
    field: '$.multiple'
    value: boolean
  }

  export function encode (obj: Partial<ChannelPoll>): Uint8Array {
    return encodeMessage(obj, ChannelPoll.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelPoll>): ChannelPoll {
    return decodeMessage(buf, ChannelPoll.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelPoll>): Generator<ChannelPollQuestionFieldEvent | ChannelPollOptionsFieldEvent | ChannelPollMultipleFieldEvent> {
    return streamMessage(buf, ChannelPoll.codec(), opts)
  }
}

export interface ChannelPost {
  channelId: Uint8Array
  seq: bigint
  kind: ChannelPost.Kind
  text: string
  media?: ChannelMedia
  poll?: ChannelPoll
  timestamp: bigint
  author: Uint8Array
}

export namespace ChannelPost {
  export enum Kind {
    TEXT = 'TEXT',
    PHOTO = 'PHOTO',
    VIDEO = 'VIDEO',
    STICKER = 'STICKER',
    POLL = 'POLL'
  }

  enum __KindValues {
    TEXT = 0,
    PHOTO = 1,
    VIDEO = 2,
    STICKER = 3,
    POLL = 4
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<ChannelPost>

  export const codec = (): Codec<ChannelPost> => {
    if (_codec == null) {
      _codec = message<ChannelPost>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.channelId != null && obj.channelId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.channelId)
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(16)
          w.uint64(obj.seq)
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(24)
          ChannelPost.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(34)
          w.string(obj.text)
        }

        if (obj.media != null) {
          w.uint32(42)
          ChannelMedia.codec().encode(obj.media, w)
        }

        if (obj.poll != null) {
          w.uint32(50)
          ChannelPoll.codec().encode(obj.poll, w)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(56)
          w.uint64(obj.timestamp)
        }

        if ((obj.author != null && obj.author.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.author)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          channelId: uint8ArrayAlloc(0),
          seq: 0n,
          kind: Kind.TEXT,
          text: '',
          timestamp: 0n,
          author: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.channelId = reader.bytes()
              break
            }
            case 2: {
              obj.seq = reader.uint64()
              break
            }
            case 3: {
              obj.kind = ChannelPost.Kind.codec().decode(reader)
              break
            }
            case 4: {
              obj.text = reader.string()
              break
            }
            case 5: {
              obj.media = ChannelMedia.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.media
              })
              break
            }
            case 6: {
              obj.poll = ChannelPoll.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.poll
              })
              break
            }
            case 7: {
              obj.timestamp = reader.uint64()
              break
            }
            case 8: {
              obj.author = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.channelId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.kind`,
                value: ChannelPost.Kind.codec().decode(reader)
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield * ChannelMedia.codec().stream(reader, reader.uint32(), `${prefix}.media`, {
                limits: opts.limits?.media
              })

              break
            }
            case 6: {
              yield * ChannelPoll.codec().stream(reader, reader.uint32(), `${prefix}.poll`, {
                limits: opts.limits?.poll
              })

              break
            }
            case 7: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.author`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ChannelPostChannelIdFieldEvent {
    field: '$.channelId'
    value: Uint8Array
  }

  export interface ChannelPostSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export interface ChannelPostKindFieldEvent {
    field: '$.kind'
    value: ChannelPost.Kind
  }

  export interface ChannelPostTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface ChannelPostMediaCidFieldEvent {
    field: '$.media.cid'
    value: string
  }

  export interface ChannelPostMediaMimeFieldEvent {
    field: '$.media.mime'
    value: string
  }

  export interface ChannelPostMediaSizeFieldEvent {
    field: '$.media.size'
    value: bigint
  }

  export interface ChannelPostPollQuestionFieldEvent {
    field: '$.poll.question'
    value: string
  }

  export interface ChannelPostPollOptionsFieldEvent {
    field: '$.poll.options[]'
    index: number
    value: string
  }

  export interface ChannelPostPollMultipleFieldEvent {
    field: '$.poll.multiple'
    value: boolean
  }

  export interface ChannelPostTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface ChannelPostAuthorFieldEvent {
    field: '$.author'
    value: Uint8Array
  }

  export function encode (obj: Partial<ChannelPost>): Uint8Array {
    return encodeMessage(obj, ChannelPost.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelPost>): ChannelPost {
    return decodeMessage(buf, ChannelPost.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelPost>): Generator<ChannelPostChannelIdFieldEvent | ChannelPostSeqFieldEvent | ChannelPostKindFieldEvent | ChannelPostTextFieldEvent | ChannelPostMediaCidFieldEvent | ChannelPostMediaMimeFieldEvent | ChannelPostMediaSizeFieldEvent | ChannelPostPollQuestionFieldEvent | ChannelPostPollOptionsFieldEvent | ChannelPostPollMultipleFieldEvent | ChannelPostTimestampFieldEvent | ChannelPostAuthorFieldEvent> {
    return streamMessage(buf, ChannelPost.codec(), opts)
  }
}

export interface ChannelPostEdit {
  channelId: Uint8Array
  postId: string
  text: string
  deleted: boolean
  timestamp: bigint
  author: Uint8Array
}

export namespace ChannelPostEdit {
  let _codec: Codec<ChannelPostEdit>

  export const codec = (): Codec<ChannelPostEdit> => {
    if (_codec == null) {
      _codec = message<ChannelPostEdit>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.channelId != null && obj.channelId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.channelId)
        }

        if ((obj.postId != null && obj.postId !== '')) {
          w.uint32(18)
          w.string(obj.postId)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(26)
          w.string(obj.text)
        }

        if ((obj.deleted != null && obj.deleted !== false)) {
          w.uint32(32)
          w.bool(obj.deleted)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(40)
          w.uint64(obj.timestamp)
        }

        if ((obj.author != null && obj.author.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.author)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          channelId: uint8ArrayAlloc(0),
          postId: '',
          text: '',
          deleted: false,
          timestamp: 0n,
          author: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.channelId = reader.bytes()
              break
            }
            case 2: {
              obj.postId = reader.string()
              break
            }
            case 3: {
              obj.text = reader.string()
              break
            }
            case 4: {
              obj.deleted = reader.bool()
              break
            }
            case 5: {
              obj.timestamp = reader.uint64()
              break
            }
            case 6: {
              obj.author = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.channelId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.postId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.deleted`,
                value: reader.bool()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.author`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ChannelPostEditChannelIdFieldEvent {
    field: '$.channelId'
    value: Uint8Array
  }

  export interface ChannelPostEditPostIdFieldEvent {
    field: '$.postId'
    value: string
  }

  export interface ChannelPostEditTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface ChannelPostEditDeletedFieldEvent {
    field: '$.deleted'
    value: boolean
  }

  export interface ChannelPostEditTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface ChannelPostEditAuthorFieldEvent {
    field: '$.author'
    value: Uint8Array
  }

  export function encode (obj: Partial<ChannelPostEdit>): Uint8Array {
    return encodeMessage(obj, ChannelPostEdit.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelPostEdit>): ChannelPostEdit {
    return decodeMessage(buf, ChannelPostEdit.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelPostEdit>): Generator<ChannelPostEditChannelIdFieldEvent | ChannelPostEditPostIdFieldEvent | ChannelPostEditTextFieldEvent | ChannelPostEditDeletedFieldEvent | ChannelPostEditTimestampFieldEvent | ChannelPostEditAuthorFieldEvent> {
    return streamMessage(buf, ChannelPostEdit.codec(), opts)
  }
}

export interface ChannelReaction {
  channelId: Uint8Array
  postId: string
  emoji: string
  timestamp: bigint
  follower: Uint8Array
}

export namespace ChannelReaction {
  let _codec: Codec<ChannelReaction>

  export const codec = (): Codec<ChannelReaction> => {
    if (_codec == null) {
      _codec = message<ChannelReaction>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.channelId != null && obj.channelId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.channelId)
        }

        if ((obj.postId != null && obj.postId !== '')) {
          w.uint32(18)
          w.string(obj.postId)
        }

        if ((obj.emoji != null && obj.emoji !== '')) {
          w.uint32(26)
          w.string(obj.emoji)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(32)
          w.uint64(obj.timestamp)
        }

        if ((obj.follower != null && obj.follower.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.follower)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          channelId: uint8ArrayAlloc(0),
          postId: '',
          emoji: '',
          timestamp: 0n,
          follower: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.channelId = reader.bytes()
              break
            }
            case 2: {
              obj.postId = reader.string()
              break
            }
            case 3: {
              obj.emoji = reader.string()
              break
            }
            case 4: {
              obj.timestamp = reader.uint64()
              break
            }
            case 5: {
              obj.follower = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.channelId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.postId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.emoji`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.follower`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ChannelReactionChannelIdFieldEvent {
    field: '$.channelId'
    value: Uint8Array
  }

  export interface ChannelReactionPostIdFieldEvent {
    field: '$.postId'
    value: string
  }

  export interface ChannelReactionEmojiFieldEvent {
    field: '$.emoji'
    value: string
  }

  export interface ChannelReactionTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface ChannelReactionFollowerFieldEvent {
    field: '$.follower'
    value: Uint8Array
  }

  export function encode (obj: Partial<ChannelReaction>): Uint8Array {
    return encodeMessage(obj, ChannelReaction.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelReaction>): ChannelReaction {
    return decodeMessage(buf, ChannelReaction.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelReaction>): Generator<ChannelReactionChannelIdFieldEvent | ChannelReactionPostIdFieldEvent | ChannelReactionEmojiFieldEvent | ChannelReactionTimestampFieldEvent | ChannelReactionFollowerFieldEvent> {
    return streamMessage(buf, ChannelReaction.codec(), opts)
  }
}

export interface ChannelVote {
  channelId: Uint8Array
  postId: string
  options: number[]
  timestamp: bigint
  follower: Uint8Array
}

export namespace ChannelVote {
  let _codec: Codec<ChannelVote>

  export const codec = (): Codec<ChannelVote> => {
    if (_codec == null) {
      _codec = message<ChannelVote>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.channelId != null && obj.channelId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.channelId)
        }

        if ((obj.postId != null && obj.postId !== '')) {
          w.uint32(18)
          w.string(obj.postId)
        }

        if (obj.options != null && obj.options.length > 0) {
          for (const value of obj.options) {
            w.uint32(24)
            w.uint32(value)
          }
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(32)
          w.uint64(obj.timestamp)
        }

        if ((obj.follower != null && obj.follower.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.follower)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          channelId: uint8ArrayAlloc(0),
          postId: '',
          options: [],
          timestamp: 0n,
          follower: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.channelId = reader.bytes()
              break
            }
            case 2: {
              obj.postId = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.options != null && obj.options.length === opts.limits.options) {
                throw new MaxLengthError('Decode error - repeated field "options" had too many elements')
              }

              obj.options.push(reader.uint32())
              break
            }
            case 4: {
              obj.timestamp = reader.uint64()
              break
            }
            case 5: {
              obj.follower = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          options: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.channelId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.postId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.options != null && obj.options === opts.limits.options) {
                throw new MaxLengthError('Streaming decode error - repeated field "options" had too many elements')
              }

              yield {
                field: `${prefix}.options[]`,
                index: obj.options,
                value: reader.uint32()
              }

              obj.options++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.follower`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ChannelVoteChannelIdFieldEvent {
    field: '$.channelId'
    value: Uint8Array
  }

  export interface ChannelVotePostIdFieldEvent {
    field: '$.postId'
    value: string
  }

  export interface ChannelVoteOptionsFieldEvent {
    field: '$.options[]'
    index: number
    value: number
  }

  export interface ChannelVoteTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface ChannelVoteFollowerFieldEvent {
    field: '$.follower'
    value: Uint8Array
  }

  export function encode (obj: Partial<ChannelVote>): Uint8Array {
    return encodeMessage(obj, ChannelVote.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelVote>): ChannelVote {
    return decodeMessage(buf, ChannelVote.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelVote>): Generator<ChannelVoteChannelIdFieldEvent | ChannelVotePostIdFieldEvent | ChannelVoteOptionsFieldEvent | ChannelVoteTimestampFieldEvent | ChannelVoteFollowerFieldEvent> {
    return streamMessage(buf, ChannelVote.codec(), opts)
  }
}

export interface ChannelWire {
  meta?: Uint8Array
  post?: Uint8Array
  edit?: Uint8Array
  reaction?: Uint8Array
  vote?: Uint8Array
}

export namespace ChannelWire {
  let _codec: Codec<ChannelWire>

  export const codec = (): Codec<ChannelWire> => {
    if (_codec == null) {
      _codec = message<ChannelWire>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.meta != null) {
          w.uint32(10)
          w.bytes(obj.meta)
        }

        if (obj.post != null) {
          w.uint32(18)
          w.bytes(obj.post)
        }

        if (obj.edit != null) {
          w.uint32(26)
          w.bytes(obj.edit)
        }

        if (obj.reaction != null) {
          w.uint32(34)
          w.bytes(obj.reaction)
        }

        if (obj.vote != null) {
          w.uint32(42)
          w.bytes(obj.vote)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.meta = reader.bytes()
              break
            }
            case 2: {
              obj.post = reader.bytes()
              break
            }
            case 3: {
              obj.edit = reader.bytes()
              break
            }
            case 4: {
              obj.reaction = reader.bytes()
              break
            }
            case 5: {
              obj.vote = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.meta`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.post`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.edit`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.reaction`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.vote`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ChannelWireMetaFieldEvent {
    field: '$.meta'
    value: Uint8Array
  }

  export interface ChannelWirePostFieldEvent {
    field: '$.post'
    value: Uint8Array
  }

  export interface ChannelWireEditFieldEvent {
    field: '$.edit'
    value: Uint8Array
  }

  export interface ChannelWireReactionFieldEvent {
    field: '$.reaction'
    value: Uint8Array
  }

  export interface ChannelWireVoteFieldEvent {
    field: '$.vote'
    value: Uint8Array
  }

  export function encode (obj: Partial<ChannelWire>): Uint8Array {
    return encodeMessage(obj, ChannelWire.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelWire>): ChannelWire {
    return decodeMessage(buf, ChannelWire.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelWire>): Generator<ChannelWireMetaFieldEvent | ChannelWirePostFieldEvent | ChannelWireEditFieldEvent | ChannelWireReactionFieldEvent | ChannelWireVoteFieldEvent> {
    return streamMessage(buf, ChannelWire.codec(), opts)
  }
}

export interface KeywordRecord {
  keyword: string
  entries: Uint8Array[]
}

export namespace KeywordRecord {
  let _codec: Codec<KeywordRecord>

  export const codec = (): Codec<KeywordRecord> => {
    if (_codec == null) {
      _codec = message<KeywordRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.keyword != null && obj.keyword !== '')) {
          w.uint32(10)
          w.string(obj.keyword)
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          keyword: '',
          entries: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.keyword = reader.string()
              break
            }
            case 2: {
              if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements')
              }

              obj.entries.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          entries: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.keyword`,
                value: reader.string()
              }
              break
            }
            case 2: {
              if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements')
              }

              yield {
                field: `${prefix}.entries[]`,
                index: obj.entries,
                value: reader.bytes()
              }

              obj.entries++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface KeywordRecordKeywordFieldEvent {
    field: '$.keyword'
    value: string
  }

  export interface KeywordRecordEntriesFieldEvent {
    field: '$.entries[]'
    index: number
    value: Uint8Array
  }

  export function encode (obj: Partial<KeywordRecord>): Uint8Array {
    return encodeMessage(obj, KeywordRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeywordRecord>): KeywordRecord {
    return decodeMessage(buf, KeywordRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeywordRecord>): Generator<KeywordRecordKeywordFieldEvent | KeywordRecordEntriesFieldEvent> {
    return streamMessage(buf, KeywordRecord.codec(), opts)
  }
}

export interface CommunityEntry {
  communityId: Uint8Array
  index: bigint
  prev: Uint8Array
  op: CommunityEntry.Op
  signer: Uint8Array
  timestamp: bigint
  name: string
  description: string
  icon: string
  target: Uint8Array
  groupId: Uint8Array
  open: boolean
  nonce: Uint8Array
}

export namespace CommunityEntry {
  export enum Op {
    GENESIS = 'GENESIS',
    SET_INFO = 'SET_INFO',
    ADD_ADMIN = 'ADD_ADMIN',
    REMOVE_ADMIN = 'REMOVE_ADMIN',
    ADD_GROUP = 'ADD_GROUP',
    REMOVE_GROUP = 'REMOVE_GROUP',
    BAN = 'BAN',
    UNBAN = 'UNBAN'
  }

  enum __OpValues {
    GENESIS = 0,
    SET_INFO = 1,
    ADD_ADMIN = 2,
    REMOVE_ADMIN = 3,
    ADD_GROUP = 4,
    REMOVE_GROUP = 5,
    BAN = 6,
    UNBAN = 7
  }

  export namespace Op {
    export const codec = (): Codec<Op> => {
      return enumeration<Op>(__OpValues)
    }
  }

  let _codec: Codec<CommunityEntry>

  export const codec = (): Codec<CommunityEntry> => {
    if (_codec == null) {
      _codec = message<CommunityEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.communityId != null && obj.communityId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.communityId)
        }

        if ((obj.index != null && obj.index !== 0n)) {
          w.uint32(16)
          w.uint64(obj.index)
        }

        if ((obj.prev != null && obj.prev.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.prev)
        }

        if (obj.op != null && __OpValues[obj.op] !== 0) {
          w.uint32(32)
          CommunityEntry.Op.codec().encode(obj.op, w)
        }

        if ((obj.signer != null && obj.signer.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.signer)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(48)
          w.uint64(obj.timestamp)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(58)
          w.string(obj.name)
        }

        if ((obj.description != null && obj.description !== '')) {
          w.uint32(66)
          w.string(obj.description)
        }

        if ((obj.icon != null && obj.icon !== '')) {
          w.uint32(74)
          w.string(obj.icon)
        }

        if ((obj.target != null && obj.target.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.target)
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.groupId)
        }

        if ((obj.open != null && obj.open !== false)) {
          w.uint32(96)
          w.bool(obj.open)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(106)
          w.bytes(obj.nonce)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          communityId: uint8ArrayAlloc(0),
          index: 0n,
          prev: uint8ArrayAlloc(0),
          op: Op.GENESIS,
          signer: uint8ArrayAlloc(0),
          timestamp: 0n,
          name: '',
          description: '',
          icon: '',
          target: uint8ArrayAlloc(0),
          groupId: uint8ArrayAlloc(0),
          open: false,
          nonce: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.communityId = reader.bytes()
              break
            }
            case 2: {
              obj.index = reader.uint64()
              break
            }
            case 3: {
              obj.prev = reader.bytes()
              break
            }
            case 4: {
              obj.op = CommunityEntry.Op.codec().decode(reader)
              break
            }
            case 5: {
              obj.signer = reader.bytes()
              break
            }
            case 6: {
              obj.timestamp = reader.uint64()
              break
            }
            case 7: {
              obj.name = reader.string()
              break
            }
            case 8: {
              obj.description = reader.string()
              break
            }
            case 9: {
              obj.icon = reader.string()
              break
            }
            case 10: {
              obj.target = reader.bytes()
              break
            }
            case 11: {
              obj.groupId = reader.bytes()
              break
            }
            case 12: {
              obj.open = reader.bool()
              break
            }
            case 13: {
              obj.nonce = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.communityId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.prev`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.op`,
                value: CommunityEntry.Op.codec().decode(reader)
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.signer`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.description`,
                value: reader.string()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.icon`,
                value: reader.string()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.target`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.open`,
                value: reader.bool()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface CommunityEntryCommunityIdFieldEvent {
    field: '$.communityId'
    value: Uint8Array
  }

  export interface CommunityEntryIndexFieldEvent {
    field: '$.index'
    value: bigint
  }

  export interface CommunityEntryPrevFieldEvent {
    field: '$.prev'
    value: Uint8Array
  }

  export interface CommunityEntryOpFieldEvent {
    field: '$.op'
    value: CommunityEntry.Op
  }

  export interface CommunityEntrySignerFieldEvent {
    field: '$.signer'
    value: Uint8Array
  }

  export interface CommunityEntryTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface CommunityEntryNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface CommunityEntryDescriptionFieldEvent {
    field: '$.description'
    value: string
  }

  export interface CommunityEntryIconFieldEvent {
    field: '$.icon'
    value: string
  }

  export interface CommunityEntryTargetFieldEvent {
    field: '$.target'
    value: Uint8Array
  }

  export interface CommunityEntryGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array
  }

  export interface CommunityEntryOpenFieldEvent {
    field: '$.open'
    value: boolean
  }

  export interface CommunityEntryNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array
  }

  export function encode (obj: Partial<CommunityEntry>): Uint8Array {
    return encodeMessage(obj, CommunityEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CommunityEntry>): CommunityEntry {
    return decodeMessage(buf, CommunityEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CommunityEntry>): Generator<CommunityEntryCommunityIdFieldEvent | CommunityEntryIndexFieldEvent | CommunityEntryPrevFieldEvent | CommunityEntryOpFieldEvent | CommunityEntrySignerFieldEvent | CommunityEntryTimestampFieldEvent | CommunityEntryNameFieldEvent | CommunityEntryDescriptionFieldEvent | CommunityEntryIconFieldEvent | CommunityEntryTargetFieldEvent | CommunityEntryGroupIdFieldEvent | CommunityEntryOpenFieldEvent | CommunityEntryNonceFieldEvent> {
    return streamMessage(buf, CommunityEntry.codec(), opts)
  }
}

export interface Announcement {
  communityId: Uint8Array
  announcementId: Uint8Array
  signer: Uint8Array
  timestamp: bigint
  text: string
}

export namespace Announcement {
  let _codec: Codec<Announcement>

  export const codec = (): Codec<Announcement> => {
    if (_codec == null) {
      _codec = message<Announcement>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.communityId != null && obj.communityId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.communityId)
        }

        if ((obj.announcementId != null && obj.announcementId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.announcementId)
        }

        if ((obj.signer != null && obj.signer.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signer)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(32)
          w.uint64(obj.timestamp)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(42)
          w.string(obj.text)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          communityId: uint8ArrayAlloc(0),
          announcementId: uint8ArrayAlloc(0),
          signer: uint8ArrayAlloc(0),
          timestamp: 0n,
          text: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.communityId = reader.bytes()
              break
            }
            case 2: {
              obj.announcementId = reader.bytes()
              break
            }
            case 3: {
              obj.signer = reader.bytes()
              break
            }
            case 4: {
              obj.timestamp = reader.uint64()
              break
            }
            case 5: {
              obj.text = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.communityId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.announcementId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.signer`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AnnouncementCommunityIdFieldEvent {
    field: '$.communityId'
    value: Uint8Array
  }

  export interface AnnouncementAnnouncementIdFieldEvent {
    field: '$.announcementId'
    value: Uint8Array
  }

  export interface AnnouncementSignerFieldEvent {
    field: '$.signer'
    value: Uint8Array
  }

  export interface AnnouncementTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface AnnouncementTextFieldEvent {
    field: '$.text'
    value: string
  }

  export function encode (obj: Partial<Announcement>): Uint8Array {
    return encodeMessage(obj, Announcement.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Announcement>): Announcement {
    return decodeMessage(buf, Announcement.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Announcement>): Generator<AnnouncementCommunityIdFieldEvent | AnnouncementAnnouncementIdFieldEvent | AnnouncementSignerFieldEvent | AnnouncementTimestampFieldEvent | AnnouncementTextFieldEvent> {
    return streamMessage(buf, Announcement.codec(), opts)
  }
}

export interface Tombstone {
  communityId: Uint8Array
  groupId: Uint8Array
  messageId: string
  signer: Uint8Array
  timestamp: bigint
}

export namespace Tombstone {
  let _codec: Codec<Tombstone>

  export const codec = (): Codec<Tombstone> => {
    if (_codec == null) {
      _codec = message<Tombstone>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.communityId != null && obj.communityId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.communityId)
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.groupId)
        }

        if ((obj.messageId != null && obj.messageId !== '')) {
          w.uint32(26)
          w.string(obj.messageId)
        }

        if ((obj.signer != null && obj.signer.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signer)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(40)
          w.uint64(obj.timestamp)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          communityId: uint8ArrayAlloc(0),
          groupId: uint8ArrayAlloc(0),
          messageId: '',
          signer: uint8ArrayAlloc(0),
          timestamp: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.communityId = reader.bytes()
              break
            }
            case 2: {
              obj.groupId = reader.bytes()
              break
            }
            case 3: {
              obj.messageId = reader.string()
              break
            }
            case 4: {
              obj.signer = reader.bytes()
              break
            }
            case 5: {
              obj.timestamp = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.communityId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.messageId`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.signer`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface TombstoneCommunityIdFieldEvent {
    field: '$.communityId'
    value: Uint8Array
  }

  export interface TombstoneGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array
  }

  export interface TombstoneMessageIdFieldEvent {
    field: '$.messageId'
    value: string
  }

  export interface TombstoneSignerFieldEvent {
    field: '$.signer'
    value: Uint8Array
  }

  export interface TombstoneTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export function encode (obj: Partial<Tombstone>): Uint8Array {
    return encodeMessage(obj, Tombstone.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Tombstone>): Tombstone {
    return decodeMessage(buf, Tombstone.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Tombstone>): Generator<TombstoneCommunityIdFieldEvent | TombstoneGroupIdFieldEvent | TombstoneMessageIdFieldEvent | TombstoneSignerFieldEvent | TombstoneTimestampFieldEvent> {
    return streamMessage(buf, Tombstone.codec(), opts)
  }
}

export interface AdminNote {
  kind: AdminNote.Kind
  communityId: Uint8Array
  from: Uint8Array
  timestamp: bigint
  noteId: Uint8Array
  targetMessage: string
  targetMember: Uint8Array
  targetGroup: Uint8Array
  reason: string
  excerpt: string
}

export namespace AdminNote {
  export enum Kind {
    REPORT = 'REPORT',
    GROUP_REQUEST = 'GROUP_REQUEST'
  }

  enum __KindValues {
    REPORT = 0,
    GROUP_REQUEST = 1
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<AdminNote>

  export const codec = (): Codec<AdminNote> => {
    if (_codec == null) {
      _codec = message<AdminNote>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(8)
          AdminNote.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.communityId != null && obj.communityId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.communityId)
        }

        if ((obj.from != null && obj.from.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.from)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(32)
          w.uint64(obj.timestamp)
        }

        if ((obj.noteId != null && obj.noteId.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.noteId)
        }

        if ((obj.targetMessage != null && obj.targetMessage !== '')) {
          w.uint32(50)
          w.string(obj.targetMessage)
        }

        if ((obj.targetMember != null && obj.targetMember.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.targetMember)
        }

        if ((obj.targetGroup != null && obj.targetGroup.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.targetGroup)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(74)
          w.string(obj.reason)
        }

        if ((obj.excerpt != null && obj.excerpt !== '')) {
          w.uint32(82)
          w.string(obj.excerpt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: Kind.REPORT,
          communityId: uint8ArrayAlloc(0),
          from: uint8ArrayAlloc(0),
          timestamp: 0n,
          noteId: uint8ArrayAlloc(0),
          targetMessage: '',
          targetMember: uint8ArrayAlloc(0),
          targetGroup: uint8ArrayAlloc(0),
          reason: '',
          excerpt: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kind = AdminNote.Kind.codec().decode(reader)
              break
            }
            case 2: {
              obj.communityId = reader.bytes()
              break
            }
            case 3: {
              obj.from = reader.bytes()
              break
            }
            case 4: {
              obj.timestamp = reader.uint64()
              break
            }
            case 5: {
              obj.noteId = reader.bytes()
              break
            }
            case 6: {
              obj.targetMessage = reader.string()
              break
            }
            case 7: {
              obj.targetMember = reader.bytes()
              break
            }
            case 8: {
              obj.targetGroup = reader.bytes()
              break
            }
            case 9: {
              obj.reason = reader.string()
              break
            }
            case 10: {
              obj.excerpt = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.kind`,
                value: AdminNote.Kind.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.communityId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.from`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.noteId`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.targetMessage`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.targetMember`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.targetGroup`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.excerpt`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AdminNoteKindFieldEvent {
    field: '$.kind'
    value: AdminNote.Kind
  }

  export interface AdminNoteCommunityIdFieldEvent {
    field: '$.communityId'
    value: Uint8Array
  }

  export interface AdminNoteFromFieldEvent {
    field: '$.from'
    value: Uint8Array
  }

  export interface AdminNoteTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface AdminNoteNoteIdFieldEvent {
    field: '$.noteId'
    value: Uint8Array
  }

  export interface AdminNoteTargetMessageFieldEvent {
    field: '$.targetMessage'
    value: string
  }

  export interface AdminNoteTargetMemberFieldEvent {
    field: '$.targetMember'
    value: Uint8Array
  }

  export interface AdminNoteTargetGroupFieldEvent {
    field: '$.targetGroup'
    value: Uint8Array
  }

  export interface AdminNoteReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface AdminNoteExcerptFieldEvent {
    field: '$.excerpt'
    value: string
  }

  export function encode (obj: Partial<AdminNote>): Uint8Array {
    return encodeMessage(obj, AdminNote.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AdminNote>): AdminNote {
    return decodeMessage(buf, AdminNote.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AdminNote>): Generator<AdminNoteKindFieldEvent | AdminNoteCommunityIdFieldEvent | AdminNoteFromFieldEvent | AdminNoteTimestampFieldEvent | AdminNoteNoteIdFieldEvent | AdminNoteTargetMessageFieldEvent | AdminNoteTargetMemberFieldEvent | AdminNoteTargetGroupFieldEvent | AdminNoteReasonFieldEvent | AdminNoteExcerptFieldEvent> {
    return streamMessage(buf, AdminNote.codec(), opts)
  }
}

export interface CommunityPayload {
  communityId: Uint8Array
  logStart: bigint
  log: Uint8Array[]
  announcement?: Uint8Array
  tombstone?: Uint8Array
  adminNote?: Sealed
}

export namespace CommunityPayload {
  let _codec: Codec<CommunityPayload>

  export const codec = (): Codec<CommunityPayload> => {
    if (_codec == null) {
      _codec = message<CommunityPayload>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.communityId != null && obj.communityId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.communityId)
        }

        if ((obj.logStart != null && obj.logStart !== 0n)) {
          w.uint32(16)
          w.uint64(obj.logStart)
        }

        if (obj.log != null && obj.log.length > 0) {
          for (const value of obj.log) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (obj.announcement != null) {
          w.uint32(34)
          w.bytes(obj.announcement)
        }

        if (obj.tombstone != null) {
          w.uint32(42)
          w.bytes(obj.tombstone)
        }

        if (obj.adminNote != null) {
          w.uint32(50)
          Sealed.codec().encode(obj.adminNote, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          communityId: uint8ArrayAlloc(0),
          logStart: 0n,
          log: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.communityId = reader.bytes()
              break
            }
            case 2: {
              obj.logStart = reader.uint64()
              break
            }
            case 3: {
              if (opts.limits?.log != null && obj.log.length === opts.limits.log) {
                throw new MaxLengthError('Decode error - repeated field "log" had too many elements')
              }

              obj.log.push(reader.bytes())
              break
            }
            case 4: {
              obj.announcement = reader.bytes()
              break
            }
            case 5: {
              obj.tombstone = reader.bytes()
              break
            }
            case 6: {
              obj.adminNote = Sealed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.adminNote
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          log: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.communityId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.logStart`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              if (opts.limits?.log != null && obj.log === opts.limits.log) {
                throw new MaxLengthError('Streaming decode error - repeated field "log" had too many elements')
              }

              yield {
                field: `${prefix}.log[]`,
                index: obj.log,
                value: reader.bytes()
              }

              obj.log++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.announcement`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.tombstone`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield * Sealed.codec().stream(reader, reader.uint32(), `${prefix}.adminNote`, {
                limits: opts.limits?.adminNote
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface CommunityPayloadCommunityIdFieldEvent {
    field: '$.communityId'
    value: Uint8Array
  }

  export interface CommunityPayloadLogStartFieldEvent {
    field: '$.logStart'
    value: bigint
  }

  export interface CommunityPayloadLogFieldEvent {
    field: '$.log[]'
    index: number
    value: Uint8Array
  }

  export interface CommunityPayloadAnnouncementFieldEvent {
    field: '$.announcement'
    value: Uint8Array
  }

  export interface CommunityPayloadTombstoneFieldEvent {
    field: '$.tombstone'
    value: Uint8Array
  }

  export interface CommunityPayloadAdminNoteBoxesHintFieldEvent {
    field: '$.adminNote.boxes[].hint'
    value: Uint8Array
    index: number
  }

  export interface CommunityPayloadAdminNoteBoxesEphemeralFieldEvent {
    field: '$.adminNote.boxes[].ephemeral'
    value: Uint8Array
    index: number
  }

  export interface CommunityPayloadAdminNoteBoxesNonceFieldEvent {
    field: '$.adminNote.boxes[].nonce'
    value: Uint8Array
    index: number
  }

  export interface CommunityPayloadAdminNoteBoxesCiphertextFieldEvent {
    field: '$.adminNote.boxes[].ciphertext'
    value: Uint8Array
    index: number
  }

  export function encode (obj: Partial<CommunityPayload>): Uint8Array {
    return encodeMessage(obj, CommunityPayload.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CommunityPayload>): CommunityPayload {
    return decodeMessage(buf, CommunityPayload.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CommunityPayload>): Generator<CommunityPayloadCommunityIdFieldEvent | CommunityPayloadLogStartFieldEvent | CommunityPayloadLogFieldEvent | CommunityPayloadAnnouncementFieldEvent | CommunityPayloadTombstoneFieldEvent | CommunityPayloadAdminNoteBoxesHintFieldEvent | CommunityPayloadAdminNoteBoxesEphemeralFieldEvent | CommunityPayloadAdminNoteBoxesNonceFieldEvent | CommunityPayloadAdminNoteBoxesCiphertextFieldEvent> {
    return streamMessage(buf, CommunityPayload.codec(), opts)
  }
}

export interface CommunityInvite {
  communityId: Uint8Array
  name: string
  groupInvite: string
}

export namespace CommunityInvite {
  let _codec: Codec<CommunityInvite>

  export const codec = (): Codec<CommunityInvite> => {
    if (_codec == null) {
      _codec = message<CommunityInvite>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.communityId != null && obj.communityId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.communityId)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if ((obj.groupInvite != null && obj.groupInvite !== '')) {
          w.uint32(26)
          w.string(obj.groupInvite)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          communityId: uint8ArrayAlloc(0),
          name: '',
          groupInvite: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.communityId = reader.bytes()
              break
            }
            case 2: {
              obj.name = reader.string()
              break
            }
            case 3: {
              obj.groupInvite = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.communityId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.groupInvite`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface CommunityInviteCommunityIdFieldEvent {
    field: '$.communityId'
    value: Uint8Array
  }

  export interface CommunityInviteNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface CommunityInviteGroupInviteFieldEvent {
    field: '$.groupInvite'
    value: string
  }

  export function encode (obj: Partial<CommunityInvite>): Uint8Array {
    return encodeMessage(obj, CommunityInvite.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CommunityInvite>): CommunityInvite {
    return decodeMessage(buf, CommunityInvite.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CommunityInvite>): Generator<CommunityInviteCommunityIdFieldEvent | CommunityInviteNameFieldEvent | CommunityInviteGroupInviteFieldEvent> {
    return streamMessage(buf, CommunityInvite.codec(), opts)
  }
}
