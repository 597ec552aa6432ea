import { FeatureBuffer } from '../models/features.js';

/**
 * The training examples of one incoming batch in flat, reusable arrays: distinct features
 * (CSR), labels, example weights, and whether each example counts for prequential
 * evaluation (originals only).
 */
export class TrainBatchBuffer {
  readonly featureBuffer = new FeatureBuffer(1 << 18);
  offsets = new Int32Array(4097);
  labels = new Float32Array(4096);
  weights = new Float32Array(4096);
  evaluate = new Uint8Array(4096);
  count = 0;

  get features(): Int32Array {
    return this.featureBuffer.data;
  }

  clear(): void {
    this.featureBuffer.clear();
    this.count = 0;
    this.offsets[0] = 0;
  }

  /** Call after featurizing one example into `featureBuffer`. */
  close(label: 0 | 1, weight: number, evaluate: boolean): void {
    if (this.count + 2 > this.offsets.length) this.grow();
    this.labels[this.count] = label;
    this.weights[this.count] = weight;
    this.evaluate[this.count] = evaluate ? 1 : 0;
    this.count++;
    this.offsets[this.count] = this.featureBuffer.length;
  }

  private grow(): void {
    const capacity = this.offsets.length * 2;
    const grown = <T extends Int32Array | Float32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.offsets = grown(this.offsets, (n) => new Int32Array(n));
    this.labels = grown(this.labels, (n) => new Float32Array(n));
    this.weights = grown(this.weights, (n) => new Float32Array(n));
    this.evaluate = grown(this.evaluate, (n) => new Uint8Array(n));
  }
}
