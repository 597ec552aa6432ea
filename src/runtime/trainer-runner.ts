import type { Logger } from 'pino';
import { ErrorCode, ReviewflowError, describeError, isReviewflowError } from '../errors.js';
import type { AdminPort, BatchControls, ConsumedBatch, ConsumerPort, KafkaPort, OutgoingMessage, ProducerPort, TopicMessages } from '../kafka/index.js';
import { childLogger } from '../log.js';
import { ModelAssembler } from '../models/index.js';
import { toUpdateRecord } from '../models/subscribe.js';
import { decode, encode } from '../records/index.js';
import type { ModelChunk, ModelVersion, Review } from '../records/types.js';
import { recordTrainer, traceStep } from '../telemetry/index.js';
import { loadBackend, Trainer, trainerOptions, type TrainerOptions } from '../trainer/index.js';
import { statsTopic, type StageConfig } from '../topology/index.js';
import { addCounters, countReason, emptyCounters, type StageCounters } from './counters.js';
import { deadLetter } from './process-batch.js';
import { freshContext, readStats, statsMessage, type PartitionContext } from './partition-state.js';
import { withRetry } from '../util/retry.js';
import { FailureSignal } from './failure.js';

export interface TrainerProgress {
  stage: string;
  model: string;
  backend: string;
  executor: string;
  session: StageCounters;
  examplesSeen: number;
  published: number;
  rejected: number;
  lastVersion: ModelVersion | undefined;
  lag: number;
  /** Group joins since start: more than one means a rebalance happened. */
  groupJoins: number;
}

export interface TrainerRunnerOptions {
  kafka: KafkaPort;
  stage: StageConfig;
  delivery: 'at-least-once' | 'exactly-once';
  instance: string;
  logger?: Logger;
  onPublished?: (manifest: ModelVersion) => void;
  onRejected?: (reason: string, holdoutAccuracy: number) => void;
}

/**
 * Feeds the trainer from the accepted topic and publishes versions. The published
 * version is the source of truth for where training stands: on start the runner loads
 * the latest version and points its group at the offsets recorded in it, so a crash
 * never trains a record twice into a published model and never skips one.
 */
export class TrainerRunner {
  private readonly log: Logger;
  private readonly options: TrainerOptions;
  private trainer: Trainer | undefined;
  private consumer: ConsumerPort | undefined;
  private producer: ProducerPort | undefined;
  private backend = 'unknown';
  private executor = 'unknown';
  private session = emptyCounters();
  private partitions = new Map<number, PartitionContext<undefined>>();
  private lag = new Map<number, number>();
  private published = 0;
  private rejected = 0;
  private lastVersion: ModelVersion | undefined;
  private timer: NodeJS.Timeout | undefined;
  private publishing: Promise<void> = Promise.resolve();
  private stopping = false;
  /** Set once the final candidate was considered: nothing is published after it. */
  private stopped = false;
  private groupJoins = 0;
  /** Settles when the consumer stopped for good on its own (the process should exit non-zero). */
  readonly failure = new FailureSignal();

  constructor(private readonly o: TrainerRunnerOptions) {
    this.log = (o.logger ?? childLogger({})).child({ stage: o.stage.id, instance: o.instance });
    this.options = trainerOptions.parse(o.stage.options);
  }

  get group(): string {
    return this.o.stage.group;
  }

  progress(): TrainerProgress {
    let lag = 0;
    for (const l of this.lag.values()) lag += l;
    const stats = this.trainer?.stats();
    return {
      stage: this.o.stage.id,
      model: this.options.model,
      backend: this.backend,
      executor: this.executor,
      session: this.session,
      examplesSeen: stats?.examplesSeen ?? 0,
      published: this.published,
      rejected: this.rejected,
      lastVersion: this.lastVersion,
      lag,
      groupJoins: this.groupJoins,
    };
  }

  async start(): Promise<void> {
    const backend = await loadBackend(this.options.backend);
    this.trainer = await Trainer.create(this.options, backend);
    const executor = this.trainer.executorChoice;
    this.backend = backend.backend;
    this.executor = executor.kind;
    this.log.info({ backend: backend.backend, device: backend.device, skipped: backend.skipped, executor: executor.kind, why: executor.reason }, `training on ${backend.backend} with the ${executor.kind} executor`);

    const latest = await this.latestPublished();
    if (latest) {
      this.trainer.restore(latest.manifest, latest.weights);
      this.trainer.markPublished(latest.manifest);
      this.lastVersion = latest.manifest;
      this.log.info({ version: latest.manifest.version, offsets: latest.manifest.offsets }, 'resumed from the latest published version');
    }
    // counters carry on from the last run, so `status` keeps counting every record read
    for (const [partition, stats] of await readStats(this.o.kafka, statsTopic(this.o.stage))) {
      const ctx = this.partition(partition);
      ctx.counters = stats.counters;
      ctx.nextOffset = stats.nextOffset;
    }
    const resumeAt = (latest?.manifest.offsets ?? []).filter((o) => o.topic === this.o.stage.input);
    await this.o.kafka.withAdmin(async (admin) => {
      await this.waitForEmptyGroup(admin);
      await admin.setGroupOffsets(this.group, this.o.stage.input, resumeAt);
    });

    // Idempotent, not transactional: a version is chunks then a manifest carrying their
    // SHA-256, so readers never load a half-written one whatever the delivery mode.
    this.producer = this.o.kafka.producer();
    await this.producer.connect();
    this.consumer = this.o.kafka.consumer({ groupId: this.group, topics: [this.o.stage.input], fromBeginning: true, readCommitted: this.o.delivery === 'exactly-once', sessionTimeoutMs: this.o.stage.sessionTimeoutMs });
    this.consumer.onGroupJoin(() => this.groupJoins++);
    this.consumer.onCrash((err, restart) => {
      this.log.error({ err, restart }, restart ? 'trainer consumer crashed; kafkajs restarts it' : 'trainer consumer crashed for good');
      if (!restart) this.failure.fail(err);
    });
    await this.consumer.run((batch, controls) => this.onBatch(batch, controls));
    // a quiet stream still gets its candidate after publishEveryMs
    this.timer = setInterval(() => void this.considerCandidate(), Math.max(1_000, Math.floor(this.options.publishEveryMs / 4)));
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.consumer?.stop();
    // drain: what was trained since the last version is published, not lost with the process
    await this.considerCandidate({ final: true });
    this.stopped = true;
    await this.producer?.disconnect();
    this.trainer?.dispose();
    this.log.info({ session: this.session, published: this.published }, 'trainer stopped');
  }

  /**
   * A model has one trainer. A member that crashed stays in the group until its session
   * times out, so wait that long before concluding that another trainer really runs.
   */
  private async waitForEmptyGroup(admin: AdminPort): Promise<void> {
    const deadline = Date.now() + this.o.stage.sessionTimeoutMs + 5_000;
    while ((await admin.groupMembers(this.group)) > 0) {
      if (Date.now() > deadline) {
        throw new ReviewflowError(ErrorCode.INVALID_CONFIG, `another trainer of group ${this.group} is running`, {
          retriable: false,
          hint: 'a model has one trainer: stop the other one, or give this stage another group or model name',
        });
      }
      this.log.info({ group: this.group }, 'waiting for the previous trainer to leave the group');
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }

  /** Reads the model topic to its end and returns the newest verified version of our model. */
  private async latestPublished(): Promise<{ manifest: ModelVersion; weights: Buffer } | undefined> {
    const assembler = new ModelAssembler({ model: this.options.model });
    let latest: { manifest: ModelVersion; weights: Buffer } | undefined;
    await this.o.kafka.readToEnd({ topic: this.o.stage.output, readCommitted: true }, (m) => {
      const record = toUpdateRecord(m);
      if (!record) return;
      const result = assembler.add(record);
      if (result.kind === 'ignored') this.log.warn({ version: result.version, reason: result.reason }, 'ignoring an unusable published version');
      if (result.kind === 'loaded') latest = { manifest: result.model.manifest, weights: Buffer.from(result.model.bytes) };
    });
    return latest;
  }

  private partition(p: number): PartitionContext<undefined> {
    let ctx = this.partitions.get(p);
    if (!ctx) {
      ctx = freshContext(undefined);
      this.partitions.set(p, ctx);
    }
    return ctx;
  }

  private async onBatch(batch: ConsumedBatch, controls: BatchControls): Promise<void> {
    const trainer = this.trainer;
    if (!trainer) return;
    // Kafka bookkeeping (stats, commit) per stage batch; trainBatch cuts it into mini-batches
    const size = this.o.stage.batchSize;
    for (let start = 0; start < batch.messages.length; start += size) {
      if (controls.isStale()) return;
      const chunk = batch.messages.slice(start, start + size);
      const counters = emptyCounters();
      const dead: OutgoingMessage[] = [];
      const examples: Array<{ review: Review; topic: string; partition: number; offset: number }> = [];
      for (const m of chunk) {
        counters.in++;
        try {
          if (m.value === null) throw new Error('record has no value (a tombstone)');
          examples.push({ review: decode('review', m.value), topic: batch.topic, partition: batch.partition, offset: m.offset });
        } catch (err) {
          counters.deadLettered++;
          const code = isReviewflowError(err) ? err.code : ErrorCode.CORRUPT_BODY;
          countReason(counters, code);
          if (this.o.stage.deadLetter) {
            const letter = deadLetter({ stage: this.o.stage.id, code, message: describeError(err), topic: batch.topic, partition: batch.partition, source: m, now: Date.now() });
            dead.push({ key: m.key, value: encode('dead-letter', letter) });
          }
        }
      }
      // one span per record, ended once the batch it is in has been trained
      const spans = chunk.map((m) => traceStep('reviewflow.train', m.headers, { 'reviewflow.stage': this.o.stage.id, 'messaging.kafka.partition': batch.partition, 'messaging.kafka.offset': m.offset }).span);
      const report = await trainer.trainBatch(examples);
      for (const span of spans) span.end();
      // every decoded record went into the model (trained or held out) or was skipped unlabeled
      counters.quarantined += report.skippedNoLabel;
      if (report.skippedNoLabel > 0) counters.reasons['missing-label'] = (counters.reasons['missing-label'] ?? 0) + report.skippedNoLabel;
      counters.out += examples.length - report.skippedNoLabel;
      const last = chunk[chunk.length - 1];
      const ctx = this.partition(batch.partition);
      ctx.counters = addCounters(ctx.counters, counters);
      const isLast = start + size >= batch.messages.length;
      ctx.nextOffset = last ? (isLast ? Math.max(last.offset + 1, batch.lastOffset + 1) : last.offset + 1) : ctx.nextOffset;
      this.session = addCounters(this.session, counters);
      this.lag.set(batch.partition, Math.max(0, batch.highWatermark - ctx.nextOffset));
      const side: TopicMessages[] = [{ topic: statsTopic(this.o.stage), messages: [statsMessage(ctx, batch.partition, Date.now())] }];
      if (this.o.stage.deadLetter && dead.length > 0) side.push({ topic: this.o.stage.deadLetter, messages: dead });
      await withRetry(() => this.producer!.send(side), { attempts: 8, baseMs: 200, maxMs: 5_000 });
      // committed offsets only show progress (lag); resuming uses the published version's offsets
      await controls.commit([{ topic: batch.topic, partition: batch.partition, offset: ctx.nextOffset }]);
      recordTrainer({ model: this.options.model, loss: report.loss });
      await controls.heartbeat();
      await this.considerCandidate();
    }
  }

  /** Asks the trainer for a candidate and publishes it; one publication at a time. */
  private considerCandidate(options: { final?: boolean } = {}): Promise<void> {
    const next = this.publishing.then(async () => {
      const trainer = this.trainer;
      if (!trainer || this.stopped) return;
      const candidate = await trainer.maybeCandidate(Date.now(), options);
      if (!candidate) return;
      if (candidate.kind === 'rejected') {
        this.rejected++;
        this.log.info({ reason: candidate.reason, holdoutAccuracy: candidate.holdoutAccuracy }, 'candidate rejected');
        this.o.onRejected?.(candidate.reason, candidate.holdoutAccuracy);
        return;
      }
      await this.publish(candidate.manifest, candidate.chunks);
      trainer.markPublished(candidate.manifest);
      this.published++;
      this.lastVersion = candidate.manifest;
      recordTrainer({ model: this.options.model, holdoutAccuracy: candidate.manifest.metrics.holdoutAccuracy, version: candidate.manifest.version });
      this.log.info({ version: candidate.manifest.version, holdoutAccuracy: candidate.manifest.metrics.holdoutAccuracy, bytes: candidate.manifest.weights.bytes }, 'model version published');
      this.o.onPublished?.(candidate.manifest);
    });
    this.publishing = next.catch((err: unknown) => this.log.error({ err }, 'publishing a model version failed; the next candidate retries'));
    return this.publishing;
  }

  /**
   * Chunks first, then the manifest, all on partition 0 so readers see them in order.
   * Chunks of the version before the previous one are tombstoned so the compacted
   * topic keeps the last two complete versions and nothing older.
   */
  private async publish(manifest: ModelVersion, chunks: ModelChunk[]): Promise<void> {
    const topic = this.o.stage.output;
    const chunkKey = (version: number, index: number): string => `${manifest.model}/v${version}/chunk/${index}`;
    const messages: OutgoingMessage[] = chunks.map((c) => ({ key: chunkKey(c.version, c.index), value: encode('model-chunk', c), partition: 0 }));
    messages.push({ key: manifest.model, value: encode('model-version', manifest), partition: 0 });
    const producer = this.producer!;
    // one request per record: kafkajs puts a request's records for a partition in one
    // record batch, and the broker bounds a batch by max.message.bytes
    for (const message of messages) await withRetry(() => producer.send([{ topic, messages: [message] }]), { attempts: 8, baseMs: 200, maxMs: 5_000 });
    const old = this.oldVersionToPrune(manifest);
    if (old) {
      const tombstones = Array.from({ length: old.weights.chunks }, (_, i) => ({ key: chunkKey(old.version, i), value: null, partition: 0 }));
      await producer.send([{ topic, messages: tombstones }]).catch((err: unknown) => this.log.warn({ err }, 'pruning old chunks failed; they stay until the next version'));
    }
    this.history.push(manifest);
  }

  private history: ModelVersion[] = [];

  private oldVersionToPrune(current: ModelVersion): ModelVersion | undefined {
    const older = this.history.filter((v) => v.version < current.version);
    return older.length >= 2 ? older[older.length - 2] : undefined;
  }
}
