import { describe, expect, it } from 'vitest';
import { confluentSchemaId, confluentSchemaIds, frameConfluent, isConfluentFramed } from '../../../src/confluent/index.js';
import { ErrorCode } from '../../../src/errors.js';
import { encode } from '../../../src/records/index.js';

const raw = { id: 'r', text: 'fine', label: 0, rating: null, source: 's', ingestedAt: 5 };

describe('Confluent wire format', () => {
  it('isConfluentFramed tells magic byte 0 from single-object records, JSON and empty values', () => {
    expect(isConfluentFramed(frameConfluent(1, Buffer.from([2, 4])))).toBe(true);
    expect(isConfluentFramed(Buffer.from([0]))).toBe(true); // too short, but ours to reject with a reason
    expect(isConfluentFramed(encode('review-raw', raw))).toBe(false);
    expect(isConfluentFramed(Buffer.from('{"text":"a"}'))).toBe(false);
    expect(isConfluentFramed(Buffer.alloc(0))).toBe(false);
  });

  it('confluentSchemaId reads the 4-byte big-endian id after the magic byte', () => {
    expect(confluentSchemaId(Buffer.from([0, 0x01, 0x02, 0x03, 0x04, 0xff]))).toBe(0x01020304);
    expect(confluentSchemaId(frameConfluent(0xffff_ffff, Buffer.alloc(0)))).toBe(0xffff_ffff);
  });

  it('confluentSchemaId rejects a header cut short as CORRUPT_BODY', () => {
    expect(() => confluentSchemaId(Buffer.from([0, 0, 1]))).toThrowError(expect.objectContaining({ code: ErrorCode.CORRUPT_BODY, message: expect.stringContaining('3 bytes') }));
  });

  it('confluentSchemaIds lists each id once and skips tombstones, short headers and other formats', () => {
    const values = [frameConfluent(7, Buffer.from([1])), null, frameConfluent(3, Buffer.from([1])), frameConfluent(7, Buffer.from([2])), Buffer.from([0, 1]), encode('review-raw', raw), Buffer.from('{}')];
    expect(confluentSchemaIds(values).sort()).toEqual([3, 7]);
  });

  it('frameConfluent puts magic byte, id and body in order, and refuses an id that does not fit 4 bytes', () => {
    expect([...frameConfluent(258, Buffer.from([9, 8]))]).toEqual([0, 0, 0, 1, 2, 9, 8]);
    expect(() => frameConfluent(-1, Buffer.alloc(0))).toThrowError(expect.objectContaining({ code: ErrorCode.INVALID_RECORD }));
    expect(() => frameConfluent(2 ** 32, Buffer.alloc(0))).toThrowError(expect.objectContaining({ code: ErrorCode.INVALID_RECORD }));
  });
});
