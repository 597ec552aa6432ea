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

export interface TopicStatus {
  topic: string;
  records: number;
  partitions: number;
}

/** Per topic record counts and per stage counters and lag; what `status` prints. */
export async function collectStatus(kafka: KafkaPort, topology: Topology): Promise<{ topics: TopicStatus[]; stages: StageStatus[] }> {
  const existing = new Set(await kafka.withAdmin((a) => a.listTopics()));
  const topics: TopicStatus[] = [];
  for (const topic of Object.keys(topology.topics)) {
    if (!existing.has(topic)) continue;
    const offsets = await kafka.withAdmin((a) => a.topicOffsets(topic));
    topics.push({ topic, records: offsets.reduce((s, o) => s + (o.high - o.low), 0), partitions: offsets.length });
  }
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
