import { setTimeout as sleep } from 'node:timers/promises';
import type { ICustomPartitioner, Producer, Message, RecordMetadata } from 'kafkajs';
import { describeError, isRetriable } from '../errors.js';
import { moduleLogger } from '../log.js';
import { backoffDelay, withRetry } from '../util/retry.js';
import { isOutOfOrderSequence, isTransient, kafkaCall, kafkajsGaveUp } from './errors.js';
import kafkajs from './kafkajs.js';
import { checkAcknowledged, type PartitionPlacement } from './partition-placement.js';
import type { OutgoingMessage, PartitionOffsetCommit, TopicMessages } from './types.js';

const { Partitioners } = kafkajs;

/**
 * A placed record's own partition (partition-placement.ts), else kafkajs's default
 * (murmur2, as the Java client). The default also works out the available partitions for
 * every record, placed or not: an array per record on every send.
 */
const placedPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  return (args) => args.message.partition ?? fallback(args);
};

export interface ProducerOptions {
  /** Idempotent producer (no duplicates from producer retries). On by default. */
  idempotent?: boolean;
  /** Set for exactly-once: the producer then only sends inside `transaction()`. */
  transactionalId?: string;
  transactionTimeoutMs?: number;
  /**
   * How long `send` keeps retrying a retriable failure before it gives up (default two
   * minutes, the Java client's delivery.timeout.ms). Sends inside a transaction do not
   * retry: the transaction is sent again whole.
   */
  deliveryTimeoutMs?: number;
}

const DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;
const log = moduleLogger({ component: 'producer' });

/**
 * kafkajs puts all of a request's records for one partition into one record batch, and
 * the broker refuses a batch over max.message.bytes (1 MiB by default). A request is
 * therefore cut where one partition's records would pass this, or where the whole
 * request would pass the second limit (far under the broker's socket.request.max.bytes).
 */
export const MAX_PARTITION_BYTES = 512 * 1024;
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** A record's size as the request limits above count it: value, key, and room for its framing. */
export function messageBytes(m: { key?: Buffer | string | null; value: Buffer | string | null }): number {
  return (m.value?.length ?? 0) + (m.key?.length ?? 0) + 64;
}

/**
 * Cuts placed batches into requests, keeping each topic's order, only where a limit
 * above forces it. Outside a transaction a request is written whole or not at all when
 * the process dies, so a chunk's stats record stays in step with its outputs only while
 * they share one request, and a worker killed between two requests leaves outputs that
 * no stats record counted. A stage's outputs keep their input's key, so one chunk's
 * outputs land on one partition: a chunk whose outputs pass 512 KiB is still cut (see
 * docs/RELIABILITY.md); its changelog and stats records no longer count against that.
 * Records without a partition (kafkajs picks it) share one budget per topic, as they may
 * all land on one partition.
 */
export function splitRequests(batches: PartitionBatch[], limits = { partitionBytes: MAX_PARTITION_BYTES, requestBytes: MAX_REQUEST_BYTES }): PartitionBatch[][] {
  const requests: PartitionBatch[][] = [];
  let current: PartitionBatch[] = [];
  let requestBytes = 0;
  // topic → partition (-1: not placed) → bytes in the current request
  const partitionBytes = new Map<string, Map<number, number>>();
  const bytesOf = (topic: string): Map<number, number> => {
    let topicBytes = partitionBytes.get(topic);
    if (!topicBytes) partitionBytes.set(topic, (topicBytes = new Map()));
    return topicBytes;
  };
  for (const batch of batches) {
    let slice: Message[] = [];
    let topicBytes = bytesOf(batch.topic);
    for (const m of batch.messages) {
      const size = messageBytes(m);
      const partition = m.partition ?? -1;
      const before = topicBytes.get(partition) ?? 0;
      if (requestBytes > 0 && (before + size > limits.partitionBytes || requestBytes + size > limits.requestBytes)) {
        if (slice.length > 0) current.push({ topic: batch.topic, messages: slice });
        requests.push(current);
        current = [];
        slice = [];
        requestBytes = 0;
        partitionBytes.clear();
        topicBytes = bytesOf(batch.topic);
      }
      slice.push(m);
      requestBytes += size;
      topicBytes.set(partition, (topicBytes.get(partition) ?? 0) + size);
    }
    if (slice.length > 0) current.push({ topic: batch.topic, messages: slice });
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/** One topic's records of a request, as kafkajs takes them: of one partition once split by `byPartition`. */
export interface PartitionBatch {
  topic: string;
  messages: Message[];
}

/** Splits a request by the partition each record was placed on, keeping their order. */
function byPartition(request: PartitionBatch[]): PartitionBatch[] {
  const topics = new Map<string, Map<number | undefined, PartitionBatch>>();
  for (const { topic, messages } of request) {
    let partitions = topics.get(topic);
    if (!partitions) topics.set(topic, (partitions = new Map()));
    for (const m of messages) {
      const partition = m.partition ?? undefined;
      let batch = partitions.get(partition);
      if (!batch) partitions.set(partition, (batch = { topic, messages: [] }));
      batch.messages.push(m);
    }
  }
  return [...topics.values()].flatMap((partitions) => [...partitions.values()]);
}

function toKafkaMessage(m: OutgoingMessage): Message {
  const msg: Message = { key: m.key, value: m.value };
  if (m.headers) msg.headers = m.headers;
  if (m.partition !== undefined) msg.partition = m.partition;
  return msg;
}

export interface TransactionScope {
  send(batches: TopicMessages[]): Promise<void>;
  /** Commits consumer offsets as part of the transaction (consume-transform-produce). */
  sendOffsets(groupId: string, offsets: PartitionOffsetCommit[]): Promise<void>;
}

export class ProducerPort {
  private connected = false;
  private producer: Producer;
  private replaced = 0;
  /** A transaction failed and nothing since has settled it (see settle). */
  private inDoubt = false;
  private retriesStopped = false;

  /**
   * `create` makes the kafkajs producer; it is called again when the producer id must
   * change. With `placement`, every record is sent to a partition chosen here and each
   * acknowledgement is checked against it (see partition-placement.ts).
   */
  constructor(
    private readonly create: () => Producer,
    readonly transactional: boolean,
    private readonly placement?: PartitionPlacement,
    private readonly deliveryTimeoutMs = DEFAULT_DELIVERY_TIMEOUT_MS,
  ) {
    this.producer = create();
  }

  /** How often the producer was replaced: after OUT_OF_ORDER_SEQUENCE_NUMBER (see send) or a failed transaction. */
  get resets(): number {
    return this.replaced;
  }

  static options(options: ProducerOptions): Parameters<InstanceType<typeof kafkajs.Kafka>['producer']>[0] {
    return {
      createPartitioner: placedPartitioner,
      idempotent: options.idempotent ?? true,
      maxInFlightRequests: options.idempotent === false ? undefined : 1,
      // bounded, so a missing topic or a refused record fails instead of retrying forever;
      // the idempotent producer still never writes a retried record twice
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 },
      ...(options.transactionalId ? { transactionalId: options.transactionalId, transactionTimeout: options.transactionTimeoutMs ?? 60_000 } : {}),
    };
  }

  /**
   * Connects; retriable failures retry. A transactional producer also registers its
   * transactional id, which makes the coordinator finish any transaction an earlier
   * producer with this id left open (after a crash, or before a reset): the group's
   * committed offsets are settled before anything is read.
   */
  async connect(): Promise<void> {
    if (this.connected) return;
    const retry = { attempts: 4, baseMs: 1_000, maxMs: 5_000 };
    // A broker that just died stays in the metadata until the cluster fences it (9 s by
    // default) and may be the one kafkajs asks for a producer id, which kafkajs does not
    // retry and asks again from the metadata it keeps: each retry starts a fresh producer
    // (fresh metadata), and those retries outlast the fencing. A cluster kafkajs already
    // retried for some 30 s gets the usual few more rounds.
    let rounds = 0;
    await withRetry(() => kafkaCall('connect producer', () => this.producer.connect()), {
      ...retry,
      attempts: 8,
      retryIf: (err) => isRetriable(err) && (!kafkajsGaveUp(err) || ++rounds < retry.attempts),
      onRetry: (err, attempt, delayMs) => {
        // kafkajs logs its own retries at debug: without this a CLI run facing a down broker says nothing for minutes
        log().warn({ attempt, delayMs, err: describeError(err) }, 'producer could not connect; trying again with a fresh producer');
        void this.dropProducer();
      },
    });
    // kafkajs registers the id at the first transaction: an empty one (whose abort sends nothing) registers it now
    if (this.transactional) {
      await withRetry(async () => {
        const tx = await kafkaCall('register transactional id', () => this.producer.transaction());
        await kafkaCall('end empty transaction', () => tx.abort());
      }, retry);
    }
    this.connected = true;
  }

  /**
   * Sends to several topics; resolves when all replicas acknowledged. Requests go one
   * after another, so records keep their order within a partition. A retriable failure
   * (a broker down, a leader moving) is retried until the delivery timeout, as the Java
   * client's delivery.timeout.ms: a broker failover takes longer than kafkajs's own retries.
   *
   * Outside a transaction a request goes to kafkajs whole: on one broker that is one
   * produce request, written whole or not at all when the process dies, which keeps the
   * stats records of a chunk (one topic per stage) in step with its outputs (a chunk
   * is cut into several requests only when one partition gets over 512 KiB of it, which
   * a chunk's outputs alone can). A send again
   * may write records twice, which at-least-once allows; transactions cannot, and send one
   * partition per kafkajs send (see sendEach).
   */
  async send(batches: TopicMessages[]): Promise<void> {
    for (const request of await this.requests(batches)) {
      await this.deliver(request);
    }
  }

  private async deliver(request: PartitionBatch[]): Promise<void> {
    const deadline = Date.now() + this.deliveryTimeoutMs;
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      try {
        this.check(request, await kafkaCall('produce', () => this.producer.sendBatch({ topicMessages: request, acks: -1 })));
        return;
      } catch (err) {
        if (!renewed && isOutOfOrderSequence(err)) {
          // the leader refuses our sequence numbers for good: a new producer id, then the
          // request again (its records may be in the log already: at-least-once allows that)
          renewed = true;
          await this.reset();
          continue;
        }
        const delay = backoffDelay(attempt, 500, 5_000);
        if (!isTransient(err) || Date.now() + delay > deadline || this.retriesStopped) throw err;
        log().warn({ topics: request.map((b) => b.topic), attempt, delayMs: delay, err: describeError(err) }, 'produce failed; sending the request again');
        await sleep(delay);
      }
    }
  }

  /**
   * Sends each partition's records in a kafkajs send of its own, all at once, waits until
   * every one has settled, then throws the first failure if any. Inside a transaction, because
   * kafkajs 2.2.4 mishandles a send that spans brokers: retrying it while another broker's
   * request is still in flight, it sends that broker the same records again with the next
   * sequence numbers, which the broker writes twice (one chunk twice inside one
   * transaction, in the fault test); and it skips a partition whose leader moved to a
   * broker that had answered (tulios/kafkajs#1303). A send to one partition has one
   * request in flight, and its retry repeats that request with the same sequence numbers,
   * which the broker de-duplicates; nothing is in flight when the transaction aborts.
   */
  private async sendEach(batches: PartitionBatch[], send: (batch: PartitionBatch) => Promise<RecordMetadata[]>, action: string): Promise<void> {
    const settled = await Promise.allSettled(batches.map(async (b) => this.check([b], await kafkaCall(action, () => send(b)))));
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Replaces the kafkajs producer with a new one: a new producer id. For a transactional
   * producer after a failed transaction, whose outcome kafkajs cannot tell, the new one
   * registers the same transactional id (see connect): after this, what the group has
   * committed is settled.
   */
  async reset(): Promise<void> {
    this.replaced++;
    await this.dropProducer();
    await this.connect();
  }

  /** Swaps in a new, unconnected kafkajs producer; the old one's state is what we drop. */
  private async dropProducer(): Promise<void> {
    const old = this.producer;
    this.producer = this.create();
    this.connected = false;
    // its connections may already be gone
    await kafkaCall('disconnect producer', () => old.disconnect()).catch((err: unknown) => void err);
  }

  /**
   * Settles a failed transaction (see reset) so that the group's committed offsets can be
   * trusted: they then include the transaction's offsets if and only if it committed.
   * Does nothing when no transaction failed since the last settle.
   */
  async settle(): Promise<void> {
    if (!this.inDoubt) return;
    await this.reset();
    this.inDoubt = false;
  }

  /**
   * Runs `work` in one Kafka transaction: all its sends and offsets commit together or
   * not at all. After a failure, whether it committed is unknown until `settle()`.
   */
  async transaction(work: (scope: TransactionScope) => Promise<void>): Promise<void> {
    await this.settle();
    await this.connect();
    const tx = await kafkaCall('begin transaction', () => this.producer.transaction());
    try {
      await work({
        send: async (batches) => {
          // no retry here: the caller aborts and sends the whole transaction again
          for (const request of await this.requests(batches)) {
            await this.sendEach(byPartition(request), (b) => tx.sendBatch({ topicMessages: [b], acks: -1 }), 'produce in transaction');
          }
        },
        sendOffsets: async (groupId, offsets) => {
          const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
          for (const o of offsets) {
            const list = byTopic.get(o.topic) ?? [];
            list.push({ partition: o.partition, offset: String(o.offset) });
            byTopic.set(o.topic, list);
          }
          await kafkaCall('send offsets to transaction', () =>
            tx.sendOffsets({ consumerGroupId: groupId, topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) }),
          );
        },
      });
      await kafkaCall('commit transaction', () => tx.commit());
    } catch (err) {
      // a commit that failed may still have reached the coordinator; kafkajs also keeps
      // this producer in the failed transaction's state: the next use starts a new one
      this.inDoubt = true;
      if (tx.isActive()) await kafkaCall('abort transaction', () => tx.abort()).catch((abortErr: unknown) => void abortErr);
      throw err;
    }
  }

  /** A send's records as kafkajs takes them, each with its partition when placement is on, cut into requests. */
  private async requests(batches: TopicMessages[]): Promise<PartitionBatch[][]> {
    const { placement } = this;
    const placed = await Promise.all(
      batches.filter((b) => b.messages.length > 0).map(async (b) => ({ topic: b.topic, messages: placement ? await placement.place(b.topic, b.messages.map(toKafkaMessage)) : b.messages.map(toKafkaMessage) })),
    );
    return splitRequests(placed);
  }

  private check(request: PartitionBatch[], acknowledged: RecordMetadata[]): void {
    if (this.placement) checkAcknowledged(request, acknowledged);
  }

  /**
   * A process shutting down stops waiting out a broker outage: a send that fails from
   * now on fails at once (its input is not committed, so it is read again after a restart).
   */
  stopRetrying(): void {
    this.retriesStopped = true;
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await kafkaCall('disconnect producer', () => this.producer.disconnect());
  }
}
