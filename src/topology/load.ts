import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ErrorCode, ReviewflowError } from '../errors.js';
import { topologyError, type TopologyIssue } from './issues.js';
import { topologySchema, type TopologyConfig } from './schema.js';
import { validateTopology, zodIssues, type StageKind } from './validate.js';
import { stageKinds } from './kinds.js';

export type Topology = Readonly<TopologyConfig> & { readonly file: string };

export interface LoadOptions {
  /** Values for `${NAME}` placeholders (secrets stay out of the file). The CLI passes its environment (cli/env.ts). */
  env?: Record<string, string | undefined>;
  kinds?: Record<string, StageKind>;
}

/** Replaces `${NAME}` and `${NAME:-default}` in every string; a missing name is an issue. */
function substitute(value: unknown, env: Record<string, string | undefined>, path: string, issues: TopologyIssue[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => {
      const found = env[name] ?? fallback;
      if (found === undefined) issues.push({ path, message: `environment variable ${name} is not set`, fix: `export ${name}=... or give a default: \${${name}:-value}` });
      return found ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, env, `${path}[${i}]`, issues));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, env, path ? `${path}.${k}` : k, issues)]));
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Parses, validates and freezes a topology given as data; `file` names it in errors. */
export function parseTopology(raw: unknown, file: string, options: LoadOptions = {}): Topology {
  const issues: TopologyIssue[] = [];
  const substituted = substitute(raw, options.env ?? {}, '', issues);
  if (issues.length > 0) throw topologyError(file, issues);
  const parsed = topologySchema.safeParse(substituted);
  if (!parsed.success) throw topologyError(file, zodIssues(parsed.error));
  const checked = validateTopology(parsed.data, options.kinds ?? stageKinds());
  if (checked.issues.length > 0) throw topologyError(file, checked.issues);
  return deepFreeze({ ...checked.topology, file });
}

export function loadTopology(file: string, options: LoadOptions = {}): Topology {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ReviewflowError(ErrorCode.INVALID_TOPOLOGY, `cannot read topology file ${file}: ${(err as Error).message}`, {
      retriable: false,
      cause: err,
      hint: 'pass --topology PATH to an existing file (default topologies/sentiment.yaml)',
    });
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw topologyError(
      file,
      doc.errors.map((e) => ({ path: `line ${e.linePos?.[0]?.line ?? '?'}`, message: `YAML syntax: ${e.message.split('\n')[0]}`, fix: 'fix the YAML syntax at that line' })),
    );
  }
  return parseTopology(doc.toJS(), file, options);
}

/**
 * A copy of a topology whose topics and consumer groups carry a prefix: several
 * pipelines (or tests) share one cluster without seeing each other's records.
 */
export function namespaced(topology: Topology, prefix: string): Topology {
  const t = (name: string): string => `${prefix}${name}`;
  const opt = (name: string | undefined): string | undefined => (name === undefined ? undefined : t(name));
  return deepFreeze({
    ...topology,
    ingest: t(topology.ingest),
    topics: Object.fromEntries(Object.entries(topology.topics).map(([name, cfg]) => [t(name), cfg])),
    stages: topology.stages.map((s) => ({
      ...s,
      input: t(s.input),
      output: t(s.output),
      quarantine: opt(s.quarantine),
      deadLetter: opt(s.deadLetter),
      quality: opt(s.quality),
      group: `${prefix}${s.group}`,
    })),
  });
}
