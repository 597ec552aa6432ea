/**
 * What the run report shows. The lead fills one of these from the running pipeline at
 * the end of `npm start` and on `reviewflow report`; everything under src/report/ is a
 * pure function of it (plus writing the file).
 */

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
}

export interface QualityWindowReport {
  /** ms since epoch */
  windowEnd: number;
  positiveRate: number;
  lengthMean: number;
  lengthPsi: number | null;
  oovRate: number | null;
  count: number;
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
  quality: QualityWindowReport[];
}
