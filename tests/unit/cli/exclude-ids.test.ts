import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIdList, readIdList } from '../../../src/cli/exclude-ids.js';
import { ErrorCode } from '../../../src/errors.js';
import { failureOf } from '../../helpers/errors.js';

describe('exclude-ids', () => {
  it('parseIdList reads one id a line, JSON lines with an id, and records as consume prints them; blank lines and comments are skipped', () => {
    const text = ['# flipped labels, 2026-12-01', 'r-1', '  r-2  ', '', '{"id": "r-3"}', '{"partition":0,"offset":7,"schema":"review","value":{"id":"r-4","text":"x"}}', 'r-1', 'r-5\r'].join('\n');
    expect([...parseIdList(text, 'ids.txt')]).toEqual(['r-1', 'r-2', 'r-3', 'r-4', 'r-5']);
  });

  it('parseIdList names the file and line of a JSON line without an id', () => {
    expect(() => parseIdList('r-1\n{"text": "no id"}\n', 'bad.jsonl')).toThrow(/bad\.jsonl:2: a JSON line needs a string "id"/);
    expect(() => parseIdList('{not json\n', 'bad.jsonl')).toThrow(/bad\.jsonl:1/);
  });

  it('readIdList reads a file, and a missing one is INVALID_INPUT with a hint', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'reviewflow-ids-')), 'ids.txt');
    writeFileSync(file, 'a\nb\n');
    expect([...(await readIdList(file))]).toEqual(['a', 'b']);
    const err = await failureOf(readIdList(`${file}.missing`));
    expect(err.code).toBe(ErrorCode.INVALID_INPUT);
    expect(err.hint).toContain('--exclude-ids');
  });
});
