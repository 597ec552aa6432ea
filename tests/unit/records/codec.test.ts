import { describe, expect, it } from 'vitest';
import { ErrorCode, hasCode } from '../../../src/errors.js';
import {
  decode,
  decodeAny,
  encode,
  encodeWith,
  fingerprintOf,
  RECORD_NAMES,
  type RecordName,
} from '../../../src/records/index.js';
import { review, sampleRecords } from './fixtures.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (hasCode(err, ErrorCode.NOT_SINGLE_OBJECT) || hasCode(err, ErrorCode.UNKNOWN_FINGERPRINT)) return err.code;
    if (hasCode(err, ErrorCode.CORRUPT_BODY) || hasCode(err, ErrorCode.SCHEMA_INCOMPATIBLE)) return err.code;
    if (hasCode(err, ErrorCode.INVALID_RECORD)) return err.code;
    throw err;
  }
  return undefined;
}

describe('codec round trip', () => {
  const samples = sampleRecords();
  it.each(RECORD_NAMES.map((name) => [name]))('codec round-trips a %s record', (name: RecordName) => {
    const bytes = encode(name, samples[name]);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xc3, 0x01]));
    expect(bytes.subarray(2, 10)).toEqual(fingerprintOf(name));
    expect(decode(name, bytes)).toEqual(samples[name]);
  });

  it('codec decodes to plain objects whose JSON equals the original', () => {
    const decoded = decode('review', encode('review', review));
    expect(JSON.parse(JSON.stringify(decoded))).toEqual(JSON.parse(JSON.stringify(review)));
    expect(Object.keys(decoded)).toEqual(Object.keys(review));
  });

  it.each(RECORD_NAMES.map((name) => [name]))('codec decodes %s to plain objects, nested ones included', (name: RecordName) => {
    const samples = sampleRecords();
    expect(decode(name, encode(name, samples[name]))).toStrictEqual(samples[name]);
    const raw = decodeAny(encodeWith('review-raw', 1, { id: 'a', text: 't', label: null, rating: null, source: null }));
    expect(Object.getPrototypeOf(raw.value)).toBe(Object.prototype);
  });

  it('codec keeps a 100 KB bytes field exact', () => {
    const data = Buffer.from(Array.from({ length: 100 * 1024 }, (_, i) => (i * 31) & 0xff));
    const chunk = { model: 'm', version: 1, index: 0, count: 1, data };
    const decoded = decode('model-chunk', encode('model-chunk', chunk));
    expect(Buffer.isBuffer(decoded.data)).toBe(true);
    expect(decoded.data.equals(data)).toBe(true);
  });

  it('codec decodeAny names the record kind and writer version', () => {
    const samples = sampleRecords();
    const chunk = decodeAny(encode('model-chunk', samples['model-chunk']));
    expect(chunk.name).toBe('model-chunk');
    expect(chunk.version).toBe(1);
    expect(chunk.value).toEqual(samples['model-chunk']);
    const raw = decodeAny(encodeWith('review-raw', 1, { id: 'a', text: 't', label: 0, rating: null, source: 's' }));
    expect(raw).toEqual({ name: 'review-raw', version: 1, value: { id: 'a', text: 't', label: 0, rating: null, source: 's', ingestedAt: 0 } });
  });
});

describe('codec errors', () => {
  const bytes = encode('review', review);

  it('codec rejects a wrong magic with NOT_SINGLE_OBJECT', () => {
    const bad = Buffer.from(bytes);
    bad[1] = 0x02;
    expect(codeOf(() => decode('review', bad))).toBe(ErrorCode.NOT_SINGLE_OBJECT);
    expect(codeOf(() => decode('review', Buffer.from('{"text":"json"}')))).toBe(ErrorCode.NOT_SINGLE_OBJECT);
  });

  it('codec rejects input shorter than a header with NOT_SINGLE_OBJECT', () => {
    expect(codeOf(() => decode('review', bytes.subarray(0, 9)))).toBe(ErrorCode.NOT_SINGLE_OBJECT);
    expect(codeOf(() => decodeAny(Buffer.alloc(0)))).toBe(ErrorCode.NOT_SINGLE_OBJECT);
  });

  it('codec rejects an unknown fingerprint and names it', () => {
    const bad = Buffer.from(bytes);
    bad.fill(0xee, 2, 10);
    expect(() => decode('review', bad)).toThrow(/unknown schema fingerprint eeeeeeeeeeeeeeee.*newer than this reader/);
    expect(codeOf(() => decodeAny(bad))).toBe(ErrorCode.UNKNOWN_FINGERPRINT);
  });

  it('codec rejects a record of another kind with SCHEMA_INCOMPATIBLE', () => {
    expect(codeOf(() => decode('review-raw', bytes))).toBe(ErrorCode.SCHEMA_INCOMPATIBLE);
  });

  it('codec rejects every truncation of a body with CORRUPT_BODY', () => {
    for (let end = 10; end < bytes.length; end++) {
      expect(codeOf(() => decode('review', bytes.subarray(0, end))), `cut at ${end}`).toBe(ErrorCode.CORRUPT_BODY);
    }
  });

  it('codec rejects trailing bytes with CORRUPT_BODY', () => {
    expect(() => decode('review', Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/1 trailing bytes/);
  });

  it('codec rejects a body claiming a billion array items at once', () => {
    // A quarantine body whose `stage` is "" and whose `reasons` array claims 10^9 items.
    const header = encode('quarantine', sampleRecords().quarantine).subarray(0, 10);
    const body = Buffer.from([0x00, 0x80, 0xa8, 0xd6, 0xb9, 0x07, 0x02, 0x61]);
    const started = process.hrtime.bigint();
    expect(codeOf(() => decode('quarantine', Buffer.concat([header, body])))).toBe(ErrorCode.CORRUPT_BODY);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
  });

  it('codec turns random bytes into a typed error, never a crash or a value', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) & 0xff;
    const header = bytes.subarray(0, 10);
    for (let i = 0; i < 500; i++) {
      const noise = Buffer.from(Array.from({ length: 1 + (i % 64) }, next));
      expect(codeOf(() => decodeAny(noise))).toBe(ErrorCode.NOT_SINGLE_OBJECT);
      // A valid header over random bytes: a body this short cannot hold a review's
      // required fields consistently, except by rare chance; it must never throw untyped.
      const code = codeOf(() => decode('review', Buffer.concat([header, noise])));
      expect([ErrorCode.CORRUPT_BODY, undefined]).toContain(code);
    }
  });

  it('codec rejects an invalid record naming the failing fields', () => {
    const bad = { ...review, text: 42, lineage: { ...review.lineage, sourcePartition: 1.5 } } as unknown as typeof review;
    let caught: unknown;
    try {
      encode('review', bad);
    } catch (err) {
      caught = err;
    }
    expect(hasCode(caught, ErrorCode.INVALID_RECORD)).toBe(true);
    expect((caught as Error).message).toContain('text (expected string, got number 42)');
    expect((caught as Error).message).toContain('lineage.sourcePartition (expected int, got number 1.5)');
  });

  it('codec rejects a long beyond 2^53 and a bad enum symbol', () => {
    const samples = sampleRecords();
    const tooBig = { ...samples['model-version'], examplesSeen: 2 ** 60 };
    expect(codeOf(() => encode('model-version', tooBig))).toBe(ErrorCode.INVALID_RECORD);
    const badEncoding = { ...samples['model-version'], weights: { ...samples['model-version'].weights, encoding: 'int4' } };
    expect(() => encode('model-version', badEncoding as never)).toThrow(/weights\.encoding/);
  });

  it('codec encodeWith rejects an unknown version', () => {
    expect(codeOf(() => encodeWith('review', 99, review))).toBe(ErrorCode.UNKNOWN_FINGERPRINT);
  });
});
