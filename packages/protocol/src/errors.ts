// Named errors of the wire and crypto layer. Callers match on err.name.

export class ProtocolError extends Error {
  static override name = 'ProtocolError'
  constructor (message: string) {
    super(message)
    this.name = (this.constructor as typeof ProtocolError).name
  }
}

/** bytes that do not decode, are over their size limit or miss required fields */
export class MalformedMessageError extends ProtocolError {
  static override name = 'MalformedMessageError'
}

export class InvalidSignatureError extends ProtocolError {
  static override name = 'InvalidSignatureError'
}

/** a membership log entry that the state before it does not allow */
export class LogEntryRejectedError extends ProtocolError {
  static override name = 'LogEntryRejectedError'
}

export class DecryptionFailedError extends ProtocolError {
  static override name = 'DecryptionFailedError'
}

/** a message whose chain position was already used (or dropped): a replay */
export class ReplayedMessageError extends ProtocolError {
  static override name = 'ReplayedMessageError'
}

export class MalformedInviteError extends ProtocolError {
  static override name = 'MalformedInviteError'
}

/** a well-formed, correctly signed channel record that its rules refuse: authority, limits or timestamp */
export class ChannelRecordRejectedError extends ProtocolError {
  static override name = 'ChannelRecordRejectedError'
}

export class CommunityRecordRejectedError extends ProtocolError {
  static override name = 'CommunityRecordRejectedError'
}
