import type { TopicSpec } from '../kafka/index.js';
import type { StageConfig } from './schema.js';
import type { Topology } from './load.js';

/** The compacted topic that keeps a stage's state per input partition. */
export function changelogTopic(stage: StageConfig): string {
  return `${stage.group}.changelog`;
}

/** The compacted topic with each input partition's cumulative counters. */
export function statsTopic(stage: StageConfig): string {
  return `${stage.group}.stats`;
}

const compacted = { 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.1', 'segment.ms': '600000' };

/** Every topic a topology needs: the declared ones plus each stage's changelog and stats. */
export function topicSpecs(topology: Topology): TopicSpec[] {
  const specs: TopicSpec[] = Object.entries(topology.topics).map(([name, t]) => ({
    name,
    partitions: t.partitions,
    replicationFactor: t.replication,
    config: {
      ...(t.compaction ? compacted : {}),
      ...(t.retentionMs !== undefined ? { 'retention.ms': String(t.retentionMs) } : {}),
      ...t.config,
    },
  }));
  for (const stage of topology.stages) {
    const input = topology.topics[stage.input];
    const replication = input?.replication ?? 1;
    // state is as durable as the stream it describes
    const minIsr = input?.config['min.insync.replicas'];
    const config = minIsr ? { ...compacted, 'min.insync.replicas': minIsr } : compacted;
    specs.push({ name: changelogTopic(stage), partitions: input?.partitions ?? 1, replicationFactor: replication, config });
    specs.push({ name: statsTopic(stage), partitions: 1, replicationFactor: replication, config });
  }
  return specs;
}
