import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDeliberatelyInvalid } from '../../src/generate/index.js';
import type { Topology } from '../../src/topology/index.js';
import { runCli, writeTopologyFile } from '../helpers/cli.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';

const kafka = testKafka();
let topology: Topology;
let topologyFile: string;

beforeAll(async () => {
  topology = await testTopology(kafka, 'produce');
  topologyFile = writeTopologyFile(topology);
});
afterAll(async () => dropTopology(kafka, topology));

describe('reviewflow produce', () => {
  it('produce rejects each bad line with its line number and reason and produces the good ones', async () => {
    const good = Array.from({ length: 40 }, (_, i) => JSON.stringify({ text: `review number ${i} was fine`, label: i % 2 }));
    const bad = [
      '{"text": "broken json"',
      JSON.stringify({ label: 1 }),
      JSON.stringify({ text: 42, label: 0 }),
      JSON.stringify({ text: 'label out of range', label: 7 }),
      JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024), label: 1 }),
      JSON.stringify({ text: '', label: 1 }),
      JSON.stringify({ text: 'rating out of range', rating: 99 }),
      'not json at all',
      JSON.stringify({ text: ['array'], label: 1 }),
      JSON.stringify({ text: 'label as string', label: 'positive' }),
    ];
    // interleave: bad lines at 5, 10, ..., 50
    const lines: string[] = [];
    for (let i = 0; i < 50; i++) lines.push((i + 1) % 5 === 0 ? bad[(i + 1) / 5 - 1]! : good.shift()!);
    const result = await runCli(['--topology', topologyFile, 'produce', '--file', '-'], { input: lines.join('\n') + '\n' });

    expect(result.code).toBe(0);
    const summary = result.json.at(-1)!;
    expect(summary.produced).toBe(40);
    expect(summary.rejected).toBe(10);
    const rejections = result.stderr.split('\n').filter((l) => l.startsWith('rejected line'));
    expect(rejections.map((l) => Number(/rejected line (\d+):/.exec(l)?.[1]))).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    expect(rejections[0]).toMatch(/invalid JSON/);
    expect(rejections[1]).toMatch(/missing "text"/);
    expect(rejections[3]).toMatch(/"label" must be 0 or 1, got 7/);
    expect(rejections[4]).toMatch(/over the 1000000-byte limit/);

    const offsets = await kafka.withAdmin((a) => a.topicOffsets(topology.ingest));
    expect(offsets.reduce((s, o) => s + o.high, 0)).toBe(40);
  });

  it('produce of generated reviews reports every record but the deliberately invalid ones, and consume reads them back', async () => {
    const count = 3000;
    const generated = await runCli(['generate', '--count', String(count), '--seed', '7']);
    expect(generated.code).toBe(0);
    const before = (await kafka.withAdmin((a) => a.topicOffsets(topology.ingest))).reduce((s, o) => s + o.high, 0);
    const produced = await runCli(['--topology', topologyFile, 'produce', '--file', '-'], { input: generated.stdout });
    const invalid = countDeliberatelyInvalid({ count, seed: 7 });
    expect(invalid).toBeGreaterThan(0);
    expect(produced.json.at(-1)).toMatchObject({ produced: count - invalid, rejected: invalid });

    const consumed = await runCli(['--topology', topologyFile, 'consume', '--topic', topology.ingest]);
    const records = consumed.json.filter((r) => r.schema === 'review-raw');
    expect(records.length).toBe(before + count - invalid);
    const ids = new Set(records.map((r) => (r.value as { id: string }).id));
    expect(ids.has('gen-7-0') || ids.has('gen-7-1')).toBe(true);
    expect(consumed.json.at(-1)).toMatchObject({ consumed: before + count - invalid, undecodable: 0 });
  });

  it('topics create is idempotent', async () => {
    const first = await runCli(['--topology', topologyFile, 'topics', 'create']);
    expect(first.code).toBe(0);
    expect(first.json.at(-1)).toMatchObject({ created: 0 });
    const listed = await kafka.withAdmin((a) => a.listTopics());
    for (const t of Object.keys(topology.topics)) expect(listed).toContain(t);
  });

  it('an invalid topology is refused with the file, the path inside it and the fix', async () => {
    const broken = writeTopologyFile({ ...topology, stages: [{ ...topology.stages[0]!, kind: 'cleen' }, ...topology.stages.slice(1)] } as Topology);
    const result = await runCli(['--topology', broken, 'topics', 'create']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(broken);
    expect(result.stderr).toContain('stages[0].kind');
    expect(result.stderr).toMatch(/fix: use one of clean, augment, gate, train/);
  });
});
