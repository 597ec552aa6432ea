import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collect, records, rejections } from './helpers.js';

// The shared data sits next to the repository, never inside it.
const dataPath = (path: string) => fileURLToPath(new URL(`../../../../shared/data/${path}`, import.meta.url));
const UCI = dataPath('uci-sentiment/all.jsonl');
const RT = dataPath('rt-polarity/rt-polarity.jsonl');
const present = existsSync(UCI) && existsSync(RT);
if (!present) console.warn(`skipping real-data ingest tests: ${UCI} or ${RT} is absent (see shared/data/README.md next to the repository)`);

describe.skipIf(!present)('readRecords on the real data sets', () => {
  it('readRecords parses every UCI sentiment record with its own ids and labels', async () => {
    const parsed = await collect({ input: UCI, format: 'jsonl' });
    expect(rejections(parsed)).toEqual([]);
    const all = records(parsed);
    expect(all).toHaveLength(3000);
    expect(new Set(all.map((r) => r.record.id)).size).toBe(3000);
    expect(all.filter((r) => r.record.label === 1)).toHaveLength(1500);
    expect(all[0]?.record.id).toBe('amazon_cells-0001');
    // The imdb file keeps its C1 control characters; ingest passes them through untouched.
    expect(all.some((r) => /[\u0080-\u009f]/.test(r.record.text))).toBe(true);
  });

  it('readRecords parses every rt-polarity record', async () => {
    const all = records(await collect({ input: RT, format: 'jsonl' }));
    expect(all).toHaveLength(10662);
    expect(all.filter((r) => r.record.label === 0)).toHaveLength(5331);
  });
});
