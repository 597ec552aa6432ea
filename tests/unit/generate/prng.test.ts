import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/generate/prng.js';

const draws = (rng: Prng, n: number) => Array.from({ length: n }, () => rng.nextUint32());

describe('Prng', () => {
  it('Prng repeats its sequence for the same seed and stream', () => {
    expect(draws(new Prng(42, 3), 20)).toEqual(draws(new Prng(42, 3), 20));
  });

  it('Prng differs across seeds, streams and seeds past 2^32', () => {
    const base = draws(new Prng(42, 3), 4);
    expect(draws(new Prng(43, 3), 4)).not.toEqual(base);
    expect(draws(new Prng(42, 4), 4)).not.toEqual(base);
    expect(draws(new Prng(42 + 2 ** 32, 3), 4)).not.toEqual(base);
  });

  it('Prng draws integers in range with a roughly uniform spread', () => {
    const rng = new Prng(1);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 50_000; i++) {
      const value = rng.range(1, 5);
      counts[value - 1]! += 1;
    }
    for (const count of counts) {
      expect(count).toBeGreaterThan(9_500);
      expect(count).toBeLessThan(10_500);
    }
    const floats = Array.from({ length: 1000 }, () => rng.next());
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...floats)).toBeLessThan(1);
  });
});
