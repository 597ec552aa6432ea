import { serializeWeights, sha256Hex, splitIntoChunks, type WeightEncoding } from '../../../src/models/index.js';
import type { ModelChunk, ModelVersion } from '../../../src/records/types.js';
import { seededRandom } from '../../../src/trainer/random.js';

export const HASHING = { buckets: 2 ** 12, ngrams: 2, seed: 3 };
export const DIM = 8;

/** A random embedding table with `rows` touched rows and a linear head. */
export function randomModel(seed: number, rows = 500): { table: Float32Array; rowIds: Uint32Array; kernel: Float32Array; bias: Float32Array } {
  const random = seededRandom(seed);
  const ids = new Set<number>();
  while (ids.size < rows) ids.add(Math.floor(random() * HASHING.buckets));
  const rowIds = Uint32Array.from([...ids].sort((a, b) => a - b));
  const table = new Float32Array(HASHING.buckets * DIM);
  for (const id of rowIds) for (let k = 0; k < DIM; k++) table[id * DIM + k] = (random() * 2 - 1) * 3;
  const kernel = Float32Array.from({ length: DIM }, () => random() * 2 - 1);
  return { table, rowIds, kernel, bias: Float32Array.of(0.1) };
}

export function makeVersion(options: { model?: string; version: number; seed?: number; maxChunkBytes?: number; encoding?: WeightEncoding }): {
  manifest: ModelVersion;
  chunks: ModelChunk[];
  bytes: Buffer;
} {
  const model = options.model ?? 'sentiment';
  const m = randomModel(options.seed ?? options.version);
  const encoding = options.encoding ?? 'float16';
  const bytes = serializeWeights({
    hashing: HASHING,
    dim: DIM,
    encoding,
    rowIds: m.rowIds,
    table: m.table,
    layers: [{ inputs: DIM, outputs: 1, kernel: m.kernel, bias: m.bias }],
  });
  const chunks = splitIntoChunks({ model, version: options.version, bytes, maxChunkBytes: options.maxChunkBytes ?? 2048 });
  const manifest: ModelVersion = {
    model,
    version: options.version,
    parentVersion: options.version > 1 ? options.version - 1 : null,
    createdAt: 1_700_000_000_000 + options.version,
    backend: 'cpu',
    examplesSeen: options.version * 1000,
    offsets: [{ topic: 'reviews.accepted', partition: 0, offset: options.version * 1000 }],
    metrics: { prequentialAccuracy: 0.8, holdoutAccuracy: 0.8, holdoutAccuracyFullPrecision: 0.8, holdoutSize: 100, loss: 0.4 },
    configJson: '{}',
    hashing: HASHING,
    weights: { encoding, sha256: sha256Hex(bytes), bytes: bytes.length, chunks: chunks.length },
  };
  return { manifest, chunks, bytes };
}
