import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectiveWeights, type ModelState } from '../../../src/trainer/model-state.js';
import { loadBackend, Trainer, trainerOptions, type BackendInfo, type TrainerOptions } from '../../../src/trainer/index.js';
import { batches, positioned, review, syntheticReviews } from './fixtures.js';

/**
 * The sparse (typed-array) and tfjs executors run one model: trained on the same stream
 * they must give the same predictions and the same state. Float32 sums in a different
 * order (tfjs's scatter vs a float64 accumulator) are the only allowed difference.
 * EXECUTOR_EQUIVALENCE_BACKEND selects the tfjs backend (npm run test:gpu sets webgpu).
 */
const BACKEND = (process.env['EXECUTOR_EQUIVALENCE_BACKEND'] ?? 'cpu') as 'cpu' | 'webgpu';
const TOLERANCE = { probability: 2e-3, weight: 2e-3, count: 1e-3 };

let backend: BackendInfo;
const trainers: Trainer[] = [];
beforeAll(async () => {
  backend = await loadBackend(BACKEND);
  console.log(`executor equivalence on tfjs backend ${backend.backend}${backend.device ? ` (device: ${backend.device})` : ''}`);
});
afterAll(() => trainers.forEach((t) => t.dispose()));

async function pair(overrides: Partial<TrainerOptions>): Promise<[Trainer, Trainer]> {
  const base = { buckets: 2 ** 12, publishEveryExamples: 1e9, publishEveryMs: 1e12, miniBatchSize: 64, ...overrides };
  const sparse = await Trainer.create(trainerOptions.parse({ ...base, executor: 'sparse' }), backend);
  const tfjs = await Trainer.create(trainerOptions.parse({ ...base, executor: 'tfjs' }), backend);
  trainers.push(sparse, tfjs);
  return [sparse, tfjs];
}

/** The trainer's model state, read through its executor (private: tests only). */
function stateOf(trainer: Trainer): Promise<ModelState> {
  return (trainer as unknown as { executor: { state(): Promise<ModelState> } }).executor.state();
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('sparse and tfjs executors', () => {
  it(`train the same model on one stream: same predictions, weights and counts (${BACKEND})`, async () => {
    const [sparse, tfjs] = await pair({ ngrams: 2 });
    expect([sparse.executorChoice.kind, tfjs.executorChoice.kind]).toEqual(['sparse', 'tfjs']);
    // augmented copies at a lower weight exercise the example weights too
    const stream = syntheticReviews(1_500, 21).flatMap((r, i) =>
      i % 3 === 0 ? [r, review(`${r.id}~aug1`, `${r.text} film`, r.label, { augmented: true, parentId: r.id })] : [r],
    );
    let worstProbability = 0;
    for (const batch of batches(positioned(stream), 300)) {
      const a = await sparse.trainBatch(batch);
      const b = await tfjs.trainBatch(batch);
      expect(b.trained).toBe(a.trained);
      expect(b.prequentialCorrect).toBe(a.prequentialCorrect);
      expect(Math.abs(a.loss! - b.loss!)).toBeLessThan(TOLERANCE.probability);
    }
    for (const r of syntheticReviews(200, 22, 'probe')) worstProbability = Math.max(worstProbability, Math.abs((await sparse.score(r.text)) - (await tfjs.score(r.text))));
    expect(worstProbability).toBeLessThan(TOLERANCE.probability);

    const [a, b] = await Promise.all([stateOf(sparse), stateOf(tfjs)]);
    expect(maxAbsDifference(a.weight, b.weight)).toBeLessThan(TOLERANCE.weight);
    expect(maxAbsDifference(a.positive, b.positive)).toBeLessThan(TOLERANCE.count);
    expect(maxAbsDifference(a.negative, b.negative)).toBeLessThan(TOLERANCE.count);
    expect(Math.abs(a.nbWeight - b.nbWeight)).toBeLessThan(TOLERANCE.weight);
    expect(Math.abs(a.bias - b.bias)).toBeLessThan(TOLERANCE.weight);
    // the model learned something: this is not two executors agreeing on nothing
    expect(Math.abs(a.nbWeight)).toBeGreaterThan(0.05);
    const effective = effectiveWeights(a, sparse.options.smoothing).weights;
    expect(maxAbsDifference(effective, effectiveWeights(b, tfjs.options.smoothing).weights)).toBeLessThan(TOLERANCE.weight * 4);
    expect(await sparse.score('wonderful superb delightful')).toBeGreaterThan(0.8);
    expect(await tfjs.score('awful boring tedious')).toBeLessThan(0.2);
  });

  it('agree with several optimizer steps per mini-batch', async () => {
    const [sparse, tfjs] = await pair({ epochsPerBatch: 3, ngrams: 1 });
    for (const batch of batches(positioned(syntheticReviews(600, 23)), 200)) {
      await sparse.trainBatch(batch);
      await tfjs.trainBatch(batch);
    }
    for (const text of ['great fun', 'dull mess', 'the plot']) expect(Math.abs((await sparse.score(text)) - (await tfjs.score(text)))).toBeLessThan(TOLERANCE.probability);
  });
});
