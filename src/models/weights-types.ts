import type { HashingParams } from './features.js';

export type WeightEncoding = 'float32' | 'float16' | 'int8';

/** The trainer's scalar parameters, accumulators and counts (trainer/model-state.ts). */
export interface TrainingScalars {
  bias: number;
  biasAccum: number;
  /** Coefficient of the document's Naive Bayes log-odds, and its accumulator. */
  nbWeight: number;
  nbAccum: number;
  /** Weighted counts of positive and negative training documents. */
  positives: number;
  negatives: number;
}

/** Per-bucket training arrays: logistic weight, Adagrad accumulator, class counts. */
export interface DenseTrainingState {
  weight: Float32Array;
  accum: Float32Array;
  positive: Float32Array;
  negative: Float32Array;
}

/**
 * What the trainer needs beyond the scoring weights to resume exactly, all float32 as it
 * keeps them; the arrays hold one value per stored row (aligned with `rowIds`).
 */
export interface TrainingState extends DenseTrainingState, TrainingScalars {
  steps: number;
  examplesSeen: number;
}

/**
 * Decoded weights of a version. Only buckets the trainer ever touched are stored; every
 * other bucket has `defaultWeight` (its Naive Bayes ratio with zero counts), so pruning is
 * lossless.
 */
export interface ModelWeights {
  hashing: HashingParams;
  encoding: WeightEncoding;
  bias: number;
  defaultWeight: number;
  /** Sorted ascending bucket ids of the stored rows. */
  rowIds: Uint32Array;
  /** Effective weight per stored row, decoded to float32. */
  rows: Float32Array;
  /** Present when the version was published by a trainer (always, today); absent in hand-made blobs. */
  training: TrainingState | undefined;
}
