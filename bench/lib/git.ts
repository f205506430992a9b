// Which code a bench measured: the commit, and whether the working tree had changes on top of it.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** e.g. "commit 1a2b3c4 (+ uncommitted changes in packages/)"; "commit unknown" outside a git checkout */
export function codeVersion (paths: string[] = ['packages']): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', ...paths], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    return `commit ${head}${dirty === '' ? '' : ` (+ uncommitted changes in ${paths.join(', ')}/)`}`
  } catch {
    return 'commit unknown'
  }
}
