// The character n-gram classifier of name-risk.ts: logistic regression over hashed features, trained by
// packages/protocol/scripts/train-name-classifier.ts on data/names-labelled.json and committed as
// data/name-classifier-model.json. The feature code lives here only, so training and scoring cannot drift apart.
//
// Features of a name (each counted once, the vector scaled to unit length so long names do not score higher just
// for being long):
// - `c:` character 1- to 4-grams of the NFKC-lowercased name with spaces collapsed and one space at each end
//   (so word starts and ends are n-grams of their own);
// - `s:` character 2- to 4-grams of the same name's confusable skeleton (name-skeleton.ts), so `paypa1` and
//   `paypal` share features;
// - `w:` whole words, and `shape:` flags: a word mixing letters and digits, a word mixing scripts.
// Each feature is hashed (FNV-1a 32 over UTF-16 code units) into MODEL_BUCKETS weights; collisions are
// accepted, a smaller model being worth more than the few points they cost.
import model from '../data/name-classifier-model.json' with { type: 'json' }
import { capName, disallowedScriptMix, nameTokens } from './name-skeleton.js'

export const MODEL_BUCKETS = 1 << 14
export const MODEL_FORMAT = 'kith-name-classifier/1'

export function fnv1a (s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

function ngrams (prefix: string, s: string, min: number, max: number, out: Set<string>): void {
  const cps = [...s]
  for (let i = 0; i < cps.length; i++) {
    let g = ''
    for (let n = 1; n <= max && i + n <= cps.length; n++) {
      g += cps[i + n - 1]
      if (n >= min) out.add(prefix + g)
    }
  }
}

/** the feature strings of a name (exported for the training script and tests) */
export function classifierFeatureStrings (name: string): string[] {
  const capped = capName(name)
  const text = ' ' + capped.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim() + ' '
  const out = new Set<string>()
  ngrams('c:', text, 1, 4, out)
  const tokens = nameTokens(capped)
  ngrams('s:', ' ' + tokens.map((t) => t.skeleton).join(' ') + ' ', 2, 4, out)
  for (const t of tokens) {
    out.add('w:' + t.plain)
    if (/\p{L}/u.test(t.plain) && /\p{N}/u.test(t.plain)) out.add('shape:letters+digits')
    if (disallowedScriptMix(t.text) !== undefined) out.add('shape:mixed-script')
  }
  return [...out]
}

/** sparse feature vector: bucket index → value, unit length */
export function classifierFeatures (name: string): Map<number, number> {
  const v = new Map<number, number>()
  for (const f of classifierFeatureStrings(name)) {
    const b = fnv1a(f) % MODEL_BUCKETS
    v.set(b, (v.get(b) ?? 0) + 1)
  }
  let norm = 0
  for (const x of v.values()) norm += x * x
  norm = Math.sqrt(norm) || 1
  for (const [b, x] of v) v.set(b, x / norm)
  return v
}

export interface ClassifierModel {
  format: string
  buckets: number
  bias: number
  /** weights are int8 × scale */
  scale: number
  /** base64 of MODEL_BUCKETS signed bytes */
  weights: string
}

export function decodeWeights (m: ClassifierModel): Float64Array {
  if (m.format !== MODEL_FORMAT || m.buckets !== MODEL_BUCKETS) throw new Error(`name classifier model: expected ${MODEL_FORMAT} with ${MODEL_BUCKETS} buckets`)
  const bin = atob(m.weights)
  const w = new Float64Array(MODEL_BUCKETS)
  for (let i = 0; i < MODEL_BUCKETS && i < bin.length; i++) {
    const b = bin.charCodeAt(i)
    w[i] = (b > 127 ? b - 256 : b) * m.scale
  }
  return w
}

export function encodeWeights (w: ArrayLike<number>): { scale: number, weights: string } {
  let max = 0
  for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i]))
  const scale = max === 0 ? 1 : max / 127
  let bin = ''
  for (let i = 0; i < w.length; i++) {
    const q = Math.max(-127, Math.min(127, Math.round(w[i] / scale)))
    bin += String.fromCharCode(q < 0 ? q + 256 : q)
  }
  return { scale, weights: btoa(bin) }
}

export function sigmoid (z: number): number {
  return 1 / (1 + Math.exp(-z))
}

/** P(suspicious) under given weights; the training script calls this with weights it is still fitting */
export function predictWith (w: ArrayLike<number>, bias: number, features: Map<number, number>): number {
  let z = bias
  for (const [b, x] of features) z += w[b] * x
  return sigmoid(z)
}

let weights: Float64Array | undefined

/** the committed model's probability that a name is suspicious, 0..1 */
export function classifierProbability (name: string): number {
  weights ??= decodeWeights(model as ClassifierModel)
  return predictWith(weights, (model as ClassifierModel).bias, classifierFeatures(name))
}

/**
 * The deterministic train/held-out split of data/names-labelled.json, shared by the training and evaluation
 * scripts: a fifth of the groups (all variants of one protected name, one hand-written seed, one template) are
 * held out, so no near-duplicate of a held-out name is trained on.
 */
export function isHeldOut (group: string): boolean {
  return fnv1a(group) % 5 === 0
}
