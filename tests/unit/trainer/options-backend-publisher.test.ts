import { describe, expect, it } from 'vitest';
import { judgeCandidate, loadBackend, PublishSchedule, trainerOptions } from '../../../src/trainer/index.js';

describe('trainerOptions', () => {
  it('fills documented defaults', () => {
    const o = trainerOptions.parse({});
    expect(o).toMatchObject({ buckets: 2 ** 22, ngrams: 2, smoothing: 5, executor: 'auto', backend: 'auto', holdoutFraction: 0.1, acceptMargin: 0.01, compression: 'float16', maxChunkBytes: 900_000 });
  });

  it('rejects a non-power-of-two bucket count and unknown keys instead of clamping', () => {
    const bad = trainerOptions.safeParse({ buckets: 1_000_000 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/power of two/);
    expect(trainerOptions.safeParse({ learningRat: 0.1 }).success).toBe(false);
    expect(trainerOptions.safeParse({ compression: 'float8' }).success).toBe(false);
    expect(trainerOptions.safeParse({ backend: 'cuda' }).success).toBe(false);
    expect(trainerOptions.safeParse({ augmentedWeight: 1.5 }).success).toBe(false);
  });
});

describe('loadBackend', () => {
  it('falls back to pure tfjs cpu and says why each native backend was skipped', async () => {
    const info = await loadBackend('auto');
    expect(info.backend).toBe('cpu');
    expect(info.tf.getBackend()).toBe('cpu');
    expect(info.skipped.map((s) => s.backend)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow']);
    for (const s of info.skipped) expect(s.reason.length).toBeGreaterThan(10);
    expect(await loadBackend('auto')).toBe(info); // chosen once per process
  });

  it('skips the other backends when one is forced', async () => {
    const info = await loadBackend('cpu');
    expect(info.skipped.map((s) => s.backend)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow']);
    expect(info.skipped.every((s) => s.reason === 'backend forced to cpu')).toBe(true);
  });

  it('fails with the reason when a forced backend cannot start', async () => {
    await expect(loadBackend('tensorflow')).rejects.toThrow(/no TensorFlow.js backend could start \(tensorflow\): tensorflow: /);
  });
});

describe('publish gate', () => {
  const margin = 0.01;
  it('accepts the first version and anything within the margin, rejects worse', () => {
    expect(judgeCandidate({ candidate: 0.6, baseline: undefined, holdoutSize: 10, acceptMargin: margin }).accept).toBe(true);
    expect(judgeCandidate({ candidate: 0.795, baseline: 0.8, holdoutSize: 10, acceptMargin: margin }).accept).toBe(true);
    const rejected = judgeCandidate({ candidate: 0.78, baseline: 0.8, holdoutSize: 10, acceptMargin: margin });
    expect(rejected).toEqual({ accept: false, reason: expect.stringMatching(/0\.7800 < last published 0\.8000/) });
    expect(judgeCandidate({ candidate: null, baseline: 0.9, holdoutSize: 0, acceptMargin: margin }).accept).toBe(true);
  });

  it('is due after N examples or T ms with something trained', () => {
    const s = new PublishSchedule({ everyExamples: 100, everyMs: 1000, acceptMargin: margin });
    expect(s.due(0)).toBe(false);
    expect(s.due(5000)).toBe(false); // nothing trained
    s.noteTrained(1);
    expect(s.due(5000)).toBe(true);
    s.restart(5000);
    s.noteTrained(100);
    expect(s.due(5001)).toBe(true);
  });
});
