import { Option } from 'commander';
import type { Topology } from '../topology/index.js';

export const ISOLATION_LEVELS = ['read-committed', 'read-uncommitted'] as const;
export type Isolation = (typeof ISOLATION_LEVELS)[number];

/** `--isolation` for commands that read topics (consume, status). */
export function isolationOption(): Option {
  return new Option('--isolation <level>', 'read committed records only, or every record (default: read-committed when the topology is exactly-once)').choices([...ISOLATION_LEVELS]);
}

/**
 * Under exactly-once an aborted transaction leaves its records in the log; the stages
 * read committed and never see them, so by default a reader of such a topology does too.
 */
export function resolveIsolation(topology: Pick<Topology, 'delivery'>, chosen?: Isolation): Isolation {
  return chosen ?? (topology.delivery === 'exactly-once' ? 'read-committed' : 'read-uncommitted');
}
