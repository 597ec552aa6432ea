import { describe, expect, it } from 'vitest';
import { hasCode } from '../../../src/errors.js';
import { deserializeWeights, fromFloat16Bits, serializeWeights, toFloat16Bits, type WeightEncoding } from '../../../src/models/index.js';
import { seededRandom } from '../../../src/trainer/random.js';
import { DIM, HASHING, randomModel } from './fixtures.js';

function roundTrip(encoding: WeightEncoding, rows = 500): { source: ReturnType<typeof randomModel>; decoded: ReturnType<typeof deserializeWeights>; bytes: Buffer } {
  const source = randomModel(1, rows);
  const bytes = serializeWeights({
    hashing: HASHING,
    dim: DIM,
    encoding,
    rowIds: source.rowIds,
    table: source.table,
    layers: [{ inputs: DIM, outputs: 1, kernel: source.kernel, bias: source.bias }],
  });
  return { source, decoded: deserializeWeights(bytes), bytes };
}

function maxRowError(source: ReturnType<typeof randomModel>, decoded: ReturnType<typeof deserializeWeights>, relativeTo: 'value' | 'rowMax'): number {
  let worst = 0;
  decoded.rowIds.forEach((id, r) => {
    let rowMax = 0;
    for (let k = 0; k < DIM; k++) rowMax = Math.max(rowMax, Math.abs(source.table[id * DIM + k]!));
    for (let k = 0; k < DIM; k++) {
      const want = source.table[id * DIM + k]!;
      const err = Math.abs(decoded.rows[r * DIM + k]! - want);
      worst = Math.max(worst, err / (relativeTo === 'value' ? Math.max(Math.abs(want), 2 ** -14) : rowMax));
    }
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
    expect([...decoded.layers[0]!.kernel]).toEqual([...source.kernel]);
  });

  it('round-trips float16 within 2^-11 relative error and int8 within half a step of the row scale', () => {
    expect(maxRowError(roundTrip('float16').source, roundTrip('float16').decoded, 'value')).toBeLessThanOrEqual(2 ** -11);
    const int8 = roundTrip('int8');
    expect(maxRowError(int8.source, int8.decoded, 'rowMax')).toBeLessThanOrEqual(0.5 / 127 + 1e-6);
  });

  it('stores touched rows only and shrinks with the encoding', () => {
    const f32 = roundTrip('float32');
    expect([...f32.decoded.rowIds]).toEqual([...f32.source.rowIds]);
    const sizes = (['float32', 'float16', 'int8'] as const).map((e) => roundTrip(e).bytes.length);
    expect(sizes[0]).toBeLessThan(500 * (4 * DIM + 4) + 1024); // far below the 4096-bucket table
    expect(sizes[1]).toBeLessThan(sizes[0]! * 0.6);
    expect(sizes[2]).toBeLessThan(sizes[1]!);
  });

  it('uses a bitmap row index when most buckets are touched, with the same result', () => {
    const dense = roundTrip('float32', 3000);
    expect([...dense.decoded.rowIds]).toEqual([...dense.source.rowIds]);
    expect(maxRowError(dense.source, dense.decoded, 'value')).toBe(0);
  });

  it('rejects garbage and truncated blobs with MODEL_CORRUPT', () => {
    const { bytes } = roundTrip('float16');
    for (const bad of [Buffer.from('nope nope nope'), bytes.subarray(0, bytes.length - 16), Buffer.concat([bytes.subarray(0, 8), Buffer.from('{"format":2}')])]) {
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
