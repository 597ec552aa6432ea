import { z } from 'zod';
import { ErrorCode, fatal } from '../errors.js';
import type { HashingParams } from './features.js';
import { decodeFloat16, encodeFloat16 } from './float16.js';
import { allocateBlob, blobLength, layoutSections, readBlob, type ReadBlob } from './section-blob.js';
import type { DenseTrainingState, ModelWeights, TrainingState, WeightEncoding } from './weights-types.js';

/**
 * The weights blob of a model version: "RFW1", a u32 (LE) header length, a small JSON
 * header (scalars, and where each section lies), then 8-byte aligned binary sections
 * (typed arrays, LE). Big arrays are never JSON. Sections:
 *   rowIndex   touched bucket ids, as a u32 list or a bitmap (whichever is smaller)
 *   rows       effective weight per touched bucket: float32, float16, or int8 with a
 *              float32 `rowScale` per block of 256 rows
 *   weight, accum, positive, negative
 *              float32 training state per touched bucket (exact resume), when present
 * Format 1 (the embedding-bag model) is no longer read: such versions are reported corrupt.
 */
const MAGIC = 0x31574652; // "RFW1" read as u32 LE
const FORMAT = 2;
const KIND = 'nb-logistic';
/** int8 rows share one scale per block: small weights of rare rows keep some resolution. */
const INT8_BLOCK = 256;
const TRAINING_SECTIONS = ['weight', 'accum', 'positive', 'negative'] as const;

export interface WeightsSource {
  hashing: HashingParams;
  encoding: WeightEncoding;
  bias: number;
  defaultWeight: number;
  /** Sorted ascending bucket ids to store; every other bucket has `defaultWeight`. */
  rowIds: Uint32Array;
  /** Effective weight per bucket (bucket-indexed). */
  effective: Float32Array;
  /** Bucket-indexed training state and its scalars, for resume. */
  training?: { dense: DenseTrainingState; scalars: Omit<TrainingState, keyof DenseTrainingState> };
}

/** The training scalars as a header stores them (a delta's header too). */
export const scalarsSchema = z.object({
  bias: z.number(),
  biasAccum: z.number(),
  nbWeight: z.number(),
  nbAccum: z.number(),
  positives: z.number(),
  negatives: z.number(),
  steps: z.number(),
  examplesSeen: z.number(),
});
const sectionSchema = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);
const headerSchema = z.object({
  format: z.literal(FORMAT),
  kind: z.literal(KIND),
  hashing: z.object({ buckets: z.number().int().positive(), ngrams: z.number().int().positive(), seed: z.number().int() }),
  encoding: z.enum(['float32', 'float16', 'int8']),
  rowCount: z.number().int().nonnegative(),
  rowIndex: z.enum(['list', 'bitmap']),
  bias: z.number(),
  defaultWeight: z.number(),
  training: scalarsSchema.nullable(),
  sections: z.record(sectionSchema),
});
type WeightsHeader = z.infer<typeof headerSchema>;

function rowBytes(encoding: WeightEncoding): number {
  return encoding === 'float32' ? 4 : encoding === 'float16' ? 2 : 1;
}

/** Packs the stored rows of the trainer's bucket-indexed arrays. */
export function serializeWeights(source: WeightsSource): Buffer {
  return serializeStoredRows(gatherStoredRows(source));
}

/** The rows a version stores, picked out of the trainer's bucket-indexed arrays. */
export function gatherStoredRows(source: WeightsSource): ModelWeights {
  const { rowIds, training } = source;
  const stored: TrainingState | undefined = training && {
    ...training.scalars,
    weight: gather(training.dense.weight, rowIds),
    accum: gather(training.dense.accum, rowIds),
    positive: gather(training.dense.positive, rowIds),
    negative: gather(training.dense.negative, rowIds),
  };
  return { hashing: source.hashing, encoding: source.encoding, bias: source.bias, defaultWeight: source.defaultWeight, rowIds, rows: gather(source.effective, rowIds), training: stored };
}

/** The header and section layout `serializeStoredRows` writes for `weights`. */
function layoutWeights(weights: ModelWeights): { header: WeightsHeader; bodyLength: number; rowIndex: 'list' | 'bitmap'; bitmapBytes: number } {
  const { hashing, encoding, rowIds, training } = weights;
  const count = rowIds.length;
  const bitmapBytes = Math.ceil(hashing.buckets / 8);
  const rowIndex: 'list' | 'bitmap' = count * 4 <= bitmapBytes ? 'list' : 'bitmap';
  const plan: Array<[string, number]> = [
    ['rowIndex', rowIndex === 'list' ? count * 4 : bitmapBytes],
    ['rows', count * rowBytes(encoding)],
  ];
  if (encoding === 'int8') plan.push(['rowScale', Math.ceil(count / INT8_BLOCK) * 4]);
  if (training) for (const name of TRAINING_SECTIONS) plan.push([name, count * 4]);
  const { sections, bodyLength } = layoutSections(plan);
  const header: WeightsHeader = {
    format: FORMAT,
    kind: KIND,
    hashing: { buckets: hashing.buckets, ngrams: hashing.ngrams, seed: hashing.seed },
    encoding,
    rowCount: count,
    rowIndex,
    bias: weights.bias,
    defaultWeight: weights.defaultWeight,
    training: training ? scalarsOf(training) : null,
    sections,
  };
  return { header, bodyLength, rowIndex, bitmapBytes };
}

/** The length of `serializeStoredRows(weights)`, without packing it. */
export function serializedLength(weights: ModelWeights): number {
  const { header, bodyLength } = layoutWeights(weights);
  return blobLength(header, bodyLength);
}

/**
 * Packs weights whose arrays are aligned with `rowIds` (`rows` as float32, encoded here).
 * Deterministic: the same weights always give the same bytes, which is what lets a reader
 * that rebuilt a version from a delta check it against the full version's SHA-256.
 */
export function serializeStoredRows(weights: ModelWeights): Buffer {
  const { rowIds, training, encoding } = weights;
  const count = rowIds.length;
  const { header, bodyLength, rowIndex, bitmapBytes } = layoutWeights(weights);
  const { out, at } = allocateBlob(MAGIC, header, bodyLength);

  if (rowIndex === 'list') new Uint32Array(out.buffer, at('rowIndex'), count).set(rowIds);
  else {
    const bitmap = new Uint8Array(out.buffer, at('rowIndex'), bitmapBytes);
    for (let r = 0; r < count; r++) {
      const id = rowIds[r]!;
      bitmap[id >>> 3]! |= 1 << (id & 7);
    }
  }
  writeRows(weights.rows, encoding, out, at);
  if (training) {
    for (const name of TRAINING_SECTIONS) new Float32Array(out.buffer, at(name), count).set(training[name]);
  }
  return out;
}

/** The scalars in the header's key order (the order is part of the bytes, so of the SHA-256). */
export function scalarsOf(t: TrainingState): z.infer<typeof scalarsSchema> {
  return { bias: t.bias, biasAccum: t.biasAccum, nbWeight: t.nbWeight, nbAccum: t.nbAccum, positives: t.positives, negatives: t.negatives, steps: t.steps, examplesSeen: t.examplesSeen };
}

/** The values of `dense` at `rowIds`, in their order. */
export function gather(dense: Float32Array, rowIds: Uint32Array): Float32Array {
  const out = new Float32Array(rowIds.length);
  for (let r = 0; r < rowIds.length; r++) out[r] = dense[rowIds[r]!]!;
  return out;
}

function writeRows(values: Float32Array, encoding: WeightEncoding, out: Buffer, at: (name: string) => number): void {
  const count = values.length;
  if (encoding === 'float32') new Float32Array(out.buffer, at('rows'), count).set(values);
  else if (encoding === 'float16') encodeFloat16(values, 0, new Uint16Array(out.buffer, at('rows'), count), 0, count);
  else {
    const rows = new Int8Array(out.buffer, at('rows'), count);
    const scales = new Float32Array(out.buffer, at('rowScale'), Math.ceil(count / INT8_BLOCK));
    for (let b = 0; b < scales.length; b++) {
      const from = b * INT8_BLOCK;
      const to = Math.min(count, from + INT8_BLOCK);
      let maxAbs = 0;
      for (let r = from; r < to; r++) maxAbs = Math.max(maxAbs, Math.abs(values[r]!));
      const scale = maxAbs / 127;
      scales[b] = scale;
      if (scale === 0) continue;
      for (let r = from; r < to; r++) rows[r] = Math.round(values[r]! / scale);
    }
  }
}

function corrupt(message: string, cause?: unknown): Error {
  return fatal(ErrorCode.MODEL_CORRUPT, `model weights: ${message}`, {
    cause,
    hint: 'the version is unusable; wait for or republish a newer one',
  });
}

function parseHeader(input: Uint8Array): { header: WeightsHeader; blob: ReadBlob } {
  const blob = readBlob(input, MAGIC, corrupt);
  const format = (blob.json as { format?: unknown } | null)?.format;
  if (format !== FORMAT) throw corrupt(`format ${String(format)} is not readable by this version (it reads format ${FORMAT}, the ${KIND} model)`);
  const parsed = headerSchema.safeParse(blob.json);
  if (!parsed.success) throw corrupt(`header invalid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  return { header: parsed.data, blob };
}

/** Decodes a weights blob; throws MODEL_CORRUPT on any inconsistency. */
export function deserializeWeights(input: Uint8Array): ModelWeights {
  const { header, blob } = parseHeader(input);
  const { rowCount: count, encoding, hashing } = header;
  const bytes = blob.bytes;
  const section = (name: string, expected: number): number => blob.section(header.sections, name, expected);
  const f32 = (name: string): Float32Array => new Float32Array(bytes.buffer, section(name, count * 4), count).slice();

  const rowIds = readRowIndex(bytes, header, section);
  const rows = new Float32Array(count);
  if (encoding === 'float32') rows.set(new Float32Array(bytes.buffer, section('rows', count * 4), count));
  else if (encoding === 'float16') decodeFloat16(new Uint16Array(bytes.buffer, section('rows', count * 2), count), rows);
  else {
    const q = new Int8Array(bytes.buffer, section('rows', count), count);
    const blocks = Math.ceil(count / INT8_BLOCK);
    const scales = new Float32Array(bytes.buffer, section('rowScale', blocks * 4), blocks);
    for (let r = 0; r < count; r++) rows[r] = q[r]! * scales[Math.floor(r / INT8_BLOCK)]!;
  }
  const training: TrainingState | undefined = header.training
    ? { ...header.training, weight: f32('weight'), accum: f32('accum'), positive: f32('positive'), negative: f32('negative') }
    : undefined;
  return { hashing, encoding, bias: header.bias, defaultWeight: header.defaultWeight, rowIds, rows, training };
}

function readRowIndex(bytes: Uint8Array, header: WeightsHeader, section: (name: string, expected: number) => number): Uint32Array {
  const { rowCount: count, hashing } = header;
  if (header.rowIndex === 'list') {
    const ids = new Uint32Array(bytes.buffer, section('rowIndex', count * 4), count).slice();
    for (let r = 0; r < count; r++) {
      if (ids[r]! >= hashing.buckets || (r > 0 && ids[r]! <= ids[r - 1]!)) throw corrupt('row index not sorted or out of range');
    }
    return ids;
  }
  const bitmapBytes = Math.ceil(hashing.buckets / 8);
  const bitmap = new Uint8Array(bytes.buffer, section('rowIndex', bitmapBytes), bitmapBytes);
  const ids = new Uint32Array(count);
  let n = 0;
  for (let b = 0; b < bitmapBytes; b++) {
    let bits = bitmap[b]!;
    while (bits !== 0) {
      const bit = 31 - Math.clz32(bits & -bits);
      if (n >= count || b * 8 + bit >= hashing.buckets) throw corrupt('row bitmap has more rows than the header says');
      ids[n++] = b * 8 + bit;
      bits &= bits - 1;
    }
  }
  if (n !== count) throw corrupt('row bitmap has fewer rows than the header says');
  return ids;
}

/** The dense, bucket-indexed effective weights of decoded weights: what scoring reads. */
export function denseWeights(weights: ModelWeights): Float32Array {
  const dense = new Float32Array(weights.hashing.buckets).fill(weights.defaultWeight);
  const { rowIds, rows } = weights;
  for (let r = 0; r < rowIds.length; r++) dense[rowIds[r]!] = rows[r]!;
  return dense;
}
