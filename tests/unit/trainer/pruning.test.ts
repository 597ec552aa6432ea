import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelAssembler, type LoadedModel, type ModelUpdateRecord } from '../../../src/models/index.js';
import { deserializeWeights, serializedLength, serializeStoredRows } from '../../../src/models/weights-format.js';
import type { ModelWeights } from '../../../src/models/weights-types.js';
import { loadBackend, Trainer, trainerOptions, type Candidate, type TrainerOptions } from '../../../src/trainer/index.js';
import { pruneRows } from '../../../src/trainer/pruning.js';
import { batches, positioned, syntheticReviews } from './fixtures.js';

/** Weights whose row r has id 10·r and effective weight `rows[r]`, its training arrays tagged by r. */
function weightsOf(rows: number[], defaultWeight = 0.5): ModelWeights {
  const n = rows.length;
  const tagged = (k: number) => Float32Array.from({ length: n }, (_, r) => r * 10 + k);
  return {
    hashing: { buckets: 1024, ngrams: 2, seed: 1 },
    encoding: 'float32',
    bias: 0.25,
    defaultWeight,
    rowIds: Uint32Array.from({ length: n }, (_, r) => r * 10),
    rows: Float32Array.from(rows),
    training: { weight: tagged(1), accum: tagged(2), positive: tagged(3), negative: tagged(4), bias: 0.25, biasAccum: 1, nbWeight: 0.5, nbAccum: 1, positives: 3, negatives: 4, steps: 2, examplesSeen: 7 },
  };
}

const deviation = (w: ModelWeights): number[] => Array.from(w.rows, (v) => Math.abs(v - w.defaultWeight));

describe('pruneRows', () => {
  it('drops the rows within minDeviation of the default weight, with their training state, keeping the arrays aligned', () => {
    const w = weightsOf([0.5, 1, 0.4375, 0, 0.5625, 0.75]); // deviations 0, .5, .0625, .5, .0625, .25 (exact in float32)
    const p = pruneRows(w, { minDeviation: 0.25 });
    expect(Array.from(p.rowIds)).toEqual([10, 30, 50]);
    expect(Array.from(p.rows)).toEqual([w.rows[1], w.rows[3], w.rows[5]]);
    expect(Array.from(p.training!.weight)).toEqual([11, 31, 51]);
    expect(Array.from(p.training!.negative)).toEqual([14, 34, 54]);
    expect(p.training!.examplesSeen).toBe(7);
    expect(p.defaultWeight).toBe(w.defaultWeight);
  });

  it('keeps at most maxRows, the farthest from the default weight, ties by bucket id', () => {
    const w = weightsOf([0.5, 1, 0, 0.75, 0.25, 0.625]); // deviations 0, .5, .5, .25, .25, .125
    expect(Array.from(pruneRows(w, { minDeviation: 0, maxRows: 3 }).rowIds)).toEqual([10, 20, 30]);
    expect(Array.from(pruneRows(w, { minDeviation: 0, maxRows: 4 }).rowIds)).toEqual([10, 20, 30, 40]);
    expect(Array.from(pruneRows(w, { minDeviation: 0.3, maxRows: 4 }).rowIds)).toEqual([10, 20]);
  });

  it('keeps the rows it is told to keep whatever their deviation', () => {
    const w = weightsOf([0.5, 1, 0.4375, 0]);
    const p = pruneRows(w, { minDeviation: 0.25, maxRows: 1 }, Uint32Array.from([0, 20, 25]));
    expect(Array.from(p.rowIds)).toEqual([0, 10, 20]);
  });

  it('returns the weights themselves when no row goes', () => {
    const w = weightsOf([1, 0]);
    expect(pruneRows(w, { minDeviation: 0.1, maxRows: 5 })).toBe(w);
  });
});

describe('serializedLength', () => {
  it('is the length serializeStoredRows packs, for every encoding and both row indexes', () => {
    for (const encoding of ['float32', 'float16', 'int8'] as const) {
      for (const n of [0, 3, 300]) {
        const w = { ...weightsOf(Array.from({ length: n }, (_, r) => r / n)), encoding, hashing: { buckets: 4096, ngrams: 2, seed: 1 } };
        w.rowIds = Uint32Array.from({ length: n }, (_, r) => r * 13);
        expect(serializedLength(w)).toBe(serializeStoredRows(w).length);
      }
    }
  });
});

/** A publish candidate, and the trainer's every touched row at its encoding, exported right after it. */
type Published = Extract<Candidate, { kind: 'publish' }> & { unprunedBytes: number };

const options = (overrides: Partial<TrainerOptions>) =>
  trainerOptions.parse({ buckets: 2 ** 14, publishEveryExamples: 1, publishEveryMs: 1e12, holdoutFraction: 0.2, acceptMargin: 1, maxChunkBytes: 4096, compression: 'float32', snapshotEvery: 4, ...overrides });

const trainers: Trainer[] = [];
afterAll(() => trainers.forEach((t) => t.dispose()));

async function newTrainer(overrides: Partial<TrainerOptions>): Promise<Trainer> {
  const trainer = await Trainer.create(options(overrides), await loadBackend('cpu'));
  trainers.push(trainer);
  return trainer;
}

async function publishAll(overrides: Partial<TrainerOptions>): Promise<{ trainer: Trainer; versions: Published[] }> {
  const trainer = await newTrainer(overrides);
  const versions: Published[] = [];
  for (const [i, batch] of batches(positioned(syntheticReviews(10 * 200, 33)), 200).entries()) {
    await trainer.trainBatch(batch);
    const c = await trainer.maybeCandidate(i + 1);
    if (c?.kind !== 'publish') throw new Error('expected a candidate after every batch');
    trainer.markPublished(c.manifest);
    versions.push({ ...c, unprunedBytes: (await trainer.exportWeights('float32')).length });
  }
  return { trainer, versions };
}

function loadAll(versions: readonly Published[]): LoadedModel[] {
  const assembler = new ModelAssembler();
  const records = versions.flatMap((v): ModelUpdateRecord[] => [...v.chunks.map((value): ModelUpdateRecord => ({ kind: 'chunk', value })), { kind: 'manifest', value: v.manifest }]);
  return records.flatMap((r) => {
    const result = assembler.add(r);
    if (result.kind === 'ignored') throw new Error(`v${result.version}: ${result.reason}`);
    return result.kind === 'loaded' ? [result.model] : [];
  });
}

describe('Trainer with pruning', () => {
  let minDeviation: number;
  let pruned: Published[];
  let loaded: ModelWeights[];
  beforeAll(async () => {
    // the median deviation of an unpruned run: about half the rows go
    const { trainer } = await publishAll({});
    const all = deserializeWeights(await trainer.exportWeights('float32'));
    minDeviation = deviation(all).sort((a, b) => a - b)[Math.floor(all.rows.length / 2)]!;
    pruned = (await publishAll({ prune: { minDeviation } })).versions;
    loaded = loadAll(pruned).map((l) => deserializeWeights(l.bytes));
  });

  it('records in each version what pruning dropped, saved and cost', () => {
    for (const v of pruned) {
      const p = v.manifest.weights.pruning!;
      expect(p).toMatchObject({ minDeviation, maxRows: null });
      expect(p.storedRows).toBeLessThan(p.touchedRows);
      expect(p.bytesSaved).toBe(v.unprunedBytes - v.manifest.weights.bytes);
      expect(p.holdoutAccuracyUnpruned).toBeGreaterThan(0.5);
    }
  });

  it('prunes afresh at each snapshot and only adds rows in the deltas between, which every reader rebuilds and verifies', () => {
    expect(pruned.map((v) => (v.manifest.weights.delta ? 'd' : 's'))).toEqual(['s', 'd', 'd', 'd', 's', 'd', 'd', 'd', 's', 'd']);
    expect(loaded).toHaveLength(pruned.length);
    loaded.forEach((w, i) => {
      expect(w.rowIds.length).toBe(pruned[i]!.manifest.weights.pruning!.storedRows);
      const previous = i > 0 ? new Set(loaded[i - 1]!.rowIds) : new Set<number>();
      const fresh = pruned[i]!.manifest.weights.delta ? deviation(w).filter((_, r) => !previous.has(w.rowIds[r]!)) : deviation(w);
      expect(Math.min(...fresh)).toBeGreaterThanOrEqual(minDeviation);
      if (pruned[i]!.manifest.weights.delta) expect([...previous].every((id) => w.rowIds.includes(id))).toBe(true);
    });
  });

  it('a trainer restored from a pruned version resumes from the rows it stores', async () => {
    const last = pruned.at(-1)!;
    const t = await newTrainer({ prune: { minDeviation } });
    t.restore(last.manifest, loadAll(pruned).at(-1)!.bytes);
    const restored = deserializeWeights(await t.exportWeights('float32'));
    expect(Array.from(restored.rowIds)).toEqual(Array.from(loaded.at(-1)!.rowIds));
  });
});
