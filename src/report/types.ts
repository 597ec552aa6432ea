/**
 * What the run report shows. The lead fills one of these from the running pipeline at
 * the end of `npm start` and on `reviewflow report`; everything under src/report/ is a
 * pure function of it (plus writing the file).
 */
import type { ModelMetrics } from '../records/types.js';

/** One throughput sample of a stage: records per second at time `t` (ms since epoch). */
export interface ThroughputSample {
  t: number;
  recordsPerSec: number;
}

export interface StageReport {
  stage: string;
  kind: string;
  in: number;
  out: number;
  quarantined: number;
  deadLettered: number;
  duplicates: number;
  /** Extra records the stage added (augmented copies); not part of the identity. */
  generated: number;
  lag: number;
  /** Quarantine and dead-letter reason codes, counted. */
  reasons: Record<string, number>;
  throughput: ThroughputSample[];
}

export interface VersionReport {
  model: string;
  version: number;
  /** ms since epoch */
  createdAt: number;
  examplesSeen: number;
  /** Holdout accuracy of the published (compressed) weights, 0..1. */
  holdoutAccuracy: number | null;
  prequentialAccuracy: number | null;
  /** Holdout accuracy before compression, so the compression cost shows. */
  holdoutAccuracyFullPrecision: number | null;
  bytes: number;
  encoding: string;
  /** Holdout metrics at the 0.5 threshold; null where the manifest predates them. */
  precision: number | null;
  recall: number | null;
  f1: number | null;
  rocAuc: number | null;
  /** Mean squared error of the holdout probabilities: lower is better. */
  brier: number | null;
  confusion: ConfusionCounts | null;
  /** Ten equal-width bins of predicted P(positive); empty where not recorded. */
  reliability: ReliabilityBin[];
  /** The TF.js backend that trained it (cpu, tensorflow, webgpu, …). */
  backend: string;
  /** `sparse` or `tfjs`; null where the manifest predates it. */
  executor: string | null;
  /** The backend's device where it names one (a WebGPU adapter, a CUDA card). */
  device: string | null;
}

// The evaluation shapes are the manifest's own (a type-only import: nothing runs), so a
// change to the model-version schema shows up here instead of drifting from it.

/** Holdout counts at the 0.5 threshold. */
export type ConfusionCounts = NonNullable<ModelMetrics['confusion']>;
/** Holdout examples whose predicted P(positive) fell in [from, to). */
export type ReliabilityBin = ModelMetrics['reliability'][number];

export interface QualityWindowReport {
  /** ms since epoch */
  windowEnd: number;
  positiveRate: number;
  lengthMean: number;
  lengthPsi: number | null;
  oovRate: number | null;
  count: number;
}

/** Where a label of a model points after its last move, and why it moved. */
export interface LabelReport {
  model: string;
  label: string;
  version: number;
  /** The version it pointed to before; null for its first move. */
  previous: number | null;
  /** `label` (by hand) or `rollback` (by hand or automatic). */
  action: string;
  by: string;
  /** ms since epoch */
  at: number;
  reason: string | null;
}

export interface RunReportData {
  /** ms since epoch */
  generatedAt: number;
  topology: string;
  durationMs: number;
  backend: string;
  stages: StageReport[];
  versions: VersionReport[];
  rejectedCandidates: number;
  /** Each label's last move (automatic rollbacks carry their reason here). */
  labels: LabelReport[];
  quality: QualityWindowReport[];
}
