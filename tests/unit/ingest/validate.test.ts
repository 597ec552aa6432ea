import { describe, expect, it } from 'vitest';
import { DEFAULT_INGEST_LIMITS } from '../../../src/ingest/limits.js';
import { deriveId, labelFromRating, validateReview } from '../../../src/ingest/validate.js';

const context = { line: 9, limits: DEFAULT_INGEST_LIMITS, now: 123, defaultSource: 'file.jsonl' };
const reason = (obj: unknown) => {
  const result = validateReview(obj, context);
  return result.ok ? 'ok' : result.reason;
};
const record = (obj: unknown) => {
  const result = validateReview(obj, context);
  if (!result.ok) throw new Error(result.reason);
  return result.record;
};

describe('validateReview', () => {
  it('validateReview keeps given fields and fills defaults', () => {
    expect(record({ text: 'fine', label: 0, rating: 3, id: 'r1', source: 'shop', extra: 'ignored' })).toEqual({
      id: 'r1',
      text: 'fine',
      label: 0,
      rating: 3,
      source: 'shop',
      ingestedAt: 123,
    });
    expect(record({ text: 'fine' })).toEqual({ id: deriveId({ source: 'file.jsonl', line: 9, text: 'fine' }), text: 'fine', label: null, rating: null, source: 'file.jsonl', ingestedAt: 123 });
  });

  it('validateReview maps a rating to a label only where no label is given', () => {
    expect(record({ text: 't', rating: 7 }).label).toBe(1);
    expect(record({ text: 't', rating: 10 }).label).toBe(1);
    expect(record({ text: 't', rating: 4 }).label).toBe(0);
    expect(record({ text: 't', rating: 1 }).label).toBe(0);
    expect(record({ text: 't', rating: 5 }).label).toBeNull();
    expect(record({ text: 't', rating: 6.5 }).label).toBeNull();
    expect(record({ text: 't', rating: 9, label: 0 })).toMatchObject({ label: 0, rating: 9 });
    expect(record({ text: 't', rating: null, label: null })).toMatchObject({ label: null, rating: null });
    expect(labelFromRating(null)).toBeNull();
  });

  it('validateReview explains each kind of bad record', () => {
    expect(reason('just a string')).toBe('expected a JSON object, got string');
    expect(reason(null)).toBe('expected a JSON object, got null');
    expect(reason({ label: 1 })).toBe('missing "text"');
    expect(reason({ text: 5 })).toBe('"text" must be a string, got number');
    expect(reason({ text: ['a'] })).toBe('"text" must be a string, got array');
    expect(reason({ text: '' })).toBe('text is empty');
    expect(reason({ text: ' \n\t ' })).toBe('text is empty');
    expect(reason({ text: 'x', label: 7 })).toBe('"label" must be 0 or 1, got 7');
    expect(reason({ text: 'x', label: true })).toBe('"label" must be 0 or 1, got true');
    expect(reason({ text: 'x', rating: -1 })).toBe('"rating" must be a number between 0 and 10, got -1');
    expect(reason({ text: 'x', rating: '8' })).toBe('"rating" must be a number between 0 and 10, got "8"');
    expect(reason({ text: 'x', source: 3 })).toBe('"source" must be a non-empty string, got 3');
    expect(reason({ text: 'x', id: '' })).toBe('"id" must be a non-empty string or an integer, got ""');
    expect(reason({ text: 'x', id: 'i'.repeat(600) })).toBe('"id" is 600 characters, over the 512-character limit');
    expect(reason({ text: 'x', label: 'a very long label value that goes on and on' })).toBe('"label" must be 0 or 1, got "a very long label value that goes on...');
  });

  it('validateReview accepts an integer id and stores it as a string', () => {
    expect(record({ text: 'x', id: 42 }).id).toBe('42');
  });

  it('validateReview measures the text limit in UTF-8 bytes', () => {
    const limits = { maxLineBytes: 100, maxTextBytes: 8 };
    const check = (text: string) => validateReview({ text }, { ...context, limits });
    expect(check('€€').ok).toBe(true); // 6 bytes
    expect(check('€€€')).toEqual({ ok: false, reason: 'text is 9 bytes, over the 8-byte limit' });
    expect(check('12345678').ok).toBe(true);
  });

  it('deriveId depends on source, line and text', () => {
    const base = deriveId({ source: 's', line: 1, text: 't' });
    expect(deriveId({ source: 's', line: 1, text: 't' })).toBe(base);
    expect(deriveId({ source: 's', line: 2, text: 't' })).not.toBe(base);
    expect(deriveId({ source: 'z', line: 1, text: 't' })).not.toBe(base);
    expect(deriveId({ source: 's', line: 1, text: 'u' })).not.toBe(base);
  });
});
