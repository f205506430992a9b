// Not a command: how the channel commands show a flagged name in their human output (--json prints the
// "flagged" and "flagReasons" fields as they come).

export interface Flagged {
  flagged?: boolean
  flagReasons?: string[]
}

/** ' [flagged: official-claim:WhatsApp, classifier:0.94]' for a flagged name, '' otherwise */
export function flagNote (channel: Flagged): string {
  if (channel.flagged !== true) return ''
  const reasons = channel.flagReasons ?? []
  return ` [flagged${reasons.length > 0 ? `: ${reasons.join(', ')}` : ''}]`
}
