// A CPU profile of this process around one piece of work (node:inspector), written as a .cpuprofile (Chrome DevTools,
// speedscope) and summed up: the share of samples whose stack holds a function of each category, and the top
// self-time functions. For benches whose nodes share the process: it shows whose work fills the event loop.
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'

interface ProfileNode { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
interface Profile { nodes: ProfileNode[], samples: number[] }

export interface Category { label: string, match: RegExp }

export interface ProfileSummary {
  samples: number
  /** share of samples (0..1) whose stack holds a frame matching each category, in the order given */
  categories: Array<{ label: string, share: number }>
  /** top self-time frames, "function file:line" with their share */
  top: Array<{ frame: string, share: number }>
}

export async function profiled<T> (file: string, work: () => Promise<T>, intervalUs = 500): Promise<{ result: T, profile: Profile }> {
  const session = new Session()
  session.connect()
  try {
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs })
    await session.post('Profiler.start')
    let result!: T
    let profile!: Profile
    try {
      result = await work()
    } finally {
      ({ profile } = await session.post('Profiler.stop') as unknown as { profile: Profile })
      writeFileSync(file, JSON.stringify(profile))
    }
    return { result, profile }
  } finally {
    session.disconnect()
  }
}

/** "functionName url:line" of a frame, with the path cut to the package or the repository */
function frameName (n: ProfileNode): string {
  const url = n.callFrame.url.replace(/.*node_modules\//, '').replace(/^file:\/\/.*?\/(packages|bench)\//, '$1/')
  return `${n.callFrame.functionName === '' ? '(anonymous)' : n.callFrame.functionName} ${url}:${n.callFrame.lineNumber + 1}`
}

export function summarize (profile: Profile, categories: Category[], topN = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const counts = new Map<number, number>()
  for (const s of profile.samples) counts.set(s, (counts.get(s) ?? 0) + 1)
  const total = profile.samples.length
  const inCategory = categories.map(() => 0)
  const self = new Map<string, number>()
  for (const [id, count] of counts) {
    const leaf = byId.get(id)
    if (leaf == null) continue
    const name = frameName(leaf)
    self.set(name, (self.get(name) ?? 0) + count)
    const stack: string[] = []
    for (let cur: number | undefined = id; cur != null; cur = parent.get(cur)) {
      const n = byId.get(cur)
      if (n != null) stack.push(frameName(n))
    }
    categories.forEach((c, i) => { if (stack.some(f => c.match.test(f))) inCategory[i] += count })
  }
  return {
    samples: total,
    categories: categories.map((c, i) => ({ label: c.label, share: total === 0 ? 0 : inCategory[i] / total })),
    top: [...self].sort((a, b) => b[1] - a[1]).slice(0, topN).map(([frame, n]) => ({ frame, share: n / total }))
  }
}
