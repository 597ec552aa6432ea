import type { Logger } from 'pino';
import { ErrorCode, ReviewflowError } from '../errors.js';
import type { ConsumedBatch, ProducerPort } from '../kafka/index.js';
import { publishedAs } from '../models/delta-version.js';
import type { ModelVersion } from '../records/types.js';
import { recordBackend, recordCandidate, recordTraining, traceStep } from '../telemetry/index.js';
import { loadBackend, Trainer, trainerOptions, type TrainerOptions, type TrainRecord } from '../trainer/index.js';
import { changelogTopic, statsTopic, type StageConfig } from '../topology/index.js';
import { AutoRollback } from './auto-rollback.js';
import { BatchOutcome, stageRoutes, type StageRoutes } from './batch-outcome.js';
import { latestVersion, ModelTopicWriter } from './model-topic.js';
import { countReason } from './counters.js';
import { accumulate, freshContext, readStats, statsMessage } from './partition-state.js';
import { PartitionedStep } from './partitioned-step.js';
import type { ModelEvents, Step, StepEnv, StepResult, TrainingProgress } from './step.js';

/**
 * The trainer inside a StageRunner: it reads accepted reviews and publishes model
 * versions to its output topic. The published version is the source of truth for where
 * training stands: `open` loads the latest version and points the group at the offsets
 * recorded in it, so a crash never trains a record twice into a published model and
 * never skips one. The runner's commits only show progress (lag).
 */
export class TrainStep extends PartitionedStep<undefined> implements Step {
  private readonly options: TrainerOptions;
  private readonly routes: StageRoutes;
  private readonly log: Logger;
  private trainer: Trainer | undefined;
  private producer: ProducerPort | undefined;
  private writer: ModelTopicWriter | undefined;
  private autoRollback: AutoRollback | undefined;
  private backend = 'unknown';
  private published = 0;
  private rejected = 0;
  private lastVersion: ModelVersion | undefined;
  private timer: NodeJS.Timeout | undefined;
  private publishing: Promise<void> = Promise.resolve();
  /** Set once the final candidate was considered: nothing is published after it. */
  private closed = false;

  constructor(
    readonly stage: StageConfig,
    private readonly env: StepEnv,
  ) {
    super();
    this.options = trainerOptions.parse(stage.options);
    this.routes = stageRoutes(stage);
    this.log = env.logger;
  }

  private get events(): ModelEvents {
    return this.env.events ?? {};
  }

  async open(): Promise<void> {
    const backend = await loadBackend(this.options.backend);
    this.trainer = await Trainer.create(this.options, backend);
    const executor = this.trainer.executorChoice;
    this.backend = backend.backend;
    this.log.info({ backend: backend.backend, device: backend.device, skipped: backend.skipped, executor: executor.kind, why: executor.reason }, `training on ${backend.backend} with the ${executor.kind} executor`);
    recordBackend({ model: this.options.model, backend: backend.backend, executor: executor.kind });

    const latest = await latestVersion(this.env.kafka, this.stage.output, this.options.model, this.log);
    if (latest) {
      this.trainer.restore(latest.manifest, latest.weights);
      this.trainer.markPublished(latest.manifest);
      this.lastVersion = latest.manifest;
      this.log.info({ version: latest.manifest.version, offsets: latest.manifest.offsets }, 'resumed from the latest published version');
    }
    const resumeAt = (latest?.manifest.offsets ?? []).filter((o) => o.topic === this.stage.input);
    await this.env.kafka.withAdmin(async (admin) => {
      await this.waitForEmptyGroup((group) => admin.groupMembers(group));
      await admin.setGroupOffsets(this.stage.group, this.stage.input, resumeAt);
    });
    // Idempotent, not transactional: a version is chunks then a manifest carrying their
    // SHA-256, so readers never load a half-written one whatever the delivery mode.
    this.producer = this.env.kafka.producer();
    await this.producer.connect();
    const watched = this.options.autoRollback;
    this.writer = new ModelTopicWriter({
      producer: this.producer,
      kafka: this.env.kafka,
      topic: this.stage.output,
      log: this.log,
      keepVersions: this.options.keepVersions,
      // the watched label's previous target stays loadable: automatic rollback compares with it and may move back to it
      ...(watched ? { alsoKeep: (index, model) => index.labels(model).get(watched.label)?.history.slice(0, 1).map((m) => m.version) ?? [] } : {}),
    });
    if (watched) {
      this.autoRollback = new AutoRollback({
        kafka: this.env.kafka,
        topic: this.stage.output,
        changelog: changelogTopic(this.stage),
        model: this.options.model,
        options: watched,
        trainer: this.trainer,
        producer: this.producer,
        log: this.log,
        onRollback: (label) => this.events.onLabelRolledBack?.(label),
      });
      await this.autoRollback.open();
    }
    // A quiet stream still gets its candidate after publishEveryMs, and the last records
    // before a pause wait at most a quarter of it (and never over 1 s) past that: each tick
    // that is not due costs only the schedule check.
    this.timer = setInterval(() => void this.considerCandidate(), Math.max(50, Math.min(1_000, Math.floor(this.options.publishEveryMs / 4))));
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // drain: what was trained since the last version is published, not lost with the process
    await this.considerCandidate({ final: true });
    this.closed = true;
    await this.autoRollback?.close();
    await this.writer?.settled();
    await this.producer?.disconnect();
    this.trainer?.dispose();
    this.log.info({ published: this.published, rejected: this.rejected }, 'trainer stopped');
  }

  protected get stageId(): string {
    return this.stage.id;
  }

  /** Counters carry on from the last run, so `status` keeps counting every record read. */
  async restore(partitions: number[]): Promise<void> {
    if (partitions.length === 0) return;
    const stats = await readStats(this.env.kafka, statsTopic(this.stage));
    for (const p of partitions) {
      const ctx = freshContext(undefined);
      const saved = stats.get(p);
      if (saved) {
        ctx.counters = saved.counters;
        ctx.nextOffset = saved.nextOffset;
      }
      this.contexts.set(p, ctx);
    }
  }

  /** Trains on a chunk: every decoded record goes into the model (trained or held out), or is counted unlabeled or already in the model. */
  async process(chunk: ConsumedBatch, o: { nextOffset: number; now: number }): Promise<StepResult> {
    const trainer = this.trainer;
    const ctx = this.context(chunk.partition);
    if (!trainer) throw new Error(`train stage ${this.stage.id} was not opened (a runtime bug)`);
    const outcome = new BatchOutcome(chunk, this.routes);
    const examples: TrainRecord[] = [];
    // one span per record, ended once the chunk it is in has been trained
    const spans = chunk.messages.map((m) => traceStep(`reviewflow.${this.stage.id}`, m.headers, { 'reviewflow.stage': this.stage.id, 'messaging.kafka.partition': chunk.partition, 'messaging.kafka.offset': m.offset }).span);
    for (const m of chunk.messages) {
      outcome.counters.in++;
      const review = outcome.decode(m, 'review');
      if (review) examples.push({ review, topic: chunk.topic, partition: chunk.partition, offset: m.offset });
    }
    const report = await trainer.trainBatch(examples);
    this.autoRollback?.afterBatch();
    for (const span of spans) span.end();
    const { counters } = outcome;
    counters.quarantined += report.skippedNoLabel;
    if (report.skippedNoLabel > 0) countReason(counters, 'missing-label', report.skippedNoLabel);
    counters.duplicates += report.alreadyInModel;
    if (report.alreadyInModel > 0) countReason(counters, 'already-in-model', report.alreadyInModel);
    counters.out += examples.length - report.skippedNoLabel - report.alreadyInModel;
    recordTraining({ model: this.options.model, examples: report.trained, prequentialAccuracy: trainer.stats().prequentialAccuracy, loss: report.loss });
    accumulate(ctx, counters, o.nextOffset);
    return { routed: outcome.routed(), bookkeeping: [{ topic: statsTopic(this.stage), messages: [statsMessage(ctx, chunk.partition, o.now)] }] };
  }

  afterChunk(): Promise<void> {
    return this.considerCandidate();
  }

  training(): TrainingProgress {
    return {
      model: this.options.model,
      backend: this.backend,
      executor: this.trainer?.executorChoice.kind ?? 'unknown',
      examplesSeen: this.trainer?.stats().examplesSeen ?? 0,
      published: this.published,
      rejected: this.rejected,
      lastVersion: this.lastVersion,
    };
  }

  /**
   * A model has one trainer. A member that crashed stays in the group until its session
   * times out, so wait that long before concluding that another trainer really runs.
   */
  private async waitForEmptyGroup(members: (group: string) => Promise<number>): Promise<void> {
    const deadline = Date.now() + this.stage.sessionTimeoutMs + 5_000;
    while ((await members(this.stage.group)) > 0) {
      if (Date.now() > deadline) {
        throw new ReviewflowError(ErrorCode.INVALID_CONFIG, `another trainer of group ${this.stage.group} is running`, {
          retriable: false,
          hint: 'a model has one trainer: stop the other one, or give this stage another group or model name',
        });
      }
      this.log.info({ group: this.stage.group }, 'waiting for the previous trainer to leave the group');
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }

  /** Asks the trainer for a candidate and publishes it; one publication at a time. */
  private considerCandidate(options: { final?: boolean } = {}): Promise<void> {
    const next = this.publishing.then(async () => {
      const trainer = this.trainer;
      const writer = this.writer;
      if (!trainer || !writer || this.closed) return;
      const candidate = await trainer.maybeCandidate(Date.now(), options);
      if (!candidate) return;
      if (candidate.kind === 'rejected') {
        this.rejected++;
        recordCandidate({ model: this.options.model, holdoutAccuracy: candidate.holdoutAccuracy });
        this.log.info({ reason: candidate.reason, holdoutAccuracy: candidate.holdoutAccuracy }, 'candidate rejected');
        this.events.onCandidateRejected?.(candidate.reason, candidate.holdoutAccuracy);
        return;
      }
      await writer.publish(candidate.manifest, candidate.chunks);
      trainer.markPublished(candidate.manifest);
      this.published++;
      this.lastVersion = candidate.manifest;
      recordCandidate({ model: this.options.model, holdoutAccuracy: candidate.manifest.metrics.holdoutAccuracy, version: candidate.manifest.version });
      const published = publishedAs(candidate.manifest);
      this.log.info({ version: candidate.manifest.version, holdoutAccuracy: candidate.manifest.metrics.holdoutAccuracy, bytes: candidate.manifest.weights.bytes, published: published.as, publishedBytes: published.bytes }, 'model version published');
      this.events.onModelPublished?.(candidate.manifest);
    });
    this.publishing = next.catch((err: unknown) => this.log.error({ err }, 'publishing a model version failed; the next candidate retries'));
    return this.publishing;
  }
}
