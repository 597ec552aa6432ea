import { createHash } from 'node:crypto';
import type { KafkaPort, OutgoingMessage, ProducerPort } from '../kafka/index.js';
import { encode } from '../records/index.js';
import { traceProduce } from '../telemetry/index.js';
import type { RawReview } from '../records/types.js';
import { resolveLimits } from './limits.js';
import type { ValueEncoder } from './registry-encoder.js';
import type { IngestLimits, ParsedLine } from './types.js';
import { validateReview } from './validate.js';

export interface IngestProducerOptions {
  kafka: KafkaPort;
  /** The topology's ingest topic. */
  topic: string;
  /** Records per produce request. */
  batchSize?: number;
  limits?: Partial<IngestLimits>;
  source?: string;
  /** How a record becomes a value: Avro single-object by default; `registryValueEncoder` for Confluent's wire format. */
  encodeValue?: ValueEncoder;
}

export interface IngestSummary {
  produced: number;
  rejected: number;
}

export interface RecordError {
  index: number;
  reason: string;
}

/**
 * The partition key is a hash of the text with case and spacing folded, so exact
 * duplicates land in the same partition and the clean stage's per-partition window
 * catches them whichever instance owns it.
 */
export function contentKey(text: string): string {
  return createHash('sha1').update(text.toLowerCase().replace(/\s+/g, ' ').trim()).digest('hex').slice(0, 20);
}

/**
 * Validates review events, encodes them as Avro (single-object, or Confluent's wire format
 * with `encodeValue`) and produces them in batches to the
 * ingest topic. Invalid events are reported per record, never sent.
 */
export class IngestProducer {
  private readonly producer: ProducerPort;
  private readonly batchSize: number;
  private readonly limits: IngestLimits;
  private readonly encodeValue: ValueEncoder;
  private pending: OutgoingMessage[] = [];
  private produced = 0;

  constructor(private readonly o: IngestProducerOptions) {
    this.producer = o.kafka.producer();
    this.batchSize = o.batchSize ?? 2_000;
    this.limits = resolveLimits(o.limits);
    this.encodeValue = o.encodeValue ?? ((record) => encode('review-raw', record));
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** Validates and sends events (objects shaped `{text, label?, rating?, id?, source?}`). */
  async send(events: unknown[]): Promise<{ produced: number; errors: RecordError[] }> {
    const errors: RecordError[] = [];
    const now = Date.now();
    let accepted = 0;
    for (const [index, event] of events.entries()) {
      const result = validateReview(event, { line: index + 1, limits: this.limits, now, defaultSource: this.o.source ?? 'api' });
      if (result.ok) {
        await this.add(result.record);
        accepted++;
      } else errors.push({ index, reason: result.reason });
    }
    await this.flush();
    return { produced: accepted, errors };
  }

  /** Produces what a reader yields; rejected lines go to `onRejected` (the CLI prints them). */
  async produceLines(lines: AsyncIterable<ParsedLine>, options: { limit?: number; onRejected?: (line: number, reason: string) => void } = {}): Promise<IngestSummary> {
    let rejected = 0;
    let seen = 0;
    for await (const item of lines) {
      if (options.limit !== undefined && seen >= options.limit) break;
      seen++;
      if (item.kind === 'rejected') {
        rejected++;
        options.onRejected?.(item.line, item.reason);
      } else await this.add(item.record);
    }
    await this.flush();
    return { produced: this.produced, rejected };
  }

  async add(record: RawReview): Promise<void> {
    const { span, headers } = traceProduce(this.o.topic, record.id);
    this.pending.push({ key: contentKey(record.text), value: this.encodeValue(record), headers });
    span.end();
    if (this.pending.length >= this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const messages = this.pending;
    this.pending = [];
    await this.producer.send([{ topic: this.o.topic, messages }]);
    this.produced += messages.length;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.producer.disconnect();
  }
}
