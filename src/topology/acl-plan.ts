import type { AclBinding, AclOperation } from '../kafka/index.js';
import { changelogTopic, statsTopic } from './derived.js';
import type { Topology } from './load.js';
import type { StageConfig } from './schema.js';

/**
 * The least-privilege ACLs of a topology on a cluster with an authorizer: one principal
 * per stage, allowed exactly what its runner does, a read-only principal for model
 * subscribers, and a write-only one for producers to the ingest topic. Pure: applying
 * them is `reviewflow acls apply` (src/kafka/ turns these into the protocol's enums).
 */
/** Group prefixes of reviewflow's short-lived readers (src/kafka/read.ts, src/subscription/subscribe.ts). */
export const READER_GROUP_PREFIX = 'reviewflow-reader-';
export const SUBSCRIBER_GROUP_PREFIX = 'reviewflow-subscriber-';

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

function topic(principal: string, name: string, operations: AclOperation[]): AclBinding[] {
  return operations.map((operation) => ({ principal, resourceType: 'topic', resourceName: name, pattern: 'literal', operation }));
}

/** What one stage's runner touches: see StageRunner, TransformStep and TrainStep. */
function stageAcls(topology: Topology, stage: StageConfig, principal: string, trains: boolean): AclBinding[] {
  const writes = [stage.output, stage.quarantine, stage.deadLetter, stage.quality].filter((t): t is string => t !== undefined);
  const bindings: AclBinding[] = [
    ...topic(principal, stage.input, ['read', 'describe']),
    ...writes.flatMap((t) => topic(principal, t, ['write', 'describe'])),
    // restore reads its state and counters back; the trainer resumes from its model topic
    ...[changelogTopic(stage), statsTopic(stage)].flatMap((t) => topic(principal, t, ['read', 'write', 'describe'])),
    ...(trains ? topic(principal, stage.output, ['read']) : []),
    // its consumer group (the trainer also describes it and sets its offsets)
    ...(['read', 'describe'] as const).map((operation): AclBinding => ({ principal, resourceType: 'group', resourceName: stage.group, pattern: 'literal', operation })),
    // readToEnd's throwaway groups: joined, then deleted
    ...(['read', 'delete'] as const).map((operation): AclBinding => ({ principal, resourceType: 'group', resourceName: READER_GROUP_PREFIX, pattern: 'prefixed', operation })),
  ];
  if (topology.delivery === 'exactly-once') {
    // transactional ids are `<group>.tx.<instance index>`
    for (const operation of ['write', 'describe'] as const) bindings.push({ principal, resourceType: 'transactional-id', resourceName: `${stage.group}.tx.`, pattern: 'prefixed', operation });
  }
  return bindings;
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
    ...(['read'] as const).map((operation): AclBinding => ({ principal: subscriber, resourceType: 'group', resourceName: SUBSCRIBER_GROUP_PREFIX, pattern: 'prefixed', operation })),
    ...(['read', 'delete'] as const).map((operation): AclBinding => ({ principal: subscriber, resourceType: 'group', resourceName: READER_GROUP_PREFIX, pattern: 'prefixed', operation })),
    ...topic(producer, topology.ingest, ['write', 'describe']),
  ];
  const seen = new Set<string>();
  return bindings.filter((b) => {
    const key = `${b.principal}|${b.resourceType}|${b.resourceName}|${b.pattern}|${b.operation}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
}
