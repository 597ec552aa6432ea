import type { Consumer, IHeaders, KafkaMessage } from 'kafkajs';
import { isTransient, kafkaCall, mapKafkaError, originalKafkaError } from './errors.js';
import { backoffDelay, withRetry } from '../util/retry.js';
import type { ConsumedBatch, ConsumedMessage, Headers, PartitionOffsetCommit } from './types.js';

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts. reviewflow stages start at the beginning. */
  fromBeginning?: boolean;
  /** Read only committed transactional records (exactly-once downstream). */
  readCommitted?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Upper bound on bytes fetched per partition per request: bounds memory per batch. */
  maxBytesPerPartition?: number;
  maxBytes?: number;
  maxWaitTimeMs?: number;
  /** How many partitions' batches may be processed at the same time. */
  partitionsConcurrently?: number;
}

export interface BatchControls {
  /** Keeps group membership alive during long work (call between chunks of work). */
  heartbeat(): Promise<void>;
  /**
   * True when a seek is pending for this partition (kafkajs's isStale): the rest of the
   * batch is to be dropped, not committed. A rebalance shows differently: the heartbeat
   * between chunks throws, and kafkajs rejoins.
   */
  isStale(): boolean;
  /** Commits offsets for this group (at-least-once: after outputs were acknowledged). */
  commit(offsets: PartitionOffsetCommit[]): Promise<void>;
  /** The offset this fetch started from: where the consumer believed the partition stood. */
  fetchedOffset: number;
  /**
   * Marks the records before `nextOffset` done, so that when a later part of the batch
   * fails, the partition is fetched again from there and not from the batch's start.
   */
  resolve(nextOffset: number): void;
  /** The partition's next fetch starts at `offset` (the rest of this batch is to be dropped). */
  seek(offset: number): void;
}

export type BatchHandler = (batch: ConsumedBatch, controls: BatchControls) => Promise<void>;

function decodeHeaders(headers: IHeaders | undefined): Headers {
  const out: Headers = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

function toConsumed(m: KafkaMessage): ConsumedMessage {
  return { key: m.key, value: m.value, headers: decodeHeaders(m.headers), offset: Number(m.offset), timestamp: Number(m.timestamp) };
}

/** Pauses before a consumer that kafkajs gave up on is started again: 1 s doubling to 30 s. */
const RESTART_BASE_MS = 1_000;
const RESTART_MAX_MS = 30_000;

/** A consumer-group member that hands whole batches to one handler and commits only when told. */
export class ConsumerPort {
  private handler: BatchHandler | undefined;
  private stopped = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly crashListeners: Array<(error: Error, restart: boolean) => void> = [];

  constructor(
    private readonly consumer: Consumer,
    readonly options: ConsumerOptions,
  ) {
    this.consumer.on(this.consumer.events.CRASH, (event) => this.onKafkajsCrash(event.payload.error, event.payload.restart));
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (this.restarts = 0));
  }

  static config(options: ConsumerOptions): Parameters<InstanceType<typeof import('kafkajs').Kafka>['consumer']>[0] {
    return {
      groupId: options.groupId,
      readUncommitted: !options.readCommitted,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
      maxBytes: options.maxBytes ?? 10_485_760,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 250,
      allowAutoTopicCreation: false,
    };
  }

  async run(handler: BatchHandler): Promise<void> {
    this.handler = handler;
    await kafkaCall(`connect consumer ${this.options.groupId}`, () => this.consumer.connect());
    // a topic created a moment ago may not be in every broker's metadata yet
    // (UNKNOWN_TOPIC_OR_PARTITION, retriable): subscribing again a little later succeeds
    await withRetry(
      () => kafkaCall(`subscribe ${this.options.topics.join(',')}`, () => this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true })),
      { attempts: 8, baseMs: 200, maxMs: 2_000 },
    );
    await kafkaCall('start consuming', () =>
      this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
        eachBatch: async ({ batch, heartbeat, isStale, resolveOffset }) => {
          if (batch.isEmpty()) return;
          const consumed: ConsumedBatch = {
            topic: batch.topic,
            partition: batch.partition,
            messages: batch.messages.map(toConsumed),
            highWatermark: Number(batch.highWatermark),
            lastOffset: Number(batch.lastOffset()),
          };
          let sought = false;
          try {
            await handler(consumed, {
              heartbeat,
              isStale,
              commit: (offsets) => this.commit(offsets),
              // set by kafkajs on every batch, though its typings leave it out
              fetchedOffset: Number((batch as unknown as { fetchedOffset: string }).fetchedOffset),
              resolve: (nextOffset) => resolveOffset(String(nextOffset - 1)),
              seek: (offset) => {
                sought = true;
                this.consumer.seek({ topic: batch.topic, partition: batch.partition, offset: String(offset) });
              },
            });
          } catch (err) {
            // lets kafkajs rejoin the group or refresh metadata; the batch is then read again
            throw originalKafkaError(err);
          }
          // the handler took the whole batch: move the fetch position past it
          if (!isStale() && !sought) resolveOffset(batch.lastOffset());
        },
      }),
    );
  }

  async commit(offsets: PartitionOffsetCommit[]): Promise<void> {
    if (offsets.length === 0) return;
    await kafkaCall(`commit offsets of ${this.options.groupId}`, () =>
      this.consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) }))),
    );
  }

  /** Stops fetching; the batch in hand finishes (and commits) before disconnect resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await kafkaCall('disconnect consumer', () => this.consumer.disconnect());
  }

  /** `restart` is true when the consumer will start again by itself (kafkajs's restart or ours). */
  onCrash(listener: (error: Error, restart: boolean) => void): void {
    this.crashListeners.push(listener);
  }

  /**
   * kafkajs restarts a crashed consumer only for errors it calls retriable. It gives up
   * for good on some that only time fixes, such as no group coordinator while a broker
   * restarts; those we start again ourselves, with backoff, as long as they stay transient.
   */
  private onKafkajsCrash(error: Error, kafkajsRestarts: boolean): void {
    const restart = kafkajsRestarts || (!this.stopped && this.handler !== undefined && isTransient(mapKafkaError(error, 'consume')));
    for (const listener of this.crashListeners) listener(error, restart);
    if (restart && !kafkajsRestarts) this.restartTimer = setTimeout(() => void this.restart(), backoffDelay(++this.restarts, RESTART_BASE_MS, RESTART_MAX_MS));
  }

  private async restart(): Promise<void> {
    if (this.stopped || !this.handler) return;
    try {
      // kafkajs disconnected before it reported the crash: connect, subscribe and run again
      await this.run(this.handler);
    } catch (err) {
      await this.consumer.disconnect().catch(() => undefined);
      this.onKafkajsCrash(err instanceof Error ? err : new Error(String(err)), false);
    }
  }

  /**
   * Every fetched batch once handled, including batches of only transaction markers or
   * aborted records that never reach the handler: `lastOffset` is how far the fetch got.
   */
  onBatchEnd(listener: (position: { topic: string; partition: number; lastOffset: number }) => void): void {
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, (event) =>
      listener({ topic: event.payload.topic, partition: event.payload.partition, lastOffset: Number(event.payload.lastOffset) }),
    );
  }

  onGroupJoin(listener: (assignment: Record<string, number[]>) => void): void {
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => listener(event.payload.memberAssignment));
  }
}
