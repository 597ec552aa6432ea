import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleWeights } from '../../../src/models/index.js';
import { isHoldout } from '../../../src/trainer/evaluation.js';
import { loadBackend, Trainer, trainerOptions, type BackendInfo, type TrainerOptions } from '../../../src/trainer/index.js';
import { batches, positioned, review, syntheticReviews } from './fixtures.js';

let backend: BackendInfo;
const trainers: Trainer[] = [];
beforeAll(async () => {
  backend = await loadBackend('cpu');
});
afterAll(() => trainers.forEach((t) => t.dispose()));

async function trainer(overrides: Partial<TrainerOptions> = {}): Promise<Trainer> {
  const t = await Trainer.create(trainerOptions.parse({ buckets: 2 ** 14, publishEveryExamples: 1_000, publishEveryMs: 1e12, ...overrides }), backend);
  trainers.push(t);
  return t;
}

describe('Trainer determinism and memory', () => {
  it('gives byte-identical weights for the same seed and input, and different ones for another seed', async () => {
    const stream = batches(positioned(syntheticReviews(1500, 4)), 200);
    const [a, b, c] = await Promise.all([trainer({ seed: 9 }), trainer({ seed: 9 }), trainer({ seed: 10 })]);
    for (const batch of stream) for (const t of [a, b, c]) await t.trainBatch(batch);
    const bytes = await a.exportWeights();
    expect(bytes.length).toBeGreaterThan(1000);
    expect((await b.exportWeights()).equals(bytes)).toBe(true);
    expect((await c.exportWeights()).equals(bytes)).toBe(false);
    // the published (float16) blobs too
    const ca = await a.maybeCandidate(1);
    const cb = await b.maybeCandidate(1);
    if (ca?.kind !== 'publish' || cb?.kind !== 'publish') throw new Error('expected candidates');
    expect(ca.manifest.weights.sha256).toBe(cb.manifest.weights.sha256);
  });

  it('leaves tf.memory().numTensors unchanged across 1,000 tfjs-executor steps and candidates', async () => {
    const t = await trainer({ miniBatchSize: 4, executor: 'tfjs', buckets: 2 ** 10 });
    const stream = positioned(syntheticReviews(4000, 5));
    await t.trainBatch(stream.slice(0, 4)); // warm-up: nothing lazily allocated later counts as a leak
    const before = backend.tf.memory().numTensors;
    let steps = 0;
    for (let i = 4; i < stream.length && steps < 1000; i += 4) steps += (await t.trainBatch(stream.slice(i, i + 4))).steps;
    await t.maybeCandidate(2);
    await t.score('a great film');
    expect(steps).toBeGreaterThanOrEqual(900);
    expect(backend.tf.memory().numTensors).toBe(before);
  });
});

describe('Trainer redeliveries', () => {
  it('skips records at offsets the model already holds (a redelivery after a rebalance): same weights, same count, reported', async () => {
    const stream = positioned(syntheticReviews(600, 12));
    const [once, twice] = await Promise.all([trainer(), trainer()]);
    await once.trainBatch(stream.slice(0, 400));
    await once.trainBatch(stream.slice(400));
    await twice.trainBatch(stream.slice(0, 400));
    // Kafka hands back 300..599 after a rebalance although 300..399 were trained
    const report = await twice.trainBatch(stream.slice(300));
    expect(report.alreadyInModel).toBe(100);
    expect(twice.stats().examplesSeen).toBe(once.stats().examplesSeen);
    expect((await twice.exportWeights()).equals(await once.exportWeights())).toBe(true);
  });
});

describe('Trainer restore', () => {
  it('continues from a published version exactly as a trainer that never stopped', async () => {
    const stream = batches(positioned(syntheticReviews(3000, 6)), 250);
    const head = stream.slice(0, 6);
    const tail = stream.slice(6);
    const original = await trainer({ augmentedWeight: 0.5 });
    for (const batch of head) await original.trainBatch(batch);
    const candidate = await original.maybeCandidate(10);
    if (candidate?.kind !== 'publish') throw new Error('expected a candidate');
    original.markPublished(candidate.manifest);
    const assembled = assembleWeights(candidate.chunks, candidate.manifest.weights);
    if (!assembled.ok) throw new Error(assembled.reason);

    const resumed = await trainer({ augmentedWeight: 0.5 });
    resumed.restore(candidate.manifest, assembled.bytes);
    resumed.markPublished(candidate.manifest); // the version it resumed from: a no-op
    expect(resumed.stats()).toMatchObject({ published: 0, lastPublishedVersion: candidate.manifest.version });
    expect((await resumed.exportWeights()).equals(await original.exportWeights())).toBe(true);
    expect(resumed.stats().examplesSeen).toBe(original.stats().examplesSeen);
    for (const batch of tail) {
      await original.trainBatch(batch);
      await resumed.trainBatch(batch);
    }
    expect((await resumed.exportWeights()).equals(await original.exportWeights())).toBe(true);
    // Versions continue the numbering, with the restored one as parent.
    const next = await resumed.maybeCandidate(20);
    if (next?.kind !== 'publish') throw new Error('expected a candidate after restore');
    expect(next.manifest.version).toBe(candidate.manifest.version + 1);
    expect(next.manifest.parentVersion).toBe(candidate.manifest.version);
    expect(next.manifest.offsets).toEqual([{ topic: 'reviews.accepted', partition: 0, offset: 3000 }]);
  });

  it('refuses to resume a version trained with different hashing options', async () => {
    const t = await trainer();
    await t.trainBatch(positioned(syntheticReviews(1200, 7)));
    const candidate = await t.maybeCandidate(1);
    if (candidate?.kind !== 'publish') throw new Error('expected a candidate');
    const assembled = assembleWeights(candidate.chunks, candidate.manifest.weights);
    if (!assembled.ok) throw new Error(assembled.reason);
    const other = await trainer({ ngrams: 1 });
    expect(() => other.restore(candidate.manifest, assembled.bytes)).toThrow(/ngrams 2 ≠ 1/);
    const flipped = Buffer.from(assembled.bytes);
    flipped[flipped.length - 3]! ^= 0xff;
    expect(() => t.restore(candidate.manifest, flipped)).toThrow(/SHA-256/);
  });
});

describe('Trainer publish gate', () => {
  it('publishes the first candidate, rejects a worse one and counts it', async () => {
    const t = await trainer({ acceptMargin: 0.01 });
    const good = syntheticReviews(2000, 8);
    for (const batch of batches(positioned(good), 250)) await t.trainBatch(batch);
    const first = await t.maybeCandidate(1);
    if (first?.kind !== 'publish') throw new Error('expected the first candidate to publish');
    t.markPublished(first.manifest);
    expect(first.manifest.version).toBe(1);
    expect(first.manifest.parentVersion).toBeNull();

    // Flipped labels, and only training ids (the holdout keeps its true labels): the model gets worse.
    const flipped = syntheticReviews(3000, 9, 'flip')
      .filter((r) => !isHoldout(r.id, t.options.holdoutFraction, t.options.seed))
      .map((r) => review(r.id, r.text, 1 - r.label!));
    for (const batch of batches(positioned(flipped, { firstOffset: 2000 }), 250)) await t.trainBatch(batch);
    const second = await t.maybeCandidate(2);
    expect(second?.kind).toBe('rejected');
    if (second?.kind !== 'rejected') return;
    expect(second.reason).toMatch(/< last published/);
    expect(second.holdoutAccuracy).toBeLessThan(first.manifest.metrics.holdoutAccuracy! - 0.01);
    const stats = t.stats();
    expect(stats.rejected).toBe(1);
    expect(stats.published).toBe(1);
    expect(stats.lastPublishedVersion).toBe(1);
    expect(stats.lastRejection).toBe(second.reason);
  });

  it('forms no candidate before one is due or while the holdout is empty', async () => {
    const t = await trainer({ publishEveryExamples: 500, publishEveryMs: 1_000 });
    await t.trainBatch(positioned(syntheticReviews(100, 10)));
    expect(await t.maybeCandidate(0)).toBeUndefined(); // starts the clock
    expect(await t.maybeCandidate(999)).toBeUndefined();
    expect((await t.maybeCandidate(1_000))?.kind).toBe('publish'); // time-based
    expect(await t.maybeCandidate(5_000)).toBeUndefined(); // nothing trained since

    const empty = await trainer({ publishEveryExamples: 1 });
    const held = (r: { id: string }): boolean => isHoldout(r.id, empty.options.holdoutFraction, empty.options.seed);
    await empty.trainBatch(positioned(syntheticReviews(50, 11).filter((r) => !held(r))));
    expect(empty.stats().holdoutSize).toBe(0);
    expect(await empty.maybeCandidate(1)).toBeUndefined();
    await empty.trainBatch(positioned([syntheticReviews(50, 12).find(held)!], { firstOffset: 50 }));
    expect((await empty.maybeCandidate(2))?.kind).toBe('publish');
  });

  it('publishes every candidate without a gate when no holdout is configured', async () => {
    const t = await trainer({ holdoutFraction: 0, publishEveryExamples: 100, miniBatchSize: 10 });
    await t.trainBatch(positioned(syntheticReviews(400, 13)));
    const c = await t.maybeCandidate(1);
    if (c?.kind !== 'publish') throw new Error('expected a candidate');
    expect(c.manifest.metrics.holdoutAccuracy).toBeNull();
    expect(c.manifest.metrics.holdoutSize).toBe(0);
    // scored before training on each mini-batch: the first ones are guesses
    expect(c.manifest.metrics.prequentialAccuracy).toBeGreaterThan(0.7);
  });

  it('throws when a version that was never a candidate is marked published', async () => {
    const t = await trainer();
    await t.trainBatch(positioned(syntheticReviews(1200, 12)));
    const c = await t.maybeCandidate(1);
    if (c?.kind !== 'publish') throw new Error('expected a candidate');
    expect(() => t.markPublished({ ...c.manifest, version: 99 })).toThrow(/not a pending candidate/);
  });
});
