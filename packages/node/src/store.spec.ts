import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Key } from 'interface-datastore'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataFolderLockedError } from './errors.ts'
import { loadOrCreateIdentity, IDENTITY_KEY } from './identity.ts'
import { openStore } from './store.ts'
import type { KithStore } from './store.ts'

describe('openStore', () => {
  let dir: string
  const opened: KithStore[] = []

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kith-store-'))
  })

  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map(s => s.close()))
    await rm(dir, { recursive: true, force: true })
  })

  async function open (d = dir): Promise<KithStore> {
    const s = await openStore(d)
    opened.push(s)
    return s
  }

  it('creates the folder and keeps app data and datastore records across reopen', async () => {
    const nested = join(dir, 'a', 'b')
    const s1 = await open(nested)
    expect(s1.dir).toBe(nested)
    expect(s1.isOpen).toBe(true)
    await s1.app.put('groups/g1', new Uint8Array([1, 2, 3]))
    await s1.libp2pDatastore.put(new Key('/peers/x'), new Uint8Array([4]))
    await s1.heliaDatastore.put(new Key('/version'), new Uint8Array([5]))
    await s1.close()
    expect(s1.isOpen).toBe(false)

    const s2 = await open(nested)
    expect(await s2.app.get('groups/g1')).toEqual(new Uint8Array([1, 2, 3]))
    expect(await s2.app.get('missing')).toBeUndefined()
    // the datastores hand back Buffers (classic-level); the app sublevel plain Uint8Arrays
    expect(Uint8Array.from(await s2.libp2pDatastore.get(new Key('/peers/x')))).toEqual(new Uint8Array([4]))
    expect(Uint8Array.from(await s2.heliaDatastore.get(new Key('/version')))).toEqual(new Uint8Array([5]))
    // sublevels are separate key spaces
    expect(await s2.heliaDatastore.has(new Key('/peers/x'))).toBe(false)
    const appKeys: string[] = []
    for await (const k of s2.app.keys()) appKeys.push(k)
    expect(appKeys).toEqual(['groups/g1'])
  })

  it('refuses a second open of the same folder with DataFolderLockedError', async () => {
    const s1 = await open()
    const err = await openStore(dir).then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(DataFolderLockedError)
    expect((err as Error).name).toBe('DataFolderLockedError')
    expect((err as Error).message).toContain(`another Kith process holds the data folder ${dir}`)

    await s1.close()
    const s2 = await open()
    expect(s2.isOpen).toBe(true)
  })

  it('close is idempotent and open() reopens', async () => {
    const s = await open()
    await s.app.put('k', new Uint8Array([7]))
    await Promise.all([s.close(), s.close()])
    await s.close()
    await s.open()
    await s.open()
    const v = await s.app.get('k')
    expect(v).toEqual(new Uint8Array([7]))
    expect(Object.getPrototypeOf(v)).toBe(Uint8Array.prototype)
  })

  it('makes an Ed25519 identity once and reuses it', async () => {
    const s = await open()
    const k1 = await loadOrCreateIdentity(s)
    expect(k1.type).toBe('Ed25519')
    expect(await s.app.get(IDENTITY_KEY)).toBeInstanceOf(Uint8Array)
    const k2 = await loadOrCreateIdentity(s)
    expect(k2.equals(k1)).toBe(true)
  })
})
