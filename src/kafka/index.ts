/**
 * The narrow port to Kafka: the only module that imports kafkajs. Everything else
 * speaks in OutgoingMessage / ConsumedBatch and ReviewflowError.
 */
import { AdminPort } from './admin.js';
import { createKafkaClient } from './client.js';
import { ConsumerPort, type ConsumerOptions } from './consumer.js';
import { kafkaCall } from './errors.js';
import { PartitionPlacement } from './partition-placement.js';
import { describeError, ErrorCode, ReviewflowError } from '../errors.js';
import { moduleLogger } from '../log.js';
import { withRetry } from '../util/retry.js';
import { ProducerPort, type ProducerOptions } from './producer.js';
import type { KafkaSettings } from './settings.js';
import { readRange, readToEnd, type RangeBatchHandler, type Reader, type ReadRangeOptions, type ReadToEndOptions } from './read.js';
import type { ConsumedMessage } from './types.js';

const log = moduleLogger({ component: 'kafka' });

/**
 * A topic created a moment ago can be unknown to the broker asked for its metadata for
 * seconds on a busy cluster (UNKNOWN_TOPIC_OR_PARTITION, as for a topic that does not
 * exist). Like the Java client's max.block.ms, a producer waits for it: here about 20 s
 * before it reports the topic missing.
 */
const PARTITION_COUNT_RETRY = {
  attempts: 8,
  baseMs: 500,
  maxMs: 4_000,
  onRetry: (err: unknown, attempt: number, delayMs: number) => log().warn({ attempt, delayMs, err: describeError(err) }, 'topic metadata not available yet; asking again'),
};

export class KafkaPort {
  private readonly client: ReturnType<typeof createKafkaClient>;
  /** Shared by every producer of this port: a topic's partition count is asked once. */
  private readonly placement: PartitionPlacement;

  constructor(readonly settings: KafkaSettings) {
    this.client = createKafkaClient(settings);
    this.placement = new PartitionPlacement((topic) => withRetry(() => this.partitionCount(topic), PARTITION_COUNT_RETRY));
  }

  private async partitionCount(topic: string): Promise<number> {
    const [described] = await this.withAdmin((a) => a.describeTopics([topic]));
    const count = described?.partitions.length ?? 0;
    if (count === 0) throw new ReviewflowError(ErrorCode.TOPIC_NOT_FOUND, `topic ${topic} does not exist`, { retriable: true, hint: 'create the topology\'s topics: reviewflow topics create' });
    return count;
  }

  /** Runs `work` with a connected admin client and disconnects after. */
  async withAdmin<T>(work: (admin: AdminPort) => Promise<T>): Promise<T> {
    const admin = this.client.admin();
    await kafkaCall('connect admin', () => admin.connect());
    try {
      return await work(new AdminPort(admin));
    } finally {
      await admin.disconnect();
    }
  }

  producer(options: ProducerOptions = {}): ProducerPort {
    return new ProducerPort(() => this.client.producer(ProducerPort.options(options)), options.transactionalId !== undefined, this.placement, options.deliveryTimeoutMs);
  }

  consumer(options: ConsumerOptions): ConsumerPort {
    return new ConsumerPort(this.client.consumer(ConsumerPort.config(options)), options);
  }

  /** Reads a topic from the beginning to its current end (see read.ts). */
  readToEnd(options: ReadToEndOptions, onMessage: (m: ConsumedMessage, partition: number) => void): Promise<number> {
    return readToEnd(this.reader(), options, onMessage);
  }

  /** Reads per-partition offset ranges of a topic in a group of its own (see read.ts). */
  readRange(options: ReadRangeOptions, onBatch: RangeBatchHandler): Promise<void> {
    return readRange(this.reader(), options, onBatch);
  }

  private reader(): Reader {
    return { admin: (work) => this.withAdmin(work), consumer: (o) => this.consumer(o) };
  }
}

export { AdminPort, ConsumerPort, ProducerPort };
export type { ConsumerOptions, ProducerOptions, KafkaSettings };
export type { TransactionScope } from './producer.js';
export { MAX_PARTITION_BYTES, messageBytes } from './producer.js';
export type { BatchControls, BatchHandler } from './consumer.js';
export type { ClusterDescription, TopicDescription } from './admin.js';
export * from './types.js';
export { redactSettings } from './settings.js';
export type { SaslSettings, TlsSettings } from './settings.js';
export { mapKafkaError } from './errors.js';
export type { PartitionRange, RangeBatchHandler, ReadRangeOptions, ReadToEndOptions } from './read.js';
