import { ErrorCode, fatal } from '../errors.js';
import { sha256Hex, splitIntoChunks } from '../models/chunks.js';
import { Featurizer, type HashingParams } from '../models/features.js';
import { loadModel } from '../models/loaded-model.js';
import { Scorer } from '../models/scoring.js';
import { deserializeWeights, serializeWeights } from '../models/weights-format.js';
import type { DenseLayerWeights, ModelWeights, WeightEncoding } from '../models/weights-types.js';
import type { ModelChunk, ModelVersion, Review } from '../records/types.js';
import type { BackendInfo } from './backend.js';
import { DenseHead } from './dense-head.js';
import { HoldoutSet, isHoldout, PrequentialWindow, type HoldoutVerdicts } from './evaluation.js';
import { OffsetTracker } from './offsets.js';
import type { TrainerOptions } from './options.js';
import { judgeCandidate, PublishSchedule } from './publisher.js';
import { SparseEmbedding } from './sparse-embedding.js';
import { TrainBatchBuffer } from './train-batch-buffer.js';

export interface TrainRecord {
  review: Review;
  topic: string;
  partition: number;
  offset: number;
}

export interface BatchReport {
  records: number;
  trained: number;
  /** Original records that fell in the holdout: stored for evaluation, never trained on. */
  holdout: number;
  /** Augmented copies of holdout records: dropped, or the holdout would leak into training. */
  holdoutCopiesDropped: number;
  /** Augmented copies trained on (never evaluated). */
  augmented: number;
  skippedNoLabel: number;
  prequentialScored: number;
  prequentialCorrect: number;
  /** Mean log loss of the trained examples, scored before the update; null if none. */
  loss: number | null;
  tokens: number;
  steps: number;
  durationMs: number;
}

export type Candidate =
  | { kind: 'publish'; manifest: ModelVersion; chunks: ModelChunk[] }
  | { kind: 'rejected'; reason: string; holdoutAccuracy: number };

export interface TrainerStats {
  model: string;
  backend: string;
  examplesSeen: number;
  tokensSeen: number;
  batches: number;
  steps: number;
  published: number;
  rejected: number;
  lastPublishedVersion: number | null;
  lastRejection: string | null;
  prequentialAccuracy: number | null;
  lastHoldoutAccuracy: number | null;
  holdoutSize: number;
  touchedRows: number;
}

interface Version {
  manifest: ModelVersion;
  scorer: Scorer;
  /** How it classified the holdout when it was a candidate (none after a restore). */
  verdicts: HoldoutVerdicts | undefined;
}

/** Unacknowledged candidates kept for markPublished. */
const MAX_PENDING = 2;
/** log(1e-7): caps the log loss of a confidently wrong prediction. */
const MAX_LOSS = 16.118;

/**
 * The incremental trainer, without Kafka: the caller feeds batches with their input
 * positions, asks for candidates, and reports which were published. Everything here is
 * synchronous and deterministic for a given seed and input.
 *
 * Resume contract: a published blob holds the touched rows (in the published encoding),
 * the head, the optimizer state (row-wise and head Adagrad accumulators, float32) and the
 * step/example counters. Publishing snaps the trainer's own rows to their published
 * (compressed) values, so `restore(v)` followed by the same batches yields byte-identical
 * weights to a trainer that never stopped (tested). What does not carry over: the holdout
 * set and prequential window (evaluation state, refilled from new records), and batch
 * boundaries: after a restart Kafka may cut batches differently, which changes mini-batch
 * grouping but loses or repeats no record.
 */
export class Trainer {
  readonly options: TrainerOptions;
  readonly backend: BackendInfo;
  private readonly hashing: HashingParams;
  private readonly featurizer: Featurizer;
  private readonly embedding: SparseEmbedding;
  private readonly head: DenseHead;
  private readonly batch = new TrainBatchBuffer();
  private readonly pooled: Float32Array;
  private readonly holdout: HoldoutSet;
  private readonly prequential: PrequentialWindow;
  private readonly offsets = new OffsetTracker();
  private readonly schedule: PublishSchedule;
  private examplesSeen = 0;
  private tokensSeen = 0;
  private batches = 0;
  private steps = 0;
  private published = 0;
  private rejected = 0;
  private lastRejection: string | null = null;
  private lastHoldoutAccuracy: number | null = null;
  private nextVersion = 1;
  private lastPublished: Version | undefined;
  private readonly pending = new Map<number, Version>();

  private constructor(options: TrainerOptions, backend: BackendInfo) {
    this.options = options;
    this.backend = backend;
    this.hashing = { buckets: options.buckets, ngrams: options.ngrams, seed: options.seed };
    this.featurizer = new Featurizer(this.hashing);
    this.embedding = new SparseEmbedding(options);
    this.head = new DenseHead({ tf: backend.tf, ...options });
    this.pooled = new Float32Array(options.batchSize * options.dim);
    this.holdout = new HoldoutSet(options.holdoutMax);
    this.prequential = new PrequentialWindow(options.prequentialWindow);
    this.schedule = new PublishSchedule({
      everyExamples: options.publishEveryExamples,
      everyMs: options.publishEveryMs,
      acceptMargin: options.acceptMargin,
    });
  }

  static async create(options: TrainerOptions, backend: BackendInfo): Promise<Trainer> {
    await backend.tf.ready();
    return new Trainer(options, backend);
  }

  /** Trains on one batch (cut into mini-batches of `batchSize`). Synchronous and bounded. */
  trainBatch(records: readonly TrainRecord[]): BatchReport {
    const started = performance.now();
    const { holdoutFraction, seed } = this.options;
    const report: BatchReport = {
      records: records.length,
      trained: 0,
      holdout: 0,
      holdoutCopiesDropped: 0,
      augmented: 0,
      skippedNoLabel: 0,
      prequentialScored: 0,
      prequentialCorrect: 0,
      loss: null,
      tokens: 0,
      steps: 0,
      durationMs: 0,
    };
    const batch = this.batch;
    batch.clear();
    for (const record of records) {
      this.offsets.observe(record.topic, record.partition, record.offset);
      const review = record.review;
      const label = review.label;
      if (label !== 0 && label !== 1) {
        report.skippedNoLabel++;
        continue;
      }
      const key = review.augmented ? (review.parentId ?? review.id) : review.id;
      if (isHoldout(key, holdoutFraction, seed)) {
        if (review.augmented) report.holdoutCopiesDropped++;
        else {
          this.holdout.add(this.featurizer.features(review.text), label);
          report.holdout++;
        }
        continue;
      }
      report.tokens += this.featurizer.featurize(review.text, batch.featureBuffer);
      batch.close(label, !review.augmented);
      if (review.augmented) report.augmented++;
    }
    this.embedding.assignSlots(batch.features, 0, batch.featureBuffer.length);
    let lossSum = 0;
    for (let first = 0; first < batch.count; first += this.options.batchSize) {
      const last = Math.min(batch.count, first + this.options.batchSize);
      lossSum += this.trainMiniBatch(first, last, report);
    }
    report.trained = batch.count;
    report.loss = batch.count > 0 ? lossSum / batch.count : null;
    this.examplesSeen += batch.count;
    this.tokensSeen += report.tokens;
    this.batches++;
    this.schedule.noteTrained(batch.count);
    report.durationMs = performance.now() - started;
    return report;
  }

  /** Returns the summed loss of the examples, scored before their update. */
  private trainMiniBatch(first: number, last: number, report: BatchReport): number {
    const { optimizer, learningRate, lrDecay, epochsPerBatch } = this.options;
    const batch = this.batch;
    const n = last - first;
    const labels = batch.labels.subarray(first, last);
    let lossSum = 0;
    for (let epoch = 0; epoch < epochsPerBatch; epoch++) {
      const lr = optimizer === 'sgd' ? learningRate / (1 + lrDecay * this.examplesSeen) : learningRate;
      this.embedding.pool(batch, first, last, this.pooled);
      const { probabilities, gradPooled } = this.head.step(this.pooled, labels, n, lr);
      if (epoch === 0) {
        for (let i = 0; i < n; i++) {
          const p = probabilities[i]!;
          const positive = labels[i] === 1;
          const loss = Math.min(MAX_LOSS, -Math.log(positive ? p : 1 - p));
          lossSum += loss;
          if (batch.evaluate[first + i] === 1) {
            const correct = p >= 0.5 === positive;
            this.prequential.record(correct, loss);
            report.prequentialScored++;
            if (correct) report.prequentialCorrect++;
          }
        }
      }
      // The head's loss is a batch mean; the rows get each example's own gradient.
      this.embedding.update(batch, first, last, gradPooled, { learningRate: lr, gradScale: n });
      this.steps++;
      report.steps++;
    }
    return lossSum;
  }

  /**
   * Forms a candidate version when one is due: scores it on the holdout (full precision,
   * then as published) and applies the publish gate. Every candidate becomes the
   * trainer's own state (the rows snap to their published, rounded values), so a trainer
   * restored from a published version continues exactly as this one does.
   */
  /**
   * A candidate when one is due (every N examples or T ms); with `final`, whenever anything
   * was trained since the last one, so a draining trainer publishes what it learned.
   */
  maybeCandidate(now: number, options: { final?: boolean } = {}): Candidate | undefined {
    if (!(options.final ? this.schedule.pending() : this.schedule.due(now))) return undefined;
    if (this.options.holdoutFraction > 0 && this.holdout.size === 0) return undefined;
    this.schedule.restart(now);
    // Scoring reads the live arena (hot rows packed together): far faster than the
    // decoded blob's bucket-ordered rows.
    const live = this.liveScorer();
    const bytes = this.serialize(this.options.compression);
    const decoded = deserializeWeights(bytes);
    // float32 publishes the weights as they are: one scoring gives both figures.
    const fullPrecision = this.options.compression === 'float32' ? undefined : this.holdout.accuracy((f) => live.score(f, 0, f.length));
    this.embedding.setRows(decoded.rowIds, decoded.rows);
    const { accuracy: holdoutAccuracy, verdicts } = this.holdout.evaluate((f) => live.score(f, 0, f.length));
    const published = this.lastPublished;
    const baseline = published ? this.holdout.baselineAccuracy((f) => published.scorer.score(f, 0, f.length)) : undefined;
    this.lastHoldoutAccuracy = holdoutAccuracy;
    const decision = judgeCandidate({ candidate: holdoutAccuracy, baseline, holdoutSize: this.holdout.size, acceptMargin: this.options.acceptMargin });
    if (!decision.accept) {
      this.rejected++;
      this.lastRejection = decision.reason;
      return { kind: 'rejected', reason: decision.reason, holdoutAccuracy: holdoutAccuracy ?? 0 };
    }
    const version = this.nextVersion++;
    const manifest: ModelVersion = {
      model: this.options.model,
      version,
      parentVersion: this.lastPublished?.manifest.version ?? null,
      createdAt: now,
      backend: this.backend.backend,
      examplesSeen: this.examplesSeen,
      offsets: this.offsets.snapshot(),
      metrics: {
        prequentialAccuracy: this.prequential.accuracy(),
        holdoutAccuracy,
        holdoutAccuracyFullPrecision: fullPrecision === undefined ? holdoutAccuracy : fullPrecision,
        holdoutSize: this.holdout.size,
        loss: this.prequential.meanLoss(),
      },
      configJson: JSON.stringify({ kind: 'embedding-bag', ...this.options }),
      hashing: { ...this.hashing },
      weights: { encoding: this.options.compression, sha256: sha256Hex(bytes), bytes: bytes.length, chunks: 0 },
    };
    const chunks = splitIntoChunks({ model: manifest.model, version, bytes, maxChunkBytes: this.options.maxChunkBytes });
    manifest.weights.chunks = chunks.length;
    this.pending.set(version, { manifest, scorer: this.snapshotScorer(decoded.layers), verdicts });
    // Candidates whose publication failed are never acked: keep only the newest few.
    for (const v of this.pending.keys()) if (this.pending.size > MAX_PENDING) this.pending.delete(v);
    return { kind: 'publish', manifest, chunks };
  }

  /**
   * The Kafka side calls this once every chunk and the manifest of `manifest.version` were
   * acked. Marking the version the trainer was restored from (or any older one) is a no-op.
   */
  markPublished(manifest: ModelVersion): void {
    if (this.lastPublished && manifest.version <= this.lastPublished.manifest.version) return;
    const version = this.pending.get(manifest.version);
    if (!version) {
      throw fatal(ErrorCode.MODEL_NOT_FOUND, `markPublished: version ${manifest.version} is not a pending candidate of this trainer`);
    }
    for (const v of this.pending.keys()) if (v <= manifest.version) this.pending.delete(v);
    this.lastPublished = version;
    this.holdout.setBaseline(version.verdicts);
    this.published++;
  }

  /**
   * Continues from a published version: its weights, optimizer state, counters and input
   * offsets (the caller seeks to `manifest.offsets`). The holdout and prequential window
   * start empty; they are evaluation state, rebuilt from the records that follow.
   */
  restore(manifest: ModelVersion, weightsBytes: Uint8Array): void {
    const { weights } = loadModel(manifest, weightsBytes);
    this.checkCompatible(manifest, weights);
    const sameOptimizer = weights.optimizer?.name === this.options.optimizer;
    this.embedding.reset(weights.rowIds, weights.rows, sameOptimizer ? weights.optimizer?.rowAccum : undefined);
    this.head.load(weights.layers, sameOptimizer ? (weights.optimizer?.layers ?? []) : []);
    this.examplesSeen = manifest.examplesSeen;
    this.steps = weights.optimizer?.steps ?? 0;
    this.offsets.load(manifest.offsets);
    this.lastPublished = { manifest, scorer: this.snapshotScorer(weights.layers), verdicts: undefined };
    this.holdout.setBaseline(undefined);
    this.pending.clear();
    this.nextVersion = manifest.version + 1;
    this.schedule.restart(undefined);
  }

  private checkCompatible(manifest: ModelVersion, weights: ModelWeights): void {
    const o = this.options;
    const shapes = JSON.stringify(this.head.shapes());
    const theirs = JSON.stringify(weights.layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs })));
    const differences = [
      manifest.model !== o.model ? `model ${manifest.model} ≠ ${o.model}` : '',
      weights.hashing.buckets !== o.buckets ? `buckets ${weights.hashing.buckets} ≠ ${o.buckets}` : '',
      weights.hashing.ngrams !== o.ngrams ? `ngrams ${weights.hashing.ngrams} ≠ ${o.ngrams}` : '',
      weights.hashing.seed !== o.seed ? `seed ${weights.hashing.seed} ≠ ${o.seed}` : '',
      weights.dim !== o.dim ? `dim ${weights.dim} ≠ ${o.dim}` : '',
      shapes !== theirs ? `head layers ${theirs} ≠ ${shapes}` : '',
    ].filter((d) => d !== '');
    if (differences.length > 0) {
      throw fatal(ErrorCode.INVALID_CONFIG, `cannot resume ${manifest.model} v${manifest.version}: ${differences.join('; ')}`, {
        hint: 'resume with the options the version was trained with (see its configJson), or train under a new model name',
      });
    }
  }

  /** The current weights as a blob (float32 by default: exact, for tests and debugging). */
  exportWeights(encoding: WeightEncoding = 'float32'): Buffer {
    return this.serialize(encoding);
  }

  /** P(positive) of one text under the current full-precision weights. */
  score(text: string): number {
    const features = this.featurizer.features(text);
    return this.liveScorer().score(features, 0, features.length);
  }

  stats(): TrainerStats {
    return {
      model: this.options.model,
      backend: this.backend.backend,
      examplesSeen: this.examplesSeen,
      tokensSeen: this.tokensSeen,
      batches: this.batches,
      steps: this.steps,
      published: this.published,
      rejected: this.rejected,
      lastPublishedVersion: this.lastPublished?.manifest.version ?? null,
      lastRejection: this.lastRejection,
      prequentialAccuracy: this.prequential.accuracy(),
      lastHoldoutAccuracy: this.lastHoldoutAccuracy,
      holdoutSize: this.holdout.size,
      touchedRows: this.embedding.touchedCount,
    };
  }

  dispose(): void {
    this.head.dispose();
  }

  private serialize(encoding: WeightEncoding): Buffer {
    const adagrad = this.options.optimizer === 'adagrad';
    return serializeWeights({
      hashing: this.hashing,
      dim: this.options.dim,
      encoding,
      rowIds: this.embedding.touchedIds(),
      table: this.embedding.arena,
      slotOf: this.embedding.slotOf,
      layers: this.head.weights(),
      optimizer: {
        name: this.options.optimizer,
        rowAccum: adagrad ? this.embedding.accum : new Float32Array(0),
        layers: this.head.accumulators(),
        steps: this.steps,
        examplesSeen: this.examplesSeen,
      },
    });
  }

  /** Scores with the current weights (reads the live arena; the head is copied). */
  private liveScorer(): Scorer {
    return new Scorer({ dim: this.options.dim, rows: this.embedding.arena, lookup: this.embedding.slotOf, layers: this.head.weights() });
  }

  /**
   * A frozen copy of the current rows in slot order, to re-score a published version on
   * later holdouts. Slots assigned later lie past its end and read as zero, as they were.
   */
  private snapshotScorer(layers: DenseLayerWeights[]): Scorer {
    return new Scorer({ dim: this.options.dim, rows: this.embedding.snapshotRows(), lookup: this.embedding.slotOf, layers });
  }
}
