// Trains the name classifier (src/name-classifier.ts) on the training part of data/names-labelled.json and writes
// data/name-classifier-model.json. Logistic regression by plain SGD, hand-written: a fixed seed, a fixed number of
// epochs and a fixed order, so the same data gives the same bytes.
// Run: npx tsx packages/protocol/scripts/train-name-classifier.ts   (then: npm run name-risk:eval)
import { readFileSync, writeFileSync } from 'node:fs'
import { MODEL_BUCKETS, MODEL_FORMAT, classifierFeatures, encodeWeights, isHeldOut, predictWith, decodeWeights, type ClassifierModel } from '../src/name-classifier.js'

export const EPOCHS = 40
export const L2 = 1e-5
const LEARNING_RATE = 0.5

interface Row { name: string, label: 'suspicious' | 'benign', group: string }
const rows = (JSON.parse(readFileSync(new URL('../data/names-labelled.json', import.meta.url), 'utf8')) as { rows: Row[] }).rows
const train = rows.filter((r) => !isHeldOut(r.group)).map((r) => ({ x: classifierFeatures(r.name), y: r.label === 'suspicious' ? 1 : 0 }))

let state = 0x5eed
function random (): number {
  state = (state + 0x6d2b79f5) >>> 0
  let t = state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const w = new Float64Array(MODEL_BUCKETS)
let bias = 0
const order = train.map((_, i) => i)
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  const lr = LEARNING_RATE / (1 + epoch * 0.1)
  let loss = 0
  for (const i of order) {
    const { x, y } = train[i]
    const p = predictWith(w, bias, x)
    loss -= y === 1 ? Math.log(Math.max(p, 1e-12)) : Math.log(Math.max(1 - p, 1e-12))
    const g = p - y
    for (const [b, v] of x) w[b] -= lr * (g * v + L2 * w[b])
    bias -= lr * g
  }
  if (epoch % 10 === 9 || epoch === EPOCHS - 1) console.log(`epoch ${epoch + 1}: mean log loss ${(loss / train.length).toFixed(4)}`)
}

const model: ClassifierModel & { trainedOn: string } = {
  format: MODEL_FORMAT,
  buckets: MODEL_BUCKETS,
  bias: Math.round(bias * 1e6) / 1e6,
  ...encodeWeights(w),
  trainedOn: `${train.length} of ${rows.length} rows of data/names-labelled.json (held-out: isHeldOut in src/name-classifier.ts); ${EPOCHS} epochs, L2 ${L2}`
}
// quantized weights are what ships: report the training accuracy the committed model really has
const q = decodeWeights(model)
const correct = train.filter(({ x, y }) => (predictWith(q, model.bias, x) >= 0.5 ? 1 : 0) === y).length
console.log(`training accuracy (quantized model): ${(correct / train.length * 100).toFixed(1)}% of ${train.length}`)
writeFileSync(new URL('../data/name-classifier-model.json', import.meta.url), JSON.stringify(model, null, 1) + '\n')
