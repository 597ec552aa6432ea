import type { DenseLayerWeights } from './weights-types.js';

/**
 * The embedding-bag forward pass in plain typed-array math: mean of the feature rows,
 * the dense head (ReLU between layers), sigmoid. Used by subscribers and by the trainer
 * to score its holdout, so both agree with the tfjs training head to float rounding.
 */
export interface ScoringWeights {
  dim: number;
  /** Embedding rows: indexed by bucket id when `lookup` is undefined, else compact. */
  rows: Float32Array;
  /** Bucket id → row in `rows`; -1, or a row past the end of `rows`, is an all-zero row. */
  lookup: Int32Array | undefined;
  layers: DenseLayerWeights[];
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export class Scorer {
  private readonly weights: ScoringWeights;
  private readonly activations: Float32Array[];

  constructor(weights: ScoringWeights) {
    this.weights = weights;
    this.activations = [new Float32Array(weights.dim), ...weights.layers.map((l) => new Float32Array(l.outputs))];
  }

  /** Probability that the document with features `features[from..to)` is positive. */
  score(features: Int32Array, from: number, to: number): number {
    const { dim, rows, lookup, layers } = this.weights;
    const rowCount = rows.length / dim;
    const pooled = this.activations[0]!;
    pooled.fill(0);
    for (let f = from; f < to; f++) {
      const bucket = features[f]!;
      const row = lookup ? lookup[bucket]! : bucket;
      if (row < 0 || row >= rowCount) continue;
      const base = row * dim;
      for (let k = 0; k < dim; k++) pooled[k]! += rows[base + k]!;
    }
    const n = to - from;
    if (n > 0) for (let k = 0; k < dim; k++) pooled[k]! /= n;
    for (let l = 0; l < layers.length; l++) {
      const { inputs, outputs, kernel, bias } = layers[l]!;
      const input = this.activations[l]!;
      const output = this.activations[l + 1]!;
      const last = l === layers.length - 1;
      for (let j = 0; j < outputs; j++) {
        let z = bias[j]!;
        for (let i = 0; i < inputs; i++) z += input[i]! * kernel[i * outputs + j]!;
        output[j] = last ? z : Math.max(0, z);
      }
    }
    return sigmoid(this.activations[layers.length]![0]!);
  }
}

/** A dense bucket → row lookup for compact rows (4 bytes per bucket; built once per version). */
export function buildRowLookup(rowIds: Uint32Array, buckets: number): Int32Array {
  const lookup = new Int32Array(buckets).fill(-1);
  for (let r = 0; r < rowIds.length; r++) lookup[rowIds[r]!] = r;
  return lookup;
}
