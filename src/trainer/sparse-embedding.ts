/**
 * The embedding table of the bag model, updated sparsely in plain typed arrays.
 *
 * Why not tfjs: the gradient of `tf.gather` goes through UnsortedSegmentSum, whose CPU
 * kernel costs vocabulary × batch tokens (seconds per step at 2^20 buckets). Here a step
 * costs only the rows the batch touches. The dense head stays in tfjs (see dense-head.ts).
 *
 * Memory layout: a row gets a slot in a dense arena the first time a training example
 * uses it, so frequent features (seen early) share pages and cache lines. Hashed straight
 * into a 64 MB table, every feature costs a TLB and cache miss; through the arena the hot
 * rows stay resident (measured ~1.5× faster per feature here). A batch's bucket ids are
 * translated to slots once (`assignSlots`); `pool` and `update` then work on slots.
 *
 * Rows start at zero, so a never-touched row is exactly zero and pruning it from a
 * published version changes nothing. Adagrad is row-wise (one accumulator per row, the
 * mean squared gradient): 4 bytes a row instead of 4 × dim, and one sqrt per feature.
 */

/** Slots of many examples back to back: example i is features[offsets[i]..offsets[i+1]). */
export interface FeatureBatch {
  features: Int32Array;
  offsets: Int32Array;
}

export interface SparseEmbeddingOptions {
  buckets: number;
  dim: number;
  optimizer: 'adagrad' | 'sgd';
  adagradInitial: number;
  l2: number;
}

export class SparseEmbedding {
  readonly buckets: number;
  readonly dim: number;
  /** Bucket id → arena slot, or -1 while the row was never updated. */
  readonly slotOf: Int32Array;
  /** Rows by slot (slots × dim). Allocated at full size; untouched pages cost no memory. */
  readonly arena: Float32Array;
  /** Sum of mean squared gradients per slot (adagrad; empty for sgd). */
  readonly accum: Float32Array;
  private slots = 0;
  private readonly options: SparseEmbeddingOptions;
  private readonly gradient: Float64Array;
  private readonly sum: Float64Array;

  constructor(options: SparseEmbeddingOptions) {
    this.options = options;
    this.buckets = options.buckets;
    this.dim = options.dim;
    this.slotOf = new Int32Array(options.buckets).fill(-1);
    this.arena = new Float32Array(options.buckets * options.dim);
    this.accum = new Float32Array(options.optimizer === 'adagrad' ? options.buckets : 0);
    this.gradient = new Float64Array(options.dim);
    this.sum = new Float64Array(options.dim);
  }

  /** Rows ever used by a training example (the rows a published version stores). */
  get touchedCount(): number {
    return this.slots;
  }

  /** Replaces bucket ids in features[from..to) by their slots, giving new rows a slot. */
  assignSlots(features: Int32Array, from: number, to: number): void {
    const slotOf = this.slotOf;
    for (let f = from; f < to; f++) {
      const bucket = features[f]!;
      let slot = slotOf[bucket]!;
      if (slot < 0) {
        slot = this.slots++;
        slotOf[bucket] = slot;
      }
      features[f] = slot;
    }
  }

  /** Mean of each example's rows, for examples [first, last), into `out` ([last-first][dim]). */
  pool(batch: FeatureBatch, first: number, last: number, out: Float32Array): void {
    const { features, offsets } = batch;
    const { dim, arena, sum } = this;
    for (let i = first; i < last; i++) {
      const start = offsets[i]!;
      const end = offsets[i + 1]!;
      sum.fill(0);
      for (let f = start; f < end; f++) {
        const base = features[f]! * dim;
        for (let k = 0; k < dim; k++) sum[k]! += arena[base + k]!;
      }
      const inv = end > start ? 1 / (end - start) : 0;
      const o = (i - first) * dim;
      for (let k = 0; k < dim; k++) out[o + k] = sum[k]! * inv;
    }
  }

  /**
   * Applies, for examples [first, last), the loss gradient w.r.t. each pooled vector
   * (`gradPooled`, [last-first][dim], times `gradScale`) to the rows that example used.
   */
  update(batch: FeatureBatch, first: number, last: number, gradPooled: Float32Array, options: { learningRate: number; gradScale: number }): void {
    const { features, offsets } = batch;
    const { dim, arena, accum, gradient: g } = this;
    const adagrad = this.options.optimizer === 'adagrad';
    const initial = this.options.adagradInitial;
    const l2 = this.options.l2;
    const lr = options.learningRate;
    for (let i = first; i < last; i++) {
      const start = offsets[i]!;
      const end = offsets[i + 1]!;
      if (end === start) continue;
      // Mean pooling: each of the n rows receives 1/n of the pooled gradient.
      const scale = options.gradScale / (end - start);
      const o = (i - first) * dim;
      let squares = 0;
      for (let k = 0; k < dim; k++) {
        const gk = gradPooled[o + k]! * scale;
        g[k] = gk;
        squares += gk * gk;
      }
      if (squares === 0) continue;
      squares /= dim;
      for (let f = start; f < end; f++) {
        const slot = features[f]!;
        let step = lr;
        if (adagrad) {
          const a = accum[slot]! + squares;
          accum[slot] = a;
          step = lr / Math.sqrt(a + initial);
        }
        const base = slot * dim;
        if (l2 > 0) {
          const keep = 1 - step * l2;
          for (let k = 0; k < dim; k++) arena[base + k] = arena[base + k]! * keep - step * g[k]!;
        } else {
          for (let k = 0; k < dim; k++) arena[base + k]! -= step * g[k]!;
        }
      }
    }
  }

  /** A copy of the used rows in slot order (score with `slotOf` as lookup: later slots read as zero). */
  snapshotRows(): Float32Array {
    return this.arena.slice(0, this.slots * this.dim);
  }

  /** Sorted bucket ids of every row ever used in training. */
  touchedIds(): Uint32Array {
    const ids = new Uint32Array(this.slots);
    const slotOf = this.slotOf;
    let n = 0;
    for (let b = 0; b < slotOf.length; b++) if (slotOf[b]! >= 0) ids[n++] = b;
    return ids;
  }

  /** Overwrites rows by bucket id (compact `rows`, [rowIds.length][dim]): restore, and snapping to published weights. */
  setRows(rowIds: Uint32Array, rows: Float32Array): void {
    const { dim, arena, slotOf } = this;
    for (let r = 0; r < rowIds.length; r++) {
      const bucket = rowIds[r]!;
      let slot = slotOf[bucket]!;
      if (slot < 0) {
        slot = this.slots++;
        slotOf[bucket] = slot;
      }
      const to = slot * dim;
      const from = r * dim;
      for (let k = 0; k < dim; k++) arena[to + k] = rows[from + k]!;
    }
  }

  /** Clears everything, then loads rows and (adagrad) accumulators aligned with `rowIds`. */
  reset(rowIds: Uint32Array, rows: Float32Array, rowAccum: Float32Array | undefined): void {
    // Only the used prefix is dirty: filling all 64 MB would commit every page.
    this.arena.fill(0, 0, this.slots * this.dim);
    this.accum.fill(0, 0, Math.min(this.slots, this.accum.length));
    this.slotOf.fill(-1);
    this.slots = 0;
    this.setRows(rowIds, rows);
    if (rowAccum && this.accum.length > 0) {
      for (let r = 0; r < rowIds.length; r++) this.accum[this.slotOf[rowIds[r]!]!] = rowAccum[r]!;
    }
  }
}
