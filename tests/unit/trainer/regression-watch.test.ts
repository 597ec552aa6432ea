import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { denseWeights, deserializeWeights, type ModelWeights, type ScoringWeights } from '../../../src/models/index.js';
import type { ModelLabel } from '../../../src/records/types.js';
import { judgeRegression, loadBackend, moveId, moveToJudge, RegressionWatch, Trainer, trainerOptions, type BackendInfo, type PrequentialObserver } from '../../../src/trainer/index.js';
import { positioned, syntheticReviews } from './fixtures.js';

function labelRecord(o: Partial<ModelLabel> = {}): ModelLabel {
  return { model: 'sentiment', label: 'stable', version: 7, action: 'label', by: 'ops', at: 1_000, reason: null, history: [{ version: 3, action: 'label', by: 'ops', at: 500 }], ...o };
}

/** Weights over 4 buckets: bucket 0 says positive, bucket 1 negative; `flip` swaps them. */
function weights(flip = false): ScoringWeights {
  const w = new Float32Array(4);
  w[0] = flip ? -4 : 4;
  w[1] = flip ? 4 : -4;
  return { bias: 0, weights: w };
}
const denseScoring = (w: ModelWeights): ScoringWeights => ({ bias: w.bias, weights: denseWeights(w) });
const POSITIVE = Int32Array.of(0);
const NEGATIVE = Int32Array.of(1);

describe('moveToJudge', () => {
  it('judges a move by hand against the label\'s previous target, identified by its record', () => {
    expect(moveToJudge(labelRecord())).toEqual({ id: 'v7@1000/ops', label: 'stable', version: 7, predecessor: 3 });
    expect(moveId(labelRecord({ at: 1_001 }))).not.toBe(moveId(labelRecord()));
  });

  it('does not judge a rollback, a first label, a move to the same version or a deleted label', () => {
    expect(moveToJudge(labelRecord({ action: 'rollback', by: 'auto-rollback' }))).toBeUndefined();
    expect(moveToJudge(labelRecord({ history: [] }))).toBeUndefined();
    expect(moveToJudge(labelRecord({ history: [{ version: 7, action: 'label', by: 'ops', at: 500 }] }))).toBeUndefined();
    expect(moveToJudge(undefined)).toBeUndefined();
  });
});

describe('judgeRegression', () => {
  const base = { label: 'stable', version: 7, predecessor: 3, window: 200, margin: 0.05 };

  it('rolls back when the new version is worse by more than the margin, and says so with both accuracies and the window', () => {
    const v = judgeRegression({ ...base, labelledCorrect: 100, predecessorCorrect: 180 });
    expect(v.kind).toBe('regressed');
    expect(v.labelledAccuracy).toBe(0.5);
    expect(v.predecessorAccuracy).toBe(0.9);
    expect(v.reason).toBe('v7 scored 50.0% and v3 90.0% on the 200 records after label stable moved: 40.0 points worse, more than the margin of 5.0 points, so stable went back to v3');
  });

  it('keeps the label within the margin, at its edge and when the new version is better', () => {
    expect(judgeRegression({ ...base, labelledCorrect: 171, predecessorCorrect: 180 }).kind).toBe('held');
    expect(judgeRegression({ ...base, labelledCorrect: 170, predecessorCorrect: 180 }).kind).toBe('held');
    expect(judgeRegression({ ...base, labelledCorrect: 169, predecessorCorrect: 180 }).kind).toBe('regressed');
    const better = judgeRegression({ ...base, labelledCorrect: 190, predecessorCorrect: 100 });
    expect(better.kind).toBe('held');
    expect(better.reason).toContain('so stable stays on v7');
  });
});

describe('RegressionWatch', () => {
  const move = { id: 'v7@1000/ops', label: 'stable', version: 7, predecessor: 3 };

  it('scores both versions on the same records and gives one verdict when the window is full', () => {
    const watch = new RegressionWatch({ label: 'stable', version: 7, labelled: weights(true), judge: { move, predecessor: weights() }, window: 50, margin: 0.05 });
    for (let i = 0; i < 49; i++) watch.observe(i % 2 ? POSITIVE : NEGATIVE, 0, 1, i % 2 ? 1 : 0);
    expect(watch.takeVerdict()).toBeUndefined();
    expect(watch.progress).toBe(49);
    watch.observe(POSITIVE, 0, 1, 1);
    const verdict = watch.takeVerdict();
    expect(verdict).toMatchObject({ kind: 'regressed', window: 50, labelledAccuracy: 0, predecessorAccuracy: 1, predecessor: 3 });
    expect(watch.takeVerdict()).toBeUndefined();
    // after the verdict only the live version is scored: no second verdict
    for (let i = 0; i < 100; i++) watch.observe(POSITIVE, 0, 1, 1);
    expect(watch.takeVerdict()).toBeUndefined();
    expect(watch.progress).toBe(50);
  });

  it('keeps the live accuracy of the labelled version over a sliding window, with no verdict when nothing is judged', () => {
    const watch = new RegressionWatch({ label: 'stable', version: 3, labelled: weights(), window: 50, margin: 0.05 });
    for (let i = 0; i < 50; i++) watch.observe(POSITIVE, 0, 1, 0); // all wrong
    expect(watch.liveAccuracy()).toBe(0);
    for (let i = 0; i < 25; i++) watch.observe(POSITIVE, 0, 1, 1); // the newest 25 right
    expect(watch.liveAccuracy()).toBe(0.5);
    expect(watch.takeVerdict()).toBeUndefined();
    expect(watch.progress).toBe(0);
  });

  it('reads the features it is given: a range inside a shared buffer', () => {
    const watch = new RegressionWatch({ label: 'stable', version: 7, labelled: weights(), judge: { move, predecessor: weights(true) }, window: 50, margin: 0 });
    const buffer = Int32Array.of(1, 1, 0, 0, 1);
    for (let i = 0; i < 50; i++) watch.observe(buffer, 2, 4, 1); // features [0, 0]: positive under `weights()`
    expect(watch.takeVerdict()).toMatchObject({ kind: 'held', labelledAccuracy: 1, predecessorAccuracy: 0 });
  });
});

describe('autoRollback options', () => {
  it('is off by default; an empty block takes the documented defaults', () => {
    expect(trainerOptions.parse({}).autoRollback).toBeUndefined();
    expect(trainerOptions.parse({ autoRollback: {} }).autoRollback).toEqual({ label: 'stable', window: 2_000, margin: 0.02 });
  });

  it('README\'s example parses to the defaults, and its reason is the one judgeRegression writes', () => {
    const readme = readFileSync('README.md', 'utf8');
    const example = /^\s*(autoRollback: \{[^}]*\})/m.exec(readme)?.[1];
    expect(trainerOptions.parse(parse(example!)).autoRollback).toEqual(trainerOptions.parse({ autoRollback: {} }).autoRollback);
    const { reason } = judgeRegression({ label: 'stable', version: 9, predecessor: 7, window: 2_000, labelledCorrect: 960, predecessorCorrect: 1_926, margin: 0.02 });
    expect(readme).toContain(`\`${reason}\``);
  });

  it('rejects a bad label, window or margin, and unknown keys, with what to fix', () => {
    const label = trainerOptions.safeParse({ autoRollback: { label: 'latest' } });
    expect(label.success).toBe(false);
    expect(label.error?.issues[0]?.path).toEqual(['autoRollback', 'label']);
    expect(label.error?.issues[0]?.message).toMatch(/not a usable label name: a label starts with a letter/);
    expect(trainerOptions.safeParse({ autoRollback: { window: 10 } }).success).toBe(false);
    expect(trainerOptions.safeParse({ autoRollback: { window: 100.5 } }).success).toBe(false);
    expect(trainerOptions.safeParse({ autoRollback: { margin: -0.1 } }).success).toBe(false);
    expect(trainerOptions.safeParse({ autoRollback: { margin: 0.9 } }).success).toBe(false);
    expect(trainerOptions.safeParse({ autoRollback: { lable: 'stable' } }).success).toBe(false);
  });
});

describe('Trainer observer', () => {
  let backend: BackendInfo;
  let trainer: Trainer;
  beforeAll(async () => {
    backend = await loadBackend('cpu');
    trainer = await Trainer.create(trainerOptions.parse({ buckets: 2 ** 12, holdoutFraction: 0.2 }), backend);
  });
  afterAll(() => trainer.dispose());

  it('sees every new original labelled record once, holdout ones included, before training: not copies, unlabelled or redelivered records', async () => {
    const originals = syntheticReviews(300, 3);
    const copies = originals.slice(0, 50).map((r) => ({ ...r, id: `${r.id}~aug1`, augmented: true, parentId: r.id }));
    const unlabelled = syntheticReviews(20, 4, 'u').map((r) => ({ ...r, label: null }));
    const stream = positioned([...originals, ...copies, ...unlabelled]);
    const seen: Array<{ n: number; label: number }> = [];
    const observer: PrequentialObserver = { observe: (features, from, to, label) => seen.push({ n: to - from, label }) };
    await trainer.observe(observer);
    const first = await trainer.trainBatch(stream.slice(0, 200));
    await trainer.trainBatch(stream.slice(100)); // 100..199 again: a redelivery
    await trainer.observe(undefined);
    await trainer.trainBatch(positioned(syntheticReviews(50, 5, 'later'), { firstOffset: stream.length }));
    expect(first.holdout).toBeGreaterThan(0);
    expect(seen.length).toBe(originals.length);
    expect(seen.filter((s) => s.label === 1).length).toBe(originals.filter((r) => r.label === 1).length);
    expect(seen.every((s) => s.n > 0)).toBe(true);
  });

  it('gives the observer the trainer\'s own features: a trained version\'s weights score new records as well as it learned them', async () => {
    const teacher = await Trainer.create(trainerOptions.parse({ buckets: 2 ** 12, holdoutFraction: 0 }), backend);
    await teacher.trainBatch(positioned(syntheticReviews(2_000, 6, 'teach')));
    const { bias, weights: learned } = denseScoring(deserializeWeights(await teacher.exportWeights()));
    teacher.dispose();
    const inverted: ScoringWeights = { bias: -bias, weights: learned.map((w) => -w) };
    const student = await Trainer.create(trainerOptions.parse({ buckets: 2 ** 12 }), backend);
    const move = { id: 'v2@1/ops', label: 'stable', version: 2, predecessor: 1 };
    const watch = new RegressionWatch({ label: 'stable', version: 2, labelled: inverted, judge: { move, predecessor: { bias, weights: learned } }, window: 400, margin: 0.05 });
    await student.observe(watch);
    await student.trainBatch(positioned(syntheticReviews(500, 7, 'new')));
    student.dispose();
    const verdict = watch.takeVerdict();
    expect(verdict?.kind).toBe('regressed');
    expect(verdict!.predecessorAccuracy).toBeGreaterThan(0.9);
    expect(verdict!.labelledAccuracy).toBeLessThan(0.1);
    expect(student.hashingParams).toEqual({ buckets: 2 ** 12, ngrams: 2, seed: 42 });
  });
});
