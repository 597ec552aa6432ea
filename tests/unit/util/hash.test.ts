import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hash64Hex, hex64 } from '../../../src/util/hash.js';

describe('hex64', () => {
  it('is the two lanes as zero-padded lower-case hex, high lane first, for any 32-bit values, signed or not', () => {
    const padded = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), (hi, lo) => {
        expect(hex64(hi, lo)).toBe(padded(hi) + padded(lo));
      }),
    );
    expect(hex64(0, 0)).toBe('0000000000000000');
    expect(hex64(-1, 0xabc)).toBe('ffffffff00000abc');
  });
});

describe('hash64Hex', () => {
  // Clean's dedup window and its changelog are keyed by these: a change would make a
  // restored window miss every duplicate it holds
  it('gives the keys it gave before (values pinned from the release that wrote existing changelogs)', () => {
    expect(hash64Hex('')).toBe('488bdcb81aee8d83');
    expect(hash64Hex('a fine film')).toBe('101ad6cdaae731f5');
    expect(hash64Hex('Ünïcødé 🙂 review')).toBe('a4053fcd509efb76');
    expect(hash64Hex('x'.repeat(1000))).toBe('819a7942aee5273b');
  });
});
