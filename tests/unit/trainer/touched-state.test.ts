import { afterAll, describe, expect, it } from 'vitest';
import { touchedStateOf, type ModelState, type TouchedState } from '../../../src/trainer/model-state.js';
import { loadBackend, Trainer, trainerOptions } from '../../../src/trainer/index.js';
import { batches, positioned, review, syntheticReviews } from './fixtures.js';

/**
 * A candidate reads the touched rows from the sparse executor, which tracks them as they
 * are first counted (O(rows)), instead of cutting them from the dense state (O(buckets)).
 * Both must give the same rows and values to the bit, or versions would hash differently.
 */
interface Executor {
  state(): Promise<ModelState>;
  touchedState(): Promise<TouchedState>;
  load(state: ModelState): void;
}
const executorOf = (trainer: Trainer): Executor => (trainer as unknown as { executor: Executor }).executor;

const trainers: Trainer[] = [];
afterAll(() => trainers.forEach((t) => t.dispose()));

async function expectSameAsDense(executor: Executor): Promise<TouchedState> {
  const tracked = await executor.touchedState();
  const cut = touchedStateOf(await executor.state());
  expect(tracked.rowIds).toEqual(cut.rowIds);
  expect(tracked.rows).toEqual(cut.rows);
  return tracked;
}

describe('the sparse executor’s touched rows', () => {
  it('equal the dense state cut to its counted buckets, after every batch, with weight-0 copies, and after a restore', async () => {
    const backend = await loadBackend('cpu');
    // augmented copies of weight 0 step no weight and count nothing: they must not add rows
    const options = { buckets: 2 ** 14, ngrams: 2, publishEveryExamples: 1e9, publishEveryMs: 1e12, miniBatchSize: 64, executor: 'sparse', augmentedWeight: 0 };
    const trainer = await Trainer.create(trainerOptions.parse(options), backend);
    trainers.push(trainer);
    const executor = executorOf(trainer);
    const stream = syntheticReviews(900, 5).flatMap((r, i) => (i % 4 === 0 ? [r, review(`${r.id}~aug`, `${r.text} zzqx${i}`, r.label, { augmented: true, parentId: r.id })] : [r]));
    let rows = 0;
    for (const batch of batches(positioned(stream), 150)) {
      await trainer.trainBatch(batch);
      const tracked = await expectSameAsDense(executor);
      expect(tracked.rowIds.length).toBeGreaterThanOrEqual(rows);
      rows = tracked.rowIds.length;
    }
    expect(rows).toBeGreaterThan(100);

    const restored = await Trainer.create(trainerOptions.parse(options), backend);
    trainers.push(restored);
    executorOf(restored).load(await executor.state());
    await expectSameAsDense(executorOf(restored));
    for (const batch of batches(positioned(syntheticReviews(300, 6, 'more')), 150)) await restored.trainBatch(batch);
    await expectSameAsDense(executorOf(restored));
  });
});
