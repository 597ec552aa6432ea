/** Realistic values of every record kind, shared by the records tests. */
import type { RecordName, RecordTypes } from '../../../src/records/index.js';

export const review: RecordTypes['review'] = {
  id: 'r-000042',
  text: 'Naïve plot, but the score — composed by 坂本龍一 — is wonderful 🎬. I would not watch it twice.',
  label: 1,
  source: 'imdb',
  ingestedAt: 1_717_171_717_171,
  augmented: false,
  parentId: null,
  lineage: { sourceTopic: 'reviews.raw', sourcePartition: 7, sourceOffset: 2 ** 40 + 3, stages: ['clean', 'augment'] },
  redactions: { email: 1, phone: 0, url: 2, card: 0, iban: 0, ip: 0 },
};

export function sampleRecords(): { [N in RecordName]: RecordTypes[N] } {
  return {
    'review-raw': { id: '', text: '', label: null, rating: 9, source: null, ingestedAt: 0 },
    review,
    quarantine: {
      stage: 'gate',
      reasons: ['TOO_SHORT', 'NEAR_DUPLICATE'],
      review: { ...review, augmented: true, parentId: 'r-000041', label: null, source: null },
      quarantinedAt: 1_717_171_800_000,
    },
    'dead-letter': {
      stage: 'clean',
      errorCode: 'NOT_SINGLE_OBJECT',
      errorMessage: 'not an Avro single-object record',
      sourceTopic: 'reviews.raw',
      sourcePartition: 0,
      sourceOffset: 2 ** 52 - 1, // the largest long avsc encodes as a JS number
      key: null,
      value: Buffer.from([0x00, 0xff, 0xc3, 0x01]),
      failedAt: 1_717_171_900_000,
    },
    quality: {
      stage: 'gate',
      instance: 'gate-0',
      windowStart: 1_717_171_000_000,
      windowEnd: 1_717_171_060_000,
      count: 1000,
      accepted: 950,
      quarantined: 50,
      positiveRate: 0.512,
      lengthMean: 231.5,
      lengthP50: 180,
      lengthP95: 910.25,
      lengthPsi: null,
      oovRate: 0.031,
      reasons: { TOO_SHORT: 30, NEAR_DUPLICATE: 20, 'lang:ünknown': 0 },
    },
    'model-version': {
      model: 'sentiment',
      version: 12,
      parentVersion: 11,
      createdAt: 1_717_172_000_000,
      backend: 'webgpu',
      executor: 'tfjs',
      device: 'mesa llvmpipe',
      examplesSeen: 3_000_000_000,
      offsets: [
        { topic: 'reviews.accepted', partition: 0, offset: 123_456_789_012 },
        { topic: 'reviews.accepted', partition: 1, offset: 0 },
      ],
      metrics: {
        prequentialAccuracy: 0.87,
        holdoutAccuracy: 0.865,
        holdoutAccuracyFullPrecision: null,
        holdoutSize: 2048,
        loss: 0.31,
        precision: 0.86,
        recall: 0.88,
        f1: 0.87,
        rocAuc: 0.94,
        brier: 0.1,
        confusion: { truePositives: 900, falsePositives: 146, trueNegatives: 871, falseNegatives: 131 },
        reliability: [{ from: 0.9, to: 1, count: 700, meanPredicted: 0.95, observedPositive: 0.93 }],
      },
      configJson: JSON.stringify({ kind: 'nb-logistic', learningRate: 0.5 }),
      hashing: { buckets: 262_144, ngrams: 2, seed: 42 },
      weights: { encoding: 'float16', sha256: 'ab'.repeat(32), bytes: 33_554_432, chunks: 34 },
    },
    'model-chunk': {
      model: 'sentiment',
      version: 12,
      index: 3,
      count: 34,
      data: Buffer.alloc(100 * 1024, 0x5a),
    },
  };
}
