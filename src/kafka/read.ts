import { randomUUID } from 'node:crypto';
import type { AdminPort } from './admin.js';
import type { ConsumerPort } from './consumer.js';
import type { ConsumedMessage } from './types.js';

export interface ReadToEndOptions {
  topic: string;
  /** Only these partitions are handed to `onMessage` (all are read). */
  partitions?: number[];
  readCommitted?: boolean;
  /** Stop after this many messages were handed over. */
  limit?: number;
  /** Give up waiting for the end after this long (a stuck partition). */
  timeoutMs?: number;
  /** After the first record, how long without records counts as the end. */
  idleMs?: number;
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
  const remaining = new Map(ends.filter((e) => e.high > e.low).map((e) => [e.partition, e.high]));
  if (remaining.size === 0) return 0;
  const groupId = `reviewflow-reader-${randomUUID()}`;
  const consumer = reader.consumer({ groupId, topics: [options.topic], readCommitted: options.readCommitted ?? false });
  let handed = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  const timer = setTimeout(finish, options.timeoutMs ?? 60_000);
  // Transaction markers occupy offsets without being delivered, so a partition whose
  // last records are markers never shows its end offset: after a quiet spell past the
  // first batch, what was readable has been read.
  let idle: NodeJS.Timeout | undefined;
  const quiet = (): void => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(finish, options.idleMs ?? 3_000);
  };
  const running = consumer.run(async (batch) => {
    quiet();
    const end = remaining.get(batch.partition);
    if (end === undefined) return;
    for (const m of batch.messages) {
      if (m.offset >= end) break;
      if (wanted.has(batch.partition) && (options.limit === undefined || handed < options.limit)) {
        onMessage(m, batch.partition);
        handed++;
      }
    }
    const last = batch.messages[batch.messages.length - 1];
    if (last && last.offset >= end - 1) remaining.delete(batch.partition);
    if (remaining.size === 0 || (options.limit !== undefined && handed >= options.limit)) finish();
  });
  await Promise.race([done, running.then(() => done)]);
  clearTimeout(timer);
  if (idle) clearTimeout(idle);
  await consumer.stop();
  // best effort: an empty throwaway group also expires on its own
  await reader.admin((a) => a.deleteGroups([groupId])).catch((err: unknown) => void err);
  return handed;
}
