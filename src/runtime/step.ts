import type { Logger } from 'pino';
import type { RegistryClient } from '../confluent/index.js';
import type { ConsumedBatch, KafkaPort, TopicMessages } from '../kafka/index.js';
import type { ModelLabel, ModelVersion } from '../records/types.js';
import type { StageConfig } from '../topology/index.js';
import type { OriginOf, RoutedBatch } from './batch-outcome.js';
import type { StageCounters } from './counters.js';

/** What one stage made of a chunk: its routed records plus its changelog and counters. */
export interface StepResult {
  routed: RoutedBatch;
  /** Changelog and stats records of the chunk (the routed records are separate). */
  bookkeeping: TopicMessages[];
}

/** What a trainer reports beyond a stage's counters. */
export interface TrainingProgress {
  model: string;
  backend: string;
  executor: string;
  examplesSeen: number;
  published: number;
  rejected: number;
  lastVersion: ModelVersion | undefined;
}

/** Callbacks for stages that publish models; the demo and tests listen to them. */
export interface ModelEvents {
  onModelPublished?: (manifest: ModelVersion) => void;
  onCandidateRejected?: (reason: string, holdoutAccuracy: number) => void;
  /** Automatic rollback moved a label back; the record carries the reason. */
  onLabelRolledBack?: (label: ModelLabel) => void;
}

/** What a kind gets to build the step of one configured stage. */
export interface StepEnv {
  kafka: KafkaPort;
  delivery: 'at-least-once' | 'exactly-once';
  instance: string;
  logger: Logger;
  /** Set when the stage is fused after another: where its records come from (fusion.ts). */
  originOf?: OriginOf;
  events?: ModelEvents;
  /** The topology's schema registry (Confluent-framed records on the ingest topic); absent when it names none. */
  schemaRegistry?: RegistryClient;
}

export interface StepProcessOptions {
  instance: string;
  nextOffset: number;
  now: number;
  handOff?: boolean;
  /** The chain's first step may end the chunk early to keep its records within this many bytes (process-batch.ts). */
  outputBudget?: number;
}

/**
 * One stage inside a StageRunner. The runner owns the consumer, the producer, chunking,
 * offsets, delivery, commits and retries; a step turns a chunk of one partition it holds
 * into routed records and bookkeeping (changelog, stats), and keeps per-partition state.
 */
export interface Step {
  readonly stage: StageConfig;
  /** Counters of every chunk delivered since start. */
  readonly session: StageCounters;
  holds(partition: number): boolean;
  heldPartitions(): number[];
  drop(partition: number): void;
  /** Restores these partitions' state and counters (after a group join, before their first chunk). */
  restore(partitions: number[]): Promise<void>;
  /**
   * `nextOffset` is the chain's input position once the chunk is done. `handOff`: a fused
   * stage reads this step's output in memory, so its output records need no bytes. A step
   * that takes only the chunk's first `routed.consumed` records (an `outputBudget` cut)
   * accounts up to the offset after the last of them.
   */
  process(chunk: ConsumedBatch, o: StepProcessOptions): StepResult | Promise<StepResult>;
  /** Counts a chunk once its records are delivered and committed. */
  delivered(counters: StageCounters): void;
  /** Before the runner's consumer joins the group (e.g. point the group at a model's offsets). */
  open?(): Promise<void>;
  /** After each chunk was delivered and committed. */
  afterChunk?(): Promise<void>;
  /** After the consumer stopped: flush what the step holds (e.g. publish what was learned). */
  close?(): Promise<void>;
  training?(): TrainingProgress;
}
