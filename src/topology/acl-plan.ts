import { READER_GROUP_PREFIX, RETRAIN_GROUP_PREFIX, SUBSCRIBER_GROUP_PREFIX, type AclBinding, type AclOperation, type AclResourceType } from '../kafka/index.js';
import { changelogTopic, statsTopic } from './derived.js';
import type { Topology } from './load.js';
import type { StageConfig } from './schema.js';

/**
 * The least-privilege ACLs of a topology on a cluster with an authorizer: one principal
 * per stage, allowed exactly what its runner does, a read-only principal for model
 * subscribers, and a write-only one for producers to the ingest topic. Pure: applying
 * them is `reviewflow acls apply` (src/kafka/ turns these into the protocol's enums).
 */

export interface AclPrincipals {
  /** Stage id → principal; a stage not listed gets `User:<its group>`. */
  stages?: Readonly<Record<string, string>>;
  /** Reads model topics; default `User:<topology name>.subscriber`. */
  subscriber?: string;
  /** Writes the ingest topic; default `User:<topology name>.producer`. */
  producer?: string;
}

export function stagePrincipal(stage: StageConfig, principals: AclPrincipals): string {
  return principals.stages?.[stage.id] ?? `User:${stage.group}`;
}

function grant(principal: string, resourceType: AclResourceType, resourceName: string, operations: readonly AclOperation[], pattern: AclBinding['pattern'] = 'literal'): AclBinding[] {
  return operations.map((operation) => ({ principal, resourceType, resourceName, pattern, operation }));
}

function topic(principal: string, name: string, operations: readonly AclOperation[]): AclBinding[] {
  return grant(principal, 'topic', name, operations);
}

/** What one stage's runner touches: see StageRunner, TransformStep and TrainStep. */
function stageAcls(topology: Topology, stage: StageConfig, principal: string, trains: boolean): AclBinding[] {
  const writes = [stage.output, stage.quarantine, stage.deadLetter, stage.quality].filter((t): t is string => t !== undefined);
  return [
    ...topic(principal, stage.input, ['read', 'describe']),
    ...writes.flatMap((t) => topic(principal, t, ['write', 'describe'])),
    // restore reads its state and counters back; the trainer resumes from its model topic
    ...[changelogTopic(stage), statsTopic(stage)].flatMap((t) => topic(principal, t, ['read', 'write', 'describe'])),
    ...(trains ? topic(principal, stage.output, ['read']) : []),
    // its consumer group (the trainer also describes it and sets its offsets)
    ...grant(principal, 'group', stage.group, ['read', 'describe']),
    // readToEnd's throwaway groups (and the trainer's label feed, see auto-rollback): joined, then deleted
    ...grant(principal, 'group', READER_GROUP_PREFIX, ['read', 'delete'], 'prefixed'),
    // `reviewflow retrain` runs as the trainer: its window's groups are pointed at offsets, read, then deleted
    ...(trains ? grant(principal, 'group', RETRAIN_GROUP_PREFIX, ['read', 'describe', 'delete'], 'prefixed') : []),
    // transactional ids are `<group>.tx.<instance index>`
    ...(topology.delivery === 'exactly-once' ? grant(principal, 'transactional-id', `${stage.group}.tx.`, ['write', 'describe'], 'prefixed') : []),
  ];
}

/**
 * Every ACL the topology needs. `trains(stage)` says which stages publish models (the
 * kind registry knows; topology/ does not import it), whose output topics subscribers read.
 */
export function aclPlan(topology: Topology, principals: AclPrincipals, trains: (stage: StageConfig) => boolean): AclBinding[] {
  const subscriber = principals.subscriber ?? `User:${topology.name}.subscriber`;
  const producer = principals.producer ?? `User:${topology.name}.producer`;
  const modelTopics = [...new Set(topology.stages.filter(trains).map((s) => s.output))];
  const bindings = [
    ...topology.stages.flatMap((stage) => stageAcls(topology, stage, stagePrincipal(stage, principals), trains(stage))),
    ...modelTopics.flatMap((t) => topic(subscriber, t, ['read', 'describe'])),
    ...grant(subscriber, 'group', SUBSCRIBER_GROUP_PREFIX, ['read'], 'prefixed'),
    ...grant(subscriber, 'group', READER_GROUP_PREFIX, ['read', 'delete'], 'prefixed'),
    ...topic(producer, topology.ingest, ['write', 'describe']),
  ];
  // a principal named for several stages (a fused chain) would get some bindings twice
  const unique = new Map(bindings.map((b) => [`${b.principal}|${b.resourceType}|${b.resourceName}|${b.pattern}|${b.operation}`, b]));
  return [...unique.values()];
}
