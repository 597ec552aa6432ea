import { randomUUID } from 'node:crypto';
import { ErrorCode, ReviewflowError } from '../errors.js';
import type { AdminPort } from './admin.js';
import type { ConsumerPort } from './consumer.js';
import { READER_GROUP_PREFIX, type ConsumedMessage } from './types.js';

export interface ReadToEndOptions {
  topic: string;
  /** Only these partitions are handed to `onMessage` (all are read). */
  partitions?: number[];
  readCommitted?: boolean;
  /** Stop after this many messages were handed over. */
  limit?: number;
  /** Give up waiting for the end after this long (a stuck partition). */
  timeoutMs?: number;
}

export interface Reader {
  admin<T>(work: (admin: AdminPort) => Promise<T>): Promise<T>;
  consumer(options: { groupId: string; topics: string[]; readCommitted?: boolean }): ConsumerPort;
}

/**
 * Reads a topic from the beginning to the end offsets it had when called, with a
 * throwaway consumer group (kafkajs has no manual assignment); the group is deleted after.
 * Used to restore changelogs, list model versions and `consume --limit`.
 */
export async function readToEnd(reader: Reader, options: ReadToEndOptions, onMessage: (m: ConsumedMessage, partition: number) => void): Promise<number> {
  const ends = await reader.admin((a) => a.topicOffsets(options.topic));
  const wanted = new Set(options.partitions ?? ends.map((e) => e.partition));
  const remaining = new Map(ends.filter((e) => e.high > e.low && wanted.has(e.partition)).map((e) => [e.partition, e.high]));
  if (remaining.size === 0) return 0;
  const groupId = `${READER_GROUP_PREFIX}${randomUUID()}`;
  const consumer = reader.consumer({ groupId, topics: [options.topic], readCommitted: options.readCommitted ?? false });
  let handed = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  let timedOut = false;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const timer = setTimeout(() => {
    timedOut = true;
    finish();
  }, timeoutMs);
  // A partition is done once a fetch reached its end offset. Batches of only transaction
  // markers never reach the handler, so progress is read from kafkajs's batch-end events.
  const reached = (partition: number, lastOffset: number): void => {
    const end = remaining.get(partition);
    if (end !== undefined && lastOffset >= end - 1) remaining.delete(partition);
    if (remaining.size === 0) finish();
  };
  consumer.onBatchEnd(({ partition, lastOffset }) => reached(partition, lastOffset));
  const running = consumer.run(async (batch) => {
    const end = remaining.get(batch.partition);
    if (end === undefined) return;
    for (const m of batch.messages) {
      if (m.offset >= end) break;
      if (wanted.has(batch.partition) && (options.limit === undefined || handed < options.limit)) {
        onMessage(m, batch.partition);
        handed++;
      }
    }
    if (options.limit !== undefined && handed >= options.limit) finish();
    reached(batch.partition, batch.lastOffset);
  });
  await Promise.race([done, running.then(() => done)]);
  clearTimeout(timer);
  await consumer.stop();
  // best effort: an empty throwaway group also expires on its own
  await reader.admin((a) => a.deleteGroups([groupId])).catch((err: unknown) => void err);
  // a partial read would restore stale state: fail instead
  if (timedOut && remaining.size > 0) {
    throw new ReviewflowError(ErrorCode.KAFKA_RETRIABLE, `reading ${options.topic} to its end took over ${timeoutMs / 1000} s (partitions ${[...remaining.keys()].join(', ')} unfinished)`, { retriable: true });
  }
  return handed;
}
