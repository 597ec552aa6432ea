import { FeatureBuffer } from '../models/features.js';
import type { FeatureBatch } from './sparse-embedding.js';

/**
 * The training examples of one incoming batch in flat, reusable arrays: features (CSR),
 * labels, and whether each example counts for prequential evaluation (originals only).
 */
export class TrainBatchBuffer implements FeatureBatch {
  readonly featureBuffer = new FeatureBuffer(1 << 18);
  offsets = new Int32Array(4097);
  labels = new Float32Array(4096);
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
  close(label: 0 | 1, evaluate: boolean): void {
    if (this.count + 2 > this.offsets.length) this.grow();
    this.labels[this.count] = label;
    this.evaluate[this.count] = evaluate ? 1 : 0;
    this.count++;
    this.offsets[this.count] = this.featureBuffer.length;
  }

  private grow(): void {
    const capacity = this.offsets.length * 2;
    const offsets = new Int32Array(capacity);
    offsets.set(this.offsets);
    const labels = new Float32Array(capacity);
    labels.set(this.labels);
    const evaluate = new Uint8Array(capacity);
    evaluate.set(this.evaluate);
    this.offsets = offsets;
    this.labels = labels;
    this.evaluate = evaluate;
  }
}
