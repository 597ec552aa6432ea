import type { KafkaPort, ConsumedBatch, OutgoingMessage, TopicMessages } from '../kafka/index.js';
import type { AnyStageDescriptor } from '../stages/registry.js';
import type { StageState } from '../stages/types.js';
import type { StageConfig } from '../topology/schema.js';
import { changelogTopic, statsTopic } from '../topology/derived.js';
import { addCounters, emptyCounters, type StageCounters } from './counters.js';
import { accumulate, changelogMessages, freshContext, restorePartitions, statsMessage, type PartitionContext } from './partition-state.js';
import { processBatch, routeEmissions, type OriginOf, type RoutedBatch, type StageRoutes } from './process-batch.js';

/** What one stage made of a chunk: its routed records plus its changelog and counters. */
export interface StepResult {
  routed: RoutedBatch;
  /** Changelog and stats records of the chunk (the routed records are separate). */
  bookkeeping: TopicMessages[];
}

/**
 * One stage inside a StageRunner: its transform, routes, and the state and counters of
 * each input partition it holds. A runner has one step, or several when stages are fused.
 */
export class StageStep {
  readonly routes: StageRoutes;
  readonly changelog: string;
  readonly stats: string;
  private readonly contexts = new Map<number, PartitionContext<StageState | undefined>>();
  session: StageCounters = emptyCounters();

  constructor(
    readonly stage: StageConfig,
    readonly descriptor: AnyStageDescriptor,
    private readonly originOf?: OriginOf,
  ) {
    this.routes = {
      stageId: stage.id,
      output: stage.output,
      ...(stage.quarantine ? { quarantine: stage.quarantine } : {}),
      ...(stage.deadLetter ? { deadLetter: stage.deadLetter } : {}),
      ...(stage.quality ? { quality: stage.quality } : {}),
    };
    this.changelog = changelogTopic(stage);
    this.stats = statsTopic(stage);
  }

  holds(partition: number): boolean {
    return this.contexts.has(partition);
  }

  heldPartitions(): number[] {
    return [...this.contexts.keys()];
  }

  drop(partition: number): void {
    this.contexts.delete(partition);
  }

  /** Restores these partitions' state and counters from the changelog and stats topics. */
  async restore(kafka: KafkaPort, partitions: number[]): Promise<void> {
    if (partitions.length === 0) return;
    const restored = await restorePartitions({ kafka, stage: this.descriptor, stageOptions: this.stage.options, changelog: this.changelog, stats: this.stats, partitions });
    for (const p of partitions) this.contexts.set(p, restored.get(p) ?? freshContext(this.descriptor.createState(this.stage.options)));
  }

  /**
   * Runs the transform (and the stage's flush) over one chunk of a partition it holds.
   * `nextOffset` is the chain's input position once the chunk is done.
   */
  process(chunk: ConsumedBatch, o: { instance: string; nextOffset: number; now: number }): StepResult {
    const ctx = this.contexts.get(chunk.partition);
    if (!ctx) throw new Error(`stage ${this.stage.id} holds no state for partition ${chunk.partition} (a runtime bug)`);
    const routed = processBatch(chunk, {
      stage: this.descriptor,
      options: this.stage.options,
      state: ctx.state,
      routes: this.routes,
      instance: o.instance,
      ...(this.originOf ? { originOf: this.originOf } : {}),
    });
    const first = chunk.messages[0];
    if (this.descriptor.flush && first) {
      const position = { topic: chunk.topic, partition: chunk.partition, offset: first.offset, timestamp: first.timestamp };
      const emissions = this.descriptor.flush({ options: this.stage.options, state: ctx.state, instance: o.instance, position }, o.now);
      routeEmissions(emissions, undefined, { messages: routed.messages, counters: routed.counters, routes: this.routes, outputSources: routed.outputSources, onEmpty: () => {} });
    }
    accumulate(ctx, routed.counters, o.nextOffset);
    const bookkeeping: TopicMessages[] = [
      { topic: this.changelog, messages: changelogMessages(ctx, chunk.partition) },
      { topic: this.stats, messages: [statsMessage(ctx, chunk.partition, o.now)] },
    ];
    return { routed, bookkeeping };
  }

  /** Counts a chunk once its records are delivered and committed. */
  delivered(counters: StageCounters): void {
    this.session = addCounters(this.session, counters);
  }
}

/** Removes and returns the records routed to `topic`. */
export function takeTopic(messages: Map<string, OutgoingMessage[]>, topic: string): OutgoingMessage[] {
  const taken = messages.get(topic) ?? [];
  messages.delete(topic);
  return taken;
}
