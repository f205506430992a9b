// Shared plumbing of the CLI commands: argument parsing (node:util parseArgs), the data folder,
// output (--json or a readable form) and errors that end the process with a clear message.
import { homedir } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'

type OptionsConfig = NonNullable<ParseArgsConfig['options']>

/** An error whose message is shown as it is, ending the process with `exitCode` */
export class CliError extends Error {
  readonly exitCode: number
  constructor (message: string, exitCode = 1, name = 'CliError') {
    super(message)
    this.name = name
    this.exitCode = exitCode
  }
}

/** Bad command line: exit code 2 and a hint to use --help */
export class UsageError extends CliError {
  constructor (message: string) {
    super(message, 2, 'UsageError')
  }
}

export const commonOptions = {
  data: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false }
} as const satisfies OptionsConfig

export const VERSION = '0.1.0'

export const DATA_HELP = `  --data DIR   the daemon's data folder (default: $KITH_DATA, then ~/.kith)`

export const commonHelp = `${DATA_HELP}
  --json       print one JSON value on stdout
  -h, --help   show this help`

export interface CommandContext<V> {
  values: V & { data?: string, json: boolean, help: boolean }
  positionals: string[]
  /** the resolved absolute data folder */
  dataDir: string
  json: boolean
}

export interface Command {
  /** e.g. "group send" */
  name: string
  run (argv: string[]): Promise<number>
}

export interface CommandSpec<O extends OptionsConfig> {
  name: string
  /** the line after "kith ", e.g. "group send GROUP_ID TEXT" */
  usage: string
  summary: string
  /** extra help lines for the options of this command */
  optionsHelp?: string
  /** the help line of --data when this command's data folder is not the daemon's (see DATA_HELP) */
  dataHelp?: string
  /** the data folder when --data is not given (default: resolveDataDir's) */
  defaultDataDir?: () => string
  options?: O
  /** names of the required positionals, in order; a trailing "..." on the last one takes the rest */
  args?: string[]
  run (ctx: CommandContext<ParsedValues<O>>): Promise<number | void>
}

type ParsedValues<O extends OptionsConfig> = {
  [K in keyof O]?: O[K] extends { type: 'boolean', multiple: true } ? boolean[]
    : O[K] extends { type: 'boolean' } ? boolean
      : O[K] extends { multiple: true } ? string[] : string
}

export function resolveDataDir (data?: string): string {
  const dir = data ?? (process.env.KITH_DATA != null && process.env.KITH_DATA !== '' ? process.env.KITH_DATA : resolve(homedir(), '.kith'))
  return resolve(dir)
}

export function helpText (spec: { usage: string, summary: string, optionsHelp?: string, dataHelp?: string }): string {
  const common = spec.dataHelp != null ? commonHelp.replace(DATA_HELP, spec.dataHelp) : commonHelp
  return `Usage: kith ${spec.usage}

${spec.summary}

Options:
${spec.optionsHelp != null ? spec.optionsHelp.replace(/\n$/, '') + '\n' : ''}${common}
`
}

export function defineCommand<O extends OptionsConfig = Record<never, never>> (spec: CommandSpec<O>): Command {
  return {
    name: spec.name,
    async run (argv) {
      let parsed
      try {
        parsed = parseArgs({
          args: argv,
          options: { ...commonOptions, ...(spec.options ?? {}) },
          allowPositionals: true,
          strict: true
        })
      } catch (err: any) {
        throw new UsageError(`${String(err.message)}\n(see: kith ${spec.name} --help)`)
      }
      const values = parsed.values as any
      if (values.help === true) {
        process.stdout.write(helpText(spec))
        return 0
      }
      const args = spec.args ?? []
      const rest = args.length > 0 && args[args.length - 1].endsWith('...')
      const positionals = parsed.positionals
      if (positionals.length < args.length || (!rest && positionals.length > args.length)) {
        const what = positionals.length < args.length
          ? `missing ${args.slice(positionals.length).map(a => a.replace(/\.\.\.$/, '')).join(' ')}`
          : `unexpected argument ${JSON.stringify(positionals[args.length])}`
        throw new UsageError(`${what}\nUsage: kith ${spec.usage}\n(see: kith ${spec.name} --help)`)
      }
      if (rest) {
        // "TEXT..." takes the remaining words, so `kith group send G hello there` works without quotes
        const n = args.length - 1
        positionals.splice(n, positionals.length - n, positionals.slice(n).join(' '))
      }
      const code = await spec.run({
        values,
        positionals,
        dataDir: values.data == null && spec.defaultDataDir != null ? resolve(spec.defaultDataDir()) : resolveDataDir(values.data),
        json: values.json === true
      })
      return code ?? 0
    }
  }
}

/** Prints `value` as one JSON line with --json, else the human form */
export function output (json: boolean, value: unknown, human: () => string): void {
  if (json) {
    process.stdout.write(JSON.stringify(value) + '\n')
  } else {
    const text = human()
    if (text !== '') process.stdout.write(text.endsWith('\n') ? text : text + '\n')
  }
}

/** Parses a positive integer option such as --limit */
export function positiveInt (name: string, value: string | undefined): number | undefined {
  if (value == null) return undefined
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(value)}`)
  }
  return Number(value)
}

export function formatTime (ms: number): string {
  const d = new Date(ms)
  if (Number.isNaN(d.getTime())) return String(ms)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}
