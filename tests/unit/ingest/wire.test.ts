import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { frameConfluent, type WriterSchema } from '../../../src/confluent/index.js';
import { ErrorCode, ReviewflowError } from '../../../src/errors.js';
import { decodeIngestValue, isJsonValue } from '../../../src/ingest/wire.js';
import { avroParseOptions, encode } from '../../../src/records/index.js';

const AT = { timestamp: 1_700_000_000_000 };
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

describe('decodeIngestValue', () => {
  it('decodeIngestValue reads a JSON review with the same rules as produce: rating to label, source, the Kafka timestamp as ingestedAt', () => {
    expect(decodeIngestValue(json({ text: 'Great phone', rating: 9, id: 'a-1', source: 'shop' }), AT)).toEqual({ id: 'a-1', text: 'Great phone', label: 1, rating: 9, source: 'shop', ingestedAt: AT.timestamp });
    expect(decodeIngestValue(json({ text: 'Meh', id: 7 }), AT)).toMatchObject({ id: '7', label: null, source: 'json' });
  });

  it('decodeIngestValue accepts a UTF-8 BOM, leading whitespace and non-ASCII text', () => {
    const value = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\n  {"text":"Très bien, 很好 👍","label":1}', 'utf8')]);
    expect(decodeIngestValue(value, AT)).toMatchObject({ text: 'Très bien, 很好 👍', label: 1 });
  });

  it('decodeIngestValue derives an id from the content when none is given: the same review sent twice gets the same id, another text another', () => {
    const a = decodeIngestValue(json({ text: 'Lovely', label: 1 }), AT);
    const again = decodeIngestValue(json({ label: 1, text: 'Lovely' }), { timestamp: AT.timestamp + 5 });
    const other = decodeIngestValue(json({ text: 'Lovely!', label: 1 }), AT);
    expect(a.id).toMatch(/^json:[0-9a-f]{20}$/);
    expect(again.id).toBe(a.id);
    expect(other.id).not.toBe(a.id);
  });

  it.each([
    ['malformed JSON', Buffer.from('{"text": "unterminated'), ErrorCode.CORRUPT_BODY, 'not valid JSON'],
    ['no text', json({ label: 1 }), ErrorCode.INVALID_RECORD, 'JSON review: missing "text"'],
    ['a label that is not 0 or 1', json({ text: 'ok', label: 7 }), ErrorCode.INVALID_RECORD, '"label" must be 0 or 1, got 7'],
    ['text of the wrong type', json({ text: 42 }), ErrorCode.INVALID_RECORD, '"text" must be a string, got number'],
    ['blank text', json({ text: '  \n' }), ErrorCode.INVALID_RECORD, 'text is empty'],
    ['an array instead of an object', json([{ text: 'a' }]), ErrorCode.INVALID_RECORD, 'expected a JSON object, got array'],
    ['an id of the wrong type', json({ text: 'ok', id: { nested: true } }), ErrorCode.INVALID_RECORD, '"id" must be a non-empty string or an integer'],
  ])('decodeIngestValue rejects %s with a code and a reason naming the field', (_, value, code, reason) => {
    expect(() => decodeIngestValue(value, AT)).toThrowError(expect.objectContaining({ code, message: expect.stringContaining(reason) }));
  });

  it('decodeIngestValue still reads reviewflow Avro single-object records, and reports other bytes as before', () => {
    const raw = { id: 'r', text: 'fine', label: 0, rating: null, source: 's', ingestedAt: 5 };
    expect(isJsonValue(encode('review-raw', raw))).toBe(false);
    expect(decodeIngestValue(encode('review-raw', raw), AT)).toEqual(raw);
    expect(() => decodeIngestValue(Buffer.from('hello'), AT)).toThrowError(expect.objectContaining({ code: ErrorCode.NOT_SINGLE_OBJECT }));
  });
});

/** A writer schema as the registry client builds one: parsed with the records' own options. */
function writerType(schema: unknown): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, avroParseOptions());
}

const V1 = writerType(JSON.parse(readFileSync('schemas/review-raw/v1.avsc', 'utf8')));
const NO_TEXT = writerType({ type: 'record', name: 'Other', fields: [{ name: 'id', type: 'string' }] });
const V1_ID = 21;
const writers = new Map<number, WriterSchema>([
  [V1_ID, { ok: true, type: V1 }],
  [22, { ok: true, type: NO_TEXT }],
  [404, { ok: false, error: new ReviewflowError(ErrorCode.UNKNOWN_SCHEMA_ID, 'unknown schema id 404', { retriable: false }) }],
]);
const registryAvro = (id: number, type: avro.Type, value: unknown): Buffer => frameConfluent(id, type.toBuffer(value));

describe('decodeIngestValue with Confluent wire format', () => {
  it('decodeIngestValue resolves a registry writer (review-raw v1) into the newest reader: the Kafka timestamp as ingestedAt, the registry as default source', () => {
    const value = registryAvro(V1_ID, V1, { id: 'c-1', text: 'Solid build', label: null, rating: 9, source: null });
    expect(decodeIngestValue(value, { ...AT, writers })).toEqual({ id: 'c-1', text: 'Solid build', label: 1, rating: 9, source: 'registry', ingestedAt: AT.timestamp });
  });

  it('decodeIngestValue dead-letters a Confluent record when the topology names no registry, saying a registry URL is needed', () => {
    const value = registryAvro(V1_ID, V1, { id: 'c-1', text: 'Solid build', label: 1, rating: null, source: null });
    expect(() => decodeIngestValue(value, AT)).toThrowError(expect.objectContaining({ code: ErrorCode.NO_SCHEMA_REGISTRY, message: expect.stringContaining('schema id 21'), hint: expect.stringContaining('schema registry URL is needed') }));
  });

  it.each([
    ['a schema id the registry does not know', frameConfluent(404, Buffer.from([2, 0x61])), ErrorCode.UNKNOWN_SCHEMA_ID, 'unknown schema id 404'],
    ['a schema id that was not looked up', frameConfluent(5, Buffer.from([2, 0x61])), ErrorCode.SCHEMA_REGISTRY_UNAVAILABLE, 'schema id 5 was not looked up'],
    ['a writer the reader cannot resolve', registryAvro(22, NO_TEXT, { id: 'x' }), ErrorCode.SCHEMA_INCOMPATIBLE, 'registry schema id 22 cannot be read as review-raw'],
    ['a truncated body', registryAvro(V1_ID, V1, { id: 'c-2', text: 'Solid build', label: 1, rating: null, source: null }).subarray(0, 9), ErrorCode.CORRUPT_BODY, 'registry schema id 21 body'],
    ['a header cut short', Buffer.from([0, 0, 0]), ErrorCode.CORRUPT_BODY, 'not a Confluent wire-format record'],
    ['a label that is not 0 or 1', registryAvro(V1_ID, V1, { id: 'c-3', text: 'Fine', label: 7, rating: null, source: null }), ErrorCode.INVALID_RECORD, 'Avro review (registry schema id 21): "label" must be 0 or 1, got 7'],
    ['blank text', registryAvro(V1_ID, V1, { id: 'c-4', text: ' ', label: 1, rating: null, source: null }), ErrorCode.INVALID_RECORD, 'text is empty'],
  ])('decodeIngestValue rejects %s with a code and a reason', (_, value, code, reason) => {
    expect(() => decodeIngestValue(value, { ...AT, writers })).toThrowError(expect.objectContaining({ code, message: expect.stringContaining(reason) }));
  });
});
