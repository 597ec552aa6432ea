import type { Logger } from 'pino';
import { ErrorCode, ReviewflowError } from '../errors.js';
import type { BatchControls, KafkaPort, PartitionOffsetCommit, ProducerPort, TopicMessages } from '../kafka/index.js';
import { withRetry } from '../util/retry.js';
import { DELIVERY_RETRY } from './delivery.js';

/**
 * Writes one chunk's records and commits its input offset: at-least-once, the commit
 * after every record is acknowledged; exactly-once, both in one transaction. Also the one
 * place that reads what the group really committed, for the stage runner's checks.
 */
export class BatchDelivery {
  constructor(
    private readonly kafka: KafkaPort,
    private readonly producer: ProducerPort,
    private readonly group: string,
    private readonly log: Logger,
  ) {}

  async deliver(batches: TopicMessages[], commit: PartitionOffsetCommit, controls: BatchControls): Promise<void> {
    if (this.producer.transactional) return this.deliverInTransaction(batches, commit);
    await this.producer.send(batches); // retries a transient failure itself, up to its delivery timeout
    // not retried here: a commit fails when the group moved on (rebalance, coordinator
    // lost); the error goes back to kafkajs, which rejoins, and the batch is read again
    await controls.commit([commit]);
  }

  /**
   * Where the group resumes reading a partition, read from the broker: its committed
   * offset, or the partition's earliest when it never committed (stages start at the
   * beginning). Under exactly-once, a transaction of ours that failed is settled first,
   * or the answer could still change when the coordinator finishes it.
   */
  async groupPosition(topic: string, partition: number): Promise<number> {
    await this.producer.settle();
    const lag = await this.kafka.withAdmin((admin) => admin.groupLag(this.group, topic));
    const p = lag.partitions.find((entry) => entry.partition === partition);
    // metadata that lags a leader change or a new partition: kafkajs restarts the consumer and asks again
    if (!p) throw new ReviewflowError(ErrorCode.KAFKA_RETRIABLE, `partition ${partition} of ${topic} is not in the broker's metadata yet`, { retriable: true });
    return p.committed >= 0 ? p.committed : p.end - p.lag; // with nothing committed, lag = end - earliest
  }

  /** Shutting down: a failing delivery stops waiting for the brokers (the chunk is read again after a restart). */
  stopRetrying(): void {
    this.producer.stopRetrying();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /**
   * A failed transaction is not simply sent again: its commit may have reached the
   * coordinator before the error, and sending it again would write every record twice.
   * It is settled first, and tried again only if its offsets did not commit.
   */
  private async deliverInTransaction(batches: TopicMessages[], commit: PartitionOffsetCommit): Promise<void> {
    let tried = false;
    const retry = { ...DELIVERY_RETRY, onRetry: (err: unknown, attempt: number) => this.log.warn({ err, attempt }, 'transaction failed; settling it before trying again') };
    await withRetry(async () => {
      if (tried && (await this.groupPosition(commit.topic, commit.partition)) >= commit.offset) {
        this.log.info({ partition: commit.partition, offset: commit.offset }, 'the failed transaction had committed');
        return;
      }
      tried = true;
      await this.producer.transaction(async (tx) => {
        await tx.send(batches);
        await tx.sendOffsets(this.group, [commit]);
      });
    }, retry);
  }
}
