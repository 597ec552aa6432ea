import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend, Trainer, trainerOptions, type BackendInfo } from '../../src/trainer/index.js';
import { batches, positioned, syntheticReviews } from '../unit/trainer/fixtures.js';

let backend: BackendInfo;
let trainer: Trainer | undefined;
beforeAll(async () => {
  // Forced: a machine without a WebGPU adapter fails here instead of quietly using the CPU.
  backend = await loadBackend('webgpu');
  console.log(`WebGPU adapter: ${backend.device ?? 'unnamed'}; tfjs backend ${backend.tf.getBackend()}`);
});
afterAll(() => trainer?.dispose());

describe('trainer on the WebGPU backend', () => {
  it('runs the tfjs executor on webgpu and learns a separable stream', async () => {
    expect(backend.backend).toBe('webgpu');
    expect(backend.tf.getBackend()).toBe('webgpu');
    trainer = await Trainer.create(trainerOptions.parse({ buckets: 2 ** 16, publishEveryExamples: 1, backend: 'webgpu' }), backend);
    // auto picks the tfjs executor on a GPU backend: every op of a step runs on the device
    expect(trainer.executorChoice.kind).toBe('tfjs');
    for (const batch of batches(positioned(syntheticReviews(4_000, 31)), 500)) await trainer.trainBatch(batch);
    const candidate = await trainer.maybeCandidate(1);
    if (candidate?.kind !== 'publish') throw new Error('expected a published candidate');
    expect(candidate.manifest).toMatchObject({ backend: 'webgpu', executor: 'tfjs' });
    expect(candidate.manifest.device).toBe(backend.device ?? null);
    expect(candidate.manifest.metrics.holdoutAccuracy).toBeGreaterThan(0.95);
  });
});
