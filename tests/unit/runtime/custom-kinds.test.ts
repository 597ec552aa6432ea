import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ErrorCode } from '../../../src/errors.js';
import { isModuleKind, kindsForTopology, openTopology } from '../../../src/runtime/custom-kinds.js';
import { builtinKinds } from '../../../src/runtime/kinds.js';

const dir = mkdtempSync(join(tmpdir(), 'reviewflow-kinds-'));
const defineStageUrl = pathToFileURL(join(process.cwd(), 'src/stages/define-stage.ts')).href;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The default topology with one more stage of `kind` after gate, written next to the modules. */
function topologyWith(kind: string, options: Record<string, unknown> = {}): string {
  const raw = parse(readFileSync('topologies/sentiment.yaml', 'utf8')) as { topics: Record<string, unknown>; stages: Array<Record<string, unknown>> };
  raw.topics['reviews.extra'] = { partitions: 3, replication: 1 };
  raw.stages.push({ id: 'extra', kind, input: 'reviews.accepted', output: 'reviews.extra', deadLetter: 'reviews.dlq', options });
  const file = join(dir, `topology-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(raw));
  return file;
}

writeFileSync(
  join(dir, 'shout.mjs'),
  `import { defineStage } from '${defineStageUrl}';
import { z } from 'zod';
export const shout = defineStage({
  kind: 'shout',
  options: z.object({ suffix: z.string().default('!') }).strict(),
  transform: (review, { options }) => [{ kind: 'out', review: { ...review, text: review.text.toUpperCase() + options.suffix } }],
});
export const notAStage = { id: 'nope' };
`,
);

describe('custom stage kinds', () => {
  it('isModuleKind accepts ./, ../, absolute and file: module references with an export name, and nothing else', () => {
    for (const kind of ['./shout.mjs#shout', '../x/y.js#s', '/abs/m.js#m', 'file:///abs/m.js#m']) expect(isModuleKind(kind)).toBe(true);
    for (const kind of ['clean', 'train', './shout.mjs', 'shout.mjs#shout', './m.js#', './m.js#1bad']) expect(isModuleKind(kind)).toBe(false);
  });

  it('openTopology imports a module kind relative to the topology file and validates its options with its own schema', async () => {
    const { topology, kinds } = await openTopology(topologyWith('./shout.mjs#shout', { suffix: '?!' }));
    const extra = topology.stages.find((s) => s.id === 'extra')!;
    expect(extra.options).toEqual({ suffix: '?!' });
    const kind = kinds.of(extra);
    expect(kind).toMatchObject({ fusable: true, trains: false, sideOutputs: [] });
    expect(kinds.trainingStages(topology.stages).map((s) => s.id)).toEqual(['train']);
  });

  it('openTopology rejects a custom stage option its schema does not know, naming the path', async () => {
    await expect(openTopology(topologyWith('./shout.mjs#shout', { volume: 11 }))).rejects.toMatchObject({ code: ErrorCode.INVALID_TOPOLOGY, message: expect.stringContaining('stages[4].options') });
  });

  it('kindsForTopology names a module it cannot import, with the resolved path and a hint', async () => {
    const err = await kindsForTopology(topologyWith('./missing.mjs#shout')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.INVALID_TOPOLOGY, message: expect.stringContaining('missing.mjs'), hint: expect.stringContaining('relative to the topology file') });
  });

  it('kindsForTopology rejects an export that is not a stage, listing what the module exports', async () => {
    const err = await kindsForTopology(topologyWith('./shout.mjs#notAStage')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.INVALID_TOPOLOGY, message: expect.stringContaining('it exports shout, notAStage') });
  });

  it('kindsForTopology leaves a topology without custom kinds on the built-in registry, and an unreadable file to loadTopology', async () => {
    expect((await kindsForTopology('topologies/sentiment.yaml')).names).toEqual(builtinKinds.names);
    expect((await kindsForTopology(join(dir, 'absent.yaml'))).names).toEqual(builtinKinds.names);
  });

  it('the built-in registry holds every kind, the trainer included, and refuses an unknown one with the known names', () => {
    expect(builtinKinds.names).toEqual(['clean', 'augment', 'gate', 'train']);
    expect(builtinKinds.get('gate').sideOutputs).toEqual(['quarantine', 'quality']);
    expect(builtinKinds.get('train')).toMatchObject({ fusable: false, trains: true });
    expect(() => builtinKinds.get('toString')).toThrowError(expect.objectContaining({ code: ErrorCode.INVALID_TOPOLOGY, message: expect.stringContaining('clean, augment, gate, train') }));
  });
});
