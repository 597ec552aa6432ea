import { scoreDocument, type ScoringWeights } from '../models/scoring.js';
import type { ModelLabel } from '../records/types.js';

/**
 * Automatic rollback, the pure part: which label moves are judged, how a newly labelled
 * version and its predecessor are scored on the records that follow the move, and the
 * verdict. No Kafka, no clock: the train step feeds records and acts on the verdict.
 */

/** Who moves a label back; kept in the rollback's label record. */
export const AUTO_ROLLBACK_ACTOR = 'auto-rollback';

/** A label move identified by what its record says, so a restarted trainer knows it again. */
export function moveId(label: Pick<ModelLabel, 'version' | 'at' | 'by'>): string {
  return `v${label.version}@${label.at}/${label.by}`;
}

/** The comparison one label record asks for: its version against the label's previous target. */
export interface JudgedMove {
  id: string;
  label: string;
  version: number;
  predecessor: number;
}

/**
 * A move set by hand (`action: label`) away from an earlier target is judged; a rollback
 * (by hand or automatic) is not, so the label never bounces between two versions.
 */
export function moveToJudge(label: ModelLabel | undefined): JudgedMove | undefined {
  if (!label || label.action !== 'label') return undefined;
  const predecessor = label.history[0]?.version;
  if (predecessor === undefined || predecessor === label.version) return undefined;
  return { id: moveId(label), label: label.label, version: label.version, predecessor };
}

export interface RegressionVerdict {
  kind: 'regressed' | 'held';
  label: string;
  version: number;
  predecessor: number;
  /** Records both versions were scored on. */
  window: number;
  labelledAccuracy: number;
  predecessorAccuracy: number;
  margin: number;
  /** In plain words, with both accuracies and the window: what the rollback's label record carries. */
  reason: string;
}

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;
const points = (x: number): string => `${(x * 100).toFixed(1)} points`;

/** Regressed when the labelled version's accuracy is below its predecessor's by more than `margin`. */
export function judgeRegression(o: { label: string; version: number; predecessor: number; window: number; labelledCorrect: number; predecessorCorrect: number; margin: number }): RegressionVerdict {
  const labelledAccuracy = o.labelledCorrect / o.window;
  const predecessorAccuracy = o.predecessorCorrect / o.window;
  const regressed = labelledAccuracy < predecessorAccuracy - o.margin;
  const scores = `v${o.version} scored ${percent(labelledAccuracy)} and v${o.predecessor} ${percent(predecessorAccuracy)} on the ${o.window} records after label ${o.label} moved`;
  const reason = regressed
    ? `${scores}: ${points(predecessorAccuracy - labelledAccuracy)} worse, more than the margin of ${points(o.margin)}, so ${o.label} went back to v${o.predecessor}`
    : `${scores}: within the margin of ${points(o.margin)}, so ${o.label} stays on v${o.version}`;
  return { kind: regressed ? 'regressed' : 'held', label: o.label, version: o.version, predecessor: o.predecessor, window: o.window, labelledAccuracy, predecessorAccuracy, margin: o.margin, reason };
}

/** The trainer calls this for every new original labelled record, before training on it. */
export interface PrequentialObserver {
  /** `features[from..to)` are the record's distinct hashed n-grams. */
  observe(features: Int32Array, from: number, to: number, label: 0 | 1): void;
}

export interface RegressionWatchOptions {
  label: string;
  /** The labelled version and its scoring weights. */
  version: number;
  labelled: ScoringWeights;
  /** The comparison, when the move is judged; without it only the live accuracy is kept. */
  judge?: { move: JudgedMove; predecessor: ScoringWeights };
  /** Records of the comparison, and of the live accuracy's sliding window. */
  window: number;
  margin: number;
}

/**
 * Scores the live labelled version on every record, prequentially, over a sliding
 * window; while a move is judged, also its predecessor on the same records, until
 * `window` records give a verdict. After the verdict only the labelled version is scored.
 */
export class RegressionWatch implements PrequentialObserver {
  readonly label: string;
  readonly version: number;
  readonly move: JudgedMove | undefined;
  private predecessor: ScoringWeights | undefined;
  private readonly ring: Uint8Array;
  private next = 0;
  private filled = 0;
  private liveCorrect = 0;
  private scored = 0;
  private labelledCorrect = 0;
  private predecessorCorrect = 0;
  private pending: RegressionVerdict | undefined;

  constructor(private readonly o: RegressionWatchOptions) {
    this.label = o.label;
    this.version = o.version;
    this.move = o.judge?.move;
    this.predecessor = o.judge?.predecessor;
    this.ring = new Uint8Array(o.window);
  }

  observe(features: Int32Array, from: number, to: number, label: 0 | 1): void {
    const positive = label === 1;
    const right = scoreDocument(this.o.labelled, features, from, to) >= 0.5 === positive;
    this.live(right);
    const predecessor = this.predecessor;
    if (!predecessor || !this.move) return;
    this.scored++;
    if (right) this.labelledCorrect++;
    if (scoreDocument(predecessor, features, from, to) >= 0.5 === positive) this.predecessorCorrect++;
    if (this.scored < this.o.window) return;
    this.pending = judgeRegression({ label: this.label, version: this.version, predecessor: this.move.predecessor, window: this.scored, labelledCorrect: this.labelledCorrect, predecessorCorrect: this.predecessorCorrect, margin: this.o.margin });
    this.predecessor = undefined;
  }

  /** The verdict, once, when the comparison's window filled. */
  takeVerdict(): RegressionVerdict | undefined {
    const verdict = this.pending;
    this.pending = undefined;
    return verdict;
  }

  /** Records of the comparison scored so far (0 when the move is not judged). */
  get progress(): number {
    return this.scored;
  }

  /** The labelled version's accuracy over the last `window` records; null before any. */
  liveAccuracy(): number | null {
    return this.filled === 0 ? null : this.liveCorrect / this.filled;
  }

  private live(right: boolean): void {
    if (this.filled === this.ring.length) this.liveCorrect -= this.ring[this.next]!;
    else this.filled++;
    this.ring[this.next] = right ? 1 : 0;
    this.liveCorrect += right ? 1 : 0;
    this.next = (this.next + 1) % this.ring.length;
  }
}
