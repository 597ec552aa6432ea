import { describe, expect, it } from 'vitest';
import { hasCode } from '../../../src/errors.js';
import { denseWeights, deserializeWeights, fromFloat16Bits, toFloat16Bits, type WeightEncoding } from '../../../src/models/index.js';
import { seededRandom } from '../../../src/trainer/random.js';
import { randomModel, serializeRandom } from './fixtures.js';

function roundTrip(encoding: WeightEncoding, rows = 500): { source: ReturnType<typeof randomModel>; decoded: ReturnType<typeof deserializeWeights>; bytes: Buffer } {
  const source = randomModel(1, rows);
  const bytes = serializeRandom(1, encoding, rows);
  return { source, decoded: deserializeWeights(bytes), bytes };
}

/** Worst error of a stored row, relative to its value, or to the largest value of its int8 block. */
function maxRowError(source: ReturnType<typeof randomModel>, decoded: ReturnType<typeof deserializeWeights>, relativeTo: 'value' | 'block'): number {
  let worst = 0;
  const blockMax = (r: number): number => {
    let max = 0;
    for (let k = Math.floor(r / 256) * 256; k < Math.min(decoded.rowIds.length, Math.floor(r / 256) * 256 + 256); k++) max = Math.max(max, Math.abs(source.effective[decoded.rowIds[k]!]!));
    return max;
  };
  decoded.rowIds.forEach((id, r) => {
    const want = source.effective[id]!;
    const err = Math.abs(decoded.rows[r]! - want);
    worst = Math.max(worst, err / (relativeTo === 'value' ? Math.max(Math.abs(want), 2 ** -14) : blockMax(r)));
  });
  return worst;
}

describe('float16', () => {
  it('round-trips exactly representable values and specials', () => {
    for (const v of [0, 1, -2, 0.5, 65504, -65504, 2 ** -24, Infinity, -Infinity]) expect(fromFloat16Bits(toFloat16Bits(v))).toBe(v);
    expect(fromFloat16Bits(toFloat16Bits(NaN))).toBeNaN();
    expect(fromFloat16Bits(toFloat16Bits(1e6))).toBe(Infinity);
    expect(toFloat16Bits(-0)).toBe(0x8000);
  });

  it('rounds to nearest even with relative error ≤ 2^-11 across the normal range', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 20_000; i++) {
      const v = (random() * 2 - 1) * 2 ** (Math.floor(random() * 28) - 13);
      if (Math.abs(v) < 2 ** -14) continue;
      const back = fromFloat16Bits(toFloat16Bits(v));
      expect(Math.abs(back - v) / Math.abs(v)).toBeLessThanOrEqual(2 ** -11);
    }
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
    expect(fromFloat16Bits(toFloat16Bits(1 + 2 ** -11))).toBe(1);
    expect(fromFloat16Bits(toFloat16Bits(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
  });
});

describe('weights format', () => {
  it('round-trips float32 exactly', () => {
    const { source, decoded } = roundTrip('float32');
    expect(maxRowError(source, decoded, 'value')).toBe(0);
    expect([decoded.bias, decoded.defaultWeight]).toEqual([source.bias, source.defaultWeight]);
    // untouched buckets read as the default weight: pruning them loses nothing
    expect([...denseWeights(decoded)]).toEqual([...source.effective]);
  });

  it('carries the training state exactly, whatever the encoding of the scoring weights', () => {
    const { source, decoded } = roundTrip('int8');
    const training = decoded.training!;
    expect(training).toMatchObject(source.training.scalars);
    for (const name of ['weight', 'accum', 'positive', 'negative'] as const) {
      expect([...training[name]]).toEqual([...decoded.rowIds].map((id) => source.training.dense[name][id]!));
    }
  });

  it('round-trips float16 within 2^-11 relative error and int8 within half a step of the block scale', () => {
    expect(maxRowError(roundTrip('float16').source, roundTrip('float16').decoded, 'value')).toBeLessThanOrEqual(2 ** -11);
    const int8 = roundTrip('int8');
    expect(maxRowError(int8.source, int8.decoded, 'block')).toBeLessThanOrEqual(0.5 / 127 + 1e-6);
  });

  it('stores touched rows only and shrinks with the encoding', () => {
    const f32 = roundTrip('float32');
    expect([...f32.decoded.rowIds]).toEqual([...f32.source.rowIds]);
    const sizes = (['float32', 'float16', 'int8'] as const).map((e) => roundTrip(e).bytes.length);
    expect(sizes[0]).toBeLessThan(500 * (4 + 4 + 16) + 1024); // far below the 4096-bucket table
    expect(sizes[1]).toBeLessThan(sizes[0]! - 500 * 2 + 16);
    expect(sizes[2]).toBeLessThan(sizes[1]!);
  });

  it('uses a bitmap row index when most buckets are touched, with the same result', () => {
    const dense = roundTrip('float32', 3000);
    expect([...dense.decoded.rowIds]).toEqual([...dense.source.rowIds]);
    expect(maxRowError(dense.source, dense.decoded, 'value')).toBe(0);
  });

  it('rejects garbage and truncated blobs with MODEL_CORRUPT', () => {
    const { bytes } = roundTrip('float16');
    for (const bad of [Buffer.from('nope nope nope'), bytes.subarray(0, bytes.length - 16), Buffer.concat([bytes.subarray(0, 8), Buffer.from('{"format":2}')]), legacyFormat(bytes)]) {
      let error: unknown;
      try {
        deserializeWeights(bad);
      } catch (err) {
        error = err;
      }
      expect(hasCode(error, 'MODEL_CORRUPT')).toBe(true);
    }
  });
});

/** The same blob claiming format 1 (the retired embedding-bag model). */
function legacyFormat(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const headerLength = copy.readUInt32LE(4);
  const header = copy.subarray(8, 8 + headerLength).toString('utf8').replace('"format":2', '"format":1');
  Buffer.from(header, 'utf8').copy(copy, 8);
  return copy;
}
