/**
 * What a record on the ingest topic may be: reviewflow's own Avro single-object record
 * (`C3 01` + schema fingerprint + body, what `produce` and IngestProducer write), Avro in
 * Confluent's wire format (byte 0 + schema registry id + body, from any client with a
 * schema-registry serializer, or `produce --registry`), or a UTF-8 JSON object
 * `{"text", "label"?, "rating"?, "id"?, "source"?}` from any client in any language. The
 * first byte tells them apart: single-object records start with 0xC3, Confluent's with
 * 0x00, JSON with `{` (after an optional BOM and whitespace).
 */
import { createHash } from 'node:crypto';
import { CONFLUENT_HEADER_BYTES, confluentSchemaId, isConfluentFramed, type WriterSchema } from '../confluent/index.js';
import { ErrorCode, ReviewflowError, fatal } from '../errors.js';
import { decode, decodeWithWriter } from '../records/index.js';
import type { RawReview } from '../records/types.js';
import { DEFAULT_INGEST_LIMITS } from './limits.js';
import { validateReview } from './validate.js';

/** `source` of a JSON review that names none. */
export const JSON_SOURCE = 'json';
/** `source` of a schema-registry Avro review that names none. */
export const REGISTRY_SOURCE = 'registry';

/**
 * The writer schemas of the Confluent-framed records being decoded, by registry id, fetched
 * ahead (a lookup is asynchronous, decoding is not). Absent: the topology names no registry.
 */
export type WriterSchemas = ReadonlyMap<number, WriterSchema>;

export interface IngestDecodeContext {
  /** The record's Kafka timestamp: `ingestedAt` of a review that does not carry one. */
  timestamp: number;
  writers?: WriterSchemas;
}

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
export function decodeIngestValue(value: Buffer, o: IngestDecodeContext): RawReview {
  if (isConfluentFramed(value)) return decodeRegistryAvro(value, o);
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

/**
 * Avro in Confluent's wire format: the writer schema comes from the registry, the reader is
 * the newest review-raw schema, resolved as for single-object records. The review then
 * gets the checks every other client's review gets (label, rating, text, id).
 */
function decodeRegistryAvro(value: Buffer, o: IngestDecodeContext): RawReview {
  const id = confluentSchemaId(value);
  if (!o.writers) {
    throw fatal(ErrorCode.NO_SCHEMA_REGISTRY, `a Confluent wire-format record (schema id ${id}) came in, but the topology names no schema registry to look its schema up in`, {
      hint: 'add schemaRegistry: { url: http://host:port } to the topology (a schema registry URL is needed to read these records)',
      details: { schemaId: id },
    });
  }
  const writer = o.writers.get(id);
  if (!writer) throw new ReviewflowError(ErrorCode.SCHEMA_REGISTRY_UNAVAILABLE, `schema id ${id} was not looked up before decoding`, { retriable: true });
  if (!writer.ok) throw writer.error;
  const review = decodeWithWriter('review-raw', { writer: writer.type, writerLabel: `registry schema id ${id}`, bytes: value, offset: CONFLUENT_HEADER_BYTES });
  const now = review.ingestedAt > 0 ? review.ingestedAt : o.timestamp;
  const result = validateReview(review, { line: 0, limits: DEFAULT_INGEST_LIMITS, now, defaultSource: REGISTRY_SOURCE });
  if (!result.ok) throw fatal(ErrorCode.INVALID_RECORD, `Avro review (registry schema id ${id}): ${result.reason}`, { hint: 'a review has a non-empty text, label 0 or 1 (or null), rating 0-10 (or null)', details: { schemaId: id } });
  return result.record;
}

function contentId(review: RawReview): string {
  const hash = createHash('sha1').update(`${review.source ?? ''}\u0000${review.label ?? ''}\u0000${review.text}`).digest('hex');
  return `${review.source ?? JSON_SOURCE}:${hash.slice(0, 20)}`;
}
