import type { Message, PartitionMetadata, RecordMetadata } from 'kafkajs';
import kafkajs from './kafkajs.js';
import { ErrorCode, ReviewflowError } from '../errors.js';
import { partitionForKey } from './murmur2.js';

/**
 * Guards against a kafkajs 2.2.4 defect that loses records (tulios/kafkajs#1303): across
 * its own retries of one send, kafkajs remembers which brokers already answered, so a
 * partition whose leader moved to one of them in between is never sent, and the send
 * still resolves. The two-brokers-lost fault test found it: a committed transaction whose
 * records no replica holds (docs/RELIABILITY.md).
 *
 * Every message therefore gets its partition before kafkajs sees it (the murmur2 partitioner
 * kafkajs and the Java client use, over the topic's partition count, so keys land where
 * they always did; kafkajs's own picks a keyless record's), and an acknowledgement must
 * name every partition the request wrote to.
 */
export class PartitionPlacement {
  private readonly counts = new Map<string, Promise<number>>();
  private readonly partitioner = kafkajs.Partitioners.DefaultPartitioner();

  /** `partitionCount` asks the cluster; each topic's answer is kept for the process's life. */
  constructor(private readonly partitionCount: (topic: string) => Promise<number>) {}

  /**
   * Gives every message without a partition its partition, in place (the producer hands
   * it the messages it has just made for kafkajs: a copy per record would cost more than
   * the hash), and returns them.
   */
  async place(topic: string, messages: Message[]): Promise<Message[]> {
    if (messages.every((m) => m.partition !== undefined && m.partition !== null)) return messages;
    const count = await this.count(topic);
    for (const m of messages) {
      if (m.partition !== undefined && m.partition !== null) continue;
      m.partition = m.key !== undefined && m.key !== null ? partitionForKey(m.key, count) : this.roundRobin(topic, count, m);
    }
    return messages;
  }

  /** A keyless record: kafkajs's round robin, as before placement existed. */
  private roundRobin(topic: string, count: number, message: Message): number {
    const partitionMetadata: PartitionMetadata[] = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [], isr: [], partitionErrorCode: 0 }));
    return this.partitioner({ topic, partitionMetadata, message });
  }

  private count(topic: string): Promise<number> {
    let known = this.counts.get(topic);
    if (!known) {
      known = this.partitionCount(topic);
      // a failed lookup is asked again next time, not kept
      known.catch(() => this.counts.delete(topic));
      this.counts.set(topic, known);
    }
    return known;
  }
}

/** Throws a retriable error when the acknowledgement of a request leaves out a partition it wrote to. */
export function checkAcknowledged(request: Array<{ topic: string; messages: Message[] }>, acknowledged: RecordMetadata[] | undefined): void {
  const missing = new Set<string>();
  for (const { topic, messages } of request) {
    // partition numbers, not strings per record: this runs on every produce request
    const written = new Set((acknowledged ?? []).filter((r) => r.topicName === topic).map((r) => r.partition));
    for (const m of messages) if (!written.has(m.partition!)) missing.add(`${topic}[${m.partition}]`);
  }
  if (missing.size === 0) return;
  throw new ReviewflowError(ErrorCode.KAFKA_RETRIABLE, `the produce request was acknowledged without writing to ${[...missing].join(', ')} (kafkajs skips a partition whose leader moved during its retries)`, {
    retriable: true,
    details: { missing: [...missing] },
  });
}
