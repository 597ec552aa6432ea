import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../../src/kafka/murmur2.js';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer | string) => number;

describe('murmur2', () => {
  it("gives Kafka's own test vectors (the Java client's UtilsTest)", () => {
    const vectors: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of vectors) expect(murmur2(key)).toBe(hash);
  });

  it("equals kafkajs's murmur2 on random keys of every length remainder, bytes and non-ASCII strings", () => {
    let seed = 7;
    const byte = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    for (let i = 0; i < 2_000; i++) {
      const bytes = Buffer.from(Array.from({ length: i % 71 }, byte));
      expect(murmur2(bytes)).toBe(kafkajsMurmur2(bytes));
    }
    for (const key of ['', 'é', 'naïve café', 'レビュー', '🙂 ok', 'x'.repeat(1_000)]) expect(murmur2(key)).toBe(kafkajsMurmur2(key));
  });

  it('puts a key on the partition kafkajs would: the positive hash modulo the count', () => {
    for (const key of ['a', 'review-1', 'some longer review key']) {
      for (const count of [1, 3, 7, 12]) expect(partitionForKey(key, count)).toBe((kafkajsMurmur2(key) & 0x7fffffff) % count);
    }
  });
});
