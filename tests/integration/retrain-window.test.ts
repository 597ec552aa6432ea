import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinKinds } from '../../src/runtime/kinds.js';
import { encode } from '../../src/records/index.js';
import type { Review } from '../../src/records/types.js';
import { loadTopology, namespaced, statsTopic, type StageConfig, type Topology } from '../../src/topology/index.js';
import { isHoldout } from '../../src/trainer/evaluation.js';
import { acceptedReview } from '../helpers/accepted-reviews.js';
import { runCli, spawnCli, writeTopologyFile, type CliProcess } from '../helpers/cli.js';
import { dropTopology, testKafka, testTopology, uniquePrefix } from '../helpers/kafka.js';

/**
 * `reviewflow retrain` against a running trainer: a window of the accepted topic is
 * trained into a new lineage in a group of its own while `run --stages train` keeps its
 * group, offsets, counters and versions; excluded ids are not trained on; the new model
 * carries its window in the manifest and `predict --model` loads it.
 */
const kafka = testKafka();
let topology: Topology;
let train: StageConfig;
let file = '';
let trainer: CliProcess | undefined;
let badFrom = 0;
let excludeFile = '';
const GOOD = 'rt';
const BAD = 'bad';
const good: Review[] = [];
const bad: Review[] = [];

const cli = (...args: string[]) => runCli([...args, '--topology', file], { timeoutMs: 180_000 });

async function produce(reviews: Review[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send([{ topic: train.input, messages: reviews.map((r) => ({ key: r.id, value: encode('review', r) })) }]);
  await producer.disconnect();
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}; trainer stderr: ${trainer?.stderr().slice(-2_000)}`);
    await sleep(250);
  }
}

/** What the running trainer owns: its group's committed offsets and members, its counters topic, its versions. */
type Footprint = { committed: number[]; members: number; stats: number[]; versions: number[] };
async function trainerFootprint(): Promise<Footprint> {
  const owned = await kafka.withAdmin(async (a) => ({
    committed: (await a.groupLag(train.group, train.input)).partitions.map((p) => p.committed),
    members: await a.groupMembers(train.group),
    stats: (await a.topicOffsets(statsTopic(train))).map((o) => o.high),
  }));
  return { ...owned, versions: await versionsOf('sentiment') };
}

/** The footprint once the trainer read everything and stopped moving (a version may follow its last commit). */
async function settledFootprint(): Promise<Footprint> {
  await until(caughtUp, 'the trainer read everything');
  let last = await trainerFootprint();
  for (;;) {
    await sleep(2_000);
    const now = await trainerFootprint();
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
}

type Listed = { model: string; version: number; parentVersion: number | null; examplesSeen: number; window: Record<string, unknown> | null };
async function listed(model: string): Promise<Listed[]> {
  const run = await cli('models', 'list', '--model', model);
  expect(run.code, run.stderr).toBe(0);
  return run.json.slice(0, -1) as unknown as Listed[];
}
const versionsOf = async (model: string): Promise<number[]> => (await listed(model)).map((v) => v.version);

async function caughtUp(): Promise<boolean> {
  return (await kafka.withAdmin((a) => a.groupLag(train.group, train.input))).total === 0;
}

/** The source the README's example quarantines by. */
const BAD_SOURCE = 'import-2026-11-30';

/** Review i with its label flipped, from one source: bad data the retrain must leave out. */
function flipped(i: number): Review {
  const review = acceptedReview(i, BAD);
  return { ...review, label: 1 - review.label!, source: BAD_SOURCE };
}

const heldOut = (reviews: Review[]): number => reviews.filter((r) => isHoldout(r.id, 0.1, 42)).length;

beforeAll(async () => {
  topology = await testTopology(kafka, 'retrain', 'topologies/sentiment.yaml', (t) => ({
    ...t,
    stages: t.stages.map((s) => (s.kind === 'train' ? { ...s, batchSize: 500, options: { ...s.options, buckets: 65_536, publishEveryExamples: 1_000, publishEveryMs: 600_000 } } : s)),
  }));
  train = topology.stages.find((s) => s.kind === 'train')!;
  file = writeTopologyFile(topology);
  trainer = spawnCli(['run', '--stages', 'train', '--topology', file]);
  for (let i = 0; i < 2_500; i++) good.push(acceptedReview(i, GOOD));
  await produce(good.slice(0, 2_500));
  await until(async () => (await caughtUp()) && (await versionsOf('sentiment')).length >= 1, 'the trainer published a version');
  // then bad data, then good data again: the window starts at the bad data
  await sleep(50);
  badFrom = Date.now();
  for (let i = 0; i < 500; i++) bad.push(flipped(i));
  await produce(bad);
  for (let i = 2_500; i < 3_500; i++) good.push(acceptedReview(i, GOOD));
  await produce(good.slice(2_500));
  // as the README does it: `consume --topic reviews.accepted | grep '"source":"…"' > quarantined.jsonl`
  const consumed = await cli('consume', '--topic', train.input);
  expect(consumed.code, consumed.stderr).toBe(0);
  excludeFile = join(mkdtempSync(join(tmpdir(), 'reviewflow-retrain-')), 'quarantined.jsonl');
  writeFileSync(excludeFile, consumed.stdout.split('\n').filter((line) => line.includes(`"source":"${BAD_SOURCE}"`)).join('\n'));
}, 240_000);

/** SIGTERM: the trainer drains and publishes what it learned since its last version. */
async function stopTrainer(): Promise<number | null | undefined> {
  if (!trainer || trainer.child.exitCode !== null) return trainer?.child.exitCode;
  trainer.child.kill('SIGTERM');
  if ((await Promise.race([trainer.exited.then(() => 'exited'), sleep(30_000)])) !== 'exited') trainer.child.kill('SIGKILL');
  return trainer.exited;
}

afterAll(async () => {
  await stopTrainer();
  await dropTopology(kafka, topology);
});

describe('retrain', () => {
  it('retrain trains a window into a new model without the excluded ids, and leaves the running trainer as it was', async () => {
    const before = await settledFootprint();
    expect(before.members).toBe(1);
    const run = await cli('retrain', '--from', new Date(badFrom).toISOString(), '--model', 'rebuilt', '--exclude-ids', excludeFile);
    expect(run.code, run.stderr).toBe(0);
    const summary = run.json.at(-1) as { model: string; read: number; trained: number; holdout: number; skipped: Record<string, number>; versions: number[]; window: { fromTime: number; excludedIds: number; excludedRecords: number; to: Array<{ partition: number; offset: number }> } };
    const laterGood = good.slice(2_500, 3_500);
    // the window holds the bad data and the good data after it, nothing earlier
    expect(summary.read).toBe(bad.length + laterGood.length);
    expect(summary.skipped).toMatchObject({ excluded: bad.length, unlabeled: 0, undecodable: 0 });
    expect(summary.holdout).toBe(heldOut(laterGood));
    expect(summary.trained).toBe(laterGood.length - heldOut(laterGood));
    expect(summary.versions.length).toBeGreaterThanOrEqual(1);
    expect(summary.window).toMatchObject({ fromTime: badFrom, excludedIds: bad.length, excludedRecords: bad.length, baseModel: 'sentiment' });
    const ends = await kafka.withAdmin((a) => a.topicOffsets(train.input));
    expect(summary.window.to.map((p) => p.offset)).toEqual(ends.map((e) => e.high));

    // the new lineage is on the model topic with its window, and loadable
    const versions = await listed('rebuilt');
    expect(versions.map((v) => v.version)).toEqual(summary.versions);
    expect(versions.at(-1)).toMatchObject({ model: 'rebuilt', examplesSeen: summary.trained, window: summary.window });
    const predict = await cli('predict', '--model', 'rebuilt', '--text', 'item 7 felt superb and lovely overall');
    expect(predict.code, predict.stderr).toBe(0);
    expect(predict.json.at(-1)).toMatchObject({ model: 'rebuilt', version: summary.versions.at(-1), label: 1 });

    // the running trainer: same members, committed offsets, counters and versions
    expect(await trainerFootprint()).toEqual(before);
    expect(trainer!.child.exitCode).toBeNull();
  }, 240_000);

  it('without the exclusion list the same window trains the flipped records too', async () => {
    const rebuilt = (await listed('rebuilt')).at(-1)!;
    const to = (rebuilt.window!.to as Array<{ partition: number; offset: number }>).map((p) => `${p.partition}:${p.offset}`).join(',');
    const run = await cli('retrain', '--from', String(badFrom), '--to', to, '--model', 'with-bad-data');
    expect(run.code, run.stderr).toBe(0);
    const summary = run.json.at(-1) as { trained: number; holdout: number; skipped: Record<string, number> };
    expect(summary.skipped.excluded).toBe(0);
    expect(summary.holdout).toBe(heldOut(good.slice(2_500, 3_500)) + heldOut(bad));
    expect(summary.trained).toBe(rebuilt.examplesSeen + bad.length - heldOut(bad));
  }, 240_000);

  it('without --model the window is published as a new branch of the trainer\'s model, its offsets in the manifest; the trainer keeps training its own lineage', async () => {
    const before = await settledFootprint();
    const run = await cli('retrain', '--from', '0:0,1:0', '--to', '0:600,1:600');
    expect(run.code, run.stderr).toBe(0);
    const summary = run.json.at(-1) as { model: string; read: number; versions: number[] };
    expect(summary.model).toMatch(/^sentiment@retrain-\d{8}T\d{6}Z$/);
    expect(summary.read).toBe(1_200);
    const [branch] = (await listed(summary.model)).slice(-1);
    expect(branch!.window).toMatchObject({
      topic: train.input,
      from: [{ topic: train.input, partition: 0, offset: 0 }, { topic: train.input, partition: 1, offset: 0 }],
      to: [{ topic: train.input, partition: 0, offset: 600 }, { topic: train.input, partition: 1, offset: 600 }],
      fromTime: null,
      toTime: null,
    });
    const all = await cli('models', 'list');
    expect(all.json.slice(0, -1).map((v) => v.model)).toEqual(expect.arrayContaining(['sentiment', 'rebuilt', summary.model]));

    // the trainer goes on from where it was: its next version follows its own last one
    expect(await trainerFootprint()).toEqual(before);
    for (let i = 3_500; i < 4_700; i++) good.push(acceptedReview(i, GOOD));
    await produce(good.slice(3_500));
    await until(async () => (await versionsOf('sentiment')).length > before.versions.length, 'the trainer published again');
    const last = Math.max(...before.versions);
    const next = (await listed('sentiment')).find((v) => v.version === last + 1);
    expect(next).toMatchObject({ parentVersion: last, window: null });
  }, 240_000);

  it('a trainer switched to the rebuilt lineage resumes at the end of its window, never reading the excluded records again', async () => {
    const rebuilt = (await listed('rebuilt')).at(-1)!;
    const windowEnd = rebuilt.window!.to as Array<{ topic: string; partition: number; offset: number }>;
    expect((rebuilt as unknown as { offsets: unknown }).offsets).toEqual(windowEnd);
    await stopTrainer();
    const switched = writeTopologyFile({ ...topology, stages: topology.stages.map((s) => (s.kind === 'train' ? { ...s, options: { ...s.options, model: 'rebuilt' } } : s)) });
    trainer = spawnCli(['run', '--stages', 'train', '--topology', switched]);
    const more: Review[] = [];
    for (let i = 4_700; i < 5_900; i++) more.push(acceptedReview(i, GOOD));
    await produce(more);
    await until(caughtUp, 'the switched trainer read everything');
    expect(await stopTrainer()).toBe(0);
    // it read what came after the window (reviews 3500..5899), and nothing before it
    const after = good.slice(3_500).concat(more);
    const newest = (await listed('rebuilt')).at(-1)!;
    expect(newest.version).toBeGreaterThan(rebuilt.version);
    expect(newest.examplesSeen).toBe(rebuilt.examplesSeen + after.length - heldOut(after));
    expect(newest.window).toBeNull();
  }, 240_000);

  it('bad windows, taken names and a missing topic get a clear error and a non-zero exit', async () => {
    const cases: Array<[string[], string]> = [
      [['--from', 'yesterday'], 'INVALID_WINDOW'],
      [['--from', '0:5', '--to', '0:2'], 'INVALID_WINDOW'],
      [['--from', '0:0', '--to', '3:10'], 'INVALID_WINDOW'],
      [['--from', '9:0'], 'INVALID_WINDOW'],
      [['--from', String(Date.now() + 86_400_000)], 'EMPTY_WINDOW'],
      [['--from', '0:0', '--to', '0:0'], 'EMPTY_WINDOW'],
      [['--from', '0', '--model', 'rebuilt'], 'MODEL_EXISTS'],
      [['--from', '0', '--model', 'sentiment'], 'MODEL_EXISTS'],
      [['--from', '0', '--exclude-ids', join(tmpdir(), 'no-such-id-list.txt')], 'INVALID_INPUT'],
    ];
    for (const [args, code] of cases) {
      const run = await cli('retrain', ...args);
      expect(run.code, args.join(' ')).not.toBe(0);
      expect(run.stderr, args.join(' ')).toContain(`[${code}]`);
      expect(run.stderr, args.join(' ')).toMatch(/hint:/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }

    const missing = writeTopologyFile(namespaced(loadTopology('topologies/sentiment.yaml', { kinds: builtinKinds.forValidation() }), uniquePrefix('retrain-missing')));
    const run = await runCli(['retrain', '--from', '0', '--topology', missing]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('[TOPIC_NOT_FOUND]');
    expect(run.stderr).toContain('topics create');
  }, 240_000);
});
