import { ErrorCode, describeError, isReviewflowError } from '../errors.js';
import { messageBytes, type ConsumedBatch, type ConsumedMessage, type OutgoingMessage } from '../kafka/index.js';
import { decode, encode, type RecordName, type RecordTypes } from '../records/index.js';
import type { DeadLetter, Review } from '../records/types.js';
import type { StageConfig } from '../topology/index.js';
import { countReason, emptyCounters, type StageCounters } from './counters.js';

/** Where a stage's records go. */
export interface StageRoutes {
  stageId: string;
  output: string;
  quarantine?: string;
  deadLetter?: string;
  quality?: string;
}

export function stageRoutes(stage: StageConfig): StageRoutes {
  return {
    stageId: stage.id,
    output: stage.output,
    ...(stage.quarantine ? { quarantine: stage.quarantine } : {}),
    ...(stage.deadLetter ? { deadLetter: stage.deadLetter } : {}),
    ...(stage.quality ? { quality: stage.quality } : {}),
  };
}

export interface RoutedBatch {
  /** Outgoing records by topic, in input order. */
  messages: Map<string, OutgoingMessage[]>;
  counters: StageCounters;
  /** For each record on the output topic, in order: the input offset it came from. */
  outputSources: number[];
  /** In a fused hand-off only (empty otherwise), for each record on the output topic, in order: its review. */
  outputReviews: Review[];
  /** How many of the chunk's records, from its first, this outcome accounts for (see process-batch.ts). */
  consumed: number;
}

/** Where a record read by the stage can be found again: its topic and offset. */
export type OriginOf = (topic: string, offset: number) => { topic: string; offset: number };

function deadLetter(options: { stage: string; code: string; message: string; topic: string; partition: number; source: ConsumedMessage; now: number }): DeadLetter {
  return {
    stage: options.stage,
    errorCode: options.code,
    errorMessage: options.message.slice(0, 2_000),
    sourceTopic: options.topic,
    sourcePartition: options.partition,
    sourceOffset: options.source.offset,
    key: options.source.key,
    value: options.source.value,
    failedAt: options.now,
  };
}

/**
 * What one stage made of one chunk, built up record by record: the records it routes by
 * topic, its counters, and the dead letters. Every stage kind (transforms and the trainer)
 * decodes and dead-letters through this one place, so a dead letter has one shape.
 */
export class BatchOutcome {
  readonly messages = new Map<string, OutgoingMessage[]>();
  readonly counters = emptyCounters();
  readonly outputSources: number[] = [];
  readonly outputReviews: Review[] = [];
  /** What the routed records weigh against a produce request's limits (messageBytes), hand-offs by their source's bytes. */
  bytes = 0;

  constructor(
    private readonly batch: ConsumedBatch,
    readonly routes: StageRoutes,
    private readonly o: {
      now?: () => number;
      /** Where dead letters say a record came from; by default where it was read (see fusion.ts). */
      originOf?: OriginOf;
    } = {},
  ) {}

  push(topic: string, message: OutgoingMessage): void {
    this.bytes += messageBytes(message);
    const list = this.messages.get(topic);
    if (list) list.push(message);
    else this.messages.set(topic, [message]);
  }

  /** Decodes a record as `name`; one that cannot be decoded becomes a dead letter (undefined). */
  decode<N extends RecordName>(source: ConsumedMessage, name: N): RecordTypes[N] | undefined {
    return this.decodeWith(source, (value) => decode(name, value));
  }

  /** Decodes a record's value with `read`; what it throws makes the record a dead letter (undefined). */
  decodeWith<T>(source: ConsumedMessage, read: (value: Buffer) => T): T | undefined {
    try {
      if (source.value === null) throw new Error('record has no value (a tombstone)');
      return read(source.value);
    } catch (err) {
      this.deadLetter(source, err, ErrorCode.CORRUPT_BODY);
      return undefined;
    }
  }

  /** Counts a record as dead-lettered and, when the stage has a DLQ topic, writes its letter. */
  deadLetter(source: ConsumedMessage, err: unknown, fallbackCode: string): void {
    const code = isReviewflowError(err) ? err.code : fallbackCode;
    this.counters.deadLettered++;
    countReason(this.counters, code);
    if (!this.routes.deadLetter) return; // counted; a topology without a DLQ topic chose to drop them
    const origin = this.o.originOf ? this.o.originOf(this.batch.topic, source.offset) : { topic: this.batch.topic, offset: source.offset };
    const now = this.o.now ?? Date.now;
    const letter = deadLetter({ stage: this.routes.stageId, code, message: describeError(err), topic: origin.topic, partition: this.batch.partition, source: { ...source, offset: origin.offset }, now: now() });
    this.push(this.routes.deadLetter, { key: source.key, value: encode('dead-letter', letter), headers: source.headers });
  }

  routed(): RoutedBatch {
    return { messages: this.messages, counters: this.counters, outputSources: this.outputSources, outputReviews: this.outputReviews, consumed: this.counters.in };
  }
}
