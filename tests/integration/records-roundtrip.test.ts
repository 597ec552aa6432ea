import { afterAll, describe, expect, it } from 'vitest';
import { encode, decodeAny } from '../../src/records/index.js';
import type { ModelVersion, Review } from '../../src/records/types.js';
import { testKafka, uniquePrefix } from '../helpers/kafka.js';
import { metricsFixture } from '../unit/models/fixtures.js';

const kafka = testKafka();
const topic = `${uniquePrefix('records')}roundtrip`;

const review: Review = {
  id: 'r-1',
  text: 'Great phone – battery lasts… ünïcödé 😀',
  label: 1,
  source: 'test',
  ingestedAt: 1_700_000_000_000,
  augmented: false,
  parentId: null,
  lineage: { sourceTopic: 'reviews.raw', sourcePartition: 2, sourceOffset: 123_456_789, stages: ['clean'] },
  redactions: { email: 1, phone: 0, url: 2, card: 0, iban: 0, ip: 0 },
};
const manifest: ModelVersion = {
  model: 'sentiment',
  version: 3,
  parentVersion: 2,
  createdAt: 1_700_000_000_000,
  backend: 'cpu',
  executor: 'sparse',
  device: null,
  examplesSeen: 42_000,
  offsets: [{ topic: 'reviews.accepted', partition: 0, offset: 1000 }],
  metrics: metricsFixture({ prequentialAccuracy: 0.81, holdoutAccuracy: 0.8, holdoutAccuracyFullPrecision: 0.801, holdoutSize: 500, loss: 0.4 }),
  configJson: '{"kind":"nb-logistic"}',
  hashing: { buckets: 1_048_576, ngrams: 2, seed: 42 },
  weights: { encoding: 'float16', sha256: 'ab'.repeat(32), bytes: 1234, chunks: 2, delta: { base: 2, snapshot: 1, bytes: 300, sha256: 'cd'.repeat(32) }, pruning: { minDeviation: 0.9, maxRows: 200_000, touchedRows: 9000, storedRows: 3000, bytesSaved: 108_000, holdoutAccuracyUnpruned: 0.81 } },
  window: null,
};

const samples = {
  'review-raw': { id: 'raw-1', text: 'hello', label: null, rating: 8, source: null, ingestedAt: 5 },
  review,
  quarantine: { stage: 'gate', reasons: ['too-short', 'gibberish'], review, quarantinedAt: 7 },
  'dead-letter': { stage: 'clean', errorCode: 'NOT_SINGLE_OBJECT', errorMessage: 'bad', sourceTopic: 'reviews.raw', sourcePartition: 0, sourceOffset: 9, key: Buffer.from('k'), value: Buffer.from([1, 2, 3]), failedAt: 8 },
  quality: { stage: 'gate', instance: 'i', windowStart: 1, windowEnd: 2, count: 10, accepted: 9, quarantined: 1, positiveRate: 0.5, lengthMean: 80, lengthP50: 70, lengthP95: 200, lengthPsi: null, oovRate: 0.1, reasons: { 'too-short': 1 } },
  'model-version': manifest,
  'model-chunk': { model: 'sentiment', version: 3, index: 1, count: 2, data: Buffer.alloc(100_000, 7) },
} as const;

afterAll(async () => {
  await kafka.withAdmin((a) => a.deleteTopics([topic]));
});

describe('every record schema', () => {
  it('round-trips through a real Kafka topic unchanged', async () => {
    await kafka.withAdmin((a) => a.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]));
    const producer = kafka.producer();
    await producer.connect();
    const names = Object.keys(samples) as Array<keyof typeof samples>;
    await producer.send([{ topic, messages: names.map((n) => ({ key: n, value: encode(n, samples[n] as never) })) }]);
    await producer.disconnect();

    const back = new Map<string, unknown>();
    await kafka.readToEnd({ topic }, (m) => {
      const decoded = decodeAny(m.value!);
      back.set(m.key!.toString(), decoded.value);
      expect(decoded.name).toBe(m.key!.toString());
    });
    expect([...back.keys()].sort()).toEqual([...names].sort());
    for (const n of names) expect(back.get(n)).toEqual(samples[n]);
  });
});
