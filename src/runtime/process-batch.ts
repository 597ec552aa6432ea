import { ErrorCode, describeError, isReviewflowError } from '../errors.js';
import { decode, encode } from '../records/index.js';
import type { DeadLetter, Review } from '../records/types.js';
import type { ConsumedBatch, ConsumedMessage, OutgoingMessage } from '../kafka/index.js';
import type { Emission, StageDescriptor, StageInput, StageState, TransformContext } from '../stages/types.js';
import { countReason, emptyCounters, type StageCounters } from './counters.js';
import { traceStep } from '../telemetry/index.js';

/** Where a stage's emissions go. */
export interface StageRoutes {
  stageId: string;
  output: string;
  quarantine?: string;
  deadLetter?: string;
  quality?: string;
}

export interface RoutedBatch {
  /** Outgoing records by topic, in input order. */
  messages: Map<string, OutgoingMessage[]>;
  counters: StageCounters;
  /** For each record on the output topic, in order: the input offset it came from. */
  outputSources: number[];
}

/** Where a record read by the stage can be found again: its topic and offset. */
export type OriginOf = (topic: string, offset: number) => { topic: string; offset: number };

export interface ProcessOptions<O, S extends StageState | undefined> {
  stage: StageDescriptor<O, S, StageInput>;
  options: O;
  state: S;
  routes: StageRoutes;
  instance: string;
  now?: () => number;
  /**
   * Where dead letters say a record came from. By default the topic and offset it was
   * read at; a fused stage reads records that never reached a topic (see fusion.ts).
   */
  originOf?: OriginOf;
}

/** The record key travels on: it decided the partition upstream (content hash or id). */
function keyOf(message: ConsumedMessage, review: Review): Buffer | string {
  return message.key ?? review.id;
}

function push(map: Map<string, OutgoingMessage[]>, topic: string, message: OutgoingMessage): void {
  const list = map.get(topic);
  if (list) list.push(message);
  else map.set(topic, [message]);
}

export function deadLetter(options: { stage: string; code: string; message: string; topic: string; partition: number; source: ConsumedMessage; now: number }): DeadLetter {
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
 * Decodes, transforms and routes one batch. Pure apart from the stage's own state object:
 * no Kafka here, so the accounting is tested without a broker. Every input record ends
 * with exactly one fate; a record that cannot be decoded or that makes the transform
 * throw becomes a dead letter, and the next record goes on.
 */
export function processBatch<O, S extends StageState | undefined>(batch: ConsumedBatch, p: ProcessOptions<O, S>): RoutedBatch {
  const now = p.now ?? Date.now;
  const messages = new Map<string, OutgoingMessage[]>();
  const counters = emptyCounters();
  const { routes, stage } = p;
  const recordName = stage.input === 'raw' ? 'review-raw' : 'review';
  const outputSources: number[] = [];

  const toDlq = (source: ConsumedMessage, code: string, message: string): void => {
    counters.deadLettered++;
    countReason(counters, code);
    if (!routes.deadLetter) return; // counted; a topology without a DLQ topic chose to drop them
    const origin = p.originOf ? p.originOf(batch.topic, source.offset) : { topic: batch.topic, offset: source.offset };
    const letter = deadLetter({ stage: routes.stageId, code, message, topic: origin.topic, partition: batch.partition, source: { ...source, offset: origin.offset }, now: now() });
    push(messages, routes.deadLetter, { key: source.key, value: encode('dead-letter', letter), headers: source.headers });
  };

  for (const consumed of batch.messages) {
    counters.in++;
    // the record's span in this stage; its context travels on in the output headers
    const step = traceStep(`reviewflow.${routes.stageId}`, consumed.headers, { 'reviewflow.stage': routes.stageId, 'messaging.source.name': batch.topic, 'messaging.kafka.partition': batch.partition, 'messaging.kafka.offset': consumed.offset });
    const message: ConsumedMessage = step.headers === consumed.headers ? consumed : { ...consumed, headers: step.headers };
    try {
      processOne(message);
    } finally {
      step.span.end();
    }
  }
  return { messages, counters, outputSources };

  function processOne(message: ConsumedMessage): void {
    let record: StageInput;
    try {
      if (message.value === null) throw new Error('record has no value (a tombstone)');
      record = decode(recordName, message.value) as StageInput;
    } catch (err) {
      toDlq(message, isReviewflowError(err) ? err.code : ErrorCode.CORRUPT_BODY, describeError(err));
      return;
    }
    const context: TransformContext<O, S> = {
      options: p.options,
      state: p.state,
      instance: p.instance,
      position: { topic: batch.topic, partition: batch.partition, offset: message.offset, timestamp: message.timestamp },
    };
    let emissions: Emission[];
    try {
      emissions = stage.transform(record, context);
    } catch (err) {
      toDlq(message, isReviewflowError(err) ? err.code : ErrorCode.TRANSFORM_FAILED, describeError(err));
      return;
    }
    routeEmissions(emissions, message, { messages, counters, routes, outputSources, onEmpty: () => toDlq(message, ErrorCode.TRANSFORM_FAILED, `stage ${routes.stageId} emitted nothing for this record`) });
  }
}

interface RouteTarget {
  messages: Map<string, OutgoingMessage[]>;
  counters: StageCounters;
  routes: StageRoutes;
  /** Receives the source offset of each output-topic record (-1: none, a flush emission). */
  outputSources: number[];
  onEmpty: () => void;
}

/** The first out/quarantine/duplicate emission is the record's fate; later `out`s are generated copies. */
export function routeEmissions(emissions: Emission[], source: ConsumedMessage | undefined, t: RouteTarget): void {
  let fated = false;
  for (const e of emissions) {
    switch (e.kind) {
      case 'quality':
        t.counters.metrics++;
        if (t.routes.quality) push(t.messages, t.routes.quality, { key: e.metrics.stage, value: encode('quality', e.metrics) });
        break;
      case 'duplicate':
        if (!fated) t.counters.duplicates++;
        countReason(t.counters, e.reason);
        fated = true;
        break;
      case 'quarantine': {
        if (!fated) t.counters.quarantined++;
        for (const r of e.reasons) countReason(t.counters, r);
        fated = true;
        if (t.routes.quarantine) {
          const value = encode('quarantine', { stage: t.routes.stageId, reasons: e.reasons, review: e.review, quarantinedAt: Date.now() });
          push(t.messages, t.routes.quarantine, { key: source ? keyOf(source, e.review) : e.review.id, value, headers: source?.headers });
        }
        break;
      }
      case 'out':
        if (fated) t.counters.generated++;
        else t.counters.out++;
        fated = true;
        push(t.messages, t.routes.output, { key: source ? keyOf(source, e.review) : e.review.id, value: encode('review', e.review), headers: source?.headers });
        t.outputSources.push(source ? source.offset : -1);
        break;
    }
  }
  if (!fated && source) t.onEmpty();
}
