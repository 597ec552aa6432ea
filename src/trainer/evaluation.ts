import { unitInterval } from '../util/hash.js';
import { binaryMetrics, reliabilityCurve, type BinaryMetrics, type ReliabilityBin } from './metrics.js';

/** Salt so holdout membership is independent of the feature hash under the same seed. */
const HOLDOUT_SALT = 0x686f6c64;

/**
 * Whether a record belongs to the fixed holdout. Keyed by the parent id for augmented
 * copies, so a copy of a holdout record is never trained on (that would leak the holdout).
 */
export function isHoldout(key: string, fraction: number, seed: number): boolean {
  return fraction > 0 && unitInterval(key, (seed ^ HOLDOUT_SALT) >>> 0) < fraction;
}

/** Which holdout entries a model classified right, tied to the entries it saw. */
export interface HoldoutVerdicts {
  /** Entry ids (insertion sequence numbers) at scoring time, per ring position. */
  ids: Float64Array;
  correct: Uint8Array;
}

export interface HoldoutEvaluation {
  accuracy: number | null;
  metrics: BinaryMetrics | undefined;
  reliability: ReliabilityBin[];
  verdicts: HoldoutVerdicts;
}

const UNKNOWN = 255;

/**
 * The most recent `capacity` holdout records, as hashed features, to score candidates on.
 * It also remembers, per entry, whether the last published version classified it right:
 * re-scoring that version only touches entries that arrived since (scoring long reviews
 * against a big table is memory-bound, ~100 ns a feature).
 */
export class HoldoutSet {
  private readonly capacity: number;
  private readonly features: Int32Array[] = [];
  private readonly labels: Uint8Array;
  private readonly ids: Float64Array;
  private readonly baseline: Uint8Array;
  private next = 0;
  private added = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.labels = new Uint8Array(capacity);
    this.ids = new Float64Array(capacity);
    this.baseline = new Uint8Array(capacity).fill(UNKNOWN);
  }

  get size(): number {
    return this.features.length;
  }

  add(features: Int32Array, label: 0 | 1): void {
    if (this.features.length < this.capacity) this.features.push(features);
    else this.features[this.next] = features;
    this.labels[this.next] = label;
    this.ids[this.next] = this.added++;
    this.baseline[this.next] = UNKNOWN;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Scores every entry (score ≥ 0.5 means positive); null accuracy if empty. */
  evaluate(score: (features: Int32Array) => number): HoldoutEvaluation {
    const n = this.features.length;
    const correct = new Uint8Array(n);
    const scores = new Float64Array(n);
    let right = 0;
    for (let i = 0; i < n; i++) {
      const p = score(this.features[i]!);
      scores[i] = p;
      const ok = p >= 0.5 === (this.labels[i] === 1);
      correct[i] = ok ? 1 : 0;
      if (ok) right++;
    }
    const labels = this.labels.subarray(0, n);
    return {
      accuracy: n === 0 ? null : right / n,
      metrics: binaryMetrics(scores, labels),
      reliability: n === 0 ? [] : reliabilityCurve(scores, labels),
      verdicts: { ids: this.ids.slice(0, n), correct },
    };
  }

  accuracy(score: (features: Int32Array) => number): number | null {
    return this.evaluate(score).accuracy;
  }

  /** Accuracy of the published version: remembered verdicts, `score` only for newer entries. */
  baselineAccuracy(score: (features: Int32Array) => number): number | null {
    const n = this.features.length;
    if (n === 0) return null;
    let right = 0;
    for (let i = 0; i < n; i++) {
      if (this.baseline[i] === UNKNOWN) this.baseline[i] = score(this.features[i]!) >= 0.5 === (this.labels[i] === 1) ? 1 : 0;
      right += this.baseline[i]!;
    }
    return right / n;
  }

  /** Remembers a newly published version's verdicts, for entries still present; forgets the rest. */
  setBaseline(verdicts: HoldoutVerdicts | undefined): void {
    this.baseline.fill(UNKNOWN);
    if (!verdicts) return;
    for (let i = 0; i < verdicts.ids.length; i++) if (this.ids[i] === verdicts.ids[i]) this.baseline[i] = verdicts.correct[i]!;
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
