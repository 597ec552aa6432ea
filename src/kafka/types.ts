/** The shapes that cross the Kafka port. Nothing outside src/kafka sees a kafkajs type. */

export type Headers = Record<string, string>;

export interface OutgoingMessage {
  key: Buffer | string | null;
  value: Buffer | null;
  headers?: Headers;
  /** Pin a partition (for changelogs and model chunks); otherwise the key decides. */
  partition?: number;
}

export interface TopicMessages {
  topic: string;
  messages: OutgoingMessage[];
}

export interface ConsumedMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: Headers;
  offset: number;
  timestamp: number;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
  highWatermark: number;
  /**
   * The last offset the fetch covered, transaction markers and aborted records included:
   * committing past it (not just past the last message) leaves no lag behind markers.
   */
  lastOffset: number;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  config?: Record<string, string>;
}

export interface PartitionOffsetCommit {
  topic: string;
  partition: number;
  /** The next offset to read. */
  offset: number;
}

export interface GroupLag {
  groupId: string;
  topic: string;
  partitions: Array<{ partition: number; committed: number; end: number; lag: number }>;
  total: number;
}

/**
 * Group-id prefixes of reviewflow's short-lived consumers: `readToEnd`'s throwaway
 * groups and model subscribers. Declared once, because ACLs grant them by prefix.
 */
export const READER_GROUP_PREFIX = 'reviewflow-reader-';
export const SUBSCRIBER_GROUP_PREFIX = 'reviewflow-subscriber-';
/** `reviewflow retrain` reads its window in a group of this prefix, deleted when it is done. */
export const RETRAIN_GROUP_PREFIX = 'reviewflow-retrain-';

/** One ALLOW ACL (the only kind reviewflow writes): who may do what to which resource, from any host. */
export type AclOperation = 'read' | 'write' | 'describe' | 'delete';
export type AclResourceType = 'topic' | 'group' | 'transactional-id';

export interface AclBinding {
  principal: string;
  resourceType: AclResourceType;
  resourceName: string;
  /** `prefixed` matches every name that starts with resourceName. */
  pattern: 'literal' | 'prefixed';
  operation: AclOperation;
}
