import type { z } from 'zod';
import { formatPath, type TopologyIssue } from './issues.js';
import type { ParsedTopology, TopologyConfig } from './schema.js';

export interface StageKind {
  /** Options schema with defaults; its output replaces the raw options. */
  options: z.ZodTypeAny;
  /** What the kind emits besides its main output; a topology must name these topics. */
  sideOutputs: ReadonlyArray<'quarantine' | 'quality'>;
}

/** Builds the fix text for a zod issue: the message, the expected values where zod knows them. */
function zodFix(issue: z.ZodIssue): string {
  if (issue.code === 'invalid_enum_value') return `use one of ${issue.options.map(String).join(', ')}`;
  if (issue.code === 'unrecognized_keys') return `remove ${issue.keys.join(', ')} (not an option here)`;
  if (issue.code === 'invalid_type') return `give ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}${issue.received === 'undefined' ? ' (it is required)' : ''}`;
  if (issue.code === 'too_small' || issue.code === 'too_big') return boundFix(issue);
  return 'correct the value as the message says';
}

/** A bound in the terms of what it bounds: items of a list, characters of a text, else the value (strict or not). */
function boundFix(issue: z.ZodTooSmallIssue | z.ZodTooBigIssue): string {
  const small = issue.code === 'too_small';
  const bound = String(small ? issue.minimum : issue.maximum);
  const most = small ? 'at least' : 'at most';
  if (issue.type === 'array') return `give ${most} ${bound} item(s)`;
  if (issue.type === 'string') return `use ${most} ${bound} character(s)`;
  const sign = small ? (issue.inclusive ? '≥' : '>') : (issue.inclusive ? '≤' : '<');
  return `use a value ${sign} ${bound}`;
}

export function zodIssues(error: z.ZodError, prefix: ReadonlyArray<string | number> = []): TopologyIssue[] {
  return error.issues.map((issue) => ({ path: formatPath([...prefix, ...issue.path]), message: issue.message, fix: zodFix(issue) }));
}

/**
 * Checks what the schema cannot: stage kinds and their options, topics every stage names,
 * duplicate ids and groups, topics nothing writes, and cycles. Returns the topology with
 * each stage's options parsed (defaults filled in) and its group set.
 */
export function validateTopology(topology: ParsedTopology, kinds: Record<string, StageKind>): { topology: TopologyConfig; issues: TopologyIssue[] } {
  const issues: TopologyIssue[] = [];
  const declared = new Set(Object.keys(topology.topics));
  const need = (topic: string, path: string): void => {
    if (!declared.has(topic)) issues.push({ path, message: `topic "${topic}" is not declared under topics`, fix: `add "${topic}:" under topics, or correct the name (declared: ${[...declared].join(', ')})` });
  };
  need(topology.ingest, 'ingest');

  const ids = new Set<string>();
  const groups = new Map<string, string>();
  const stages = topology.stages.map((stage, i) => {
    const at = `stages[${i}]`;
    if (ids.has(stage.id)) issues.push({ path: `${at}.id`, message: `duplicate stage id "${stage.id}"`, fix: 'give every stage a unique id' });
    ids.add(stage.id);
    const group = stage.group ?? `${topology.name}.${stage.id}`;
    const other = groups.get(group);
    if (other) issues.push({ path: `${at}.group`, message: `consumer group "${group}" is already used by stage "${other}"`, fix: 'give each stage its own consumer group' });
    groups.set(group, stage.id);

    need(stage.input, `${at}.input`);
    need(stage.output, `${at}.output`);
    for (const side of ['quarantine', 'deadLetter', 'quality'] as const) {
      const topic = stage[side];
      if (topic) need(topic, `${at}.${side}`);
    }
    if (stage.input === stage.output) issues.push({ path: `${at}.output`, message: 'a stage cannot write to the topic it reads', fix: 'write to a new topic and let the next stage read it' });

    const kind = Object.hasOwn(kinds, stage.kind) ? kinds[stage.kind] : undefined;
    if (!kind) {
      issues.push({ path: `${at}.kind`, message: `unknown stage kind "${stage.kind}"`, fix: `use one of ${Object.keys(kinds).join(', ')}, or a module of yours: ./my-stage.js#exportName` });
      return { ...stage, group };
    }
    for (const side of kind.sideOutputs) {
      if (!stage[side]) issues.push({ path: `${at}.${side}`, message: `a ${stage.kind} stage needs a ${side} topic`, fix: `add "${side}: <topic>" to the stage` });
    }
    const parsed = kind.options.safeParse(stage.options);
    if (!parsed.success) {
      issues.push(...zodIssues(parsed.error, ['stages', i, 'options']));
      return { ...stage, group };
    }
    return { ...stage, group, options: parsed.data as Record<string, unknown> };
  });

  // every topic a stage reads must be fed by the ingest topic or by another stage
  const written = new Set<string>([topology.ingest]);
  for (const s of stages) for (const t of [s.output, s.quarantine, s.deadLetter, s.quality]) if (t) written.add(t);
  stages.forEach((s, i) => {
    if (declared.has(s.input) && !written.has(s.input)) {
      issues.push({ path: `stages[${i}].input`, message: `nothing writes to "${s.input}", so stage "${s.id}" would never receive a record`, fix: `read "${topology.ingest}" or the output of another stage, or set ingest: ${s.input}` });
    }
  });

  const cycle = findCycle(stages);
  if (cycle) issues.push({ path: 'stages', message: `the stages form a cycle: ${cycle.join(' → ')}`, fix: 'a topology is a DAG: make the last stage of the cycle write to a new topic' });

  return { topology: { ...topology, stages }, issues };
}

/** Depth-first search over topic → stage → topic edges; returns the topics of one cycle. */
function findCycle(stages: TopologyConfig['stages']): string[] | undefined {
  const edges = new Map<string, string[]>();
  for (const s of stages) {
    const outs = [s.output, s.quarantine, s.deadLetter, s.quality].filter((t): t is string => Boolean(t));
    edges.set(s.input, [...(edges.get(s.input) ?? []), ...outs]);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (topic: string): string[] | undefined => {
    if (state.get(topic) === 'done') return undefined;
    if (state.get(topic) === 'visiting') return [...stack.slice(stack.indexOf(topic)), topic];
    state.set(topic, 'visiting');
    stack.push(topic);
    for (const next of edges.get(topic) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    state.set(topic, 'done');
    return undefined;
  };
  for (const topic of edges.keys()) {
    const found = visit(topic);
    if (found) return found;
  }
  return undefined;
}
