import type { Admin, AclEntry } from 'kafkajs';
import kafkajs from './kafkajs.js';
import { ErrorCode, hasCode } from '../errors.js';
import { withRetry } from '../util/retry.js';
import { kafkaCall } from './errors.js';
import type { AclBinding, GroupLag, TopicSpec } from './types.js';

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

export interface TopicDescription {
  name: string;
  partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }>;
}

export interface ClusterDescription {
  clusterId: string;
  controller: number | null;
  brokers: Array<{ nodeId: number; host: string; port: number }>;
}

/**
 * Retries a call that failed with a retriable protocol error (a leader moving, metadata
 * still loading after topic creation). An unreachable broker is not retried here:
 * kafkajs already spent its connection retries, and the user should hear about it.
 */
function call<T>(action: string, fn: () => Promise<T>): Promise<T> {
  return withRetry(() => kafkaCall(action, fn), { attempts: 5, baseMs: 200, maxMs: 2_000, retryIf: (err) => hasCode(err, ErrorCode.KAFKA_RETRIABLE) });
}

/** Admin operations reviewflow needs: idempotent topic creation, descriptions, offsets and lag. */
export class AdminPort {
  constructor(private readonly admin: Admin) {}

  describeCluster(): Promise<ClusterDescription> {
    return call('describe cluster', () => this.admin.describeCluster());
  }

  async listTopics(): Promise<string[]> {
    return call('list topics', () => this.admin.listTopics());
  }

  /**
   * Creates the topics that do not exist yet; returns the names it created. Metadata
   * lags creation on a fresh broker, so retriable failures retry (creation is idempotent).
   */
  async ensureTopics(specs: TopicSpec[]): Promise<string[]> {
    const created = new Set<string>();
    await withRetry(async () => {
      for (const name of await this.createMissing(specs)) created.add(name);
    }, { attempts: 6, baseMs: 250, maxMs: 2_000 });
    return [...created];
  }

  private async createMissing(specs: TopicSpec[]): Promise<string[]> {
    const existing = new Set(await this.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length === 0) return [];
    await kafkaCall('create topics', () =>
      this.admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: s.replicationFactor,
          configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      }),
    );
    return missing.map((s) => s.name);
  }

  async deleteTopics(names: string[]): Promise<void> {
    if (names.length === 0) return;
    await call('delete topics', () => this.admin.deleteTopics({ topics: names, timeout: 30_000 }));
  }

  async describeTopics(names: string[]): Promise<TopicDescription[]> {
    const { topics } = await call('describe topics', () => this.admin.fetchTopicMetadata({ topics: names }));
    return topics.map((t) => ({
      name: t.name,
      partitions: t.partitions
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
        .sort((a, b) => a.partition - b.partition),
    }));
  }

  /** Earliest and end offset per partition; end - earliest is what a reader can still see. */
  async topicOffsets(topic: string): Promise<Array<{ partition: number; low: number; high: number }>> {
    const offsets = await call(`fetch offsets of ${topic}`, () => this.admin.fetchTopicOffsets(topic));
    return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) })).sort((a, b) => a.partition - b.partition);
  }

  /**
   * Per partition, the offset of the first record whose timestamp is at or after
   * `timestamp` (ms); the end offset where no record is that new.
   */
  async offsetsForTime(topic: string, timestamp: number): Promise<Array<{ partition: number; offset: number }>> {
    const offsets = await call(`find offsets of ${topic} at ${new Date(timestamp).toISOString()}`, () => this.admin.fetchTopicOffsetsByTimestamp(topic, timestamp));
    return offsets.map((o) => ({ partition: o.partition, offset: Number(o.offset) })).sort((a, b) => a.partition - b.partition);
  }

  async groupLag(groupId: string, topic: string): Promise<GroupLag> {
    const [ends, committed] = await Promise.all([
      this.topicOffsets(topic),
      call(`fetch offsets of group ${groupId}`, () => this.admin.fetchOffsets({ groupId, topics: [topic] })),
    ]);
    const committedByPartition = new Map<number, number>();
    for (const t of committed) for (const p of t.partitions) committedByPartition.set(p.partition, Number(p.offset));
    const partitions = ends.map(({ partition, low, high }) => {
      const raw = committedByPartition.get(partition) ?? -1;
      const position = raw < 0 ? low : raw; // -1: the group never committed here
      return { partition, committed: raw, end: high, lag: Math.max(0, high - position) };
    });
    return { groupId, topic, partitions, total: partitions.reduce((s, p) => s + p.lag, 0) };
  }

  /**
   * Points an inactive group at explicit offsets (the trainer resumes from the offsets
   * recorded in its last published model). Partitions not listed start at the earliest.
   */
  async setGroupOffsets(groupId: string, topic: string, offsets: Array<{ partition: number; offset: number }>): Promise<void> {
    const [lag, ends] = await Promise.all([this.groupLag(groupId, topic), this.topicOffsets(topic)]);
    const given = new Map(offsets.map((o) => [o.partition, o.offset]));
    const low = new Map(ends.map((o) => [o.partition, o.low]));
    const target = (partition: number): number => given.get(partition) ?? low.get(partition) ?? 0;
    // kafkajs's setOffsets costs a fetch wait (~5 s): skip it when the group already points
    // there, or never committed and would start at the beginning anyway
    const already = lag.partitions.every((p) => p.committed === target(p.partition) || (p.committed < 0 && target(p.partition) === low.get(p.partition)));
    if (already) return;
    const partitions = ends.map(({ partition }) => ({ partition, offset: String(target(partition)) }));
    await call(`set offsets of group ${groupId}`, () => this.admin.setOffsets({ groupId, topic, partitions }));
  }

  /** How many members a consumer group has right now (0 when it is empty or unknown). */
  async groupMembers(groupId: string): Promise<number> {
    const { groups } = await call(`describe group ${groupId}`, () => this.admin.describeGroups([groupId]));
    return groups[0]?.members.length ?? 0;
  }

  async deleteGroups(groupIds: string[]): Promise<void> {
    if (groupIds.length === 0) return;
    await call('delete groups', () => this.admin.deleteGroups(groupIds));
  }
  /** Adds ALLOW ACLs; the broker keeps one copy of a binding, so applying twice changes nothing. */
  async createAcls(bindings: readonly AclBinding[]): Promise<void> {
    if (bindings.length === 0) return;
    await call('create ACLs', () => this.admin.createAcls({ acl: bindings.map(toAclEntry) }));
  }

  /** The ALLOW ACLs of one principal (any resource, any operation). */
  async describeAcls(principal: string): Promise<AclEntry[]> {
    const { resources } = await call(`describe ACLs of ${principal}`, () =>
      this.admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ALLOW,
      }),
    );
    return resources.flatMap((r) => r.acls.map((acl) => ({ ...acl, resourceType: r.resourceType, resourceName: r.resourceName, resourcePatternType: r.resourcePatternType })));
  }

}

const RESOURCE_TYPES = { topic: AclResourceTypes.TOPIC, group: AclResourceTypes.GROUP, 'transactional-id': AclResourceTypes.TRANSACTIONAL_ID } as const;
const OPERATIONS = { read: AclOperationTypes.READ, write: AclOperationTypes.WRITE, describe: AclOperationTypes.DESCRIBE, delete: AclOperationTypes.DELETE } as const;

function toAclEntry(b: AclBinding): AclEntry {
  return {
    principal: b.principal,
    host: '*',
    resourceType: RESOURCE_TYPES[b.resourceType],
    resourceName: b.resourceName,
    resourcePatternType: b.pattern === 'prefixed' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
    operation: OPERATIONS[b.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}
