// Structured log lines on stderr: {"time","level","msg",...fields}. stdout stays for the ready line.
export type Level = 'debug' | 'info' | 'warn' | 'error'

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface Logger {
  (level: Level, msg: string, fields?: Record<string, unknown>): void
}

export function createLogger (minLevel: Level = (process.env.KITH_LOG_LEVEL as Level | undefined) ?? 'info'): Logger {
  const min = ORDER[minLevel] ?? ORDER.info
  return (level, msg, fields = {}) => {
    if (ORDER[level] < min) return
    let line: string
    try {
      line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })
    } catch {
      line = JSON.stringify({ time: new Date().toISOString(), level, msg })
    }
    process.stderr.write(line + '\n')
  }
}
