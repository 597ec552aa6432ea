import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasCode } from '../../../src/errors.js';
import { chunked, collect, FIXED_NOW, records, rejections } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'reviewflow-jsonl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 50 lines: 40 good ones and 10 bad ones at known lines, each with its expected reason. */
function fixture(): { body: string; bad: Map<number, string | RegExp> } {
  const bad = new Map<number, string | RegExp>([
    [3, /^invalid JSON: /],
    [7, 'missing "text"'],
    [12, '"text" must be a string, got number'],
    [18, '"label" must be 0 or 1, got 7'],
    [21, 'text is 2097152 bytes, over the 1000000-byte limit'],
    [25, 'text is empty'],
    [30, '"rating" must be a number between 0 and 10, got 42'],
    [33, 'expected a JSON object, got array'],
    [41, '"label" must be 0 or 1, got "1"'],
    [47, '"text" must be a string, got null'],
  ]);
  const badLines: Record<number, string> = {
    3: '{"text": "broken", "label": 1',
    7: '{"label": 1, "id": "x7"}',
    12: '{"text": 12345, "label": 0}',
    18: '{"text": "seven is not a label", "label": 7}',
    21: JSON.stringify({ text: 'a'.repeat(2 * 1024 * 1024), label: 1 }),
    25: '{"text": "   ", "label": 0}',
    30: '{"text": "rated oddly", "rating": 42}',
    33: '["text", "in", "an", "array"]',
    41: '{"text": "string label", "label": "1"}',
    47: '{"text": null}',
  };
  const lines: string[] = [];
  for (let line = 1; line <= 50; line++) {
    lines.push(badLines[line] ?? JSON.stringify({ text: `review number ${line} was fine`, label: line % 2, extra: { ignored: true } }));
  }
  return { body: `${lines.join('\n')}\n`, bad };
}

describe('readRecords (jsonl)', () => {
  it('readRecords yields 40 records and 10 rejections with their line numbers and reasons', async () => {
    const { body, bad } = fixture();
    const path = join(dir, 'mixed.jsonl');
    writeFileSync(path, body);
    const parsed = await collect({ input: path, format: 'jsonl', now: FIXED_NOW });
    expect(records(parsed)).toHaveLength(40);
    const rejected = rejections(parsed);
    expect(rejected.map((r) => r.line)).toEqual([...bad.keys()]);
    for (const { line, reason } of rejected) {
      const expected = bad.get(line);
      if (typeof expected === 'string') expect(reason).toBe(expected);
      else expect(reason).toMatch(expected as RegExp);
    }
    const first = records(parsed)[0];
    expect(first?.line).toBe(1);
    expect(first?.record).toEqual({
      id: `mixed.jsonl:1:${first?.record.id.split(':')[2]}`,
      text: 'review number 1 was fine',
      label: 1,
      rating: null,
      source: 'mixed.jsonl',
      ingestedAt: 1_700_000_000_000,
    });
  });

  it('readRecords derives the same ids when the same file is read twice', async () => {
    const path = join(dir, 'twice.jsonl');
    writeFileSync(path, '{"text":"one"}\n{"text":"two","source":"shop"}\n{"text":"three","id":"keep-me"}\n');
    const ids = async () => records(await collect({ input: path, format: 'jsonl' })).map((r) => r.record.id);
    const first = await ids();
    expect(await ids()).toEqual(first);
    expect(first[0]).toMatch(/^twice\.jsonl:1:[0-9a-f]{8}$/);
    expect(first[1]).toMatch(/^shop:2:[0-9a-f]{8}$/);
    expect(first[2]).toBe('keep-me');
  });

  it('readRecords handles a BOM, CRLF, blank lines and a last line without newline', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"text":"a","label":1}\r\n\r\n   \r\n{"text":"b","label":0}')]);
    const parsed = await collect({ input: chunked(body, 3), format: 'jsonl', source: 'test' });
    expect(rejections(parsed)).toEqual([]);
    expect(records(parsed).map((r) => [r.line, r.record.text, r.record.label, r.record.source])).toEqual([
      [1, 'a', 1, 'test'],
      [4, 'b', 0, 'test'],
    ]);
  });

  it('readRecords decodes UTF-8 characters split across one-byte chunks', async () => {
    const texts = ['Ça coûte 5 €', '映画は素晴らしかった', 'great 🎬🍿 movie', 'smart “quotes” – dash…'];
    const body = Buffer.from(texts.map((text) => JSON.stringify({ text, label: 1 })).join('\n'), 'utf8');
    const parsed = await collect({ input: chunked(body, 1), format: 'jsonl' });
    expect(records(parsed).map((r) => r.record.text)).toEqual(texts);
  });

  it('readRecords rejects invalid UTF-8 instead of decoding it to replacement characters', async () => {
    const body = Buffer.concat([Buffer.from('{"text":"bad '), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n{"text":"good"}\n')]);
    const parsed = await collect({ input: chunked(body, 64), format: 'jsonl' });
    expect(rejections(parsed)).toEqual([{ line: 1, reason: 'line is not valid UTF-8' }]);
    expect(records(parsed)).toHaveLength(1);
  });

  it('readRecords rejects a 10 MB line without holding it in memory and goes on', async () => {
    const limit = 1024 * 1024;
    const hugeLineBytes = 10 * 1024 * 1024;
    async function* input(): AsyncGenerator<Buffer> {
      yield Buffer.from('{"text":"before"}\n{"text":"');
      const block = Buffer.alloc(64 * 1024, 0x61);
      for (let sent = 9; sent < hugeLineBytes - 2; sent += block.length) yield block.subarray(0, Math.min(block.length, hugeLineBytes - 2 - sent));
      yield Buffer.from('"}\n{"text":"after"}\n');
    }
    globalThis.gc?.();
    const before = process.memoryUsage();
    const parsed = await collect({ input: input(), format: 'jsonl', limits: { maxLineBytes: limit } });
    const after = process.memoryUsage();
    expect(rejections(parsed)).toEqual([{ line: 2, reason: `line too long: ${hugeLineBytes} bytes > ${limit}-byte limit` }]);
    expect(records(parsed).map((r) => [r.line, r.record.text])).toEqual([
      [1, 'before'],
      [3, 'after'],
    ]);
    // Loose: buffering the line would grow external/array-buffer memory by >= 10 MB.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(8 * 1024 * 1024);
  });

  it('readRecords applies custom text limits', async () => {
    const parsed = await collect({ input: chunked(Buffer.from('{"text":"12345678901"}\n{"text":"1234567890"}\n'), 8), format: 'jsonl', limits: { maxTextBytes: 10 } });
    expect(rejections(parsed)).toEqual([{ line: 1, reason: 'text is 11 bytes, over the 10-byte limit' }]);
    expect(records(parsed)).toHaveLength(1);
  });

  it('readRecords fails with INVALID_INPUT for a missing file, a folder, a bad format and bad limits', async () => {
    await expect(collect({ input: join(dir, 'nope.jsonl'), format: 'jsonl' })).rejects.toSatisfy((err) => hasCode(err, 'INVALID_INPUT'));
    await expect(collect({ input: dir, format: 'jsonl' })).rejects.toSatisfy((err) => hasCode(err, 'INVALID_INPUT'));
    await expect(collect({ input: dir, format: 'xml' as never })).rejects.toSatisfy((err) => hasCode(err, 'INVALID_INPUT'));
    await expect(collect({ input: dir, format: 'jsonl', limits: { maxLineBytes: 0 } })).rejects.toSatisfy((err) => hasCode(err, 'INVALID_CONFIG'));
  });
});
