import { ErrorCode } from '../errors.js';
import { decodeIngestValue, type WriterSchemas } from '../ingest/wire.js';
import { encode } from '../records/index.js';
import type { Review } from '../records/types.js';
import { messageBytes, type ConsumedBatch, type ConsumedMessage } from '../kafka/index.js';
import type { Emission, StageDescriptor, StageInput, StageState, TransformContext } from '../stages/types.js';
import { countReason } from './counters.js';
import { traceStep } from '../telemetry/index.js';
import { BatchOutcome, type OriginOf, type RoutedBatch, type StageRoutes } from './batch-outcome.js';
import { handedReview, withBytes } from './handed-record.js';

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
  /** Calls the stage's flush after the records, with this clock (windowed metrics on time). */
  flushAt?: number;
  /**
   * For a stage reading the ingest topic: the writer schemas of the chunk's Confluent-framed
   * records, fetched from the topology's schema registry. Absent when it names none.
   */
  writers?: WriterSchemas;
  /**
   * The output goes to the next fused stage in memory (fusion.ts), which reads the reviews
   * themselves: output records are routed without their Avro bytes (value null).
   */
  handOff?: boolean;
  /**
   * Ends the chunk early, before the record that could take what it routes past this many
   * bytes (messageBytes, hand-offs by their source's bytes): the rest is left for the next
   * chunk (`consumed` says how many were taken). Each record is assumed to route at most
   * RESERVE_FACTOR times its own bytes plus RESERVE_BYTES. The first record is always taken.
   */
  outputBudget?: number;
}

const RESERVE_FACTOR = 4;
const RESERVE_BYTES = 4_096;

/** The offset the chain's input has reached once a chunk's first `consumed` records are done. */
export function nextOffsetAfter(chunk: ConsumedBatch, consumed: number, wholeChunk: number): number {
  return consumed >= chunk.messages.length ? wholeChunk : chunk.messages[consumed - 1]!.offset + 1;
}

/** The record key travels on: it decided the partition upstream (content hash or id). */
function keyOf(message: ConsumedMessage, review: Review): Buffer | string {
  return message.key ?? review.id;
}

/**
 * Decodes, transforms and routes one batch. Pure apart from the stage's own state object:
 * no Kafka here, so the accounting is tested without a broker. Every input record ends
 * with exactly one fate; a record that cannot be decoded or that makes the transform
 * throw becomes a dead letter, and the next record goes on.
 */
export function processBatch<O, S extends StageState | undefined>(batch: ConsumedBatch, p: ProcessOptions<O, S>): RoutedBatch {
  const { routes, stage } = p;
  const outcome = new BatchOutcome(batch, routes, { ...(p.now ? { now: p.now } : {}), ...(p.originOf ? { originOf: p.originOf } : {}) });
  const encodeOutput = p.handOff !== true;

  for (const consumed of batch.messages) {
    if (p.outputBudget !== undefined && outcome.counters.in > 0 && outcome.bytes + RESERVE_FACTOR * messageBytes(consumed) + RESERVE_BYTES > p.outputBudget) break;
    outcome.counters.in++;
    // the record's span in this stage; its context travels on in the output headers
    const step = traceStep(`reviewflow.${routes.stageId}`, consumed.headers, { 'reviewflow.stage': routes.stageId, 'messaging.source.name': batch.topic, 'messaging.kafka.partition': batch.partition, 'messaging.kafka.offset': consumed.offset });
    const message: ConsumedMessage = step.headers === consumed.headers ? consumed : { ...consumed, headers: step.headers };
    try {
      processOne(message);
    } finally {
      step.span.end();
    }
  }
  const first = batch.messages[0];
  if (stage.flush && p.flushAt !== undefined && first) {
    const position = { topic: batch.topic, partition: batch.partition, offset: first.offset, timestamp: first.timestamp };
    routeEmissions(stage.flush({ options: p.options, state: p.state, instance: p.instance, position }, p.flushAt), { source: undefined, t: outcome, encodeOutput });
  }
  return outcome.routed();

  function processOne(handed: ConsumedMessage): void {
    // a review handed over by a fused stage needs no decoding; a raw-reading stage gets its bytes
    const review = stage.input === 'review' ? handedReview(handed) : undefined;
    const message = review === undefined ? withBytes(handed) : handed;
    const record: StageInput | undefined = review ?? decodeInput(message);
    if (record === undefined) return;
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
      outcome.deadLetter(withBytes(message), err, ErrorCode.TRANSFORM_FAILED);
      return;
    }
    routeEmissions(emissions, { source: message, t: outcome, encodeOutput }, () => outcome.deadLetter(withBytes(message), new Error(`stage ${routes.stageId} emitted nothing for this record`), ErrorCode.TRANSFORM_FAILED));
  }

  function decodeInput(message: ConsumedMessage): StageInput | undefined {
    if (stage.input === 'review') return outcome.decode(message, 'review');
    // the ingest topic also takes JSON and schema-registry Avro from any client (ingest/wire.ts)
    const ingest = { timestamp: message.timestamp, ...(p.writers ? { writers: p.writers } : {}) };
    return outcome.decodeWith(message, (value) => decodeIngestValue(value, ingest));
  }
}

/**
 * Routes a record's emissions into the chunk's outcome. The first out/quarantine/duplicate
 * emission is the record's fate; later `out`s are generated copies. `source` is undefined
 * for emissions of a flush, which belong to no record. Without `encodeOutput` (a fused
 * hand-off), output records keep only their review.
 */
function routeEmissions(emissions: Emission[], o: { source: ConsumedMessage | undefined; t: BatchOutcome; encodeOutput: boolean }, onEmpty: () => void = () => {}): void {
  const { source, t } = o;
  let fated = false;
  const { routes, counters } = t;
  for (const e of emissions) {
    switch (e.kind) {
      case 'quality':
        counters.metrics++;
        if (routes.quality) t.push(routes.quality, { key: e.metrics.stage, value: encode('quality', e.metrics) });
        break;
      case 'duplicate':
        if (!fated) counters.duplicates++;
        countReason(counters, e.reason);
        fated = true;
        break;
      case 'quarantine': {
        if (!fated) counters.quarantined++;
        for (const r of e.reasons) countReason(counters, r);
        fated = true;
        if (routes.quarantine) {
          const value = encode('quarantine', { stage: routes.stageId, reasons: e.reasons, review: e.review, quarantinedAt: Date.now() });
          t.push(routes.quarantine, { key: source ? keyOf(source, e.review) : e.review.id, value, headers: source?.headers });
        }
        break;
      }
      case 'out':
        if (fated) counters.generated++;
        else counters.out++;
        fated = true;
        t.push(routes.output, { key: source ? keyOf(source, e.review) : e.review.id, value: o.encodeOutput ? encode('review', e.review) : null, headers: source?.headers });
        t.outputSources.push(source ? source.offset : -1);
        // kept only for a hand-off: holding every review of the chunk costs the GC otherwise
        if (!o.encodeOutput) {
          t.outputReviews.push(e.review);
          t.bytes += source?.value?.length ?? 0; // what the fused stages after will write is about its size
        }
        break;
    }
  }
  if (!fated && source) onEmpty();
}
