import type { KafkaPort, OutgoingMessage } from '../kafka/index.js';
import type { StageDescriptor, StageInput, StageState } from '../stages/types.js';
import { addCounters, emptyCounters, type StageCounters } from './counters.js';
import { PackedChangelog } from './packed-changelog.js';

/** What one stage keeps per input partition: its state, cumulative counters, and position. */
export interface PartitionContext<S> {
  state: S;
  counters: StageCounters;
  /** The input offset the state has seen up to (exclusive); -1 when never processed. */
  nextOffset: number;
  /** Which changelog deltas still hold live state (see packed-changelog.ts). */
  changelog: PackedChangelog;
}

export function freshContext<S>(state: S): PartitionContext<S> {
  return { state, counters: emptyCounters(), nextOffset: -1, changelog: new PackedChangelog() };
}

const NEXT_OFFSET_KEY = '__next_offset';

interface StatsValue {
  counters: StageCounters;
  nextOffset: number;
  updatedAt: number;
}

export function statsKey(partition: number): string {
  return `p${partition}`;
}

/**
 * Restores every partition's state and counters from the stage's changelog and stats
 * topics. Returns contexts keyed by partition, for the partitions the topics know.
 */
export async function restorePartitions<O, S extends StageState | undefined>(options: {
  kafka: KafkaPort;
  stage: StageDescriptor<O, S, StageInput>;
  stageOptions: O;
  changelog: string;
  stats: string;
  partitions?: number[];
}): Promise<Map<number, PartitionContext<S>>> {
  const contexts = new Map<number, PartitionContext<S>>();
  const get = (p: number): PartitionContext<S> => {
    let ctx = contexts.get(p);
    if (!ctx) {
      ctx = freshContext(options.stage.createState(options.stageOptions));
      contexts.set(p, ctx);
    }
    return ctx;
  };
  const wanted = options.partitions ? new Set(options.partitions) : undefined;
  // read-committed: in exactly-once mode, aborted state changes must not come back
  await options.kafka.readToEnd({ topic: options.changelog, readCommitted: true, ...(options.partitions ? { partitions: options.partitions } : {}) }, (m, partition) => {
    const key = m.key?.toString('utf8') ?? '';
    const value = m.value === null ? null : m.value.toString('utf8');
    const ctx = get(partition);
    if (key === NEXT_OFFSET_KEY) ctx.nextOffset = value === null ? -1 : Number(value);
    else for (const [k, v] of ctx.changelog.restore(key, value)) ctx.state?.apply(k, v);
  });
  for (const [partition, stats] of await readStats(options.kafka, options.stats)) {
    if (!wanted || wanted.has(partition)) get(partition).counters = stats.counters;
  }
  return contexts;
}

/**
 * The changelog records of one processed chunk: its state changes packed into one delta
 * (plus tombstones of deltas nothing lives in any more), then the new position.
 */
export function changelogMessages(ctx: PartitionContext<StageState | undefined>, partition: number): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  const { deltas, tombstones } = ctx.changelog.write(ctx.state ? ctx.state.drainChanges() : [], ctx.nextOffset);
  for (const delta of deltas) out.push({ key: delta.key, value: Buffer.from(delta.value), partition });
  for (const key of tombstones) out.push({ key, value: null, partition });
  out.push({ key: NEXT_OFFSET_KEY, value: Buffer.from(String(ctx.nextOffset)), partition });
  return out;
}

export function statsMessage(ctx: PartitionContext<unknown>, partition: number, now: number): OutgoingMessage {
  const value: StatsValue = { counters: ctx.counters, nextOffset: ctx.nextOffset, updatedAt: now };
  return { key: statsKey(partition), value: Buffer.from(JSON.stringify(value)), partition: 0 };
}

export function accumulate(ctx: PartitionContext<unknown>, delta: StageCounters, nextOffset: number): void {
  ctx.counters = addCounters(ctx.counters, delta);
  ctx.nextOffset = nextOffset;
}

/** Reads each stage partition's latest counters (for `status` and state restores). */
export async function readStats(kafka: KafkaPort, stats: string): Promise<Map<number, StatsValue>> {
  const latest = new Map<number, StatsValue>();
  await kafka.readToEnd({ topic: stats, readCommitted: true }, (m) => {
    const key = m.key?.toString('utf8') ?? '';
    if (key.startsWith('p') && m.value) latest.set(Number(key.slice(1)), JSON.parse(m.value.toString('utf8')) as StatsValue);
  });
  return latest;
}
