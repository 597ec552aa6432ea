import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { crc32c, encodeProduceRequest, installProduceEncoding, type ProduceRequestArgs } from '../../../src/kafka/produce-encoding.js';

// kafkajs's own produce request and CRC, loaded before anything replaces them in this process
const require = createRequire(import.meta.url);
const V3 = 'kafkajs/src/protocol/requests/produce/v3/request.js';
const kafkajsV3 = require(V3) as (args: ProduceRequestArgs) => { encode(): Promise<{ buffer: Buffer }> };
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (buf: Buffer) => number;
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: unknown): unknown; fromInt(v: number): unknown };

let seed = 11;
function random(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const text = (n: number): string => Array.from({ length: n }, () => pick(['a', 'é', 'レ', '🙂', ' ', 'z'])).join('');
const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
/** Sizes around the varint boundaries (1, 2 and 3 bytes of length). */
const size = (): number => pick([0, 1, 63, 64, 127, 128, 300, 8_191, 8_192, 20_000]);

function randomMessage(stamped: boolean, i: number): ProduceRequestArgs['topicData'][number]['partitions'][number]['messages'][number] {
  const headerChoices = [undefined, {}, { traceparent: text(55) }, { a: bytes(3), 'ключ': [text(4), bytes(0)] }];
  return {
    key: pick([null, undefined, text(size() % 300), bytes(size() % 300)]),
    value: pick([null, text(size()), bytes(size())]),
    ...(random() < 0.7 ? { headers: pick(headerChoices) as Record<string, string | Buffer | Array<string | Buffer>> } : {}),
    ...(stamped ? { timestamp: String(1_700_000_000_000 + ((i * 37) % 500)) } : {}),
  };
}

function randomRequest(): ProduceRequestArgs {
  const stamped = random() < 0.5;
  return {
    acks: pick([-1, 1]),
    timeout: 30_000,
    transactionalId: pick([null, undefined, '', 'stage.tx.0']),
    producerId: pick([undefined, Long.fromValue(4_321), Long.fromInt(-1)]),
    producerEpoch: pick([0, 3]),
    topicData: Array.from({ length: 1 + Math.floor(random() * 3) }, (_, t) => ({
      topic: `reviews.${pick(['clean', 'gate', 'ünïcode'])}-${t}`,
      partitions: Array.from({ length: 1 + Math.floor(random() * 3) }, (_, p) => ({
        partition: p,
        ...(random() < 0.5 ? { firstSequence: Math.floor(random() * 1_000) } : {}),
        messages: Array.from({ length: Math.floor(random() * 40) }, (_, i) => randomMessage(stamped, i)),
      })),
    })),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('one-pass produce request encoding', () => {
  it('writes byte for byte what kafkajs encodes, over random requests (keys, values, headers, timestamps, transactions)', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_123_456);
    for (let i = 0; i < 60; i++) {
      const args = randomRequest();
      const ours = encodeProduceRequest(args, Long as never);
      expect(ours).toBeDefined();
      expect(ours!.equals((await kafkajsV3(args).encode()).buffer)).toBe(true);
    }
  });

  it('leaves to kafkajs what it does not encode: compression, header values kafkajs cannot size, a missing value', () => {
    const base = randomRequest();
    const one = (message: object): ProduceRequestArgs => ({ ...base, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [message as never] }] }] });
    expect(encodeProduceRequest({ ...base, compression: 1 }, Long as never)).toBeUndefined();
    expect(encodeProduceRequest(one({ key: 'k', value: 'v', headers: { h: null } }), Long as never)).toBeUndefined();
    expect(encodeProduceRequest(one({ key: 'k', value: undefined }), Long as never)).toBeUndefined();
    expect(encodeProduceRequest(one({ key: 7, value: 'v' }), Long as never)).toBeUndefined();
  });

  it('computes the CRC-32C kafkajs does, at every length remainder', () => {
    for (let n = 0; n < 300; n += 7) {
      const buf = bytes(n);
      expect(crc32c(buf)).toBe(kafkajsCrc32c(buf));
    }
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283); // the CRC-32C check value
  });

  it('is what kafkajs’s produce request encodes once installed, before kafkajs loads its later versions', async () => {
    expect(installProduceEncoding(require)).toBe('installed');
    expect(installProduceEncoding(require)).toBe('installed');
    const v7 = require('kafkajs/src/protocol/requests/produce/v7/request.js') as typeof kafkajsV3;
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_123_456);
    const args = randomRequest();
    expect((await v7(args).encode()).buffer.equals((await kafkajsV3(args).encode()).buffer)).toBe(true);
    const { buffer } = await v7({ ...args, compression: 1 }).encode(); // kafkajs's own, gzip
    expect(buffer.length).toBeGreaterThan(0);
    const path = require.resolve(V3);
    const installed = require.cache[path];
    delete require.cache[path];
    try {
      expect(installProduceEncoding(require)).toBe('too-late');
    } finally {
      require.cache[path] = installed;
    }
  });
});
