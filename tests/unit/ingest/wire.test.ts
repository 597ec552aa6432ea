import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import { decodeIngestValue, isJsonValue } from '../../../src/ingest/wire.js';
import { encode } from '../../../src/records/index.js';

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
