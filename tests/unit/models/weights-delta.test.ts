import { describe, expect, it } from 'vitest';
import { ErrorCode, hasCode } from '../../../src/errors.js';
import { applyDelta, decodeDelta, effectiveWeights, encodeDelta, serializeStoredRows, sha256Hex, type ModelWeights, type TrainingState } from '../../../src/models/index.js';
import { seededRandom } from '../../../src/trainer/random.js';
import { HASHING, randomModel } from './fixtures.js';

const SMOOTHING = 5;

/** Weights as a trainer packs them: effective rows computed from the training state. */
function packed(rowIds: Uint32Array, training: TrainingState, encoding: ModelWeights['encoding'] = 'float16'): ModelWeights {
  const e = effectiveWeights(training, SMOOTHING);
  return { hashing: HASHING, encoding, bias: e.bias, defaultWeight: e.defaultWeight, rowIds, rows: e.weights, training };
}

/** A base version, and a next one where `changed` of its rows trained further and `added` new rows appeared. */
function twoVersions(options: { changed: number; added: number; encoding?: ModelWeights['encoding'] }): { base: ModelWeights; next: ModelWeights } {
  const m = randomModel(7, 400);
  const rows = (dense: Float32Array, ids: Uint32Array): Float32Array => Float32Array.from(ids, (id) => dense[id]!);
  const baseTraining: TrainingState = { ...m.training.scalars, weight: rows(m.training.dense.weight, m.rowIds), accum: rows(m.training.dense.accum, m.rowIds), positive: rows(m.training.dense.positive, m.rowIds), negative: rows(m.training.dense.negative, m.rowIds) };
  // keep the counts of every base row positive: a stored row is one some document touched
  baseTraining.positive.forEach((p, r) => (baseTraining.positive[r] = p + 1));
  const random = seededRandom(11);
  const ids = new Set(m.rowIds);
  while (ids.size < m.rowIds.length + options.added) ids.add(Math.floor(random() * HASHING.buckets));
  const nextIds = Uint32Array.from([...ids].sort((a, b) => a - b));
  const at = new Map([...m.rowIds].map((id, r) => [id, r]));
  const pick = (name: 'weight' | 'accum' | 'positive' | 'negative', fresh: () => number): Float32Array => Float32Array.from(nextIds, (id) => (at.has(id) ? baseTraining[name][at.get(id)!]! : fresh()));
  const next: TrainingState = {
    ...baseTraining,
    nbWeight: baseTraining.nbWeight + 0.01,
    positives: baseTraining.positives + 40,
    steps: baseTraining.steps + 3,
    examplesSeen: baseTraining.examplesSeen + 100,
    weight: pick('weight', () => random() - 0.5),
    accum: pick('accum', () => random()),
    positive: pick('positive', () => 1),
    negative: pick('negative', () => 0),
  };
  for (let c = 0; c < options.changed; c++) {
    const r = at.get(m.rowIds[(c * 7) % m.rowIds.length]!)!;
    const id = m.rowIds[r]!;
    const n = nextIds.indexOf(id);
    next.weight[n] = next.weight[n]! + 0.125;
    next.negative[n] = next.negative[n]! + 1;
  }
  return { base: packed(m.rowIds, baseTraining, options.encoding), next: packed(nextIds, next, options.encoding) };
}

function deltaOf(base: ModelWeights, next: ModelWeights): Buffer {
  const delta = encodeDelta({ base, baseSha256: sha256Hex(serializeStoredRows(base)), next, smoothing: SMOOTHING });
  if (!delta) throw new Error('expected a delta');
  return delta;
}

describe('weights delta', () => {
  it.each(['float16', 'float32', 'int8'] as const)('weights delta applied to its base packs to bytes identical to the full %s version', (encoding) => {
    const { base, next } = twoVersions({ changed: 30, added: 50, encoding });
    const delta = deltaOf(base, next);
    const decoded = decodeDelta(delta);
    // only the rows that changed or appeared travel
    expect(decoded.rowIds.length).toBe(80);
    const rebuilt = serializeStoredRows(applyDelta(base, decoded));
    const full = serializeStoredRows(next);
    expect(sha256Hex(rebuilt)).toBe(sha256Hex(full));
    expect(rebuilt.equals(full)).toBe(true);
    expect(delta.length).toBeLessThan(full.length / 3);
  });

  it('weights delta of an unchanged version carries no rows and rebuilds the same bytes', () => {
    const { base } = twoVersions({ changed: 0, added: 0 });
    const decoded = decodeDelta(deltaOf(base, base));
    expect(decoded.rowIds.length).toBe(0);
    expect(serializeStoredRows(applyDelta(base, decoded)).equals(serializeStoredRows(base))).toBe(true);
  });

  it('weights delta is not written when the next version dropped a row the base stored, or hashes differently', () => {
    const { base, next } = twoVersions({ changed: 5, added: 5 });
    const training = base.training!;
    const keep = (a: Float32Array): Float32Array => a.subarray(1);
    const fewer: ModelWeights = { ...base, rowIds: base.rowIds.subarray(1), rows: base.rows.subarray(1), training: { ...training, weight: keep(training.weight), accum: keep(training.accum), positive: keep(training.positive), negative: keep(training.negative) } };
    expect(encodeDelta({ base, baseSha256: 'a'.repeat(64), next: fewer, smoothing: SMOOTHING })).toBeUndefined();
    expect(encodeDelta({ base, baseSha256: 'a'.repeat(64), next: { ...next, hashing: { ...HASHING, seed: 4 } }, smoothing: SMOOTHING })).toBeUndefined();
    expect(encodeDelta({ base, baseSha256: 'a'.repeat(64), next: { ...next, training: undefined }, smoothing: SMOOTHING })).toBeUndefined();
  });

  it('weights delta that is truncated, has a bad header or does not fit its base is MODEL_CORRUPT, never another error', () => {
    const { base, next } = twoVersions({ changed: 10, added: 10 });
    const delta = deltaOf(base, next);
    const corrupt = (run: () => unknown): string => {
      try {
        run();
      } catch (err) {
        return hasCode(err, ErrorCode.MODEL_CORRUPT) ? 'MODEL_CORRUPT' : String(err);
      }
      return 'no error';
    };
    expect(corrupt(() => decodeDelta(delta.subarray(0, delta.length - 8)))).toBe('MODEL_CORRUPT');
    expect(corrupt(() => decodeDelta(delta.subarray(0, 5)))).toBe('MODEL_CORRUPT');
    expect(corrupt(() => decodeDelta(Buffer.from('RFW1 not a delta at all')))).toBe('MODEL_CORRUPT');
    const badHeader = Buffer.from(delta);
    badHeader.write('{', 8); // the header's first byte is `{` already: break the second instead
    badHeader.write('!', 9);
    expect(corrupt(() => decodeDelta(badHeader))).toBe('MODEL_CORRUPT');
    // a delta taken on a base with fewer rows claims more rows than this base gives
    const other = twoVersions({ changed: 0, added: 0 }).base;
    const decoded = decodeDelta(delta);
    expect(corrupt(() => applyDelta({ ...other, rowIds: other.rowIds.subarray(0, 10) }, decoded))).toBe('MODEL_CORRUPT');
    expect(corrupt(() => applyDelta({ ...base, training: undefined }, decoded))).toBe('MODEL_CORRUPT');
  });
});
