import { readRecords, type ReadRecordsOptions } from '../../../src/ingest/read-records.js';
import type { ParsedLine } from '../../../src/ingest/types.js';

/** `bytes` as a stream of chunks of `size` bytes, the way a pipe may deliver them. */
export async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export async function collect(options: ReadRecordsOptions): Promise<ParsedLine[]> {
  const out: ParsedLine[] = [];
  for await (const parsed of readRecords(options)) out.push(parsed);
  return out;
}

export function records(parsed: ParsedLine[]) {
  return parsed.flatMap((p) => (p.kind === 'record' ? [p] : []));
}

export function rejections(parsed: ParsedLine[]) {
  return parsed.flatMap((p) => (p.kind === 'rejected' ? [{ line: p.line, reason: p.reason }] : []));
}

export const FIXED_NOW = () => 1_700_000_000_000;
