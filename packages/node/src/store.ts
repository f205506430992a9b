// One LevelDB per data folder (`DIR/db`), split into sublevels:
//   'libp2p' – libp2p's peer store, DHT records, keychain (a datastore)
//   'helia'  – helia's datastore (pins, datastore version)
//   'blocks' – helia's blockstore
//   'app'    – Kith's own key-value data (identity, groups, keys, messages): utf8 keys, Uint8Array values
// LevelDB holds an exclusive lock on the folder: a second open (from another process or this one) fails,
// which we report as DataFolderLockedError.
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { LevelBlockstore } from 'blockstore-level'
import { LevelDatastore } from 'datastore-level'
import { Level } from 'level'
import { DataFolderLockedError } from './errors.ts'
import type { AbstractSublevel } from 'abstract-level'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'

export type AppSublevel = AbstractSublevel<any, any, string, Uint8Array>

export interface KithStore {
  /** the data folder (absolute) */
  readonly dir: string
  /** Kith's own key-value data (groups, keys, messages): utf8 keys, Uint8Array values */
  readonly app: AppSublevel
  readonly libp2pDatastore: Datastore
  readonly heliaDatastore: Datastore
  readonly blockstore: Blockstore
  /** true between a successful open and close() */
  readonly isOpen: boolean
  /** reopens the store after close() (throws DataFolderLockedError if someone else took the folder meanwhile); no-op when open */
  open (): Promise<void>
  /** closes the sublevel stores, then the database; idempotent. Stop helia/libp2p before calling it. */
  close (): Promise<void>
  /**
   * rewrites the database files so that deleted entries are gone from the disk, not only hidden (LevelDB keeps
   * deleted values in older files until a compaction reaches them)
   */
  compact (): Promise<void>
}

const SUBLEVEL_OPTIONS = { keyEncoding: 'utf8', valueEncoding: 'view' } as const

// classic-level hands back Node Buffers for 'view' values; Kith's own data gets plain Uint8Arrays (a zero-copy
// view of the same memory) so Buffer's different slice()/toString()/equality semantics cannot leak into app code
const plainView = {
  name: 'kith-plain-view',
  format: 'view' as const,
  encode: (data: Uint8Array): Uint8Array => data,
  decode: (data: Uint8Array): Uint8Array => Object.getPrototypeOf(data) === Uint8Array.prototype
    ? data
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

function isLockedError (err: any): boolean {
  // classic-level: LEVEL_DATABASE_NOT_OPEN with cause LEVEL_LOCKED ("IO error: lock DIR/LOCK: already held by process")
  for (let e = err, depth = 0; e != null && depth < 5; e = e.cause, depth++) {
    if (e.code === 'LEVEL_LOCKED') return true
  }
  return false
}

/**
 * Opens (creating if missing) the Kith data folder `dir` and its LevelDB in `dir/db`.
 * Throws DataFolderLockedError when another Kith process (or another open in this process) holds it.
 */
export async function openStore (dir: string): Promise<KithStore> {
  const absDir = resolve(dir)
  await mkdir(absDir, { recursive: true })
  const root = new Level<string, Uint8Array>(join(absDir, 'db'), SUBLEVEL_OPTIONS)

  const libp2pLevel = root.sublevel<string, Uint8Array>('libp2p', SUBLEVEL_OPTIONS)
  const heliaLevel = root.sublevel<string, Uint8Array>('helia', SUBLEVEL_OPTIONS)
  const blocksLevel = root.sublevel<string, Uint8Array>('blocks', SUBLEVEL_OPTIONS)
  const app: AppSublevel = root.sublevel<string, Uint8Array>('app', { keyEncoding: 'utf8', valueEncoding: plainView })

  // datastore-level / blockstore-level are typed for a `Level` but only use the abstract-level API,
  // which a sublevel implements; their open() opens the sublevel (which waits for the root, opened first)
  const libp2pDatastore = new LevelDatastore(libp2pLevel as any)
  const heliaDatastore = new LevelDatastore(heliaLevel as any)
  const blockstore = new LevelBlockstore(blocksLevel as any)

  let isOpen = false
  let transition: Promise<void> = Promise.resolve()

  async function doOpen (): Promise<void> {
    if (isOpen) return
    try {
      await root.open({ createIfMissing: true })
    } catch (err: any) {
      if (isLockedError(err)) {
        const e = new DataFolderLockedError(`another Kith process holds the data folder ${absDir}`)
        e.cause = err
        throw e
      }
      throw err
    }
    try {
      await Promise.all([libp2pDatastore.open(), heliaDatastore.open(), blockstore.open(), app.open()])
    } catch (err) {
      await root.close().catch(() => {})
      throw err
    }
    isOpen = true
  }

  async function doClose (): Promise<void> {
    if (!isOpen) return
    isOpen = false
    // sublevels first, then the root: closing the root first makes helia/libp2p stop throw (stack notes)
    await Promise.allSettled([libp2pDatastore.close(), heliaDatastore.close(), blockstore.close(), app.close()])
    await root.close()
  }

  // open/close are serialised so concurrent calls cannot interleave
  const serialise = async (fn: () => Promise<void>): Promise<void> => {
    const next = transition.then(fn, fn)
    transition = next.catch(() => {})
    return next
  }

  await serialise(doOpen)

  return {
    dir: absDir,
    app,
    libp2pDatastore,
    heliaDatastore,
    blockstore,
    get isOpen () { return isOpen },
    open: async () => serialise(doOpen),
    close: async () => serialise(doClose),
    compact: async () => {
      if (!isOpen) return
      // sublevel keys are prefixed '!name!', all within this range
      await (root as any).compactRange('\x00', '\xff', { keyEncoding: 'utf8' })
    }
  }
}
