import type { HashingParams } from './features.js';

export type WeightEncoding = 'float32' | 'float16' | 'int8';

/** One dense layer of the head: `out = act(in · kernel + bias)`, kernel row-major [inputs][outputs]. */
export interface DenseLayerWeights {
  inputs: number;
  outputs: number;
  kernel: Float32Array;
  bias: Float32Array;
}

/**
 * What the trainer needs beyond the weights to resume exactly: the optimizer's
 * accumulators (row-wise for the embedding, per element for the head) and counters.
 */
export interface OptimizerState {
  name: 'adagrad' | 'sgd';
  /** Adagrad accumulator per stored row (aligned with `rowIds`); empty for sgd. */
  rowAccum: Float32Array;
  /** Adagrad accumulators per head layer; empty arrays for sgd. */
  layers: Array<{ kernel: Float32Array; bias: Float32Array }>;
  steps: number;
  examplesSeen: number;
}

/**
 * Decoded weights of an embedding-bag model: only touched rows are stored. A bucket not
 * in `rowIds` has an all-zero embedding (it was never trained), so pruning is lossless.
 */
export interface ModelWeights {
  hashing: HashingParams;
  dim: number;
  encoding: WeightEncoding;
  /** Sorted ascending bucket ids of the stored rows. */
  rowIds: Uint32Array;
  /** rowIds.length × dim, decoded to float32. */
  rows: Float32Array;
  /** Head layers; ReLU between layers, sigmoid on the single output. */
  layers: DenseLayerWeights[];
  optimizer: OptimizerState | undefined;
}
