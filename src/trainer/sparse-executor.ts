import type { ExecutorKind, MiniBatch, ModelExecutor, StepOptions } from './executor.js';
import { ADAGRAD_EPSILON, bucketLogRatio, emptyState, priorLogRatio, type ModelState } from './model-state.js';
import { documentScale, sigmoid } from '../models/scoring.js';

/**
 * The model's math in plain typed arrays, touching only the buckets a mini-batch uses:
 * the fast path on CPU backends. Keeps a cache of log(pos_f + α) − log(neg_f + α) per
 * bucket, refreshed for the buckets whose counts a batch changed, so scoring a feature
 * costs two loads instead of two logarithms.
 */
export class SparseExecutor implements ModelExecutor {
  readonly kind: ExecutorKind = 'sparse';
  private readonly smoothing: number;
  private model: ModelState;
  private readonly logRatio: Float32Array;
  /** Summed gradient per bucket of the current step; zero outside a step. */
  private readonly gradient: Float64Array;
  /** Buckets of the current mini-batch, each once (filled by a step, reused by the counts). */
  private touched: Int32Array;
  private touchedCount = 0;
  private probabilities = new Float32Array(256);
  private nb = new Float64Array(256);
  private scales = new Float64Array(256);

  constructor(options: { buckets: number; smoothing: number }) {
    this.smoothing = options.smoothing;
    this.model = emptyState(options.buckets);
    this.logRatio = new Float32Array(options.buckets);
    this.gradient = new Float64Array(options.buckets);
    this.touched = new Int32Array(1 << 16);
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
    const { weight } = this.model;
    const logRatio = this.logRatio;
    const prior = priorLogRatio(this.model.positives, this.model.negatives, this.smoothing);
    for (let i = first; i < last; i++) {
      const from = offsets[i]!;
      const to = offsets[i + 1]!;
      let linear = 0;
      let ratios = 0;
      for (let k = from; k < to; k++) {
        const f = features[k]!;
        linear += weight[f]!;
        ratios += logRatio[f]!;
      }
      const scale = documentScale(to - from);
      const nb = scale * (ratios + (to - from) * prior);
      this.scales[i - first] = scale;
      this.nb[i - first] = nb;
      this.probabilities[i - first] = sigmoid(this.model.bias + this.model.nbWeight * nb + scale * linear);
    }
  }

  private step(batch: MiniBatch, learningRate: number): void {
    const { features, offsets, labels, weights, first, last } = batch;
    const gradient = this.gradient;
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
        // a bucket enters the list once per step, however many examples share it
        if (gradient[f] === 0) this.touched[touchedCount++] = f;
        gradient[f]! += gs;
        if (gradient[f] === 0) gradient[f] = Number.MIN_VALUE;
      }
    }
    this.touchedCount = touchedCount;
    const { weight, accum } = this.model;
    for (let t = 0; t < touchedCount; t++) {
      const f = this.touched[t]!;
      const g = gradient[f]!;
      gradient[f] = 0;
      const a = Math.fround(accum[f]! + g * g);
      accum[f] = a;
      weight[f] = weight[f]! - (learningRate * g) / Math.sqrt(a + ADAGRAD_EPSILON);
    }
    const model = this.model;
    model.biasAccum = Math.fround(model.biasAccum + gradBias * gradBias);
    model.bias = Math.fround(model.bias - (learningRate * gradBias) / Math.sqrt(model.biasAccum + ADAGRAD_EPSILON));
    model.nbAccum = Math.fround(model.nbAccum + gradNb * gradNb);
    model.nbWeight = Math.fround(model.nbWeight - (learningRate * gradNb) / Math.sqrt(model.nbAccum + ADAGRAD_EPSILON));
  }

  private count(batch: MiniBatch): void {
    const { features, offsets, labels, weights, first, last } = batch;
    const { positive, negative } = this.model;
    const { smoothing, logRatio } = this;
    for (let i = first; i < last; i++) {
      const c = weights[i]!;
      const counts = labels[i] === 1 ? positive : negative;
      if (labels[i] === 1) this.model.positives = Math.fround(this.model.positives + c);
      else this.model.negatives = Math.fround(this.model.negatives + c);
      for (let k = offsets[i]!; k < offsets[i + 1]!; k++) counts[features[k]!]! += c;
    }
    // the step listed every bucket of the batch once: two logarithms per distinct bucket
    for (let t = 0; t < this.touchedCount; t++) {
      const f = this.touched[t]!;
      logRatio[f] = bucketLogRatio(positive[f]!, negative[f]!, smoothing);
    }
  }

  async state(): Promise<ModelState> {
    return this.model;
  }

  load(state: ModelState): void {
    this.model = state;
    const { positive, negative } = state;
    for (let f = 0; f < positive.length; f++) this.logRatio[f] = bucketLogRatio(positive[f]!, negative[f]!, this.smoothing);
  }

  dispose(): void {}
}

function grow(array: Int32Array, needed: number): Int32Array {
  let capacity = array.length * 2;
  while (capacity < needed) capacity *= 2;
  const grown = new Int32Array(capacity);
  grown.set(array);
  return grown;
}
