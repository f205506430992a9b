// CPU used by this process and by everything else on the machine while a measurement runs (Linux /proc/stat).
// Benches run on shared machines: a busy neighbour slows one configuration more than another, so say how busy it was.
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'

interface MachineTicks { busy: number, total: number }

function machineTicks (): MachineTicks | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest is already counted in user)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number)
    const busy = user + nice + system + irq + softirq + (steal ?? 0)
    return { busy, total: busy + idle + (iowait ?? 0) }
  } catch {
    return undefined
  }
}

export interface CpuUse {
  wallMs: number
  /** cores used by this process on average (1 = one core fully busy; all threads, GC and libuv's pool included) */
  ownCores: number
  /** cores used by other processes on the machine on average (steal included); NaN where /proc/stat is missing */
  otherCores: number
  /** cores of the machine */
  cores: number
}

export class CpuMeter {
  private readonly t0 = performance.now()
  private readonly own0 = process.cpuUsage()
  private readonly m0 = machineTicks()

  stop (): CpuUse {
    const wallMs = performance.now() - this.t0
    const own = process.cpuUsage(this.own0)
    const ownCores = (own.user + own.system) / 1000 / wallMs
    const m1 = machineTicks()
    const cores = cpus().length
    let otherCores = NaN
    if (this.m0 != null && m1 != null && m1.total > this.m0.total) {
      const machineCores = ((m1.busy - this.m0.busy) / (m1.total - this.m0.total)) * cores
      otherCores = Math.max(0, machineCores - ownCores)
    }
    return { wallMs, ownCores, otherCores, cores }
  }
}
