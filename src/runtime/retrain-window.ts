import { ErrorCode, fatal } from '../errors.js';
import type { PartitionRange } from '../kafka/index.js';

/**
 * The window `reviewflow retrain` reads: each bound a time (ISO-8601 or epoch
 * milliseconds) or offsets per partition (`0:100,1:250`), resolved against the topic
 * into a range of offsets per partition. Pure but for the two look-ups it is handed.
 */
export type WindowBound =
  | { kind: 'time'; at: number }
  | { kind: 'offsets'; offsets: ReadonlyMap<number, number> };

export interface ResolvedWindow {
  topic: string;
  /** Every partition in the window, `from` inclusive, `to` exclusive. */
  ranges: PartitionRange[];
  fromTime: number | null;
  toTime: number | null;
  /** Offsets in the window (records, plus transaction markers under exactly-once). */
  offsets: number;
}

export interface WindowLookups {
  /** Earliest and end offset per partition. */
  ends(): Promise<Array<{ partition: number; low: number; high: number }>>;
  /** Per partition, the first offset at or after a time (the end offset if none). */
  offsetsAt(time: number): Promise<Array<{ partition: number; offset: number }>>;
}

const FORMS = 'a time (ISO-8601 such as 2026-12-01T10:00:00Z, or epoch milliseconds such as 1764583200000) or offsets per partition (0:100,1:250)';
const OFFSETS = /^\d+:\d+(,\d+:\d+)*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function invalid(message: string, hint: string): Error {
  return fatal(ErrorCode.INVALID_WINDOW, message, { hint });
}

/** Reads one bound as the flag `flag` gave it. */
export function parseWindowBound(flag: string, value: string): WindowBound {
  const text = value.replace(/\s+/g, '');
  if (OFFSETS.test(text)) {
    const offsets = new Map<number, number>();
    for (const pair of text.split(',')) {
      const [partition, offset] = pair.split(':').map(Number) as [number, number];
      if (offsets.has(partition)) throw invalid(`${flag} names partition ${partition} twice`, 'give each partition once: 0:100,1:250');
      if (!Number.isSafeInteger(offset)) throw invalid(`${flag}: offset ${pair.split(':')[1]} of partition ${partition} is too large`, `${flag} takes ${FORMS}`);
      offsets.set(partition, offset);
    }
    return { kind: 'offsets', offsets };
  }
  if (/^\d+$/.test(text)) {
    const at = Number(text);
    if (!Number.isSafeInteger(at)) throw invalid(`${flag} ${value} is too large for epoch milliseconds`, `${flag} takes ${FORMS}`);
    return { kind: 'time', at };
  }
  const at = ISO_DATE.test(text) || ISO_DATE.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (Number.isNaN(at)) throw invalid(`${flag} "${value}" is neither a time nor offsets per partition`, `${flag} takes ${FORMS}`);
  return { kind: 'time', at };
}

/**
 * The offsets of each partition in the window. `--from` offsets name the partitions in
 * the window (the others are left out); a `--from` time takes every partition. Without
 * `--to` the window ends at the end offsets of now, so a retrain always finishes.
 * Offsets outside what the topic holds are errors, never clamped.
 */
export async function resolveWindow(o: { topic: string; from: WindowBound; to?: WindowBound | undefined; lookups: WindowLookups }): Promise<ResolvedWindow> {
  const { topic, from, to } = o;
  const ends = new Map((await o.lookups.ends()).map((e) => [e.partition, e]));
  const known = `${topic} has partitions ${[...ends.keys()].join(', ')}`;
  const starts = from.kind === 'time' ? new Map((await o.lookups.offsetsAt(from.at)).map((p) => [p.partition, p.offset])) : from.offsets;
  if (from.kind === 'time' && to?.kind === 'time' && to.at < from.at) {
    throw invalid(`--to ${new Date(to.at).toISOString()} is before --from ${new Date(from.at).toISOString()}`, 'give --to a later time than --from, or leave it out to read up to now');
  }
  const endsAt = to?.kind === 'time' ? new Map((await o.lookups.offsetsAt(to.at)).map((p) => [p.partition, p.offset])) : undefined;
  if (to?.kind === 'offsets') {
    for (const p of to.offsets.keys()) if (!starts.has(p)) throw invalid(`--to names partition ${p}, which is not in the window`, from.kind === 'offsets' ? `name partition ${p} in --from too` : known);
  }
  const ranges: PartitionRange[] = [];
  for (const [partition, start] of [...starts].sort((a, b) => a[0] - b[0])) {
    const end = ends.get(partition);
    if (!end) throw invalid(`--from names partition ${partition}, which ${topic} does not have`, known);
    if (start < end.low) throw invalid(`--from ${partition}:${start} is before the earliest offset ${end.low} that ${topic}#${partition} still holds (older records were deleted by retention)`, `start at ${partition}:${end.low} or later`);
    if (start > end.high) throw invalid(`--from ${partition}:${start} is past the end of ${topic}#${partition} (${end.high})`, `give an offset up to ${end.high}`);
    const stop = to?.kind === 'offsets' ? (to.offsets.get(partition) ?? end.high) : (endsAt?.get(partition) ?? end.high);
    if (stop > end.high) throw invalid(`--to ${partition}:${stop} is past the end of ${topic}#${partition} (${end.high})`, `give an offset up to ${end.high}, or leave --to out to read up to now`);
    if (stop < start) throw invalid(`--to ${partition}:${stop} is before --from ${partition}:${start}`, 'the window runs from --from up to --to: give --to an offset at or after --from');
    ranges.push({ partition, from: start, to: stop });
  }
  return {
    topic,
    ranges,
    fromTime: from.kind === 'time' ? from.at : null,
    toTime: to?.kind === 'time' ? to.at : null,
    offsets: ranges.reduce((sum, r) => sum + r.to - r.from, 0),
  };
}
