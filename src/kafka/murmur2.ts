/**
 * The key hash Kafka's default partitioner uses (the Java client's `Utils.murmur2`, which
 * kafkajs's default partitioner copies), on 32-bit integers. kafkajs computes it with a
 * 64-bit Long object per step, several per four bytes of key: on a raw pass-through that
 * was about a tenth of the producer's CPU. The result is the same number for every key
 * (tests/unit/kafka/murmur2.test.ts checks it against kafkajs's own and Kafka's vectors).
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;

export function murmur2(key: Buffer | string): number {
  const data = typeof key === 'string' ? Buffer.from(key) : key;
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  switch (length & 3) {
    case 3:
      h ^= data[whole + 2]! << 16;
    // falls through
    case 2:
      h ^= data[whole + 1]! << 8;
    // falls through
    case 1:
      h ^= data[whole]!;
      h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner gives a keyed record among `count` partitions. */
export function partitionForKey(key: Buffer | string, count: number): number {
  return (murmur2(key) & 0x7fffffff) % count;
}
