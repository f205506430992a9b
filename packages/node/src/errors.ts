// Named errors: callers (the API server, the CLI) match on err.name, never on messages.

export class KithError extends Error {
  static override name = 'KithError'
  /** HTTP status the local API answers with */
  readonly status: number = 500
  constructor (message: string) {
    super(message)
    this.name = (this.constructor as typeof KithError).name
  }
}

export class GroupNotFoundError extends KithError {
  static override name = 'GroupNotFoundError'
  override readonly status = 404
}

export class NotAMemberError extends KithError {
  static override name = 'NotAMemberError'
  override readonly status = 403
}

export class NotAnAdminError extends KithError {
  static override name = 'NotAnAdminError'
  override readonly status = 403
}

export class MembershipChangeRefusedError extends KithError {
  static override name = 'MembershipChangeRefusedError'
  override readonly status = 409
}

export class InvalidInviteError extends KithError {
  static override name = 'InvalidInviteError'
  override readonly status = 400
}

export class JoinFailedError extends KithError {
  static override name = 'JoinFailedError'
  override readonly status = 504
}

export class InvalidArgumentError extends KithError {
  static override name = 'InvalidArgumentError'
  override readonly status = 400
}

export class MessageTooLargeError extends KithError {
  static override name = 'MessageTooLargeError'
  override readonly status = 413
}

export class DataFolderLockedError extends KithError {
  static override name = 'DataFolderLockedError'
  override readonly status = 500
}

export class NotStartedError extends KithError {
  static override name = 'NotStartedError'
  override readonly status = 503
}

/** a dial (`connect`) failed or timed out; the cause is in `cause` */
export class ConnectFailedError extends KithError {
  static override name = 'ConnectFailedError'
  override readonly status = 502
}

export class CommunityNotFoundError extends KithError {
  static override name = 'CommunityNotFoundError'
  override readonly status = 404
}
