import type { DenseTrainingState, TrainingScalars } from './weights-types.js';

/**
 * The effective weight a version stores per bucket, from the trainer's state (the model is
 * described in trainer/model-state.ts): v_f = w_f + γ·(r_f + prior). It lives here, below
 * the trainer, because a reader rebuilds a delta version's rows from its training state
 * with this very formula, and the rebuilt bytes must hash as the trainer's did.
 */

/** log((N + 2α) / (P + 2α)): the class-prior part shared by every bucket's ratio. */
export function priorLogRatio(positives: number, negatives: number, smoothing: number): number {
  return Math.log(negatives + 2 * smoothing) - Math.log(positives + 2 * smoothing);
}

/**
 * log(pos + α) − log(neg + α): the part of r_f that depends on the bucket (r_f adds the prior
 * above). A bucket no document touched has exactly 0, without the two logarithms.
 */
export function bucketLogRatio(positive: number, negative: number, smoothing: number): number {
  return positive === 0 && negative === 0 ? 0 : Math.log(positive + smoothing) - Math.log(negative + smoothing);
}

/** What scoring needs: the bias, the effective weight per bucket, and that of untouched buckets. */
export interface EffectiveWeights {
  bias: number;
  weights: Float32Array;
  defaultWeight: number;
}

/**
 * Effective weights of a state whose arrays are bucket-indexed (the trainer's) or aligned
 * with stored rows (a decoded version's): element i of the result belongs to element i of
 * the arrays either way.
 */
export function effectiveWeights(state: DenseTrainingState & TrainingScalars, smoothing: number): EffectiveWeights {
  const prior = priorLogRatio(state.positives, state.negatives, smoothing);
  const { weight, positive, negative, nbWeight } = state;
  const weights = new Float32Array(weight.length);
  const defaultWeight = Math.fround(nbWeight * prior);
  for (let f = 0; f < weights.length; f++) {
    const p = positive[f]!;
    const n = negative[f]!;
    // untouched buckets (the vast majority at 2^22) read exactly what a version stores for them
    weights[f] = p === 0 && n === 0 ? defaultWeight + weight[f]! : weight[f]! + nbWeight * (bucketLogRatio(p, n, smoothing) + prior);
  }
  return { bias: state.bias, weights, defaultWeight };
}
