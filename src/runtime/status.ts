import type { KafkaPort } from '../kafka/index.js';
import { statsTopic, type Topology } from '../topology/index.js';
import { addCounters, emptyCounters, identityHolds, type StageCounters } from './counters.js';
import { readStats } from './partition-state.js';

/** A stage's counters summed over its partitions, with its lag and the accounting check. */
export type StageStatus = Omit<StageCounters, 'metrics'> & {
  stage: string;
  kind: string;
  group: string;
  lag: number;
  identityHolds: boolean;
};

export type ReadIsolation = 'read-committed' | 'read-uncommitted';

export interface TopicStatus {
  topic: string;
  records: number;
  partitions: number;
  /** How `records` was counted: from offsets, or by reading the topic with this isolation. */
  counted: 'offsets' | ReadIsolation;
}

export interface StatusOptions {
  /**
   * Count each topic's records by reading it as a reader with this isolation would.
   * Omitted: from offsets, which is cheap and exact while no transaction writes the topic;
   * transaction markers and aborted records take offsets too.
   */
  isolation?: ReadIsolation;
}

async function topicStatus(kafka: KafkaPort, topic: string, isolation: ReadIsolation | undefined): Promise<TopicStatus> {
  const offsets = await kafka.withAdmin((a) => a.topicOffsets(topic));
  if (!isolation) return { topic, records: offsets.reduce((s, o) => s + (o.high - o.low), 0), partitions: offsets.length, counted: 'offsets' };
  const records = await kafka.readToEnd({ topic, readCommitted: isolation === 'read-committed' }, () => {});
  return { topic, records, partitions: offsets.length, counted: isolation };
}

/** Per topic record counts and per stage counters and lag; what `status` prints. */
export async function collectStatus(kafka: KafkaPort, topology: Topology, options: StatusOptions = {}): Promise<{ topics: TopicStatus[]; stages: StageStatus[] }> {
  const existing = new Set(await kafka.withAdmin((a) => a.listTopics()));
  // reading topics is one throwaway consumer each: side by side, not one after another
  const topics = await Promise.all(Object.keys(topology.topics).filter((t) => existing.has(t)).map((t) => topicStatus(kafka, t, options.isolation)));
  const stages: StageStatus[] = [];
  for (const stage of topology.stages) {
    const { group } = stage;
    let counters = emptyCounters();
    if (existing.has(statsTopic(stage))) for (const s of (await readStats(kafka, statsTopic(stage))).values()) counters = addCounters(counters, s.counters);
    const lag = existing.has(stage.input) ? (await kafka.withAdmin((a) => a.groupLag(group, stage.input))).total : 0;
    const { metrics: _metrics, ...shown } = counters;
    stages.push({ stage: stage.id, kind: stage.kind, group, ...shown, lag, identityHolds: identityHolds(counters) });
  }
  return { topics, stages };
}
