// Shared by the community commands whose work goes to every group of a community ({successes, failures}):
// one group failing is worth a line on stderr, not a failed command; every group failing is.
import type { FanOut } from '@kith/node'
import { output } from '../cli.ts'

/** Prints `res` like output() and the failures on stderr (human mode); the exit code: 1 only if every group failed */
export function outputFanOut (json: boolean, res: FanOut, human: () => string): number {
  output(json, res, human)
  if (!json) {
    for (const f of res.failures) process.stderr.write(`kith: group ${f.groupId}: ${f.error}\n`)
  }
  return res.successes.length === 0 && res.failures.length > 0 ? 1 : 0
}

/** "3 groups", or "2 of 3 groups" when some failed */
export function groupsReached (res: FanOut): string {
  const total = res.successes.length + res.failures.length
  return `${res.failures.length === 0 ? '' : `${res.successes.length} of `}${total} ${total === 1 ? 'group' : 'groups'}`
}

/** " ⚠ flagged: reason, reason" for a name the suspicious-name scorer flags, else "" */
export function flagNote (v: { flagged?: boolean, flagReasons?: string[] }): string {
  return v.flagged === true ? `  ⚠ flagged: ${(v.flagReasons ?? []).join(', ') || 'suspicious name'}` : ''
}
