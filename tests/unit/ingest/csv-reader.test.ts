import { describe, expect, it } from 'vitest';
import { CsvRowSplitter, type CsvRow } from '../../../src/ingest/csv-splitter.js';
import { hasCode } from '../../../src/errors.js';
import { chunked, collect, records, rejections } from './helpers.js';

function rows(input: string, options: { chunkSize?: number; maxRecordBytes?: number } = {}): CsvRow[] {
  const splitter = new CsvRowSplitter({ maxRecordBytes: options.maxRecordBytes ?? 1024 });
  const bytes = Buffer.from(input, 'utf8');
  const size = options.chunkSize ?? bytes.length;
  const out: CsvRow[] = [];
  for (let i = 0; i < bytes.length; i += size) splitter.push(bytes.subarray(i, i + size), out);
  splitter.end(out);
  return out;
}

const csv = (body: string, chunkSize = 5) => collect({ input: chunked(Buffer.from(body, 'utf8'), chunkSize), format: 'csv', source: 'c' });

describe('CsvRowSplitter', () => {
  it('CsvRowSplitter parses quoted commas, doubled quotes and newlines inside quotes at any chunk size', () => {
    const input = 'a,"b,c","say ""hi"""\r\n"multi\nline\r\nfield",x,\n\n"",y,"z"';
    for (const chunkSize of [1, 2, 3, 7, 1000]) {
      expect(rows(input, { chunkSize })).toEqual([
        { line: 1, fields: ['a', 'b,c', 'say "hi"'] },
        { line: 2, fields: ['multi\nline\r\nfield', 'x', ''] },
        { line: 6, fields: ['', 'y', 'z'] },
      ]);
    }
  });

  it('CsvRowSplitter keeps a bare quote inside an unquoted field', () => {
    expect(rows('5" screen,ok\n')).toEqual([{ line: 1, fields: ['5" screen', 'ok'] }]);
  });

  it('CsvRowSplitter rejects text after a closing quote and an unterminated quote', () => {
    expect(rows('"abc"def,1\nnext,2\n"open,3\nstill open')).toEqual([
      { line: 1, error: 'unexpected character "d" after a closing quote' },
      { line: 2, fields: ['next', '2'] },
      { line: 3, error: 'unterminated quoted field: a quote opened on this record is never closed' },
    ]);
  });

  it('CsvRowSplitter rejects an oversized record, even one spanning lines, without holding it', () => {
    const big = `"${'x\n'.repeat(600)}"`;
    const splitter = new CsvRowSplitter({ maxRecordBytes: 100 });
    const out: CsvRow[] = [];
    let maxHeld = 0;
    for (const chunk of [Buffer.from('ok,1\n'), ...Array.from(Buffer.from(`${big},2\nafter,3\n`)).map((b) => Buffer.from([b]))]) {
      splitter.push(chunk, out);
      maxHeld = Math.max(maxHeld, splitter.bufferedBytes);
    }
    splitter.end(out);
    expect(maxHeld).toBeLessThanOrEqual(100);
    expect(out).toEqual([
      { line: 1, fields: ['ok', '1'] },
      { line: 2, error: `record too long: ${big.length + 2} bytes > 100-byte limit` },
      { line: 603, fields: ['after', '3'] },
    ]);
  });

  it('CsvRowSplitter decodes multi-byte characters split across chunks', () => {
    expect(rows('"日本,語",🎬\n', { chunkSize: 1 })).toEqual([{ line: 1, fields: ['日本,語', '🎬'] }]);
  });
});

describe('readRecords (csv)', () => {
  it('readRecords maps header columns in any case and order, parsing numbers and ignoring other columns', async () => {
    const parsed = await csv('\uFEFFID,Rating,Extra,TEXT,label,Source\nr1,9,zz,"Great, really",,web\nr2,,zz,Awful,0,\n,3,zz,meh,,\n');
    expect(rejections(parsed)).toEqual([]);
    expect(records(parsed).map((r) => ({ line: r.line, ...r.record, ingestedAt: 0 }))).toEqual([
      { line: 2, id: 'r1', text: 'Great, really', label: 1, rating: 9, source: 'web', ingestedAt: 0 },
      { line: 3, id: 'r2', text: 'Awful', label: 0, rating: null, source: 'c', ingestedAt: 0 },
      { line: 4, id: expect.stringMatching(/^c:4:[0-9a-f]{8}$/), text: 'meh', label: 0, rating: 3, source: 'c', ingestedAt: 0 },
    ]);
  });

  it('readRecords reports a multi-line record by the line it starts on', async () => {
    const parsed = await csv('text,label\n"line one\nline two",1\n"bad",7\n', 1);
    expect(records(parsed).map((r) => [r.line, r.record.text])).toEqual([[2, 'line one\nline two']]);
    expect(rejections(parsed)).toEqual([{ line: 4, reason: '"label" must be 0 or 1, got 7' }]);
  });

  it('readRecords rejects rows with the wrong number of fields and non-numeric labels', async () => {
    const parsed = await csv('text,label\ngood,1\ntoo,many,fields\nalone\nfine,positive\n,1\n');
    expect(rejections(parsed)).toEqual([
      { line: 3, reason: 'row has 3 fields, the header has 2' },
      { line: 4, reason: 'row has 1 fields, the header has 2' },
      { line: 5, reason: '"label" must be 0 or 1, got "positive"' },
      { line: 6, reason: 'text is empty' },
    ]);
    expect(records(parsed)).toHaveLength(1);
  });

  it('readRecords rejects the whole CSV when the header has no text column, with a hint', async () => {
    const err = await csv('review,label\nnice,1\n').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(hasCode(err, 'INVALID_INPUT')).toBe(true);
    expect((err as Error).message).toBe('CSV header has no "text" column (found: "review", "label")');
    expect(hasCode(err, 'INVALID_INPUT') && err.hint).toContain('text (required), label, rating, id, source');
    await expect(csv('')).rejects.toSatisfy((e) => hasCode(e, 'INVALID_INPUT'));
  });
});
