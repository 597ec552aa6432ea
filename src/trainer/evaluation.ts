import { unitInterval } from '../models/hashing.js';

/** Salt so holdout membership is independent of the feature hash under the same seed. */
const HOLDOUT_SALT = 0x686f6c64;

/**
 * Whether a record belongs to the fixed holdout. Keyed by the parent id for augmented
 * copies, so a copy of a holdout record is never trained on (that would leak the holdout).
 */
export function isHoldout(key: string, fraction: number, seed: number): boolean {
  return fraction > 0 && unitInterval(key, (seed ^ HOLDOUT_SALT) >>> 0) < fraction;
}

/** The most recent `capacity` holdout records, as hashed features, to score candidates on. */
export class HoldoutSet {
  private readonly capacity: number;
  private readonly features: Int32Array[] = [];
  private readonly labels: Uint8Array;
  private next = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.labels = new Uint8Array(capacity);
  }

  get size(): number {
    return this.features.length;
  }

  add(features: Int32Array, label: 0 | 1): void {
    if (this.features.length < this.capacity) this.features.push(features);
    else this.features[this.next] = features;
    this.labels[this.next] = label;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Share of holdout records `score` classifies right (score ≥ 0.5 means positive); null if empty. */
  accuracy(score: (features: Int32Array) => number): number | null {
    if (this.features.length === 0) return null;
    let correct = 0;
    for (let i = 0; i < this.features.length; i++) {
      const positive = score(this.features[i]!) >= 0.5;
      if (positive === (this.labels[i] === 1)) correct++;
    }
    return correct / this.features.length;
  }
}

/** Prequential accuracy and log loss over a sliding window of the most recent scored records. */
export class PrequentialWindow {
  private readonly correct: Uint8Array;
  private readonly losses: Float64Array;
  private next = 0;
  private filled = 0;
  private correctSum = 0;
  private lossSum = 0;

  constructor(size: number) {
    this.correct = new Uint8Array(size);
    this.losses = new Float64Array(size);
  }

  record(correct: boolean, loss: number): void {
    const size = this.correct.length;
    if (this.filled === size) {
      this.correctSum -= this.correct[this.next]!;
      this.lossSum -= this.losses[this.next]!;
    } else {
      this.filled++;
    }
    this.correct[this.next] = correct ? 1 : 0;
    this.losses[this.next] = loss;
    this.correctSum += correct ? 1 : 0;
    this.lossSum += loss;
    this.next = (this.next + 1) % size;
  }

  get count(): number {
    return this.filled;
  }

  accuracy(): number | null {
    return this.filled === 0 ? null : this.correctSum / this.filled;
  }

  meanLoss(): number | null {
    return this.filled === 0 ? null : this.lossSum / this.filled;
  }
}
