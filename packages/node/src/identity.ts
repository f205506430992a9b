// The node's long-term identity: an Ed25519 libp2p private key, made on first start and kept in the app sublevel.
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { KithError } from './errors.ts'
import type { KithStore } from './store.ts'
import type { Ed25519PrivateKey } from '@libp2p/interface'

export const IDENTITY_KEY = 'identity/private-key'

/** Loads the node's Ed25519 key from the store, or makes and stores (fsync'ed) a new one on first start. */
export async function loadOrCreateIdentity (store: Pick<KithStore, 'app'>): Promise<Ed25519PrivateKey> {
  const existing = await store.app.get(IDENTITY_KEY)
  if (existing != null) {
    const key = privateKeyFromProtobuf(existing)
    if (key.type !== 'Ed25519') {
      throw new KithError(`the identity key in the data folder is ${key.type}, expected Ed25519`)
    }
    return key
  }
  const key = await generateKeyPair('Ed25519')
  // sync (a classic-level option forwarded through the sublevel, missing from abstract-level's types):
  // the identity must survive a power cut right after first start
  await store.app.put(IDENTITY_KEY, privateKeyToProtobuf(key), { sync: true } as Record<string, unknown>)
  return key
}
