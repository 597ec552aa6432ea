/**
 * In-memory shapes of every record that crosses a topic. The Avro schemas in
 * `schemas/` are the wire contract; these types mirror the newest reader version of each.
 */

/** Where a record came from: the first topic/partition/offset it was read at, and every stage since. */
export interface Lineage {
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: number;
  stages: string[];
}

/** reviews.raw: what users produce. */
export interface RawReview {
  id: string;
  text: string;
  label: number | null; // 0 negative, 1 positive
  rating: number | null;
  source: string | null;
  ingestedAt: number; // epoch ms
}

export interface Redactions {
  email: number;
  phone: number;
  url: number;
  card: number;
  iban: number;
  ip: number;
}

/** reviews.clean, reviews.augmented, reviews.accepted. */
export interface Review {
  id: string;
  text: string;
  label: number | null;
  source: string | null;
  ingestedAt: number;
  augmented: boolean;
  parentId: string | null;
  lineage: Lineage;
  redactions: Redactions;
}

/** reviews.quarantine: a record the gate refused, with every failing reason code. */
export interface QuarantineRecord {
  stage: string;
  reasons: string[];
  review: Review;
  quarantinedAt: number;
}

/** reviews.dlq: a record no stage could decode or process. The original bytes are kept. */
export interface DeadLetter {
  stage: string;
  errorCode: string;
  errorMessage: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: number;
  key: Buffer | null;
  value: Buffer | null;
  failedAt: number;
}

/** reviews.quality: windowed data-quality metrics from the gate. */
export interface QualityMetrics {
  stage: string;
  instance: string;
  windowStart: number;
  windowEnd: number;
  count: number;
  accepted: number;
  quarantined: number;
  positiveRate: number;
  lengthMean: number;
  lengthP50: number;
  lengthP95: number;
  lengthPsi: number | null; // drift of the length distribution against the reference window
  oovRate: number | null;
  reasons: Record<string, number>;
}

export interface PartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read: every record below it is in the model. */
  offset: number;
}

export interface ModelMetrics {
  prequentialAccuracy: number | null;
  holdoutAccuracy: number | null;
  /** Holdout accuracy of the uncompressed weights, to show what compression costs. */
  holdoutAccuracyFullPrecision: number | null;
  holdoutSize: number;
  loss: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  rocAuc: number | null;
  /** Mean squared error of the holdout probabilities. */
  brier: number | null;
  /** Holdout counts at the 0.5 threshold. */
  confusion: { truePositives: number; falsePositives: number; trueNegatives: number; falseNegatives: number } | null;
  /** Predicted P(positive) against the observed share of positives, in ten bins. */
  reliability: Array<{ from: number; to: number; count: number; meanPredicted: number; observedPositive: number }>;
}

/** The window of the input topic a retrained lineage was trained on (`reviewflow retrain`). */
export interface TrainingWindow {
  topic: string;
  /** Per partition, the first offset of the window. */
  from: PartitionOffset[];
  /** Per partition, the end of the window (exclusive). */
  to: PartitionOffset[];
  /** The bounds as times, when they were given as times. */
  fromTime: number | null;
  toTime: number | null;
  /** The topology's model whose trainer options the lineage was trained with. */
  baseModel: string;
  /** Review ids in the exclusion list, and the window's records skipped for them. */
  excludedIds: number;
  excludedRecords: number;
}

/** A delta version's base and the bytes its chunks carry. */
export interface DeltaManifest {
  /** The version the delta applies to. */
  base: number;
  /** The snapshot its chain of deltas starts from: every version from it on must stay loadable. */
  snapshot: number;
  bytes: number;
  sha256: string;
}

/**
 * How a pruned version chose its rows (schema v5): a row whose effective weight is within
 * `minDeviation` of the default weight, or beyond the `maxRows` farthest from it, is not
 * stored, and scores as the default.
 */
export interface WeightsPruning {
  minDeviation: number;
  maxRows: number | null;
  touchedRows: number;
  storedRows: number;
  /** Full weights with every touched row, less those stored. */
  bytesSaved: number;
  /** Holdout accuracy of every touched row at full precision: the accuracy cost of pruning is the gap to `metrics.holdoutAccuracyFullPrecision`. */
  holdoutAccuracyUnpruned: number | null;
}

/** models.updates: the manifest of one published model version. */
export interface ModelVersion {
  model: string;
  version: number;
  parentVersion: number | null;
  createdAt: number;
  backend: string;
  /** `sparse` (typed arrays) or `tfjs` (every op on the backend). */
  executor: string;
  /** The backend's device, where it names one (the WebGPU adapter, CUDA). */
  device: string | null;
  examplesSeen: number;
  offsets: PartitionOffset[];
  metrics: ModelMetrics;
  /** The trainer's configuration (model kind, hyper-parameters), as JSON. */
  configJson: string;
  hashing: { buckets: number; ngrams: number; seed: number };
  weights: {
    encoding: 'float32' | 'float16' | 'int8';
    /** SHA-256 and length of the full weight bytes (for a delta: those rebuilt from its base). */
    sha256: string;
    bytes: number;
    /** Chunks published: of the full weights, or of the delta. */
    chunks: number;
    /** Set when the chunks carry a delta on an earlier version (schema v4); null or absent on a snapshot. */
    delta?: DeltaManifest | null;
    /** Set when rows were pruned (schema v5); null or absent when every touched row is stored. */
    pruning?: WeightsPruning | null;
  };
  /** Set on a retrained lineage's versions (schema v3); null or absent on a trainer's own. */
  window?: TrainingWindow | null;
}

/** models.updates: one piece of a version's weights, published before its manifest. */
export interface ModelChunk {
  model: string;
  version: number;
  index: number;
  count: number;
  data: Buffer;
}

/** One earlier target of a label, kept in the label record (newest first). */
export interface ModelLabelMove {
  version: number;
  /** `label` (set by hand) or `rollback`. */
  action: string;
  by: string;
  at: number;
}

/** models.updates: where a label of a model points, keyed `<model>/label/<label>`. */
export interface ModelLabel extends ModelLabelMove {
  model: string;
  label: string;
  reason: string | null;
  /** Earlier targets, newest first and bounded: compaction keeps only the newest record. */
  history: ModelLabelMove[];
}
