export { loadTopology, parseTopology, namespaced, stageKindNames, type Topology, type LoadOptions } from './load.js';
export { toMermaid } from './mermaid.js';
export { topicSpecs, changelogTopic, statsTopic } from './derived.js';
export type { StageKind } from './validate.js';
export type { TopologyConfig, StageConfig, TopicConfig, BrokerConfig } from './schema.js';
export type { TopologyIssue } from './issues.js';
export { aclPlan, stagePrincipal, type AclPrincipals } from './acl-plan.js';
