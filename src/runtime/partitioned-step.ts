import { addCounters, emptyCounters, type StageCounters } from './counters.js';
import type { PartitionContext } from './partition-state.js';

/** What every step keeps alike: a context (state, counters, position) per input partition it holds, and its session counters. */
export abstract class PartitionedStep<S> {
  protected readonly contexts = new Map<number, PartitionContext<S>>();
  session: StageCounters = emptyCounters();

  protected abstract readonly stageId: string;

  holds(partition: number): boolean {
    return this.contexts.has(partition);
  }

  heldPartitions(): number[] {
    return [...this.contexts.keys()];
  }

  drop(partition: number): void {
    this.contexts.delete(partition);
  }

  /** Counts a chunk once its records are delivered and committed. */
  delivered(counters: StageCounters): void {
    this.session = addCounters(this.session, counters);
  }

  /** The context of a partition the runner restored before handing us its chunk. */
  protected context(partition: number): PartitionContext<S> {
    const ctx = this.contexts.get(partition);
    if (!ctx) throw new Error(`stage ${this.stageId} holds no state for partition ${partition} (a runtime bug)`);
    return ctx;
  }
}
