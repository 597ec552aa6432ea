import { describe, expect, it } from 'vitest';
import { LineSplitter, withoutBom, type SplitLine } from '../../../src/ingest/line-splitter.js';
import { chunked } from './helpers.js';

function split(input: Buffer, options: { maxLineBytes: number; chunkSize: number }): SplitLine[] {
  const splitter = new LineSplitter({ maxLineBytes: options.maxLineBytes });
  const out: SplitLine[] = [];
  for (let i = 0; i < input.length; i += options.chunkSize) splitter.push(input.subarray(i, i + options.chunkSize), out);
  splitter.end(out);
  return out;
}

const text = (lines: SplitLine[]) => lines.map((l) => (l.bytes ? l.bytes.toString('utf8') : `<too long ${l.tooLongBytes}>`));

describe('LineSplitter', () => {
  it('LineSplitter strips CR from CRLF and keeps a final line without newline', () => {
    const lines = split(Buffer.from('a\r\nbb\r\n\r\nccc'), { maxLineBytes: 100, chunkSize: 2 });
    expect(text(lines)).toEqual(['a', 'bb', '', 'ccc']);
    expect(lines.map((l) => l.line)).toEqual([1, 2, 3, 4]);
  });

  it('LineSplitter emits nothing after a trailing newline', () => {
    expect(text(split(Buffer.from('x\ny\n'), { maxLineBytes: 10, chunkSize: 64 }))).toEqual(['x', 'y']);
  });

  it('LineSplitter keeps multi-byte characters whole when fed one byte at a time', () => {
    const input = Buffer.from('héllo — 日本語 🎬\nzwei\n', 'utf8');
    expect(text(split(input, { maxLineBytes: 100, chunkSize: 1 }))).toEqual(['héllo — 日本語 🎬', 'zwei']);
  });

  it('LineSplitter reports a line over the limit with its exact size and resumes at the next line', () => {
    const input = Buffer.from(`ok\n${'x'.repeat(50)}\nnext\n${'y'.repeat(11)}`);
    const lines = split(input, { maxLineBytes: 10, chunkSize: 7 });
    expect(text(lines)).toEqual(['ok', '<too long 50>', 'next', '<too long 11>']);
    expect(lines.map((l) => l.line)).toEqual([1, 2, 3, 4]);
  });

  it('LineSplitter accepts a line of exactly the limit', () => {
    expect(text(split(Buffer.from('1234567890\n'), { maxLineBytes: 10, chunkSize: 3 }))).toEqual(['1234567890']);
  });

  it('LineSplitter never buffers more than the limit while skipping a 10 MB line', () => {
    const limit = 64 * 1024;
    const splitter = new LineSplitter({ maxLineBytes: limit });
    const out: SplitLine[] = [];
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    let maxBuffered = 0;
    for (let sent = 0; sent < 10 * 1024 * 1024; sent += chunk.length) {
      splitter.push(chunk, out);
      maxBuffered = Math.max(maxBuffered, splitter.bufferedBytes);
    }
    splitter.push(Buffer.from('\n{"ok":1}\n'), out);
    expect(maxBuffered).toBeLessThanOrEqual(limit);
    expect(maxBuffered).toBeGreaterThan(limit - chunk.length); // it did hold the line until it passed the limit
    expect(out).toHaveLength(2);
    expect(out[0]?.tooLongBytes).toBe(10 * 1024 * 1024);
    expect(out[1]?.bytes?.toString()).toBe('{"ok":1}');
  });
});

describe('withoutBom', () => {
  async function strip(input: Buffer, size: number): Promise<string> {
    const parts: Buffer[] = [];
    for await (const part of withoutBom(chunked(input, size))) parts.push(part);
    return Buffer.concat(parts).toString('utf8');
  }

  it('withoutBom removes a BOM even when it arrives one byte at a time', async () => {
    const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n')]);
    expect(await strip(input, 1)).toBe('{"a":1}\n');
    expect(await strip(input, 2)).toBe('{"a":1}\n');
    expect(await strip(input, 100)).toBe('{"a":1}\n');
  });

  it('withoutBom leaves input without a BOM untouched, including input shorter than a BOM', async () => {
    expect(await strip(Buffer.from('ab\ncd'), 1)).toBe('ab\ncd');
    expect(await strip(Buffer.from('a'), 1)).toBe('a');
    expect(await strip(Buffer.from('é'), 1)).toBe('é');
  });
});
