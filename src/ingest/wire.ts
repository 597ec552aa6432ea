/**
 * What a record on the ingest topic may be: reviewflow's own Avro single-object record
 * (`C3 01` + schema fingerprint + body, what `produce` and IngestProducer write), or a
 * UTF-8 JSON object `{"text", "label"?, "rating"?, "id"?, "source"?}` from any client in
 * any language. The first byte tells them apart: single-object records start with 0xC3,
 * JSON with `{` (after an optional BOM and whitespace).
 */
import { createHash } from 'node:crypto';
import { ErrorCode, fatal } from '../errors.js';
import { decode } from '../records/index.js';
import type { RawReview } from '../records/types.js';
import { DEFAULT_INGEST_LIMITS } from './limits.js';
import { validateReview } from './validate.js';

/** `source` of a JSON review that names none. */
export const JSON_SOURCE = 'json';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/** Index of the first byte that is not a UTF-8 BOM or JSON whitespace; -1 if none. */
function firstSignificant(value: Buffer): number {
  let i = value.length >= 3 && value[0] === 0xef && value[1] === 0xbb && value[2] === 0xbf ? 3 : 0;
  while (i < value.length && (value[i] === 0x20 || value[i] === 0x09 || value[i] === 0x0a || value[i] === 0x0d)) i++;
  return i < value.length ? i : -1;
}

/** A JSON object, or an array sent by mistake (so its error says "expected a JSON object"). */
export function isJsonValue(value: Buffer): boolean {
  const i = firstSignificant(value);
  return i >= 0 && (value[i] === OPEN_BRACE || value[i] === OPEN_BRACKET);
}

/**
 * Decodes one ingest-topic value into a raw review. `ingestedAt` of a JSON review is the
 * record's Kafka timestamp. Throws a ReviewflowError whose message names what to fix;
 * the runtime dead-letters the record with it.
 */
export function decodeIngestValue(value: Buffer, o: { timestamp: number }): RawReview {
  if (!isJsonValue(value)) return decode('review-raw', value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.subarray(firstSignificant(value)).toString('utf8'));
  } catch (err) {
    throw fatal(ErrorCode.CORRUPT_BODY, `not valid JSON: ${(err as Error).message}`, { hint: 'send one UTF-8 JSON object per Kafka record' });
  }
  const hasId = parsed !== null && typeof parsed === 'object' && (parsed as { id?: unknown }).id != null;
  const result = validateReview(parsed, { line: 0, limits: DEFAULT_INGEST_LIMITS, now: o.timestamp, defaultSource: JSON_SOURCE });
  if (!result.ok) throw fatal(ErrorCode.INVALID_RECORD, `JSON review: ${result.reason}`, { hint: 'a review is {"text": string, "label"?: 0|1, "rating"?: 0-10, "id"?: string|integer, "source"?: string}' });
  // without an id, the content decides it: a client that sends the same review again (or a replay) gets the same id
  return hasId ? result.record : { ...result.record, id: contentId(result.record) };
}

function contentId(review: RawReview): string {
  const hash = createHash('sha1').update(`${review.source ?? ''}\u0000${review.label ?? ''}\u0000${review.text}`).digest('hex');
  return `${review.source ?? JSON_SOURCE}:${hash.slice(0, 20)}`;
}
