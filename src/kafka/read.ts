import { randomUUID } from 'node:crypto';
import { ErrorCode, ReviewflowError } from '../errors.js';
import type { AdminPort } from './admin.js';
import type { BatchControls, ConsumerPort } from './consumer.js';
import { READER_GROUP_PREFIX, type ConsumedBatch, type ConsumedMessage } from './types.js';

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

/** One partition of a range: every record at `from` ≤ offset < `to`. */
export interface PartitionRange {
  partition: number;
  from: number;
  to: number;
}

export interface ReadRangeOptions {
  topic: string;
  /** Partitions not listed are not handed over. */
  ranges: readonly PartitionRange[];
  readCommitted?: boolean;
  /** The consumer group to read in (default: a throwaway reader group); it is deleted after. */
  groupId?: string;
  /** Give up waiting for the ends after this long; no limit when unset. */
  timeoutMs?: number;
}

/** A batch of records inside the range; returning true stops the read early. */
export type RangeBatchHandler = (batch: ConsumedBatch, controls: Pick<BatchControls, 'heartbeat'>) => boolean | void | Promise<boolean | void>;

export interface Reader {
  admin<T>(work: (admin: AdminPort) => Promise<T>): Promise<T>;
  consumer(options: { groupId: string; topics: string[]; readCommitted?: boolean }): ConsumerPort;
}

type TopicEnds = Array<{ partition: number; low: number; high: number }>;

/**
 * Reads a topic from the beginning to the end offsets it had when called, with a
 * throwaway consumer group (kafkajs has no manual assignment); the group is deleted after.
 * Used to restore changelogs, list model versions and `consume --limit`.
 */
export async function readToEnd(reader: Reader, options: ReadToEndOptions, onMessage: (m: ConsumedMessage, partition: number) => void): Promise<number> {
  const ends = await reader.admin((a) => a.topicOffsets(options.topic));
  const wanted = new Set(options.partitions ?? ends.map((e) => e.partition));
  const ranges = ends.filter((e) => e.high > e.low && wanted.has(e.partition)).map((e) => ({ partition: e.partition, from: e.low, to: e.high }));
  const { limit } = options;
  let handed = 0;
  await readRangeOf(reader, ends, { topic: options.topic, ranges, readCommitted: options.readCommitted ?? false, timeoutMs: options.timeoutMs ?? 120_000 }, (batch) => {
    for (const m of batch.messages) {
      if (limit !== undefined && handed >= limit) break;
      onMessage(m, batch.partition);
      handed++;
    }
    return limit !== undefined && handed >= limit;
  });
  return handed;
}

/**
 * Reads the records of each listed partition from `from` up to `to` (exclusive) in a
 * consumer group of its own, which is pointed at the starts before it joins and deleted
 * after: whatever else reads the topic, in its own groups, is not touched. Batches reach
 * `onBatch` one at a time, in offset order per partition.
 */
export async function readRange(reader: Reader, options: ReadRangeOptions, onBatch: RangeBatchHandler): Promise<void> {
  const ends = await reader.admin((a) => a.topicOffsets(options.topic));
  await readRangeOf(reader, ends, options, onBatch);
}

async function readRangeOf(reader: Reader, ends: TopicEnds, options: ReadRangeOptions, onBatch: RangeBatchHandler): Promise<void> {
  const remaining = new Map(options.ranges.filter((r) => r.to > r.from).map((r) => [r.partition, r]));
  if (remaining.size === 0) return;
  const groupId = options.groupId ?? `${READER_GROUP_PREFIX}${randomUUID()}`;
  const low = new Map(ends.map((e) => [e.partition, e.low]));
  // a new group starts at the earliest offsets; only a range that starts later costs a seek
  if ([...remaining.values()].some((r) => r.from !== low.get(r.partition))) {
    const starts = ends.map((e) => ({ partition: e.partition, offset: remaining.get(e.partition)?.from ?? e.high }));
    await reader.admin((a) => a.setGroupOffsets(groupId, options.topic, starts));
  }
  const consumer = reader.consumer({ groupId, topics: [options.topic], readCommitted: options.readCommitted ?? false });
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  let timedOut = false;
  let failure: { err: unknown } | undefined;
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    finish();
  }, options.timeoutMs);
  // A partition is done once a fetch reached its end offset. Batches of only transaction
  // markers never reach the handler, so progress is read from kafkajs's batch-end events.
  const reached = (partition: number, lastOffset: number): void => {
    const range = remaining.get(partition);
    if (range !== undefined && lastOffset >= range.to - 1) remaining.delete(partition);
    if (remaining.size === 0) finish();
  };
  consumer.onBatchEnd(({ partition, lastOffset }) => reached(partition, lastOffset));
  const running = consumer.run(async (batch, controls) => {
    const range = remaining.get(batch.partition);
    if (range === undefined || failure) return;
    const messages = batch.messages.filter((m) => m.offset >= range.from && m.offset < range.to);
    try {
      const enough = messages.length > 0 && (await onBatch({ ...batch, messages }, controls));
      if (enough) finish();
    } catch (err) {
      // a bounded read fails as a whole: kafkajs would hand the same batch again and again
      failure = { err };
      finish();
      return;
    }
    reached(batch.partition, batch.lastOffset);
  });
  await Promise.race([done, running.then(() => done)]);
  if (timer) clearTimeout(timer);
  await consumer.stop();
  // best effort: an empty group also expires on its own
  await reader.admin((a) => a.deleteGroups([groupId])).catch((err: unknown) => void err);
  if (failure) throw failure.err;
  // a partial read would restore stale state: fail instead
  if (timedOut && remaining.size > 0) {
    throw new ReviewflowError(ErrorCode.KAFKA_RETRIABLE, `reading ${options.topic} to its end took over ${(options.timeoutMs ?? 0) / 1000} s (partitions ${[...remaining.keys()].join(', ')} unfinished)`, { retriable: true });
  }
}
