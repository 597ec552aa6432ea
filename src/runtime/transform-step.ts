import { confluentSchemaIds, type RegistryClient } from '../confluent/index.js';
import type { WriterSchemas } from '../ingest/wire.js';
import type { KafkaPort, ConsumedBatch, OutgoingMessage, TopicMessages } from '../kafka/index.js';
import type { StageState } from '../stages/types.js';
import type { StageConfig } from '../topology/schema.js';
import { changelogTopic, statsTopic } from '../topology/derived.js';
import type { AnyStageDescriptor } from '../stages/registry.js';
import { accumulate, changelogMessages, freshContext, restorePartitions, statsMessage } from './partition-state.js';
import { PartitionedStep } from './partitioned-step.js';
import { stageRoutes, type OriginOf, type StageRoutes } from './batch-outcome.js';
import { nextOffsetAfter, processBatch } from './process-batch.js';
import type { Step, StepProcessOptions, StepResult } from './step.js';

const NO_WRITERS: WriterSchemas = new Map();

/**
 * A stage with a pure per-record transform inside a StageRunner: its routes, and the
 * state and counters of each input partition it holds. A runner has one step, or
 * several when stages are fused.
 */
export class TransformStep extends PartitionedStep<StageState | undefined> implements Step {
  readonly routes: StageRoutes;
  readonly changelog: string;
  readonly stats: string;

  protected get stageId(): string {
    return this.stage.id;
  }

  private readonly originOf: OriginOf | undefined;
  /** Where the writer schemas of Confluent-framed ingest records come from; only a stage reading the ingest topic uses it. */
  private readonly schemaRegistry: RegistryClient | undefined;

  constructor(
    readonly stage: StageConfig,
    readonly descriptor: AnyStageDescriptor,
    private readonly kafka: KafkaPort,
    extras: { originOf?: OriginOf | undefined; schemaRegistry?: RegistryClient | undefined } = {},
  ) {
    super();
    this.originOf = extras.originOf;
    this.schemaRegistry = descriptor.input === 'raw' ? extras.schemaRegistry : undefined;
    this.routes = stageRoutes(stage);
    this.changelog = changelogTopic(stage);
    this.stats = statsTopic(stage);
  }

  /** Restores these partitions' state and counters from the changelog and stats topics. */
  async restore(partitions: number[]): Promise<void> {
    if (partitions.length === 0) return;
    const restored = await restorePartitions({ kafka: this.kafka, stage: this.descriptor, stageOptions: this.stage.options, changelog: this.changelog, stats: this.stats, partitions });
    for (const p of partitions) this.contexts.set(p, restored.get(p) ?? freshContext(this.descriptor.createState(this.stage.options)));
  }

  /**
   * Runs the transform (then the stage's flush) over one chunk of a partition it holds. The
   * writer schemas its Confluent-framed records name are looked up first (asynchronously,
   * cached by the client), so decoding stays synchronous.
   */
  process(chunk: ConsumedBatch, o: StepProcessOptions): StepResult | Promise<StepResult> {
    if (!this.schemaRegistry) return this.processWith(chunk, o, undefined);
    const ids = confluentSchemaIds(chunk.messages.map((m) => m.value));
    if (ids.length === 0) return this.processWith(chunk, o, NO_WRITERS);
    return this.schemaRegistry.writerSchemas(ids).then((writers) => this.processWith(chunk, o, writers));
  }

  private processWith(chunk: ConsumedBatch, o: StepProcessOptions, writers: WriterSchemas | undefined): StepResult {
    const ctx = this.context(chunk.partition);
    const routed = processBatch(chunk, {
      stage: this.descriptor,
      options: this.stage.options,
      state: ctx.state,
      routes: this.routes,
      instance: o.instance,
      ...(this.originOf ? { originOf: this.originOf } : {}),
      ...(writers ? { writers } : {}),
      flushAt: o.now,
      ...(o.handOff === true ? { handOff: true } : {}),
      ...(o.outputBudget !== undefined ? { outputBudget: o.outputBudget } : {}),
    });
    accumulate(ctx, routed.counters, nextOffsetAfter(chunk, routed.consumed, o.nextOffset));
    const bookkeeping: TopicMessages[] = [
      { topic: this.changelog, messages: changelogMessages(ctx, chunk.partition) },
      { topic: this.stats, messages: [statsMessage(ctx, chunk.partition, o.now)] },
    ];
    return { routed, bookkeeping };
  }
}

/** Removes and returns the records routed to `topic`. */
export function takeTopic(messages: Map<string, OutgoingMessage[]>, topic: string): OutgoingMessage[] {
  const taken = messages.get(topic) ?? [];
  messages.delete(topic);
  return taken;
}
