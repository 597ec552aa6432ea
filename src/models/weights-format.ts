import { z } from 'zod';
import { ErrorCode, fatal } from '../errors.js';
import type { HashingParams } from './features.js';
import { decodeFloat16, encodeFloat16 } from './float16.js';
import type { DenseLayerWeights, ModelWeights, OptimizerState, WeightEncoding } from './weights-types.js';

/**
 * The weights blob of a model version: "RFW1", a u32 (LE) header length, a small JSON
 * header naming every section, then 8-byte aligned binary sections (typed arrays, LE).
 * Big arrays are never JSON. Sections:
 *   rowIndex   touched bucket ids, as a u32 list or a bitmap (whichever is smaller)
 *   rows       touched rows: float32, float16, or int8 with a float32 `rowScale` per row
 *   rowAccum   optional float32 Adagrad accumulator per row (exact resume)
 *   layerN.kernel/.bias (float32), optN.kernel/.bias (float32 Adagrad accumulators)
 */
const MAGIC = 0x31574652; // "RFW1" read as u32 LE
const FORMAT = 1;

export interface WeightsSource {
  hashing: HashingParams;
  dim: number;
  encoding: WeightEncoding;
  /** Sorted ascending bucket ids to store; every other row is all zero. */
  rowIds: Uint32Array;
  /** The embedding rows: indexed by bucket id, or by `slotOf[bucket]` when `slotOf` is given. */
  table: Float32Array;
  /** Bucket id → row position in `table` (and in `optimizer.rowAccum`). */
  slotOf?: Int32Array;
  layers: DenseLayerWeights[];
  /** Optimizer state to store for resume; `rowAccum` is indexed like `table`. */
  optimizer?: OptimizerState;
}

const sectionSchema = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);
const headerSchema = z.object({
  format: z.literal(FORMAT),
  kind: z.literal('embedding-bag'),
  hashing: z.object({ buckets: z.number().int().positive(), ngrams: z.number().int().positive(), seed: z.number().int() }),
  dim: z.number().int().positive(),
  encoding: z.enum(['float32', 'float16', 'int8']),
  rowCount: z.number().int().nonnegative(),
  rowIndex: z.enum(['list', 'bitmap']),
  layers: z.array(z.object({ inputs: z.number().int().positive(), outputs: z.number().int().positive() })),
  optimizer: z.object({ name: z.enum(['adagrad', 'sgd']), steps: z.number(), examplesSeen: z.number() }).nullable(),
  sections: z.record(sectionSchema),
});
type WeightsHeader = z.infer<typeof headerSchema>;

const align8 = (n: number): number => (n + 7) & ~7;

function rowBytes(encoding: WeightEncoding): number {
  return encoding === 'float32' ? 4 : encoding === 'float16' ? 2 : 1;
}

export function serializeWeights(source: WeightsSource): Buffer {
  const { hashing, dim, encoding, rowIds, layers, optimizer, slotOf } = source;
  const count = rowIds.length;
  const bitmapBytes = Math.ceil(hashing.buckets / 8);
  const rowIndex: 'list' | 'bitmap' = count * 4 <= bitmapBytes ? 'list' : 'bitmap';
  const plan: Array<[string, number]> = [
    ['rowIndex', rowIndex === 'list' ? count * 4 : bitmapBytes],
    ['rows', count * dim * rowBytes(encoding)],
  ];
  if (encoding === 'int8') plan.push(['rowScale', count * 4]);
  const adagrad = optimizer?.name === 'adagrad';
  if (adagrad) plan.push(['rowAccum', count * 4]);
  layers.forEach((layer, i) => {
    plan.push([`layer${i}.kernel`, layer.kernel.length * 4], [`layer${i}.bias`, layer.bias.length * 4]);
    const acc = optimizer?.layers[i];
    if (adagrad && acc) plan.push([`opt${i}.kernel`, acc.kernel.length * 4], [`opt${i}.bias`, acc.bias.length * 4]);
  });
  const sections: Record<string, [number, number]> = {};
  let bodyLength = 0;
  for (const [name, length] of plan) {
    sections[name] = [bodyLength, length];
    bodyLength = align8(bodyLength + length);
  }
  const header: WeightsHeader = {
    format: FORMAT,
    kind: 'embedding-bag',
    hashing: { buckets: hashing.buckets, ngrams: hashing.ngrams, seed: hashing.seed },
    dim,
    encoding,
    rowCount: count,
    rowIndex,
    layers: layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs })),
    optimizer: optimizer ? { name: optimizer.name, steps: optimizer.steps, examplesSeen: optimizer.examplesSeen } : null,
    sections,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const bodyStart = align8(8 + headerBytes.length);
  // Buffer.alloc zero-fills and never uses the shared pool: padding is deterministic, offset 0.
  const out = Buffer.alloc(bodyStart + bodyLength);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(headerBytes.length, 4);
  headerBytes.copy(out, 8);
  const view = <T>(name: string, make: (buffer: ArrayBuffer, offset: number, length: number) => T, width: number): T => {
    const [offset, length] = sections[name]!;
    return make(out.buffer, out.byteOffset + bodyStart + offset, length / width);
  };
  const u32 = (b: ArrayBuffer, o: number, l: number): Uint32Array => new Uint32Array(b, o, l);
  const f32 = (b: ArrayBuffer, o: number, l: number): Float32Array => new Float32Array(b, o, l);

  if (rowIndex === 'list') view('rowIndex', u32, 4).set(rowIds);
  else {
    const bitmap = view('rowIndex', (b, o, l) => new Uint8Array(b, o, l), 1);
    for (let r = 0; r < count; r++) {
      const id = rowIds[r]!;
      bitmap[id >>> 3]! |= 1 << (id & 7);
    }
  }
  writeRows(source, sections, out, bodyStart);
  if (adagrad && optimizer) {
    const acc = view('rowAccum', f32, 4);
    for (let r = 0; r < count; r++) acc[r] = optimizer.rowAccum[slotOf ? slotOf[rowIds[r]!]! : rowIds[r]!]!;
  }
  layers.forEach((layer, i) => {
    view(`layer${i}.kernel`, f32, 4).set(layer.kernel);
    view(`layer${i}.bias`, f32, 4).set(layer.bias);
    const acc = optimizer?.layers[i];
    if (adagrad && acc) {
      view(`opt${i}.kernel`, f32, 4).set(acc.kernel);
      view(`opt${i}.bias`, f32, 4).set(acc.bias);
    }
  });
  return out;
}

function writeRows(source: WeightsSource, sections: Record<string, [number, number]>, out: Buffer, bodyStart: number): void {
  const { dim, encoding, rowIds, table, slotOf } = source;
  const count = rowIds.length;
  const at = (r: number): number => (slotOf ? slotOf[rowIds[r]!]! : rowIds[r]!) * dim;
  const [offset] = sections['rows']!;
  const base = out.byteOffset + bodyStart + offset;
  if (encoding === 'float32') {
    const rows = new Float32Array(out.buffer, base, count * dim);
    for (let r = 0; r < count; r++) rows.set(table.subarray(at(r), at(r) + dim), r * dim);
  } else if (encoding === 'float16') {
    const rows = new Uint16Array(out.buffer, base, count * dim);
    const bits = new Uint32Array(table.buffer, table.byteOffset, table.length);
    for (let r = 0; r < count; r++) encodeFloat16(table, at(r), rows, r * dim, dim, bits);
  } else {
    const rows = new Int8Array(out.buffer, base, count * dim);
    const [scaleOffset] = sections['rowScale']!;
    const scales = new Float32Array(out.buffer, out.byteOffset + bodyStart + scaleOffset, count);
    for (let r = 0; r < count; r++) {
      const src = at(r);
      let maxAbs = 0;
      for (let k = 0; k < dim; k++) maxAbs = Math.max(maxAbs, Math.abs(table[src + k]!));
      // Per-row scale: rare rows with small weights keep their resolution.
      const scale = maxAbs / 127;
      scales[r] = scale;
      if (scale === 0) continue;
      for (let k = 0; k < dim; k++) rows[r * dim + k] = Math.round(table[src + k]! / scale);
    }
  }
}

function corrupt(message: string, cause?: unknown): Error {
  return fatal(ErrorCode.MODEL_CORRUPT, `model weights: ${message}`, {
    cause,
    hint: 'the version is unusable; wait for or republish a newer one',
  });
}

function parseHeader(bytes: Uint8Array): { header: WeightsHeader; bodyStart: number } {
  if (bytes.length < 8) throw corrupt('shorter than the 8-byte preamble');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw corrupt('bad magic (not an RFW1 blob)');
  const headerLength = dv.getUint32(4, true);
  if (headerLength > bytes.length - 8) throw corrupt('header length past the end');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLength).toString('utf8'));
  } catch (err) {
    throw corrupt('header is not JSON', err);
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) throw corrupt(`header invalid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  return { header: parsed.data, bodyStart: align8(8 + headerLength) };
}

/** Decodes a weights blob; throws MODEL_CORRUPT on any inconsistency. */
export function deserializeWeights(input: Uint8Array): ModelWeights {
  // Typed-array views need aligned offsets; Buffers sliced from a pool may not be.
  const bytes = input.byteOffset % 8 === 0 ? input : new Uint8Array(input);
  const { header, bodyStart } = parseHeader(bytes);
  const { dim, rowCount: count, encoding, hashing } = header;
  const section = (name: string, expected: number): [number, number] => {
    const entry = header.sections[name];
    if (!entry) throw corrupt(`missing section ${name}`);
    const [offset, length] = entry;
    if (length !== expected) throw corrupt(`section ${name} has ${length} bytes, expected ${expected}`);
    if (offset % 8 !== 0 || bodyStart + offset + length > bytes.length) throw corrupt(`section ${name} out of bounds`);
    return [bytes.byteOffset + bodyStart + offset, length];
  };
  const f32 = (name: string, n: number): Float32Array => {
    const [o] = section(name, n * 4);
    return new Float32Array(bytes.buffer, o, n).slice();
  };

  const rowIds = readRowIndex(bytes, header, section);
  const rows = new Float32Array(count * dim);
  if (encoding === 'float32') rows.set(new Float32Array(bytes.buffer, section('rows', count * dim * 4)[0], count * dim));
  else if (encoding === 'float16') decodeFloat16(new Uint16Array(bytes.buffer, section('rows', count * dim * 2)[0], count * dim), rows);
  else {
    const q = new Int8Array(bytes.buffer, section('rows', count * dim)[0], count * dim);
    const scales = new Float32Array(bytes.buffer, section('rowScale', count * 4)[0], count);
    for (let r = 0; r < count; r++) for (let k = 0; k < dim; k++) rows[r * dim + k] = q[r * dim + k]! * scales[r]!;
  }

  let inputs = dim;
  const layers = header.layers.map((l, i) => {
    if (l.inputs !== inputs) throw corrupt(`layer ${i} expects ${l.inputs} inputs, previous gives ${inputs}`);
    inputs = l.outputs;
    return { inputs: l.inputs, outputs: l.outputs, kernel: f32(`layer${i}.kernel`, l.inputs * l.outputs), bias: f32(`layer${i}.bias`, l.outputs) };
  });
  if (inputs !== 1) throw corrupt('the head must end in a single output');

  let optimizer: OptimizerState | undefined;
  if (header.optimizer) {
    const adagrad = header.optimizer.name === 'adagrad';
    optimizer = {
      name: header.optimizer.name,
      steps: header.optimizer.steps,
      examplesSeen: header.optimizer.examplesSeen,
      rowAccum: adagrad ? f32('rowAccum', count) : new Float32Array(0),
      layers: adagrad
        ? layers.map((l, i) => ({ kernel: f32(`opt${i}.kernel`, l.kernel.length), bias: f32(`opt${i}.bias`, l.bias.length) }))
        : [],
    };
  }
  return { hashing, dim, encoding, rowIds, rows, layers, optimizer };
}

function readRowIndex(bytes: Uint8Array, header: WeightsHeader, section: (name: string, expected: number) => [number, number]): Uint32Array {
  const { rowCount: count, hashing } = header;
  if (header.rowIndex === 'list') {
    const ids = new Uint32Array(bytes.buffer, section('rowIndex', count * 4)[0], count).slice();
    for (let r = 0; r < count; r++) {
      if (ids[r]! >= hashing.buckets || (r > 0 && ids[r]! <= ids[r - 1]!)) throw corrupt('row index not sorted or out of range');
    }
    return ids;
  }
  const bitmapBytes = Math.ceil(hashing.buckets / 8);
  const bitmap = new Uint8Array(bytes.buffer, section('rowIndex', bitmapBytes)[0], bitmapBytes);
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
