/**
 * Shapes shared by the ingest readers: what a caller asks for and what every reader yields.
 * A reader never throws for one bad record; it yields a `rejected` entry with the line
 * (or running index, for aclImdb) and a reason a person can act on.
 */
import type { RawReview } from '../records/types.js';

export type InputFormat = 'jsonl' | 'csv' | 'aclimdb';

export const INPUT_FORMATS: readonly InputFormat[] = ['jsonl', 'csv', 'aclimdb'];

export interface IngestLimits {
  /** Longest JSONL line or CSV record, in bytes, before it is rejected unread. */
  maxLineBytes: number;
  /** Longest review text, in UTF-8 bytes. */
  maxTextBytes: number;
}

export type ParsedLine =
  | { kind: 'record'; line: number; record: RawReview }
  | { kind: 'rejected'; line: number; reason: string };

/** What every record of one input shares while it is validated. */
export interface ReaderContext {
  limits: IngestLimits;
  now: () => number;
  /** Used when a record names no `source`; also part of derived ids. */
  defaultSource: string;
}

/** A byte stream as Node gives it: file and stdin streams yield Buffers, some yield strings. */
export type ByteStream = AsyncIterable<Buffer | Uint8Array | string>;
