import type { Tensor, Tensor2D, Variable } from '@tensorflow/tfjs';
import type { DenseLayerWeights } from '../models/weights-types.js';
import type { Tf } from './backend.js';
import { seededRandom } from './random.js';

export interface DenseHeadOptions {
  tf: Tf;
  dim: number;
  hidden: number;
  optimizer: 'adagrad' | 'sgd';
  l2: number;
  seed: number;
}

interface Layer {
  kernel: Variable;
  bias: Variable;
  kernelAccum: Variable | undefined;
  biasAccum: Variable | undefined;
}

export interface HeadStep {
  /** P(positive) per example, from the forward pass before this step's update. */
  probabilities: Float32Array;
  /** d(mean loss)/d(pooled input), [batch][dim]. */
  gradPooled: Float32Array;
}

/** Matches tfjs' own Adagrad default, so the head's first steps are not huge. */
const HEAD_ADAGRAD_INITIAL = 0.1;
const EPSILON = 1e-7;
/** A positive hidden bias keeps ReLUs alive while the embedding is still all zero. */
const HIDDEN_BIAS_INIT = 0.1;

/**
 * The dense part of the model in tfjs: pooled embedding → (ReLU hidden) → 1 logit,
 * sigmoid cross-entropy, updated by Adagrad or SGD. Kept in tfjs so a GPU backend runs
 * it; every step is one `tf.tidy`, and only the variables outlive it.
 */
export class DenseHead {
  private readonly tf: Tf;
  private readonly options: DenseHeadOptions;
  private readonly layers: Layer[];

  constructor(options: DenseHeadOptions) {
    this.tf = options.tf;
    this.options = options;
    const random = seededRandom(options.seed ^ 0x68656164);
    const sizes = options.hidden > 0 ? [options.dim, options.hidden, 1] : [options.dim, 1];
    this.layers = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const inputs = sizes[l]!;
      const outputs = sizes[l + 1]!;
      const limit = Math.sqrt(6 / (inputs + outputs)); // Glorot uniform
      const kernel = Float32Array.from({ length: inputs * outputs }, () => (random() * 2 - 1) * limit);
      const bias = new Float32Array(outputs).fill(l + 2 < sizes.length ? HIDDEN_BIAS_INIT : 0);
      // Variables survive tidy; the initial-value tensors do not leak.
      options.tf.tidy(() => {
        this.layers.push(this.makeLayer({ inputs, outputs, kernel, bias }, undefined));
      });
    }
  }

  private makeLayer(weights: DenseLayerWeights, accum: { kernel: Float32Array; bias: Float32Array } | undefined): Layer {
    const tf = this.tf;
    const adagrad = this.options.optimizer === 'adagrad';
    const { inputs, outputs } = weights;
    return {
      kernel: tf.variable(tf.tensor2d(weights.kernel, [inputs, outputs]), true),
      bias: tf.variable(tf.tensor1d(weights.bias), true),
      kernelAccum: adagrad ? tf.variable(accum ? tf.tensor2d(accum.kernel, [inputs, outputs]) : tf.fill([inputs, outputs], HEAD_ADAGRAD_INITIAL), false) : undefined,
      biasAccum: adagrad ? tf.variable(accum ? tf.tensor1d(accum.bias) : tf.fill([outputs], HEAD_ADAGRAD_INITIAL), false) : undefined,
    };
  }

  /**
   * One optimizer step on a mini-batch of pooled embeddings; returns what the sparse side
   * needs. Backprop is written out (sigmoid cross-entropy has the closed-form gradient
   * p − y): a third of the kernels tf.grads would run, which matters at small batches.
   */
  step(pooled: Float32Array, labels: Float32Array, batch: number, learningRate: number): HeadStep {
    const tf = this.tf;
    const { dim, l2 } = this.options;
    const [probs, gradX] = tf.tidy(() => {
      const x = tf.tensor2d(pooled.subarray(0, batch * dim), [batch, dim]);
      const y = tf.tensor2d(labels.subarray(0, batch), [batch, 1]);
      const activations: Tensor2D[] = [x];
      let h: Tensor2D = x;
      this.layers.forEach((layer, l) => {
        h = tf.add(tf.matMul(h, layer.kernel as Tensor2D), layer.bias) as Tensor2D;
        if (l + 1 < this.layers.length) h = tf.relu(h);
        activations.push(h);
      });
      const probabilities = tf.sigmoid(h);
      // d(mean loss)/d(logit) for sigmoid cross-entropy.
      let delta = tf.div(tf.sub(probabilities, y), batch) as Tensor2D;
      const lr = tf.scalar(learningRate);
      for (let l = this.layers.length - 1; l >= 0; l--) {
        const layer = this.layers[l]!;
        const input = activations[l]!;
        const gradKernel = tf.matMul(input, delta, true, false);
        const gradBias = tf.sum(delta, 0);
        // Propagate through the kernel as it was before this step's update.
        let gradInput = tf.matMul(delta, layer.kernel as Tensor2D, false, true) as Tensor2D;
        if (l > 0) gradInput = tf.mul(gradInput, tf.step(input, 0)) as Tensor2D;
        this.apply(layer.kernel, layer.kernelAccum, gradKernel, lr, l2);
        this.apply(layer.bias, layer.biasAccum, gradBias, lr, 0);
        delta = gradInput;
      }
      return [probabilities, delta];
    });
    const probabilities = probs.dataSync() as Float32Array;
    const gradPooled = gradX.dataSync() as Float32Array;
    probs.dispose();
    gradX.dispose();
    return { probabilities, gradPooled };
  }

  private apply(variable: Variable, accum: Variable | undefined, gradient: Tensor, lr: Tensor, l2: number): void {
    const tf = this.tf;
    const g = l2 > 0 ? tf.add(gradient, tf.mul(variable, l2)) : gradient;
    if (accum) {
      accum.assign(tf.add(accum, tf.square(g)));
      variable.assign(tf.sub(variable, tf.div(tf.mul(g, lr), tf.add(tf.sqrt(accum), EPSILON))));
    } else {
      variable.assign(tf.sub(variable, tf.mul(g, lr)));
    }
  }

  /** The head's weights as typed arrays (a copy). */
  weights(): DenseLayerWeights[] {
    return this.layers.map((l) => ({
      inputs: l.kernel.shape[0]!,
      outputs: l.kernel.shape[1]!,
      kernel: l.kernel.dataSync() as Float32Array,
      bias: l.bias.dataSync() as Float32Array,
    }));
  }

  /** Adagrad accumulators per layer (empty for sgd). */
  accumulators(): Array<{ kernel: Float32Array; bias: Float32Array }> {
    return this.layers.flatMap((l) =>
      l.kernelAccum && l.biasAccum ? [{ kernel: l.kernelAccum.dataSync() as Float32Array, bias: l.biasAccum.dataSync() as Float32Array }] : [],
    );
  }

  shapes(): Array<{ inputs: number; outputs: number }> {
    return this.layers.map((l) => ({ inputs: l.kernel.shape[0]!, outputs: l.kernel.shape[1]! }));
  }

  /** Replaces weights (and accumulators, when given) with restored ones of the same shapes. */
  load(weights: DenseLayerWeights[], accumulators: Array<{ kernel: Float32Array; bias: Float32Array }>): void {
    const tf = this.tf;
    this.layers.forEach((layer, l) => {
      const w = weights[l]!;
      tf.tidy(() => {
        layer.kernel.assign(tf.tensor2d(w.kernel, [w.inputs, w.outputs]));
        layer.bias.assign(tf.tensor1d(w.bias));
        const acc = accumulators[l];
        if (acc && layer.kernelAccum && layer.biasAccum) {
          layer.kernelAccum.assign(tf.tensor2d(acc.kernel, [w.inputs, w.outputs]));
          layer.biasAccum.assign(tf.tensor1d(acc.bias));
        } else if (layer.kernelAccum && layer.biasAccum) {
          layer.kernelAccum.assign(tf.fill([w.inputs, w.outputs], HEAD_ADAGRAD_INITIAL));
          layer.biasAccum.assign(tf.fill([w.outputs], HEAD_ADAGRAD_INITIAL));
        }
      });
    });
  }

  dispose(): void {
    for (const l of this.layers) {
      l.kernel.dispose();
      l.bias.dispose();
      l.kernelAccum?.dispose();
      l.biasAccum?.dispose();
    }
  }
}
