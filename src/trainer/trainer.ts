import { ErrorCode, fatal } from '../errors.js';
import { sha256Hex, splitIntoChunks } from '../models/chunks.js';
import { encodeDelta } from '../models/weights-delta.js';
import { Featurizer, type HashingParams } from '../models/features.js';
import { loadModel } from '../models/loaded-model.js';
import { RowTable } from '../models/row-table.js';
import { sigmoid } from '../models/scoring.js';
import { deserializeWeights, serializedLength, serializeStoredRows } from '../models/weights-format.js';
import type { ModelWeights, WeightEncoding } from '../models/weights-types.js';
import type { DeltaManifest, ModelChunk, ModelMetrics, ModelVersion, Review, WeightsPruning } from '../records/types.js';
import type { BackendInfo } from './backend.js';
import { HoldoutSet, isHoldout, PrequentialWindow, type HoldoutEvaluation, type HoldoutVerdicts } from './evaluation.js';
import { chooseExecutor, type ExecutorChoice, type ModelExecutor } from './executor.js';
import { effectiveWeights, emptyState, loadRows, type EffectiveWeights, type TouchedState } from './model-state.js';
import { OffsetTracker } from './offsets.js';
import { pruneRows } from './pruning.js';
import type { TrainerOptions } from './options.js';
import { judgeCandidate, PublishSchedule } from './publisher.js';
import type { PrequentialObserver } from './regression-watch.js';
import { SparseExecutor } from './sparse-executor.js';
import { TfjsExecutor } from './tfjs-executor.js';
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
  /** Records at offsets the model already holds (redelivered after a rebalance): skipped. */
  alreadyInModel: number;
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
  executor: string;
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
  scorer: DocumentScorer;
  /** How it classified the holdout when it was a candidate (none after a restore). */
  verdicts: HoldoutVerdicts | undefined;
  /** Its stored rows with their training state: the base the next version's delta is taken on. */
  stored: ModelWeights;
}

/** Unacknowledged candidates kept for markPublished. */
const MAX_PENDING = 2;
/** log(1e-7): caps the log loss of a confidently wrong prediction. */
const MAX_LOSS = 16.118;

/**
 * The incremental trainer, without Kafka: the caller feeds batches with their input
 * positions, asks for candidates, and reports which were published. Everything here is
 * synchronous and deterministic for a given seed, input and executor.
 *
 * Resume contract: a published blob holds the scoring weights (in the published encoding)
 * and the exact float32 training state (weights, Adagrad accumulators, Naive Bayes counts,
 * scalars, step and example counters), so `restore(v)` followed by the same batches yields
 * byte-identical state to a trainer that never stopped (tested). What does not carry over:
 * the holdout set and prequential window (evaluation state, refilled from new records),
 * and batch boundaries: after a restart Kafka may cut batches differently, which changes
 * mini-batch grouping but loses or repeats no record.
 */
export class Trainer {
  readonly options: TrainerOptions;
  readonly backend: BackendInfo;
  readonly executorChoice: ExecutorChoice;
  private readonly hashing: HashingParams;
  private readonly featurizer: Featurizer;
  private readonly executor: ModelExecutor;
  private readonly batch = new TrainBatchBuffer();
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
  private touchedRows = 0;
  private lastRejection: string | null = null;
  private lastHoldoutAccuracy: number | null = null;
  private nextVersion = 1;
  private lastPublished: Version | undefined;
  private readonly pending = new Map<number, Version>();
  private queue: Promise<unknown> = Promise.resolve();
  private observer: PrequentialObserver | undefined;

  private constructor(options: TrainerOptions, backend: BackendInfo) {
    this.options = options;
    this.backend = backend;
    this.hashing = { buckets: options.buckets, ngrams: options.ngrams, seed: options.seed };
    this.featurizer = new Featurizer(this.hashing);
    this.executorChoice = chooseExecutor(options.executor, backend);
    const model = { buckets: options.buckets, smoothing: options.smoothing };
    this.executor = this.executorChoice.kind === 'tfjs' ? new TfjsExecutor({ tf: backend.tf, ...model }) : new SparseExecutor(model);
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

  /**
   * Trains on one batch (cut into mini-batches of `miniBatchSize`). Calls are serialized
   * with candidate forming, so a candidate never sees half a batch.
   */
  trainBatch(records: readonly TrainRecord[]): Promise<BatchReport> {
    return this.exclusive(() => this.train(records));
  }

  private async train(records: readonly TrainRecord[]): Promise<BatchReport> {
    const started = performance.now();
    const { holdoutFraction, seed, augmentedWeight } = this.options;
    const report: BatchReport = {
      records: records.length,
      trained: 0,
      holdout: 0,
      holdoutCopiesDropped: 0,
      augmented: 0,
      skippedNoLabel: 0,
      prequentialScored: 0,
      prequentialCorrect: 0,
      alreadyInModel: 0,
      loss: null,
      tokens: 0,
      steps: 0,
      durationMs: 0,
    };
    const batch = this.batch;
    batch.clear();
    for (const record of records) {
      // Kafka redelivers what was read but not committed when a group rebalances: a
      // record the model already holds is never trained twice
      if (!this.offsets.observe(record.topic, record.partition, record.offset)) {
        report.alreadyInModel++;
        continue;
      }
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
          const features = this.featurizer.features(review.text);
          this.observer?.observe(features, 0, features.length, label);
          this.holdout.add(features, label);
          report.holdout++;
        }
        continue;
      }
      report.tokens += this.featurizer.featurizeDistinct(review.text, batch.featureBuffer);
      batch.close(label, review.augmented ? augmentedWeight : 1, !review.augmented);
      if (review.augmented) report.augmented++;
      else this.observer?.observe(batch.features, batch.offsets[batch.count - 1]!, batch.offsets[batch.count]!, label);
    }
    let lossSum = 0;
    for (let first = 0; first < batch.count; first += this.options.miniBatchSize) {
      const last = Math.min(batch.count, first + this.options.miniBatchSize);
      lossSum += await this.trainMiniBatch(first, last, report);
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
  private async trainMiniBatch(first: number, last: number, report: BatchReport): Promise<number> {
    const { learningRate, epochsPerBatch } = this.options;
    const batch = this.batch;
    const probabilities = await this.executor.train(
      { features: batch.features, offsets: batch.offsets, labels: batch.labels, weights: batch.weights, first, last },
      { learningRate, epochs: epochsPerBatch },
    );
    let lossSum = 0;
    for (let i = first; i < last; i++) {
      const p = probabilities[i - first]!;
      const positive = batch.labels[i] === 1;
      const loss = Math.min(MAX_LOSS, -Math.log(positive ? p : 1 - p));
      lossSum += loss;
      if (batch.evaluate[i] === 1) {
        const correct = p >= 0.5 === positive;
        this.prequential.record(correct, loss);
        report.prequentialScored++;
        if (correct) report.prequentialCorrect++;
      }
    }
    this.steps += epochsPerBatch;
    report.steps += epochsPerBatch;
    return lossSum;
  }

  /**
   * Who else scores each new original labelled record before it is trained on (the
   * regression watch of automatic rollback), with this trainer's features; undefined stops
   * it. Queued like a batch, so it starts and stops between batches.
   */
  observe(observer: PrequentialObserver | undefined): Promise<void> {
    return this.exclusive(async () => {
      this.observer = observer;
    });
  }

  /** The feature-hashing parameters; an observer's weights must have been trained with the same. */
  get hashingParams(): HashingParams {
    return { ...this.hashing };
  }

  /**
   * A candidate when one is due (every N examples or T ms); with `final`, whenever anything
   * was trained since the last one, so a draining trainer publishes what it learned. It is
   * scored on the holdout at full precision and as published, and passes the publish gate
   * or is rejected.
   */
  maybeCandidate(now: number, options: { final?: boolean } = {}): Promise<Candidate | undefined> {
    return this.exclusive(() => this.candidate(now, options));
  }

  private async candidate(now: number, options: { final?: boolean }): Promise<Candidate | undefined> {
    if (!(options.final ? this.schedule.pending() : this.schedule.due(now))) return undefined;
    if (this.options.holdoutFraction > 0 && this.holdout.size === 0) return undefined;
    this.schedule.restart(now);
    // O(stored rows), never O(buckets): this runs on every candidate, every publishEveryMs
    const touched = this.touchedWeights(await this.executor.touchedState(), this.options.compression);
    const stored = this.pruned(touched);
    const bytes = serializeStoredRows(stored);
    const liveScore = versionScorer(stored);
    const publishedScore = this.options.compression === 'float32' ? liveScore : versionScorer(deserializeWeights(bytes));
    // float32 publishes the weights as they are: one scoring gives both figures.
    const fullPrecision = publishedScore === liveScore ? undefined : this.holdout.accuracy(liveScore);
    const evaluation = this.holdout.evaluate(publishedScore);
    const holdoutAccuracy = evaluation.accuracy;
    const published = this.lastPublished;
    const baseline = published ? this.holdout.baselineAccuracy(published.scorer) : undefined;
    this.lastHoldoutAccuracy = holdoutAccuracy;
    const decision = judgeCandidate({ candidate: holdoutAccuracy, baseline, holdoutSize: this.holdout.size, acceptMargin: this.options.acceptMargin });
    if (!decision.accept) {
      this.rejected++;
      this.lastRejection = decision.reason;
      return { kind: 'rejected', reason: decision.reason, holdoutAccuracy: holdoutAccuracy ?? 0 };
    }
    const version = this.nextVersion++;
    const shipped = this.deltaOrSnapshot(version, stored, bytes);
    const manifest: ModelVersion = {
      model: this.options.model,
      version,
      parentVersion: this.lastPublished?.manifest.version ?? null,
      createdAt: now,
      backend: this.backend.backend,
      executor: this.executor.kind,
      device: this.backend.device ?? null,
      examplesSeen: this.examplesSeen,
      offsets: this.offsets.snapshot(),
      metrics: this.metrics(evaluation, fullPrecision),
      configJson: JSON.stringify({ kind: 'nb-logistic', ...this.options }),
      hashing: { ...this.hashing },
      weights: { encoding: this.options.compression, sha256: sha256Hex(bytes), bytes: bytes.length, chunks: 0, delta: shipped.delta, pruning: this.pruning(touched, stored, bytes) },
    };
    const chunks = splitIntoChunks({ model: manifest.model, version, bytes: shipped.bytes, maxChunkBytes: this.options.maxChunkBytes });
    manifest.weights.chunks = chunks.length;
    this.pending.set(version, { manifest, scorer: publishedScore, verdicts: evaluation.verdicts, stored });
    // Candidates whose publication failed are never acked: keep only the newest few.
    for (const v of this.pending.keys()) if (this.pending.size > MAX_PENDING) this.pending.delete(v);
    return { kind: 'publish', manifest, chunks };
  }

  /**
   * What version `version` ships: a delta on the last published version while its chain is
   * shorter than `snapshotEvery` and the delta is smaller than the full weights, else the
   * full weights (a snapshot). A delta is always taken on the version published last, which
   * is the one readers that followed every version hold.
   */
  private deltaOrSnapshot(version: number, stored: ModelWeights, full: Buffer): { bytes: Buffer; delta: DeltaManifest | null } {
    const snapshot = { bytes: full, delta: null };
    const base = this.lastPublished;
    const chainStart = this.deltaChainStart(version);
    if (!base || chainStart === undefined) return snapshot;
    const delta = encodeDelta({ base: base.stored, baseSha256: base.manifest.weights.sha256, next: stored, smoothing: this.options.smoothing });
    if (!delta || delta.length >= full.length) return snapshot;
    return { bytes: delta, delta: { base: base.manifest.version, snapshot: chainStart, bytes: delta.length, sha256: sha256Hex(delta) } };
  }

  /** The snapshot a delta for `version` would extend, or undefined when `version` must be a snapshot. */
  private deltaChainStart(version: number): number | undefined {
    const base = this.lastPublished;
    if (!base) return undefined;
    const chainStart = base.manifest.weights.delta?.snapshot ?? base.manifest.version;
    return version - chainStart >= this.options.snapshotEvery ? undefined : chainStart;
  }

  /**
   * The touched rows the next version stores under the `prune` option. Between snapshots
   * the rows of the version published last all stay, so the version can be its delta.
   */
  private pruned(touched: ModelWeights): ModelWeights {
    const rule = this.options.prune;
    if (!rule) return touched;
    const base = this.deltaChainStart(this.nextVersion) === undefined ? undefined : this.lastPublished?.stored.rowIds;
    return pruneRows(touched, rule, base);
  }

  /** What pruning cost and saved, for the manifest; null when it dropped no row. */
  private pruning(touched: ModelWeights, stored: ModelWeights, bytes: Buffer): WeightsPruning | null {
    const rule = this.options.prune;
    if (!rule || stored === touched) return null;
    return {
      minDeviation: rule.minDeviation,
      maxRows: rule.maxRows ?? null,
      touchedRows: touched.rowIds.length,
      storedRows: stored.rowIds.length,
      bytesSaved: serializedLength(touched) - bytes.length,
      holdoutAccuracyUnpruned: this.holdout.accuracy(versionScorer(touched)),
    };
  }

  private metrics(evaluation: HoldoutEvaluation, fullPrecision: number | null | undefined): ModelMetrics {
    const m = evaluation.metrics;
    return {
      prequentialAccuracy: this.prequential.accuracy(),
      holdoutAccuracy: evaluation.accuracy,
      holdoutAccuracyFullPrecision: fullPrecision === undefined ? evaluation.accuracy : fullPrecision,
      holdoutSize: this.holdout.size,
      loss: this.prequential.meanLoss(),
      precision: m?.precision ?? null,
      recall: m?.recall ?? null,
      f1: m?.f1 ?? null,
      rocAuc: m?.rocAuc ?? null,
      brier: m?.brier ?? null,
      confusion: m ? { truePositives: m.truePositives, falsePositives: m.falsePositives, trueNegatives: m.trueNegatives, falseNegatives: m.falseNegatives } : null,
      reliability: evaluation.reliability,
    };
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
   * Continues from a published version: its training state, counters and input offsets
   * (the caller seeks to `manifest.offsets`). The holdout and prequential window start
   * empty; they are evaluation state, rebuilt from the records that follow.
   */
  restore(manifest: ModelVersion, weightsBytes: Uint8Array): void {
    const { weights } = loadModel(manifest, weightsBytes);
    this.checkCompatible(manifest, weights);
    const training = weights.training;
    if (!training) {
      throw fatal(ErrorCode.INVALID_CONFIG, `cannot resume ${manifest.model} v${manifest.version}: it carries no training state`, {
        hint: 'train under a new model name',
      });
    }
    const state = emptyState(this.options.buckets);
    loadRows(state, weights.rowIds, training);
    this.executor.load(state);
    this.touchedRows = weights.rowIds.length;
    this.examplesSeen = training.examplesSeen;
    this.steps = training.steps;
    this.offsets.load(manifest.offsets);
    this.lastPublished = { manifest, scorer: versionScorer(weights), verdicts: undefined, stored: weights };
    this.holdout.setBaseline(undefined);
    this.pending.clear();
    this.nextVersion = manifest.version + 1;
    this.schedule.restart(undefined);
  }

  private checkCompatible(manifest: ModelVersion, weights: ModelWeights): void {
    const o = this.options;
    const differences = [
      manifest.model !== o.model ? `model ${manifest.model} ≠ ${o.model}` : '',
      weights.hashing.buckets !== o.buckets ? `buckets ${weights.hashing.buckets} ≠ ${o.buckets}` : '',
      weights.hashing.ngrams !== o.ngrams ? `ngrams ${weights.hashing.ngrams} ≠ ${o.ngrams}` : '',
      weights.hashing.seed !== o.seed ? `seed ${weights.hashing.seed} ≠ ${o.seed}` : '',
    ].filter((d) => d !== '');
    if (differences.length > 0) {
      throw fatal(ErrorCode.INVALID_CONFIG, `cannot resume ${manifest.model} v${manifest.version}: ${differences.join('; ')}`, {
        hint: 'resume with the options the version was trained with (see its configJson), or train under a new model name',
      });
    }
  }

  /** The current weights and training state as a blob (float32 by default: exact, for tests and debugging). */
  exportWeights(encoding: WeightEncoding = 'float32'): Promise<Buffer> {
    return this.exclusive(async () => {
      return serializeStoredRows(this.touchedWeights(await this.executor.touchedState(), encoding));
    });
  }

  /** P(positive) of one text under the current full-precision weights. */
  score(text: string): Promise<number> {
    return this.exclusive(async () => {
      const features = this.featurizer.features(text);
      return sigmoid(await this.executor.logit(features));
    });
  }

  stats(): TrainerStats {
    return {
      model: this.options.model,
      backend: this.backend.backend,
      executor: this.executor.kind,
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
      touchedRows: this.touchedRows,
    };
  }

  dispose(): void {
    this.executor.dispose();
  }

  /** Every touched row with its effective weight and training state (a version stores them, or some: see `pruned`). */
  private touchedWeights({ rowIds, rows }: TouchedState, encoding: WeightEncoding): ModelWeights {
    // effectiveWeights maps row-aligned arrays to row-aligned weights, as it maps dense ones
    const { bias, weights, defaultWeight }: EffectiveWeights = effectiveWeights(rows, this.options.smoothing);
    this.touchedRows = rowIds.length;
    const { weight, accum, positive, negative, biasAccum, nbWeight, nbAccum, positives, negatives } = rows;
    return {
      hashing: this.hashing,
      encoding,
      bias,
      defaultWeight,
      rowIds,
      rows: weights,
      training: { weight, accum, positive, negative, bias: rows.bias, biasAccum, nbWeight, nbAccum, positives, negatives, steps: this.steps, examplesSeen: this.examplesSeen },
    };
  }

  /** Runs `work` after everything queued before it: training, candidates and reads never interleave. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** P(positive) of a document (its distinct features) under one version's weights. */
type DocumentScorer = (features: Int32Array) => number;

/**
 * A version's weights as the holdout scores them, through a row table built in O(stored
 * rows) rather than a 2^22-float array; bit-identical to scoreDocument on the dense weights.
 */
function versionScorer(weights: Pick<ModelWeights, 'bias' | 'rowIds' | 'rows' | 'defaultWeight'>): DocumentScorer {
  const table = new RowTable(weights);
  const { bias } = weights;
  return (features) => sigmoid(table.logit(bias, features, 0, features.length));
}
