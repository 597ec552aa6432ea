import type { Logger } from 'pino';
import { childLogger } from '../log.js';
import { MAX_PARTITION_BYTES, type BatchControls, type ConsumedBatch, type ConsumerPort, type KafkaPort, type TopicMessages } from '../kafka/index.js';
import type { StageCounters } from './counters.js';
import { BatchDelivery } from './batch-delivery.js';
import { FailureSignal } from './failure.js';
import { recordBatch, recordLag } from '../telemetry/index.js';
import { runChain, type ChainResult } from './fusion.js';
import type { Step, TrainingProgress } from './step.js';

/**
 * At-least-once, a chunk's stats record stays in step with its outputs only while both go
 * to the broker in one produce request: a process killed between two requests of one
 * chunk would leave outputs on the topic that no stats record counts. The producer cuts a
 * request where one partition's records pass MAX_PARTITION_BYTES, and a chunk's outputs
 * keep their input's keys, so they share a partition: a chunk therefore ends before its
 * outputs could pass that. A fused chain's first stage only sees what it hands on, by the
 * bytes it read; the stages after it may add copies, hence a third of the limit
 * (docs/RELIABILITY.md, "One chunk, one request").
 */
const CHUNK_OUTPUT_BUDGET = MAX_PARTITION_BYTES;
const FUSED_CHUNK_OUTPUT_BUDGET = Math.floor(MAX_PARTITION_BYTES / 3);

export interface StageRunnerOptions {
  kafka: KafkaPort;
  /**
   * The stage that consumes, then the stages fused after it, in order (see fusion.ts):
   * each reads the previous one's output in memory, and the topics between them are
   * not written. Build them with the kind registry (runtime/kinds.ts).
   */
  steps: [Step, ...Step[]];
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
  /** Records of the input topic not yet read; 0 for a fused stage, which has no topic of its own. */
  lag: number;
  /** Group joins since start: more than one means a rebalance happened. */
  groupJoins: number;
  /** Set for a stage that trains models. */
  training?: TrainingProgress;
}

/**
 * The one runtime that moves records for every stage kind, the trainer included: consume
 * a batch, cut it into chunks, let each step turn a chunk into records and bookkeeping,
 * produce all of it, then commit offsets (at-least-once: after the produce is
 * acknowledged; exactly-once: inside one Kafka transaction).
 */
export class StageRunner {
  private readonly log: Logger;
  /** The stage that consumes, then any stages fused after it. */
  private readonly steps: Step[];
  private consumer: ConsumerPort | undefined;
  private delivery: BatchDelivery | undefined;
  /**
   * Partitions whose next batch must start at the group's committed offset, checked with
   * the broker: every partition after a (re)join, and a partition whose batch failed.
   * kafkajs can fetch from elsewhere: its transactional sendOffsets marks offsets
   * committed in the consumer before the transaction commits, so after an aborted one,
   * a rejoin would skip its records; and a partition that comes back after another
   * member moved it on would be fetched from where this one left it.
   */
  private unchecked = new Set<number>();
  /** Newly assigned partitions whose state is restored before their first batch. */
  private toRestore = new Set<number>();
  private lag = new Map<number, number>();
  private lastBatchAt = 0;
  private groupJoins = 0;
  private running: Promise<void> | undefined;
  /** Settles when the consumer stopped for good on its own (the process should exit non-zero). */
  readonly failure = new FailureSignal();
  private stopping = false;

  constructor(private readonly o: StageRunnerOptions) {
    this.log = (o.logger ?? childLogger({})).child({ stage: o.steps.map((s) => s.stage.id).join('+'), instance: o.instance });
    this.steps = o.steps;
  }

  /** The consuming stage. */
  private get head(): Step {
    return this.steps[0]!;
  }

  get group(): string {
    return this.head.stage.group;
  }

  /** The consuming stage's progress. */
  progress(): StageProgress {
    return this.stepProgress()[0]!;
  }

  /** Every stage this runner runs, fused ones included. */
  stepProgress(): StageProgress[] {
    let lag = 0;
    for (const l of this.lag.values()) lag += l;
    return this.steps.map((step, i) => ({
      stage: step.stage.id,
      instance: this.o.instance,
      session: step.session,
      lastBatchAt: this.lastBatchAt,
      lag: i === 0 ? lag : 0,
      groupJoins: this.groupJoins,
      ...(step.training ? { training: step.training() } : {}),
    }));
  }

  /** Restores state, joins the group and starts consuming; resolves once consuming began. */
  async start(): Promise<void> {
    const exactlyOnce = this.o.delivery === 'exactly-once';
    for (const step of this.steps) await step.open?.();
    const producer = this.o.kafka.producer(exactlyOnce ? { transactionalId: `${this.group}.tx.${this.o.instanceIndex ?? 0}` } : {});
    await producer.connect();
    this.delivery = new BatchDelivery(this.o.kafka, producer, this.group, this.log);
    this.consumer = this.o.kafka.consumer({
      groupId: this.group,
      topics: [this.head.stage.input],
      fromBeginning: true,
      readCommitted: exactlyOnce,
      sessionTimeoutMs: this.head.stage.sessionTimeoutMs,
      // one batch at a time: with kafkajs handling partitions concurrently, a failover let
      // a later batch of a partition commit while an earlier one failed (docs/RELIABILITY.md)
      partitionsConcurrently: 1,
    });
    this.consumer.onGroupJoin((assignment) => {
      this.groupJoins++;
      this.onAssignment(assignment);
    });
    this.consumer.onCrash((err, restart) => {
      this.log.error({ err, restart }, restart ? 'consumer crashed; it starts again' : 'consumer crashed for good');
      if (!restart) this.failure.fail(err);
    });
    this.running = this.consumer.run((batch, controls) => this.onBatch(batch, controls));
    await this.running;
    const fused = this.steps.slice(1).map((s) => s.stage.id);
    this.log.info({ input: this.head.stage.input, delivery: this.o.delivery, ...(fused.length > 0 ? { fused } : {}) }, 'stage running');
  }

  /** Stops fetching, lets the batch in hand finish and commit, leaves the group. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.delivery?.stopRetrying();
    await this.consumer?.stop();
    for (const step of this.steps) await step.close?.();
    await this.delivery?.disconnect();
    this.log.info({ session: Object.fromEntries(this.steps.map((s) => [s.stage.id, s.session])) }, 'stage stopped');
  }

  /**
   * Makes sure every step holds the partition's state and counters. Partitions this
   * member was not holding before the last rebalance are restored from the changelog and
   * stats topics before their first batch (all such partitions in one pass): whoever held
   * them may have moved their state and counters on since, and a stale stats record of
   * ours would overwrite theirs.
   */
  private async ensureState(partition: number, controls: BatchControls): Promise<void> {
    if (this.steps.every((step) => step.holds(partition))) return;
    const partitions = [...new Set([partition, ...this.toRestore])];
    this.log.info({ partitions }, 'restoring partition state');
    // restoring can take seconds: keep our group membership alive meanwhile
    const beat = setInterval(() => void controls.heartbeat().catch((err: unknown) => this.log.warn({ err }, 'heartbeat during restore failed')), 1_000);
    try {
      // a step restored by an earlier attempt that failed part-way keeps what it has
      await Promise.all(this.steps.map((step) => step.restore(partitions.filter((p) => !step.holds(p)))));
      for (const p of partitions) this.toRestore.delete(p);
    } finally {
      clearInterval(beat);
    }
  }

  /** After every (re)join: keep the partitions held before, restore the ones newly assigned. */
  private onAssignment(assignment: Record<string, number[]>): void {
    const mine = new Set(assignment[this.head.stage.input] ?? []);
    for (const step of this.steps) for (const partition of step.heldPartitions()) if (!mine.has(partition)) step.drop(partition);
    this.toRestore = new Set([...mine].filter((p) => !this.steps.every((step) => step.holds(p))));
    this.unchecked = new Set(mine);
    this.log.info({ partitions: [...mine] }, 'partitions assigned');
  }

  private async onBatch(batch: ConsumedBatch, controls: BatchControls): Promise<void> {
    if (this.unchecked.has(batch.partition) && !(await this.startsAtCommitted(batch, controls))) return;
    try {
      await this.processChunks(batch, controls);
    } catch (err) {
      // the failed chunk changed the steps' state and counters before its delivery failed:
      // they are read back from the changelog and stats topics before the next chunk
      for (const step of this.steps) step.drop(batch.partition);
      this.unchecked.add(batch.partition);
      throw err;
    }
  }

  /**
   * True when the batch starts at the group's committed offset. Otherwise the partition
   * is fetched again from there and the batch is dropped; the fetch that follows is
   * trusted (it may start later than the committed offset only past aborted records).
   */
  private async startsAtCommitted(batch: ConsumedBatch, controls: BatchControls): Promise<boolean> {
    const position = await this.deliveryOrThrow().groupPosition(batch.topic, batch.partition);
    this.unchecked.delete(batch.partition);
    if (position === controls.fetchedOffset) return true;
    this.log.warn({ partition: batch.partition, fetchedOffset: controls.fetchedOffset, position }, 'fetched from an offset the group did not commit; fetching again from the committed one');
    controls.seek(position);
    return false;
  }

  private async processChunks(batch: ConsumedBatch, controls: BatchControls): Promise<void> {
    const size = this.head.stage.batchSize;
    for (let start = 0; start < batch.messages.length; ) {
      if (controls.isStale()) return; // a seek is pending: the rest is fetched again
      const chunk: ConsumedBatch = { ...batch, messages: batch.messages.slice(start, start + size) };
      const began = Date.now();
      await this.ensureState(batch.partition, controls);
      // the last chunk of a fetch commits past any transaction markers that ended it
      const isLast = start + size >= batch.messages.length;
      const last = chunk.messages[chunk.messages.length - 1]!;
      const wholeChunk = isLast ? Math.max(last.offset + 1, batch.lastOffset + 1) : last.offset + 1;
      const { outgoing, counters, consumed, nextOffset } = await this.runSteps(chunk, wholeChunk);
      start += consumed;
      await this.deliveryOrThrow().deliver(outgoing, { topic: batch.topic, partition: batch.partition, offset: nextOffset }, controls);
      // committed: should a later chunk fail, the partition is read again from here
      if (!controls.isStale()) controls.resolve(nextOffset);
      this.steps.forEach((step, i) => {
        step.delivered(counters[i]!);
        recordBatch({ stage: step.stage.id, counters: counters[i]!, durationMs: Date.now() - began });
      });
      this.lastBatchAt = Date.now();
      const lag = Math.max(0, batch.highWatermark - nextOffset);
      this.lag.set(batch.partition, lag);
      recordLag({ stage: this.head.stage.id, topic: batch.topic, partition: batch.partition, lag });
      await controls.heartbeat();
      for (const step of this.steps) await step.afterChunk?.();
    }
  }

  /**
   * Runs the chunk through every step; a fused step reads what the step before it output.
   * At-least-once, the chunk may end early so that its records fit one produce request
   * (see CHUNK_OUTPUT_BUDGET); the rest of it is the next chunk.
   */
  private runSteps(chunk: ConsumedBatch, nextOffset: number): Promise<ChainResult> {
    const budget = this.o.delivery === 'at-least-once' ? { outputBudget: this.steps.length > 1 ? FUSED_CHUNK_OUTPUT_BUDGET : CHUNK_OUTPUT_BUDGET } : {};
    return runChain(this.steps, chunk, { instance: this.o.instance, nextOffset, now: Date.now(), ...budget });
  }

  private deliveryOrThrow(): BatchDelivery {
    if (!this.delivery) throw new Error('stage runner not started');
    return this.delivery;
  }
}
