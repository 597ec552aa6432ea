import { serializeWeights, sha256Hex, splitIntoChunks, type WeightEncoding, type WeightsSource } from '../../../src/models/index.js';
import type { ModelChunk, ModelMetrics, ModelVersion } from '../../../src/records/types.js';
import { seededRandom } from '../../../src/trainer/random.js';

export const HASHING = { buckets: 2 ** 12, ngrams: 2, seed: 3 };

/** A random linear model with `rows` touched buckets, their training state, and a default weight for the rest. */
export function randomModel(seed: number, rows = 500): {
  effective: Float32Array;
  rowIds: Uint32Array;
  bias: number;
  defaultWeight: number;
  training: NonNullable<WeightsSource['training']>;
} {
  const random = seededRandom(seed);
  const ids = new Set<number>();
  while (ids.size < rows) ids.add(Math.floor(random() * HASHING.buckets));
  const rowIds = Uint32Array.from([...ids].sort((a, b) => a - b));
  const defaultWeight = -0.02;
  const effective = new Float32Array(HASHING.buckets).fill(defaultWeight);
  const dense = { weight: new Float32Array(HASHING.buckets), accum: new Float32Array(HASHING.buckets), positive: new Float32Array(HASHING.buckets), negative: new Float32Array(HASHING.buckets) };
  for (const id of rowIds) {
    effective[id] = (random() * 2 - 1) * 3;
    dense.weight[id] = random() - 0.5;
    dense.accum[id] = random() * 10;
    dense.positive[id] = Math.floor(random() * 50);
    dense.negative[id] = Math.floor(random() * 50);
  }
  const scalars = { bias: 0.1, biasAccum: 3, nbWeight: 0.7, nbAccum: 2, positives: 900, negatives: 1100, steps: 40, examplesSeen: 2000 };
  return { effective, rowIds, bias: 0.1, defaultWeight, training: { dense, scalars } };
}

export function serializeRandom(seed: number, encoding: WeightEncoding, rows = 500): Buffer {
  const m = randomModel(seed, rows);
  return serializeWeights({ hashing: HASHING, encoding, bias: m.bias, defaultWeight: m.defaultWeight, rowIds: m.rowIds, effective: m.effective, training: m.training });
}

export function makeVersion(options: { model?: string; version: number; seed?: number; maxChunkBytes?: number; encoding?: WeightEncoding }): {
  manifest: ModelVersion;
  chunks: ModelChunk[];
  bytes: Buffer;
} {
  const model = options.model ?? 'sentiment';
  const encoding = options.encoding ?? 'float16';
  const bytes = serializeRandom(options.seed ?? options.version, encoding);
  const chunks = splitIntoChunks({ model, version: options.version, bytes, maxChunkBytes: options.maxChunkBytes ?? 2048 });
  const manifest: ModelVersion = {
    model,
    version: options.version,
    parentVersion: options.version > 1 ? options.version - 1 : null,
    createdAt: 1_700_000_000_000 + options.version,
    backend: 'cpu',
    executor: 'sparse',
    device: null,
    examplesSeen: options.version * 1000,
    offsets: [{ topic: 'reviews.accepted', partition: 0, offset: options.version * 1000 }],
    metrics: metricsFixture({ prequentialAccuracy: 0.8, holdoutAccuracy: 0.8, holdoutAccuracyFullPrecision: 0.8, holdoutSize: 100, loss: 0.4 }),
    configJson: '{}',
    hashing: HASHING,
    weights: { encoding, sha256: sha256Hex(bytes), bytes: bytes.length, chunks: chunks.length },
  };
  return { manifest, chunks, bytes };
}

/** Manifest metrics with the evaluation fields a test does not care about left empty. */
export function metricsFixture(core: Pick<ModelMetrics, 'prequentialAccuracy' | 'holdoutAccuracy' | 'holdoutAccuracyFullPrecision' | 'holdoutSize' | 'loss'>): ModelMetrics {
  return { ...core, precision: null, recall: null, f1: null, rocAuc: null, brier: null, confusion: null, reliability: [] };
}
