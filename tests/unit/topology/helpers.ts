/** A small valid topology, kinds of our own, and a reader of the rejection parseTopology throws. */
import { expect } from 'vitest';
import { z } from 'zod';
import { ErrorCode, hasCode } from '../../../src/errors.js';
import { parseTopology, type TopologyIssue } from '../../../src/topology/index.js';
import type { StageKind } from '../../../src/topology/validate.js';

export const FILE = 'topologies/shop.yaml';

/** Two kinds whose options reach every branch of the fix texts; `judge` needs side outputs. */
export const KINDS: Record<string, StageKind> = {
  pass: {
    options: z
      .object({
        ratio: z.number().gt(0).max(1).default(0.5),
        mode: z.enum(['fast', 'careful']).default('fast'),
        tag: z.string().regex(/^[a-z]+$/, 'tags are lower-case letters').optional(),
      })
      .strict(),
    sideOutputs: [],
  },
  judge: { options: z.object({ threshold: z.number() }).strict(), sideOutputs: ['quarantine', 'quality'] },
};

/** A topology as a YAML file gives it, before the schema: any field may be wrong. */
export interface RawTopology {
  [field: string]: unknown;
  topics: Record<string, Record<string, unknown>>;
  stages: Array<Record<string, unknown>>;
}

/** raw → tidy (pass) → clean → check (judge) → accepted, with quarantine, quality and DLQ topics. */
export function shop(): RawTopology {
  return {
    name: 'shop',
    ingest: 'raw',
    topics: { raw: {}, clean: {}, accepted: {}, rejected: {}, quality: {}, dlq: {} },
    stages: [
      { id: 'tidy', kind: 'pass', input: 'raw', output: 'clean', deadLetter: 'dlq' },
      { id: 'check', kind: 'judge', input: 'clean', output: 'accepted', quarantine: 'rejected', quality: 'quality', options: { threshold: 0.5 } },
    ],
  };
}

/** The shop topology with one change applied (the change may also return a replacement). */
export function shopWith(change: (t: RawTopology) => unknown): unknown {
  const t = shop();
  const replaced = change(t);
  return replaced === undefined ? t : replaced;
}

export function rejection(raw: unknown): { message: string; issues: TopologyIssue[] } {
  let thrown: unknown;
  try {
    parseTopology(raw, FILE, { kinds: KINDS });
  } catch (err) {
    thrown = err;
  }
  if (!hasCode(thrown, ErrorCode.INVALID_TOPOLOGY)) throw new Error(`expected INVALID_TOPOLOGY, got ${String(thrown)}`);
  expect(thrown.retriable).toBe(false);
  return { message: thrown.message, issues: thrown.details?.issues as TopologyIssue[] };
}

/** The topology is rejected with this issue, and the message names the file, the path and the fix. */
export function expectIssue(raw: unknown, issue: TopologyIssue): void {
  const { message, issues } = rejection(raw);
  expect(issues).toContainEqual(issue);
  expect(message).toContain(`${FILE}: ${issue.path || '(top level)'}: ${issue.message}\n  fix: ${issue.fix}`);
}
