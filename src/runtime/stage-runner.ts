import type { Logger } from 'pino';
import { childLogger } from '../log.js';
import type { BatchControls, ConsumedBatch, ConsumerPort, KafkaPort, OutgoingMessage, ProducerPort, TopicMessages } from '../kafka/index.js';
import type { StageDescriptor, StageInput, StageState } from '../stages/types.js';
import type { StageConfig } from '../topology/schema.js';
import { changelogTopic, statsTopic } from '../topology/derived.js';
import { addCounters, emptyCounters, type StageCounters } from './counters.js';
import { changelogMessages, accumulate, freshContext, restorePartitions, statsMessage, type PartitionContext } from './partition-state.js';
import { processBatch, routeEmissions, type StageRoutes } from './process-batch.js';
import { withRetry } from '../util/retry.js';
import { FailureSignal } from './failure.js';
import { recordBatch } from '../telemetry/index.js';

export interface StageRunnerOptions {
  kafka: KafkaPort;
  stage: StageConfig;
  descriptor: StageDescriptor<unknown, StageState | undefined, StageInput>;
  delivery: 'at-least-once' | 'exactly-once';
  /** Unique per process: shows up in logs, metrics and the transactional id. */
  instance: string;
  /** Stable index of this instance within the stage (transactional id fencing). */
  instanceIndex?: number;
  logger?: Logger;
}

export interface StageProgress {
  stage: string;
  instance: string;
  session: StageCounters;
  lastBatchAt: number;
  lag: number;
}

/**
 * The one runtime that moves records for every stage: consume a batch, run the pure
 * transform, produce outputs, changelog and counters, then commit offsets (at-least-once:
 * after the produce is acknowledged; exactly-once: inside one Kafka transaction).
 */
export class StageRunner {
  private readonly log: Logger;
  private readonly routes: StageRoutes;
  private readonly changelog: string;
  private readonly stats: string;
  private consumer: ConsumerPort | undefined;
  private producer: ProducerPort | undefined;
  /** State and counters of the partitions this member holds (none until assigned). */
  private readonly contexts = new Map<number, PartitionContext<StageState | undefined>>();
  /** Newly assigned partitions whose state is restored before their first batch. */
  private toRestore = new Set<number>();
  private session = emptyCounters();
  private lag = new Map<number, number>();
  private lastBatchAt = 0;
  private running: Promise<void> | undefined;
  /** Settles when the consumer stopped for good on its own (the process should exit non-zero). */
  readonly failure = new FailureSignal();
  private stopping = false;

  constructor(private readonly o: StageRunnerOptions) {
    this.log = (o.logger ?? childLogger({})).child({ stage: o.stage.id, instance: o.instance });
    this.routes = {
      stageId: o.stage.id,
      output: o.stage.output,
      ...(o.stage.quarantine ? { quarantine: o.stage.quarantine } : {}),
      ...(o.stage.deadLetter ? { deadLetter: o.stage.deadLetter } : {}),
      ...(o.stage.quality ? { quality: o.stage.quality } : {}),
    };
    this.changelog = changelogTopic(o.stage);
    this.stats = statsTopic(o.stage);
  }

  get group(): string {
    return this.o.stage.group ?? this.o.stage.id;
  }

  progress(): StageProgress {
    let lag = 0;
    for (const l of this.lag.values()) lag += l;
    return { stage: this.o.stage.id, instance: this.o.instance, session: this.session, lastBatchAt: this.lastBatchAt, lag };
  }

  /** Restores state, joins the group and starts consuming; resolves once consuming began. */
  async start(): Promise<void> {
    const exactlyOnce = this.o.delivery === 'exactly-once';
    this.producer = this.o.kafka.producer(exactlyOnce ? { transactionalId: `${this.group}.tx.${this.o.instanceIndex ?? 0}` } : {});
    await this.producer.connect();
    this.consumer = this.o.kafka.consumer({
      groupId: this.group,
      topics: [this.o.stage.input],
      fromBeginning: true,
      readCommitted: exactlyOnce,
      sessionTimeoutMs: this.o.stage.sessionTimeoutMs,
    });
    this.consumer.onGroupJoin((assignment) => this.onAssignment(assignment));
    this.consumer.onCrash((err, restart) => {
      this.log.error({ err, restart }, restart ? 'consumer crashed; kafkajs restarts it' : 'consumer crashed for good');
      if (!restart) this.failure.fail(err);
    });
    this.running = this.consumer.run((batch, controls) => this.onBatch(batch, controls));
    await this.running;
    this.log.info({ input: this.o.stage.input, delivery: this.o.delivery }, 'stage running');
  }

  /** Stops fetching, lets the batch in hand finish and commit, leaves the group. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.consumer?.stop();
    await this.producer?.disconnect();
    this.log.info({ session: this.session }, 'stage stopped');
  }

  /**
   * The partition's state and counters. Partitions this member was not holding before the
   * last rebalance are restored from the changelog and stats topics before their first
   * batch (all such partitions in one pass): whoever held them may have moved their state
   * and counters on since, and a stale stats record of ours would overwrite theirs.
   */
  private async context(partition: number, controls: BatchControls): Promise<PartitionContext<StageState | undefined>> {
    const known = this.contexts.get(partition);
    if (known) return known;
    const partitions = [...new Set([partition, ...this.toRestore])];
    this.log.info({ partitions }, 'restoring partition state');
    // restoring can take seconds: keep our group membership alive meanwhile
    const beat = setInterval(() => void controls.heartbeat().catch((err: unknown) => this.log.warn({ err }, 'heartbeat during restore failed')), 1_000);
    try {
      const restored = await restorePartitions({
        kafka: this.o.kafka,
        stage: this.o.descriptor,
        stageOptions: this.o.stage.options,
        changelog: this.changelog,
        stats: this.stats,
        partitions,
      });
      for (const p of partitions) {
        this.contexts.set(p, restored.get(p) ?? freshContext(this.o.descriptor.createState(this.o.stage.options)));
        this.toRestore.delete(p);
      }
    } finally {
      clearInterval(beat);
    }
    return this.contexts.get(partition)!;
  }

  /** After every (re)join: keep the partitions held before, restore the ones newly assigned. */
  private onAssignment(assignment: Record<string, number[]>): void {
    const mine = new Set(assignment[this.o.stage.input] ?? []);
    for (const partition of [...this.contexts.keys()]) if (!mine.has(partition)) this.contexts.delete(partition);
    this.toRestore = new Set([...mine].filter((p) => !this.contexts.has(p)));
    this.log.info({ partitions: [...mine] }, 'partitions assigned');
  }

  private async onBatch(batch: ConsumedBatch, controls: BatchControls): Promise<void> {
    const size = this.o.stage.batchSize;
    for (let start = 0; start < batch.messages.length; start += size) {
      if (controls.isStale()) return; // the partition moved: the new owner redoes this
      const chunk: ConsumedBatch = { ...batch, messages: batch.messages.slice(start, start + size) };
      const first = chunk.messages[0];
      if (!first) continue;
      const began = Date.now();
      const ctx = await this.context(batch.partition, controls);
      const routed = processBatch(chunk, {
        stage: this.o.descriptor,
        options: this.o.stage.options,
        state: ctx.state,
        routes: this.routes,
        instance: this.o.instance,
      });
      if (this.o.descriptor.flush) {
        const emissions = this.o.descriptor.flush({ options: this.o.stage.options, state: ctx.state, instance: this.o.instance, position: { topic: batch.topic, partition: batch.partition, offset: first.offset, timestamp: first.timestamp } }, Date.now());
        routeEmissions(emissions, undefined, { messages: routed.messages, counters: routed.counters, routes: this.routes, onEmpty: () => {} });
      }
      // the last chunk of a fetch commits past any transaction markers that ended it
      const isLast = start + size >= batch.messages.length;
      const nextOffset = isLast ? Math.max(routed.nextOffset, batch.lastOffset + 1) : routed.nextOffset;
      accumulate(ctx, routed.counters, nextOffset);
      const batches: TopicMessages[] = [...routed.messages].map(([topic, messages]) => ({ topic, messages }));
      batches.push({ topic: this.changelog, messages: changelogMessages(ctx, batch.partition) });
      batches.push({ topic: this.stats, messages: [statsMessage(ctx, batch.partition, Date.now())] });
      await this.deliver(batches, { topic: batch.topic, partition: batch.partition, offset: nextOffset }, controls);
      this.session = addCounters(this.session, routed.counters);
      this.lastBatchAt = Date.now();
      this.lag.set(batch.partition, Math.max(0, batch.highWatermark - nextOffset));
      recordBatch({ stage: this.o.stage.id, counters: routed.counters, durationMs: Date.now() - began });
      await controls.heartbeat();
    }
  }

  private async deliver(batches: TopicMessages[], commit: { topic: string; partition: number; offset: number }, controls: BatchControls): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new Error('stage runner not started');
    const retry = { attempts: 8, baseMs: 200, maxMs: 5_000, onRetry: (err: unknown, attempt: number) => this.log.warn({ err, attempt }, 'delivery failed; retrying') };
    if (producer.transactional) {
      await withRetry(() => producer.transaction(async (tx) => {
        await tx.send(batches);
        await tx.sendOffsets(this.group, [commit]);
      }), retry);
      return;
    }
    await withRetry(() => producer.send(batches), retry);
    // not retried here: a commit fails when the group moved on (rebalance, coordinator
    // lost); the error goes back to kafkajs, which rejoins, and the batch is read again
    await controls.commit([commit]);
  }
}

export type { OutgoingMessage };
