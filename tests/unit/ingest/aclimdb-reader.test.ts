import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCode } from '../../../src/errors.js';
import { chunked, collect, records, rejections } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'reviewflow-aclimdb-'));

beforeAll(() => {
  const files: Record<string, string> = {
    'train/pos/0_9.txt': 'A gem.<br /><br />Loved it.',
    'train/pos/1_7.txt': 'Pretty good.',
    'train/neg/2_1.txt': 'Dreadful.',
    'train/neg/notes.txt': 'stray file',
    'train/neg/3_2.txt': '',
    'train/unsup/4_0.txt': 'unlabeled, not read',
    'test/pos/5_10.txt': 'Superb.',
    'test/neg/6_3.txt': 'x'.repeat(300),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  mkdirSync(join(root, 'empty'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const byId = (parsed: Awaited<ReturnType<typeof collect>>) =>
  Object.fromEntries(records(parsed).map((r) => [r.record.id, { text: r.record.text, label: r.record.label, rating: r.record.rating, source: r.record.source }]));

describe('readRecords (aclimdb)', () => {
  it('readRecords reads train and test splits with labels from folders and ratings from file names', async () => {
    const parsed = await collect({ input: root, format: 'aclimdb', limits: { maxTextBytes: 256 } });
    expect(byId(parsed)).toEqual({
      'aclimdb-train-pos-0': { text: 'A gem.<br /><br />Loved it.', label: 1, rating: 9, source: 'aclimdb/train' },
      'aclimdb-train-pos-1': { text: 'Pretty good.', label: 1, rating: 7, source: 'aclimdb/train' },
      'aclimdb-train-neg-2': { text: 'Dreadful.', label: 0, rating: 1, source: 'aclimdb/train' },
      'aclimdb-test-pos-5': { text: 'Superb.', label: 1, rating: 10, source: 'aclimdb/test' },
    });
    const reasons = rejections(parsed).map((r) => r.reason).sort();
    expect(reasons).toEqual([
      `${join(root, 'test/neg/6_3.txt')}: text is 300 bytes, over the 256-byte limit`,
      `${join(root, 'train/neg/3_2.txt')}: text is empty`,
      `${join(root, 'train/neg/notes.txt')}: file name is not <id>_<rating>.txt`,
    ]);
    // `line` is a running index over every file read.
    expect(parsed.map((p) => p.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('readRecords accepts a split folder directly', async () => {
    const parsed = await collect({ input: join(root, 'test'), format: 'aclimdb' });
    expect(Object.keys(byId(parsed)).sort()).toEqual(['aclimdb-test-neg-6', 'aclimdb-test-pos-5']);
  });

  it('readRecords rejects folders without the layout, missing folders and streams', async () => {
    await expect(collect({ input: join(root, 'empty'), format: 'aclimdb' })).rejects.toSatisfy((e) => hasCode(e, 'INVALID_INPUT'));
    await expect(collect({ input: join(root, 'missing'), format: 'aclimdb' })).rejects.toSatisfy((e) => hasCode(e, 'INVALID_INPUT'));
    await expect(collect({ input: chunked(Buffer.from('x'), 1), format: 'aclimdb' })).rejects.toSatisfy((e) => hasCode(e, 'INVALID_INPUT'));
  });
});
