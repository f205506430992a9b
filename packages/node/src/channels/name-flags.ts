// Suspicious channel names (issue 5 point 5): every answer that shows a channel says whether its name is flagged
// and why, from @kith/protocol's assessName. Names repeat (lists, searches, updates): the verdicts are cached.
import { assessName } from '@kith/protocol'

export interface NameFlags {
  flagged: boolean
  /** assessName's reasons: `impersonates:Kith`, `official-claim:WhatsApp`, `classifier:0.94`… */
  flagReasons: string[]
}

const MAX_CACHED = 2000
const cache = new Map<string, NameFlags>()

export function nameFlags (name: string): NameFlags {
  let flags = cache.get(name)
  if (flags == null) {
    const risk = assessName(name)
    flags = { flagged: risk.flagged, flagReasons: risk.reasons }
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string)
    cache.set(name, flags)
  }
  // callers get their own copy of the reasons: a cached verdict is never changed through one
  return { flagged: flags.flagged, flagReasons: [...flags.flagReasons] }
}

export function isFlaggedName (name: string): boolean {
  return nameFlags(name).flagged
}
