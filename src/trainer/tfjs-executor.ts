import type { Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs';
import type { Tf } from './backend.js';
import type { ExecutorKind, MiniBatch, ModelExecutor, StepOptions } from './executor.js';
import { ADAGRAD_EPSILON, logitFromState, touchedStateOf, type ModelState, type TouchedState } from './model-state.js';

interface Variables {
  weight: Variable;
  accum: Variable;
  positive: Variable;
  negative: Variable;
  bias: Variable;
  biasAccum: Variable;
  nbWeight: Variable;
  nbAccum: Variable;
  positives: Variable;
  negatives: Variable;
}

/**
 * The model's whole math as tfjs mini-batch ops, so any backend runs all of it: the
 * lookup of each example's buckets (`gather` on a padded [examples × features] matrix
 * with a mask), the Naive Bayes ratios from the gathered counts, pooling, the sigmoid
 * loss's closed-form gradient (p − y), its scatter back to the buckets (`scatterND`
 * sums repeated ids), Adagrad on every parameter, and the count updates. Every step is
 * one `tf.tidy`; only the variables outlive it.
 */
export class TfjsExecutor implements ModelExecutor {
  readonly kind: ExecutorKind = 'tfjs';
  private readonly tf: Tf;
  private readonly buckets: number;
  private readonly smoothing: number;
  private readonly v: Variables;

  constructor(options: { tf: Tf; buckets: number; smoothing: number }) {
    const { tf, buckets } = options;
    this.tf = tf;
    this.buckets = buckets;
    this.smoothing = options.smoothing;
    // a variable keeps its own copy: the initial values are disposed with the tidy
    const vector = (): Variable => tf.tidy(() => tf.variable(tf.zeros([buckets]), false));
    const scalar = (): Variable => tf.tidy(() => tf.variable(tf.scalar(0), false));
    this.v = {
      weight: vector(),
      accum: vector(),
      positive: vector(),
      negative: vector(),
      bias: scalar(),
      biasAccum: scalar(),
      nbWeight: scalar(),
      nbAccum: scalar(),
      positives: scalar(),
      negatives: scalar(),
    };
  }

  async train(batch: MiniBatch, options: StepOptions): Promise<Float32Array> {
    const tf = this.tf;
    const { ids, mask, labels, weights } = this.pad(batch);
    let first: Tensor1D | undefined;
    try {
      for (let epoch = 0; epoch < options.epochs; epoch++) {
        const p = this.step(ids, mask, labels, weights, options.learningRate);
        if (epoch === 0) first = p;
        else p.dispose();
      }
      this.count(ids, mask, labels, weights);
      // one readback per mini-batch, after every op of it was queued on the device
      return first ? ((await first.data()) as Float32Array) : new Float32Array(0);
    } finally {
      tf.dispose([ids, mask, labels, weights, ...(first ? [first] : [])]);
    }
  }

  /** Examples as a [n × L] id matrix (L = the longest example) and a 0/1 mask of real entries. */
  private pad(batch: MiniBatch): { ids: Tensor2D; mask: Tensor2D; labels: Tensor1D; weights: Tensor1D } {
    const { features, offsets, first, last } = batch;
    const n = last - first;
    let width = 1;
    for (let i = first; i < last; i++) width = Math.max(width, offsets[i + 1]! - offsets[i]!);
    const ids = new Int32Array(n * width);
    const mask = new Float32Array(n * width);
    for (let i = first; i < last; i++) {
      const row = (i - first) * width;
      for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
        ids[row + k - offsets[i]!] = features[k]!;
        mask[row + k - offsets[i]!] = 1;
      }
    }
    const tf = this.tf;
    return {
      ids: tf.tensor2d(ids, [n, width], 'int32'),
      mask: tf.tensor2d(mask, [n, width]),
      labels: tf.tensor1d(batch.labels.subarray(first, last)),
      weights: tf.tensor1d(batch.weights.subarray(first, last)),
    };
  }

  /** One optimizer step; returns P(positive) per example from before it. */
  private step(ids: Tensor2D, mask: Tensor2D, labels: Tensor1D, weights: Tensor1D, learningRate: number): Tensor1D {
    const tf = this.tf;
    const v = this.v;
    const alpha = this.smoothing;
    return tf.tidy(() => {
      const prior = tf.sub(tf.log(tf.add(v.negatives, 2 * alpha)), tf.log(tf.add(v.positives, 2 * alpha)));
      const count = tf.sum(mask, 1);
      const scale = tf.rsqrt(tf.maximum(count, 1));
      const ratios = tf.mul(tf.sub(tf.log(tf.add(tf.gather(v.positive, ids), alpha)), tf.log(tf.add(tf.gather(v.negative, ids), alpha))), mask);
      const nb = tf.mul(scale, tf.add(tf.sum(ratios, 1), tf.mul(count, prior)));
      const linear = tf.mul(scale, tf.sum(tf.mul(tf.gather(v.weight, ids), mask), 1));
      const p = tf.sigmoid(tf.add(tf.add(v.bias, tf.mul(v.nbWeight, nb)), linear)) as Tensor1D;
      // d(loss)/d(logit) of sigmoid cross-entropy, per example
      const g = tf.mul(weights, tf.sub(p, labels));
      const perEntry = tf.mul(tf.expandDims(tf.mul(g, scale), 1), mask);
      const gradWeight = tf.scatterND(tf.reshape(ids, [-1, 1]), tf.reshape(perEntry, [-1]), [this.buckets]) as Tensor1D;
      adagrad(tf, v.weight, v.accum, gradWeight, learningRate);
      adagrad(tf, v.bias, v.biasAccum, tf.sum(g), learningRate);
      adagrad(tf, v.nbWeight, v.nbAccum, tf.sum(tf.mul(g, nb)), learningRate);
      return tf.keep(p);
    });
  }

  private count(ids: Tensor2D, mask: Tensor2D, labels: Tensor1D, weights: Tensor1D): void {
    const tf = this.tf;
    const v = this.v;
    tf.tidy(() => {
      const positiveWeight = tf.mul(weights, labels) as Tensor1D;
      const negativeWeight = tf.sub(weights, positiveWeight) as Tensor1D;
      const flatIds = tf.reshape(ids, [-1, 1]);
      const spread = (w: Tensor1D): Tensor1D => tf.scatterND(flatIds, tf.reshape(tf.mul(tf.expandDims(w, 1), mask), [-1]), [this.buckets]) as Tensor1D;
      v.positive.assign(tf.add(v.positive, spread(positiveWeight)));
      v.negative.assign(tf.add(v.negative, spread(negativeWeight)));
      v.positives.assign(tf.add(v.positives, tf.sum(positiveWeight)));
      v.negatives.assign(tf.add(v.negatives, tf.sum(negativeWeight)));
    });
  }

  /** The state lives on the device: read back whole, then cut to its touched rows. */
  async touchedState(): Promise<TouchedState> {
    return touchedStateOf(await this.state());
  }

  async state(): Promise<ModelState> {
    const v = this.v;
    const vector = async (t: Variable): Promise<Float32Array> => (await t.data()) as Float32Array;
    const scalar = async (t: Variable): Promise<number> => ((await t.data()) as Float32Array)[0]!;
    return {
      weight: await vector(v.weight),
      accum: await vector(v.accum),
      positive: await vector(v.positive),
      negative: await vector(v.negative),
      bias: await scalar(v.bias),
      biasAccum: await scalar(v.biasAccum),
      nbWeight: await scalar(v.nbWeight),
      nbAccum: await scalar(v.nbAccum),
      positives: await scalar(v.positives),
      negatives: await scalar(v.negatives),
    };
  }
  /** Reads the whole state back (the variables live on the backend's device), then scores from it. */
  async logit(features: Int32Array): Promise<number> {
    return logitFromState(await this.state(), this.smoothing, features);
  }


  load(state: ModelState): void {
    const tf = this.tf;
    const v = this.v;
    tf.tidy(() => {
      for (const name of ['weight', 'accum', 'positive', 'negative'] as const) v[name].assign(tf.tensor1d(state[name]));
      for (const name of ['bias', 'biasAccum', 'nbWeight', 'nbAccum', 'positives', 'negatives'] as const) v[name].assign(tf.scalar(state[name]));
    });
  }

  dispose(): void {
    for (const variable of Object.values(this.v)) variable.dispose();
  }
}

/** accum += g²; param −= lr · g / √(accum + ε). Zero gradient: nothing changes. */
function adagrad(tf: Tf, param: Variable, accum: Variable, gradient: Tensor, learningRate: number): void {
  const a = tf.add(accum, tf.square(gradient));
  accum.assign(a);
  param.assign(tf.sub(param, tf.div(tf.mul(gradient, learningRate), tf.sqrt(tf.add(a, ADAGRAD_EPSILON)))));
}
