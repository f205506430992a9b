import { MalformedMessageError, InvalidSignatureError } from './errors.js'
import { RegistrationResponse, Signed, StoreRequest, StoreResponse, TopicRegistration } from './proto/kith.js'
import { Domain, PUBLIC_KEY_LENGTH, sign, type Identity, type SignatureVerifier } from './signing.js'
import { markVerified, type Verified } from './verified.js'
import { MAX_WIRE_BYTES } from './envelope.js'

export const MAX_TOPICS_PER_REGISTRATION = 1000
export const MAX_TOPIC_LENGTH = 256
export const MAX_REGISTRATION_BYTES = MAX_TOPICS_PER_REGISTRATION * (MAX_TOPIC_LENGTH + 4) + 256
export const MAX_STORE_MESSAGES = 100
export const MAX_STORE_REQUEST_BYTES = 4 * 1024 * 1024 + 64 * 1024

/** ask a relay to carry and keep `topics`; signed so a relay can hold the registering peer to its quota */
export function signTopicRegistration (identity: Identity, topics: string[], timestamp: number): Uint8Array {
  if (topics.length > MAX_TOPICS_PER_REGISTRATION) throw new MalformedMessageError(`at most ${MAX_TOPICS_PER_REGISTRATION} topics at once`)
  const body = TopicRegistration.encode({ topics, publicKey: identity.publicKey, timestamp: BigInt(Math.max(0, Math.floor(Number.isFinite(timestamp) ? timestamp : 0))) })
  return Signed.encode({ body, signature: sign(identity, Domain.topicRegistration, body) })
}

export function verifyTopicRegistration (bytes: Uint8Array, verifier: SignatureVerifier): Verified<TopicRegistration> {
  if (bytes.byteLength > MAX_REGISTRATION_BYTES) throw new MalformedMessageError('topic registration too large')
  let signed: Signed
  let registration: TopicRegistration
  try {
    signed = Signed.decode(bytes)
    registration = TopicRegistration.decode(signed.body, { limits: { topics: MAX_TOPICS_PER_REGISTRATION } })
  } catch {
    throw new MalformedMessageError('topic registration does not decode')
  }
  if (registration.publicKey.byteLength !== PUBLIC_KEY_LENGTH || registration.topics.some(t => t.length === 0 || t.length > MAX_TOPIC_LENGTH)) {
    throw new MalformedMessageError('malformed topic registration')
  }
  if (!verifier.verify(registration.publicKey, Domain.topicRegistration, signed.body, signed.signature)) {
    throw new InvalidSignatureError('topic registration signature does not verify')
  }
  return markVerified(registration)
}

export function decodeRegistrationResponse (bytes: Uint8Array): RegistrationResponse {
  try {
    return RegistrationResponse.decode(bytes, { limits: { accepted: MAX_TOPICS_PER_REGISTRATION } })
  } catch {
    throw new MalformedMessageError('registration response does not decode')
  }
}

export function decodeStoreRequest (bytes: Uint8Array): StoreRequest {
  if (bytes.byteLength > MAX_STORE_REQUEST_BYTES) throw new MalformedMessageError('store request too large')
  try {
    const request = StoreRequest.decode(bytes, { limits: { messages: MAX_STORE_MESSAGES } })
    if (request.topic.length === 0 || request.topic.length > MAX_TOPIC_LENGTH || request.messages.some(m => m.byteLength > MAX_WIRE_BYTES)) throw new Error('bad fields')
    return request
  } catch (err) {
    throw new MalformedMessageError(`store request does not decode: ${(err as Error).message}`)
  }
}

export function decodeStoreResponse (bytes: Uint8Array): StoreResponse {
  try {
    return StoreResponse.decode(bytes)
  } catch {
    throw new MalformedMessageError('store response does not decode')
  }
}
