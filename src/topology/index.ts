export { loadTopology, parseTopology, namespaced, type Topology, type LoadOptions } from './load.js';
export { toMermaid } from './mermaid.js';
export { topicSpecs, changelogTopic, statsTopic } from './derived.js';
export { stageKinds } from './kinds.js';
export type { TopologyConfig, StageConfig, TopicConfig, BrokerConfig } from './schema.js';
export type { TopologyIssue } from './issues.js';
