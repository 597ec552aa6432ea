import { describe, expect, it } from 'vitest';
import { assembleWeights, denseWeights, FeatureBuffer, Featurizer, loadModel, ModelAssembler, ModelSlot, Predictor } from '../../../src/models/index.js';
import { RowTable } from '../../../src/models/row-table.js';
import { scoreDocument, scoreLogit } from '../../../src/models/scoring.js';
import { loadBackend, Trainer, trainerOptions } from '../../../src/trainer/index.js';
import { batches, positioned, syntheticReviews } from '../trainer/fixtures.js';
import { makeVersion } from './fixtures.js';

describe('Predictor', () => {
  it('scores like the trainer from the assembled, compressed weights (within the compression error)', async () => {
    const backend = await loadBackend('cpu');
    for (const [compression, tolerance] of [['float16', 2e-3], ['int8', 2e-2]] as const) {
      const trainer = await Trainer.create(trainerOptions.parse({ buckets: 2 ** 16, publishEveryExamples: 1, compression, maxChunkBytes: 4096 }), backend);
      for (const batch of batches(positioned(syntheticReviews(2000, 21)), 200)) await trainer.trainBatch(batch);
      const candidate = await trainer.maybeCandidate(1);
      if (candidate?.kind !== 'publish') throw new Error('expected a candidate');
      expect(candidate.chunks.length).toBeGreaterThan(1);
      const assembler = new ModelAssembler();
      candidate.chunks.forEach((c) => assembler.add({ kind: 'chunk', value: c }));
      const result = assembler.add({ kind: 'manifest', value: candidate.manifest });
      if (result.kind !== 'loaded') throw new Error(`expected loaded, got ${JSON.stringify(result)}`);
      const predictor = Predictor.fromLoaded(result.model);
      const texts = ['a great and wonderful film', 'the plot was dull and a waste', 'unseen words only zyzzyva', ''];
      const predictions = predictor.predict(texts);
      // the trainer scores at full precision: the gap is what the encoding costs
      for (const [i, text] of texts.entries()) expect(Math.abs(predictions[i]!.score - (await trainer.score(text)))).toBeLessThan(tolerance);
      expect(predictions.slice(0, 2).map((p) => p.label)).toEqual([1, 0]);
      trainer.dispose();
    }
  });
});

describe('RowTable', () => {
  it('gives bit-identical scores to the dense weights the trainer measures holdout accuracy with', async () => {
    const backend = await loadBackend('cpu');
    for (const compression of ['float32', 'float16', 'int8'] as const) {
      const trainer = await Trainer.create(trainerOptions.parse({ buckets: 2 ** 16, publishEveryExamples: 1, compression }), backend);
      for (const batch of batches(positioned(syntheticReviews(2000, 7)), 200)) await trainer.trainBatch(batch);
      const candidate = await trainer.maybeCandidate(1);
      if (candidate?.kind !== 'publish') throw new Error('expected a candidate');
      const assembled = assembleWeights(candidate.chunks, candidate.manifest.weights);
      if (!assembled.ok) throw new Error(assembled.reason);
      const { weights } = loadModel(candidate.manifest, assembled.bytes);
      const dense = { bias: weights.bias, weights: denseWeights(weights) };
      const table = new RowTable(weights);
      const predictor = Predictor.fromLoaded(loadModel(candidate.manifest, assembled.bytes));
      const featurizer = new Featurizer(weights.hashing);
      const buffer = new FeatureBuffer(1 << 12);
      const texts = [...syntheticReviews(300, 99).map((r) => r.text), 'unseen words only zyzzyva quux', '', 'a'];
      for (const text of texts) {
        buffer.clear();
        featurizer.featurizeDistinct(text, buffer);
        expect(table.logit(weights.bias, buffer.data, 0, buffer.length)).toBe(scoreLogit(dense, buffer.data, 0, buffer.length));
        expect(predictor.scoreText(text)).toBe(scoreDocument(dense, buffer.data, 0, buffer.length));
      }
      // every stored row and some absent buckets, one by one
      for (let r = 0; r < weights.rowIds.length; r++) expect(table.get(weights.rowIds[r]!)).toBe(dense.weights[weights.rowIds[r]!]);
      for (let b = 0; b < weights.hashing.buckets; b += 97) expect(table.get(b)).toBe(dense.weights[b]);
      trainer.dispose();
    }
  });
});

describe('ModelSlot', () => {
  function predictorFor(version: number): Predictor {
    const v = makeVersion({ version });
    const assembled = assembleWeights(v.chunks, v.manifest.weights);
    if (!assembled.ok) throw new Error(assembled.reason);
    return Predictor.fromLoaded(loadModel(v.manifest, assembled.bytes));
  }

  it('serves each call from the newest offered version, with that version’s scores', () => {
    const predictors = [1, 2, 3, 4].map(predictorFor);
    const texts = Array.from({ length: 200 }, (_, i) => `review number ${i} with words ${i % 17} and ${i % 31}`);
    const expected = new Map(predictors.map((p) => [p.version, p.predict(texts).map((x) => x.score)]));
    // the versions really disagree, so serving the wrong one would show
    expect(expected.get(1)![0]).not.toBe(expected.get(2)![0]);
    const slot = new ModelSlot();
    for (const predictor of predictors) {
      expect(slot.offer(predictor)).toBe(true);
      const call = slot.predict(texts);
      expect(call.version).toBe(predictor.version);
      expect(call.predictions.map((p) => p.score)).toEqual(expected.get(predictor.version));
    }
  });

  it('offers only newer versions and fails clearly when empty', () => {
    const slot = new ModelSlot();
    expect(() => slot.predict(['x'])).toThrow(/no model version loaded/);
    expect(slot.offer(predictorFor(2))).toBe(true);
    expect(slot.offer(predictorFor(1))).toBe(false);
    expect(slot.predict(['x']).version).toBe(2);
  });
});
