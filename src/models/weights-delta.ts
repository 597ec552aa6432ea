import { z } from 'zod';
import { ErrorCode, fatal } from '../errors.js';
import { effectiveWeights } from './effective-weights.js';
import { sameHashing } from './features.js';
import { allocateBlob, layoutSections, readBlob } from './section-blob.js';
import { scalarsOf, scalarsSchema } from './weights-format.js';
import type { ModelWeights, TrainingState } from './weights-types.js';

/**
 * A delta version's blob: what changed in the training state since its base version.
 * "RFD1", then the framing of section-blob.ts; sections:
 *   rowIds     sorted u32 ids of the rows whose training state differs from the base's
 *              (rows the base did not store included)
 *   weight, accum, positive, negative
 *              their float32 training state
 * Every other row keeps the base's state. Effective weights are not shipped: each one moves
 * with γ and the prior at every step, so a reader recomputes all of them from the training
 * state (effective-weights.ts) and packs the full blob, whose SHA-256 the manifest holds.
 */
const MAGIC = 0x31444652; // "RFD1" read as u32 LE
const FORMAT = 1;
const KIND = 'nb-logistic-delta';
const STATE_SECTIONS = ['weight', 'accum', 'positive', 'negative'] as const;

const headerSchema = z.object({
  format: z.literal(FORMAT),
  kind: z.literal(KIND),
  /** SHA-256 of the base version's full weights: a reader checks it holds that very base. */
  baseSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Naive Bayes smoothing α, which the effective weights depend on. */
  smoothing: z.number().positive(),
  /** Rows the resulting version stores. */
  rowCount: z.number().int().nonnegative(),
  changed: z.number().int().nonnegative(),
  scalars: scalarsSchema,
  sections: z.record(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])),
});
type DeltaHeader = z.infer<typeof headerSchema>;

export interface DeltaSource {
  /** The base version's weights with their training state, and its SHA-256. */
  base: ModelWeights;
  baseSha256: string;
  /** The new version's weights, packed from the same trainer. */
  next: ModelWeights;
  smoothing: number;
}

/**
 * The delta from `base` to `next`, or undefined when `next` cannot be written as one (no
 * training state, other hashing or encoding, or a row the base stored that `next` lacks):
 * the caller publishes a snapshot then.
 */
export function encodeDelta(source: DeltaSource): Buffer | undefined {
  const { base, next } = source;
  const b = base.training;
  const n = next.training;
  if (!b || !n || base.encoding !== next.encoding || !sameHashing(base.hashing, next.hashing)) return undefined;
  const changed = changedRows(base.rowIds, b, next.rowIds, n);
  if (!changed) return undefined;
  const count = changed.length;
  const { sections, bodyLength } = layoutSections([['rowIds', count * 4], ...STATE_SECTIONS.map((name) => [name, count * 4] as const)]);
  const header: DeltaHeader = {
    format: FORMAT,
    kind: KIND,
    baseSha256: source.baseSha256,
    smoothing: source.smoothing,
    rowCount: next.rowIds.length,
    changed: count,
    scalars: scalarsOf(n),
    sections,
  };
  const { out, at } = allocateBlob(MAGIC, header, bodyLength);
  const ids = new Uint32Array(out.buffer, at('rowIds'), count);
  for (let c = 0; c < count; c++) ids[c] = next.rowIds[changed[c]!]!;
  for (const name of STATE_SECTIONS) {
    const section = new Float32Array(out.buffer, at(name), count);
    const values = n[name];
    for (let c = 0; c < count; c++) section[c] = values[changed[c]!]!;
  }
  return out;
}

/**
 * Indexes (into `next`'s rows) of the rows whose training state differs bit for bit from
 * the base's or that the base did not store; undefined if `next` dropped a base row.
 */
function changedRows(baseIds: Uint32Array, base: TrainingState, nextIds: Uint32Array, next: TrainingState): Uint32Array | undefined {
  const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);
  const [bw, ba, bp, bn] = [bits(base.weight), bits(base.accum), bits(base.positive), bits(base.negative)];
  const [nw, na, np, nn] = [bits(next.weight), bits(next.accum), bits(next.positive), bits(next.negative)];
  const changed = new Uint32Array(nextIds.length);
  let count = 0;
  let i = 0;
  for (let r = 0; r < nextIds.length; r++) {
    const id = nextIds[r]!;
    if (i < baseIds.length && baseIds[i]! < id) return undefined;
    if (i < baseIds.length && baseIds[i] === id) {
      if (bw[i] !== nw[r] || ba[i] !== na[r] || bp[i] !== np[r] || bn[i] !== nn[r]) changed[count++] = r;
      i++;
    } else changed[count++] = r;
  }
  return i === baseIds.length ? changed.subarray(0, count) : undefined;
}

/** A decoded delta. */
export interface WeightsDelta {
  baseSha256: string;
  smoothing: number;
  rowCount: number;
  rowIds: Uint32Array;
  state: Pick<TrainingState, (typeof STATE_SECTIONS)[number]>;
  scalars: DeltaHeader['scalars'];
}

function corrupt(message: string, cause?: unknown): Error {
  return fatal(ErrorCode.MODEL_CORRUPT, `model delta: ${message}`, { cause, hint: 'the version is unusable; readers load the next snapshot' });
}

/** Decodes a delta blob; throws MODEL_CORRUPT on any inconsistency. */
export function decodeDelta(input: Uint8Array): WeightsDelta {
  const blob = readBlob(input, MAGIC, corrupt);
  const parsed = headerSchema.safeParse(blob.json);
  if (!parsed.success) throw corrupt(`header invalid: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  const header = parsed.data;
  const count = header.changed;
  const f32 = (name: string): Float32Array => new Float32Array(blob.bytes.buffer, blob.section(header.sections, name, count * 4), count).slice();
  const rowIds = new Uint32Array(blob.bytes.buffer, blob.section(header.sections, 'rowIds', count * 4), count).slice();
  for (let r = 1; r < count; r++) if (rowIds[r]! <= rowIds[r - 1]!) throw corrupt('row ids not sorted');
  return {
    baseSha256: header.baseSha256,
    smoothing: header.smoothing,
    rowCount: header.rowCount,
    rowIds,
    state: { weight: f32('weight'), accum: f32('accum'), positive: f32('positive'), negative: f32('negative') },
    scalars: header.scalars,
  };
}

/**
 * The weights of the version a delta describes: the base's rows with the delta's rows laid
 * over them, and every effective weight recomputed from the resulting training state.
 * Throws MODEL_CORRUPT when the delta does not fit the base.
 */
export function applyDelta(base: ModelWeights, delta: WeightsDelta): ModelWeights {
  const b = base.training;
  if (!b) throw corrupt('the base version carries no training state to apply a delta to');
  const { rowIds: ids, state } = delta;
  const last = ids.length > 0 ? ids[ids.length - 1]! : -1;
  if (last >= base.hashing.buckets) throw corrupt(`row ${last} is past the ${base.hashing.buckets} buckets`);
  const { rowIds, from } = mergeRowIds(base.rowIds, ids, delta.rowCount);
  const merged = {} as Pick<TrainingState, (typeof STATE_SECTIONS)[number]>;
  for (const name of STATE_SECTIONS) {
    const out = new Float32Array(rowIds.length);
    const fromBase = b[name];
    const fromDelta = state[name];
    for (let r = 0; r < out.length; r++) {
      const at = from[r]!;
      out[r] = at >= 0 ? fromBase[at]! : fromDelta[~at]!;
    }
    merged[name] = out;
  }
  const training: TrainingState = { ...delta.scalars, ...merged };
  const effective = effectiveWeights(training, delta.smoothing);
  return { hashing: base.hashing, encoding: base.encoding, bias: effective.bias, defaultWeight: effective.defaultWeight, rowIds, rows: effective.weights, training };
}

/**
 * The sorted union of the base's and the delta's row ids, and where each row's state comes
 * from: `from[r]` ≥ 0 is a base row, `~from[r]` a delta row (which wins when both have it).
 */
function mergeRowIds(baseIds: Uint32Array, deltaIds: Uint32Array, rowCount: number): { rowIds: Uint32Array; from: Int32Array } {
  const rowIds = new Uint32Array(rowCount);
  const from = new Int32Array(rowCount);
  let i = 0;
  let d = 0;
  let r = 0;
  for (; i < baseIds.length || d < deltaIds.length; r++) {
    if (r >= rowCount) throw corrupt(`more rows than the ${rowCount} its header says`);
    const takeDelta = d < deltaIds.length && (i >= baseIds.length || deltaIds[d]! <= baseIds[i]!);
    if (takeDelta) {
      if (i < baseIds.length && deltaIds[d] === baseIds[i]) i++;
      rowIds[r] = deltaIds[d]!;
      from[r] = ~d++;
    } else {
      rowIds[r] = baseIds[i]!;
      from[r] = i++;
    }
  }
  if (r !== rowCount) throw corrupt(`${r} rows after applying it, its header says ${rowCount}`);
  return { rowIds, from };
}
