import { bucketLogRatio, priorLogRatio } from '../models/effective-weights.js';
import { documentScale } from '../models/scoring.js';
import { gather } from '../models/weights-format.js';
import type { DenseTrainingState, TrainingScalars } from '../models/weights-types.js';

/**
 * The model both executors train, and its state. A document is the set F of its distinct
 * hashed n-grams, scaled by s = 1/√|F| (models/scoring.ts). Per bucket f the trainer keeps
 * a logistic weight w_f and the weighted counts of positive and negative documents that
 * contained f; from those, the Naive Bayes log-count ratio (Wang & Manning 2012)
 *
 *   r_f = log((pos_f + α) / (P + 2α)) − log((neg_f + α) / (N + 2α))
 *
 * with P, N the weighted document counts. The logit of a document is
 *
 *   z = b + γ · s · Σ r_f + s · Σ w_f
 *
 * so the running Naive Bayes log-odds is one input whose coefficient γ is learned with the
 * rest: it carries the model while data is scarce, and the logistic part learns what
 * counting misses. (Scaling each feature by r_f instead, as batch NBSVM does, lost 1–2
 * points in one pass: early weights were fit to ratios that later change.) The loss is
 * sigmoid cross-entropy; b, γ and each w_f take Adagrad steps on the mini-batch's summed
 * gradient; the counts are added after the step, so every example is scored before the
 * model has seen it. A version publishes the effective weight v_f = w_f + γ·r_f per bucket
 * (models/effective-weights.ts, which readers of delta versions share).
 */
export type ModelState = DenseTrainingState & TrainingScalars;

export { bucketLogRatio, effectiveWeights, priorLogRatio, type EffectiveWeights } from '../models/effective-weights.js';

/** Keeps Adagrad's first step finite; far below any accumulated squared gradient. */
export const ADAGRAD_EPSILON = 1e-8;

export function emptyScalars(): TrainingScalars {
  return { bias: 0, biasAccum: 0, nbWeight: 0, nbAccum: 0, positives: 0, negatives: 0 };
}

export function emptyState(buckets: number): ModelState {
  return {
    weight: new Float32Array(buckets),
    accum: new Float32Array(buckets),
    positive: new Float32Array(buckets),
    negative: new Float32Array(buckets),
    ...emptyScalars(),
  };
}

/** The logit of one document (distinct features) straight from the state: O(features), not O(buckets). */
export function logitFromState(state: ModelState, smoothing: number, features: Int32Array): number {
  let ratios = 0;
  let linear = 0;
  for (const f of features) {
    ratios += bucketLogRatio(state.positive[f]!, state.negative[f]!, smoothing);
    linear += state.weight[f]!;
  }
  return documentLogit(state, smoothing, { features: features.length, ratios, linear });
}

/** The logit of a document from its feature count and its sums of bucket ratios (without the prior) and of weights. */
export function documentLogit(scalars: TrainingScalars, smoothing: number, sums: { features: number; ratios: number; linear: number }): number {
  const prior = priorLogRatio(scalars.positives, scalars.negatives, smoothing);
  const scale = documentScale(sums.features);
  return scalars.bias + scalars.nbWeight * scale * (sums.ratios + sums.features * prior) + scale * sums.linear;
}

/** Sorted ids of the buckets any training document contained: the rows a version stores. */
export function touchedBuckets(state: ModelState): Uint32Array {
  const { positive, negative } = state;
  let count = 0;
  for (let f = 0; f < positive.length; f++) if (positive[f]! + negative[f]! > 0) count++;
  const ids = new Uint32Array(count);
  let n = 0;
  for (let f = 0; f < positive.length; f++) if (positive[f]! + negative[f]! > 0) ids[n++] = f;
  return ids;
}

/** Touched buckets in ascending order, with the state's arrays cut down to them. */
export interface TouchedState {
  rowIds: Uint32Array;
  /** Arrays aligned with rowIds; the scalars as they are. */
  rows: ModelState;
}

/** The touched rows of a dense state: O(buckets). */
export function touchedStateOf(state: ModelState): TouchedState {
  const rowIds = touchedBuckets(state);
  const { bias, biasAccum, nbWeight, nbAccum, positives, negatives } = state;
  return {
    rowIds,
    rows: {
      weight: gather(state.weight, rowIds),
      accum: gather(state.accum, rowIds),
      positive: gather(state.positive, rowIds),
      negative: gather(state.negative, rowIds),
      bias,
      biasAccum,
      nbWeight,
      nbAccum,
      positives,
      negatives,
    },
  };
}

/** Overwrites `state` with stored rows (aligned with `rowIds`) and scalars; other buckets start empty. */
export function loadRows(state: ModelState, rowIds: Uint32Array, rows: DenseTrainingState & TrainingScalars): void {
  for (const name of ['weight', 'accum', 'positive', 'negative'] as const) {
    const dense = state[name];
    dense.fill(0);
    const stored = rows[name];
    for (let r = 0; r < rowIds.length; r++) dense[rowIds[r]!] = stored[r]!;
  }
  state.bias = rows.bias;
  state.biasAccum = rows.biasAccum;
  state.nbWeight = rows.nbWeight;
  state.nbAccum = rows.nbAccum;
  state.positives = rows.positives;
  state.negatives = rows.negatives;
}
