// What a bench must undo even when it is interrupted (Ctrl-C, `timeout`): temp folders and child processes.
// Normal ends clean up themselves; this covers SIGINT / SIGTERM / SIGHUP, which would otherwise kill the process
// with its data folders and any spawned daemon left behind.
import { rmSync } from 'node:fs'

type Undo = () => void
const undos = new Set<Undo>()
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

function onSignal (signal: NodeJS.Signals): void {
  for (const undo of [...undos].reverse()) {
    try { undo() } catch {}
  }
  undos.clear()
  process.stderr.write(`bench: interrupted by ${signal}; temp folders and child processes removed\n`)
  process.exit(signal === 'SIGINT' ? 130 : 143)
}

/** registers a synchronous undo step run on an interrupting signal; returns the function that unregisters it */
export function onInterrupt (undo: Undo): () => void {
  if (undos.size === 0) for (const s of SIGNALS) process.on(s, onSignal)
  undos.add(undo)
  return () => {
    undos.delete(undo)
    if (undos.size === 0) for (const s of SIGNALS) process.off(s, onSignal)
  }
}

/** on an interrupting signal, remove this folder */
export function removeOnInterrupt (dir: string): () => void {
  return onInterrupt(() => { rmSync(dir, { recursive: true, force: true }) })
}
