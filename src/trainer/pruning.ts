import { gather } from '../models/weights-format.js';
import type { ModelWeights, TrainingState } from '../models/weights-types.js';

/** The trainer's `prune` option (trainer/options.ts). */
export interface PruneRule {
  minDeviation: number;
  maxRows?: number | undefined;
}

/**
 * The rows a version stores under `rule`, out of every touched row. A row's deviation is
 * |effective weight − default weight|: what scoring loses when the row is dropped and reads
 * the default instead. Rows below `minDeviation` go; of the rest, the `maxRows` with the
 * largest deviation stay (ties broken by bucket id). Rows in `keep` (sorted ids: the rows
 * of the version a delta is taken on) stay whatever their deviation, so a delta only ever
 * adds rows; the next snapshot prunes them afresh.
 *
 * Returns `weights` itself when every row stays.
 */
export function pruneRows(weights: ModelWeights, rule: PruneRule, keep: Uint32Array = new Uint32Array(0)): ModelWeights {
  const { rowIds, rows, defaultWeight } = weights;
  const deviation = (r: number): number => Math.abs(rows[r]! - defaultWeight);
  const { cutoff, ties } = maxRowsCutoff(rows, defaultWeight, rule);
  let tiesLeft = ties;
  const selected: number[] = [];
  for (let r = 0, k = 0; r < rowIds.length; r++) {
    const id = rowIds[r]!;
    while (k < keep.length && keep[k]! < id) k++;
    const kept = k < keep.length && keep[k] === id;
    const d = deviation(r);
    if (kept || (d >= rule.minDeviation && (d > cutoff || (d === cutoff && tiesLeft-- > 0)))) selected.push(r);
  }
  if (selected.length === rowIds.length) return weights;
  const at = Uint32Array.from(selected);
  const training: TrainingState | undefined = weights.training && {
    ...weights.training,
    weight: gather(weights.training.weight, at),
    accum: gather(weights.training.accum, at),
    positive: gather(weights.training.positive, at),
    negative: gather(weights.training.negative, at),
  };
  return { ...weights, rowIds: at.map((r) => rowIds[r]!), rows: gather(rows, at), training };
}

/**
 * The deviation the `maxRows`-th row (counting from the largest, among rows at or above
 * `minDeviation`) has, and how many rows at exactly that deviation still fit; no cutoff
 * (−∞) when the limit is not reached.
 */
function maxRowsCutoff(rows: Float32Array, defaultWeight: number, rule: PruneRule): { cutoff: number; ties: number } {
  const none = { cutoff: -Infinity, ties: 0 };
  if (rule.maxRows === undefined || rule.maxRows >= rows.length) return none;
  const eligible: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const d = Math.abs(rows[r]! - defaultWeight);
    if (d >= rule.minDeviation) eligible.push(d);
  }
  if (eligible.length <= rule.maxRows) return none;
  const sorted = Float64Array.from(eligible).sort().reverse();
  const cutoff = sorted[rule.maxRows - 1]!;
  let above = 0;
  while (sorted[above]! > cutoff) above++;
  return { cutoff, ties: rule.maxRows - above };
}
