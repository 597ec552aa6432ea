import { documentScale } from './scoring.js';
import type { ModelWeights } from './weights-types.js';

/** A built table's arrays: what a worker thread hands over (transferred, not copied). */
export interface RowTableParts {
  keys: Int32Array;
  values: Float32Array;
  fallback: number;
}

/**
 * A version's effective weights as an open-addressing hash table over its stored rows,
 * for serving. The dense array (weights-format.ts `denseWeights`) costs one 2^22-float
 * fill and scatter per version, 16 ms and more on serve's event loop at every swap; this
 * table is built in time proportional to the stored rows and answers a lookup in one or
 * two probes. A bucket with no row has the version's default weight, rounded to float32
 * as the dense array stores it, so a logit is bit-identical to `scoreLogit` on the dense
 * weights.
 */
export class RowTable {
  private readonly keys: Int32Array;
  private readonly values: Float32Array;
  private readonly mask: number;
  private readonly shift: number;
  private readonly fallback: number;

  /** Builds the table over a version's stored rows, or takes over a table built elsewhere. */
  constructor(source: Pick<ModelWeights, 'rowIds' | 'rows' | 'defaultWeight'> | RowTableParts) {
    if ('keys' in source) {
      this.keys = source.keys;
      this.values = source.values;
      this.mask = source.keys.length - 1;
      this.shift = 32 - Math.log2(source.keys.length);
      this.fallback = source.fallback;
      return;
    }
    const weights = source;
    const { rowIds, rows } = weights;
    // at most half full: an absent bucket (most lookups for rare n-grams) ends its probe soon
    let bits = 10;
    while (1 << bits < rowIds.length * 2) bits++;
    const size = 1 << bits;
    this.keys = new Int32Array(size).fill(-1);
    this.values = new Float32Array(size);
    this.mask = size - 1;
    this.shift = 32 - bits;
    this.fallback = Math.fround(weights.defaultWeight);
    for (let r = 0; r < rowIds.length; r++) {
      const bucket = rowIds[r]!;
      let slot = this.slotOf(bucket);
      while (this.keys[slot] !== -1) slot = (slot + 1) & this.mask;
      this.keys[slot] = bucket;
      this.values[slot] = rows[r]!;
    }
  }

  /** The arrays to hand to another thread; this table is unusable once they are transferred. */
  parts(): RowTableParts {
    return { keys: this.keys, values: this.values, fallback: this.fallback };
  }

  /** The effective weight of a bucket. */
  get(bucket: number): number {
    const { keys, mask } = this;
    for (let slot = this.slotOf(bucket); ; slot = (slot + 1) & mask) {
      const key = keys[slot]!;
      if (key === bucket) return this.values[slot]!;
      if (key === -1) return this.fallback;
    }
  }

  /** The logit of the document whose distinct features are `features[from..to)`: `scoreLogit`'s sum, in its order. */
  logit(bias: number, features: Int32Array, from: number, to: number): number {
    let sum = 0;
    for (let f = from; f < to; f++) sum += this.get(features[f]!);
    return bias + sum * documentScale(to - from);
  }

  private slotOf(bucket: number): number {
    // Fibonacci hashing: the product's top bits depend on every bit of the bucket id
    return Math.imul(bucket, 0x9e3779b1) >>> this.shift;
  }
}
