import type { ExecutorKind, MiniBatch, ModelExecutor, StepOptions } from './executor.js';
import { ADAGRAD_EPSILON, bucketLogRatio, documentLogit, emptyScalars, emptyState, priorLogRatio, touchedBuckets, type ModelState, type TouchedState } from './model-state.js';
import type { TrainingScalars } from '../models/weights-types.js';
import { documentScale, sigmoid } from '../models/scoring.js';

/**
 * One bucket's record in the interleaved table: float32 slots, 32 bytes, so a bucket never
 * straddles a cache line and every value a feature needs (weight and ratio to score it,
 * gradient, accumulator and weight to step it, counts and ratio to count it) comes with
 * one cache miss and one page, where five bucket-sized arrays cost five of each.
 */
const STRIDE = 8;
const SLOT = { weight: 0, logRatio: 1, accum: 2, positive: 3, negative: 4 } as const;
/** The step's summed gradient: a float64 in the record's last 8 bytes (float32 slots 6 and 7). */
const FLOAT64_STRIDE = STRIDE / 2;
const GRADIENT_OF_FLOAT64 = 3;

/**
 * Counts are sums of example weights (1 for originals, `augmentedWeight` for copies): with
 * the default ¼, multiples of ¼. log(count + α) of such counts below 4,096 comes from a
 * table computed with the same expression, so the value is the same to the bit; any other
 * count takes Math.log.
 */
const LOG_TABLE_STEPS_PER_UNIT = 4;
const LOG_TABLE_SIZE = 1 << 14;

/**
 * The model's math in plain typed arrays, touching only the buckets a mini-batch uses:
 * the fast path on CPU backends. Keeps a cache of log(pos_f + α) − log(neg_f + α) per
 * bucket, refreshed for the buckets whose counts a batch changed, so scoring a feature
 * costs a load instead of two logarithms. All per-bucket values live in one interleaved
 * table (see STRIDE); `state()` copies them out into the dense arrays of ModelState.
 */
export class SparseExecutor implements ModelExecutor {
  readonly kind: ExecutorKind = 'sparse';
  private readonly smoothing: number;
  private readonly buckets: number;
  /** STRIDE float32 slots per bucket; `gradients` views the same memory as float64. */
  private readonly table: Float32Array;
  /** Summed gradient per bucket of the current step; zero outside a step. */
  private readonly gradients: Float64Array;
  private scalars: TrainingScalars;
  private readonly logSmoothed: Float64Array;
  /** Buckets of the current mini-batch, each once (filled by a step, reused by the counts). */
  private touched: Int32Array;
  private touchedCount = 0;
  /** 1 for every bucket with counts: the rows a version stores (see touchedState). */
  private readonly counted: Uint8Array;
  /** The counted buckets in ascending order, as of the last touchedState()... */
  private rowIds: Uint32Array = new Uint32Array(0);
  /** ...and those first counted since, in no order. */
  private newlyCounted: number[] = [];
  private probabilities = new Float32Array(256);
  private nb = new Float64Array(256);
  private scales = new Float64Array(256);

  constructor(options: { buckets: number; smoothing: number }) {
    this.smoothing = options.smoothing;
    this.buckets = options.buckets;
    this.table = new Float32Array(options.buckets * STRIDE);
    // Write every page now, at start-up: a fresh allocation is mapped lazily, and otherwise
    // the first batches pay a page fault (and the kernel zeroing 4 KB) per new page they touch.
    this.table.fill(0);
    this.gradients = new Float64Array(this.table.buffer);
    this.scalars = emptyScalars();
    this.logSmoothed = new Float64Array(LOG_TABLE_SIZE);
    for (let k = 0; k < LOG_TABLE_SIZE; k++) this.logSmoothed[k] = Math.log(k / LOG_TABLE_STEPS_PER_UNIT + options.smoothing);
    this.touched = new Int32Array(1 << 16);
    this.counted = new Uint8Array(options.buckets);
  }

  async train(batch: MiniBatch, options: StepOptions): Promise<Float32Array> {
    const n = batch.last - batch.first;
    if (this.probabilities.length < n) {
      this.probabilities = new Float32Array(n);
      this.nb = new Float64Array(n);
      this.scales = new Float64Array(n);
    }
    const scores = new Float32Array(n);
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      this.forward(batch);
      if (epoch === 0) scores.set(this.probabilities.subarray(0, n));
      this.step(batch, options.learningRate);
    }
    this.count(batch);
    return scores;
  }

  private forward(batch: MiniBatch): void {
    const { features, offsets, first, last } = batch;
    const table = this.table;
    const { bias, nbWeight, positives, negatives } = this.scalars;
    const prior = priorLogRatio(positives, negatives, this.smoothing);
    for (let i = first; i < last; i++) {
      const from = offsets[i]!;
      const to = offsets[i + 1]!;
      let linear = 0;
      let ratios = 0;
      for (let k = from; k < to; k++) {
        const r = features[k]! * STRIDE;
        linear += table[r + SLOT.weight]!;
        ratios += table[r + SLOT.logRatio]!;
      }
      const scale = documentScale(to - from);
      const nb = scale * (ratios + (to - from) * prior);
      this.scales[i - first] = scale;
      this.nb[i - first] = nb;
      this.probabilities[i - first] = sigmoid(bias + nbWeight * nb + scale * linear);
    }
  }

  private step(batch: MiniBatch, learningRate: number): void {
    const { features, offsets, labels, weights, first, last } = batch;
    const { table, gradients } = this;
    let touchedCount = 0;
    let gradBias = 0;
    let gradNb = 0;
    for (let i = first; i < last; i++) {
      const g = weights[i]! * (this.probabilities[i - first]! - labels[i]!);
      gradBias += g;
      gradNb += g * this.nb[i - first]!;
      const gs = g * this.scales[i - first]!;
      const to = offsets[i + 1]!;
      if (touchedCount + (to - offsets[i]!) > this.touched.length) this.touched = grow(this.touched, touchedCount + (to - offsets[i]!));
      for (let k = offsets[i]!; k < to; k++) {
        const f = features[k]!;
        const at = f * FLOAT64_STRIDE + GRADIENT_OF_FLOAT64;
        // a bucket enters the list once per step, however many examples share it
        if (gradients[at] === 0) this.touched[touchedCount++] = f;
        gradients[at]! += gs;
        if (gradients[at] === 0) gradients[at] = Number.MIN_VALUE;
      }
    }
    this.touchedCount = touchedCount;
    for (let t = 0; t < touchedCount; t++) {
      const f = this.touched[t]!;
      const at = f * FLOAT64_STRIDE + GRADIENT_OF_FLOAT64;
      const g = gradients[at]!;
      gradients[at] = 0;
      const r = f * STRIDE;
      const a = Math.fround(table[r + SLOT.accum]! + g * g);
      table[r + SLOT.accum] = a;
      table[r + SLOT.weight] = table[r + SLOT.weight]! - (learningRate * g) / Math.sqrt(a + ADAGRAD_EPSILON);
    }
    const s = this.scalars;
    s.biasAccum = Math.fround(s.biasAccum + gradBias * gradBias);
    s.bias = Math.fround(s.bias - (learningRate * gradBias) / Math.sqrt(s.biasAccum + ADAGRAD_EPSILON));
    s.nbAccum = Math.fround(s.nbAccum + gradNb * gradNb);
    s.nbWeight = Math.fround(s.nbWeight - (learningRate * gradNb) / Math.sqrt(s.nbAccum + ADAGRAD_EPSILON));
  }

  private count(batch: MiniBatch): void {
    const { features, offsets, labels, weights, first, last } = batch;
    const { table, scalars } = this;
    for (let i = first; i < last; i++) {
      const c = weights[i]!;
      const slot = labels[i] === 1 ? SLOT.positive : SLOT.negative;
      if (labels[i] === 1) scalars.positives = Math.fround(scalars.positives + c);
      else scalars.negatives = Math.fround(scalars.negatives + c);
      for (let k = offsets[i]!; k < offsets[i + 1]!; k++) table[features[k]! * STRIDE + slot]! += c;
    }
    // the step listed every bucket of the batch once: one ratio per distinct bucket
    for (let t = 0; t < this.touchedCount; t++) {
      const f = this.touched[t]!;
      const r = f * STRIDE;
      // log(α) − log(α) is exactly 0, as bucketLogRatio gives an untouched bucket
      table[r + SLOT.logRatio] = this.logOfSmoothed(table[r + SLOT.positive]!) - this.logOfSmoothed(table[r + SLOT.negative]!);
      // touchedBuckets' test, so both give the same rows (a copy of weight 0 counts nothing)
      if (this.counted[f] === 0 && table[r + SLOT.positive]! + table[r + SLOT.negative]! > 0) {
        this.counted[f] = 1;
        this.newlyCounted.push(f);
      }
    }
  }

  /** log(count + α), from the table when the count is a small multiple of 1/LOG_TABLE_STEPS_PER_UNIT. */
  private logOfSmoothed(count: number): number {
    const k = count * LOG_TABLE_STEPS_PER_UNIT;
    return k < LOG_TABLE_SIZE && k === Math.floor(k) ? this.logSmoothed[k]! : Math.log(count + this.smoothing);
  }

  async state(): Promise<ModelState> {
    const state: ModelState = { ...emptyState(this.buckets), ...this.scalars };
    const { table } = this;
    const { weight, accum, positive, negative } = state;
    for (let f = 0; f < this.buckets; f++) {
      const r = f * STRIDE;
      weight[f] = table[r + SLOT.weight]!;
      accum[f] = table[r + SLOT.accum]!;
      positive[f] = table[r + SLOT.positive]!;
      negative[f] = table[r + SLOT.negative]!;
    }
    return state;
  }

  /** O(touched rows): the buckets counted since the last call are sorted and merged in. */
  async touchedState(): Promise<TouchedState> {
    this.rowIds = mergeSorted(this.rowIds, Uint32Array.from(this.newlyCounted).sort());
    this.newlyCounted = [];
    const { rowIds, table } = this;
    const n = rowIds.length;
    const rows: ModelState = { weight: new Float32Array(n), accum: new Float32Array(n), positive: new Float32Array(n), negative: new Float32Array(n), ...this.scalars };
    for (let i = 0; i < n; i++) {
      const r = rowIds[i]! * STRIDE;
      rows.weight[i] = table[r + SLOT.weight]!;
      rows.accum[i] = table[r + SLOT.accum]!;
      rows.positive[i] = table[r + SLOT.positive]!;
      rows.negative[i] = table[r + SLOT.negative]!;
    }
    // shared, not copied: rowIds is never changed in place (a merge or a load makes a new one)
    return { rowIds, rows };
  }

  async logit(features: Int32Array): Promise<number> {
    const { table, smoothing } = this;
    let ratios = 0;
    let linear = 0;
    for (const f of features) {
      const r = f * STRIDE;
      ratios += bucketLogRatio(table[r + SLOT.positive]!, table[r + SLOT.negative]!, smoothing);
      linear += table[r + SLOT.weight]!;
    }
    return documentLogit(this.scalars, smoothing, { features: features.length, ratios, linear });
  }

  load(state: ModelState): void {
    const { table, smoothing } = this;
    const { weight, accum, positive, negative } = state;
    table.fill(0);
    for (let f = 0; f < this.buckets; f++) {
      const r = f * STRIDE;
      table[r + SLOT.weight] = weight[f]!;
      table[r + SLOT.accum] = accum[f]!;
      table[r + SLOT.positive] = positive[f]!;
      table[r + SLOT.negative] = negative[f]!;
      table[r + SLOT.logRatio] = bucketLogRatio(positive[f]!, negative[f]!, smoothing);
    }
    const { bias, biasAccum, nbWeight, nbAccum, positives, negatives } = state;
    this.scalars = { bias, biasAccum, nbWeight, nbAccum, positives, negatives };
    this.rowIds = touchedBuckets(state);
    this.newlyCounted = [];
    this.counted.fill(0);
    for (const f of this.rowIds) this.counted[f] = 1;
  }

  dispose(): void {}
}

/** Two ascending lists with no element in both, merged into one. */
function mergeSorted(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (b.length === 0) return a;
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! < b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

function grow(array: Int32Array, needed: number): Int32Array {
  let capacity = array.length * 2;
  while (capacity < needed) capacity *= 2;
  const grown = new Int32Array(capacity);
  grown.set(array);
  return grown;
}
