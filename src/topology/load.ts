import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ErrorCode, ReviewflowError } from '../errors.js';
import { topologyError, type TopologyIssue } from './issues.js';
import { topologySchema, type TopologyConfig } from './schema.js';
import { validateTopology, zodIssues, type StageKind } from './validate.js';

export type Topology = Readonly<TopologyConfig> & { readonly file: string };

export interface LoadOptions {
  /** Values for `${NAME}` placeholders (secrets stay out of the file). The CLI passes its environment (cli/env.ts). */
  env?: Record<string, string | undefined>;
  /** The stage kinds a stage may name, with their options and side outputs (the runtime's registry: runtime/kinds.ts). */
  kinds: Record<string, StageKind>;
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
export function parseTopology(raw: unknown, file: string, options: LoadOptions): Topology {
  const issues: TopologyIssue[] = [];
  const substituted = substitute(raw, options.env ?? {}, '', issues);
  if (issues.length > 0) throw topologyError(file, issues);
  const parsed = topologySchema.safeParse(substituted);
  if (!parsed.success) throw topologyError(file, zodIssues(parsed.error));
  const checked = validateTopology(parsed.data, options.kinds);
  if (checked.issues.length > 0) throw topologyError(file, checked.issues);
  return deepFreeze({ ...checked.topology, file });
}

export function loadTopology(file: string, options: LoadOptions): Topology {
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

/**
 * The `kind` of every stage in a topology file, read leniently before the file is
 * validated (custom kinds must be imported first); [] when it cannot be read or parsed,
 * which loadTopology then reports properly.
 */
export function stageKindNames(file: string): string[] {
  try {
    const raw: unknown = parseDocument(readFileSync(resolve(file), 'utf8')).toJS();
    const stages = (raw as { stages?: unknown } | null)?.stages;
    if (!Array.isArray(stages)) return [];
    return stages.map((s) => (s as { kind?: unknown } | null)?.kind).filter((k): k is string => typeof k === 'string');
  } catch {
    return [];
  }
}
