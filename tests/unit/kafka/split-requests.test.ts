import { describe, expect, it } from 'vitest';
import { splitRequests, type PartitionBatch } from '../../../src/kafka/producer.js';

/**
 * How a send is cut into produce requests. Outside a transaction one request is written
 * whole or not at all when the process dies, so a chunk's outputs and its stats record
 * must share one whenever the broker's batch limit allows.
 */
const value = (bytes: number, tag: number) => Buffer.alloc(bytes, tag % 251);

function outputs(topic: string, records: number, partitions: number, bytes = 300): PartitionBatch {
  return { topic, messages: Array.from({ length: records }, (_, i) => ({ key: `k${i}`, value: value(bytes, i), partition: i % partitions })) };
}

const stats: PartitionBatch = { topic: 'clean.stats', messages: [{ key: 'p0', value: Buffer.from('{"in":2000}'), partition: 0 }] };
const flatten = (requests: PartitionBatch[][], topic: string) => requests.flatMap((r) => r.filter((b) => b.topic === topic).flatMap((b) => b.messages));
const partitionBytes = (request: PartitionBatch[]) => {
  const bytes = new Map<string, number>();
  for (const b of request) for (const m of b.messages) bytes.set(`${b.topic}/${m.partition}`, (bytes.get(`${b.topic}/${m.partition}`) ?? 0) + (m.value?.length ?? 0));
  return Math.max(...bytes.values());
};

describe('splitRequests', () => {
  it('keeps outputs under 512 KiB a partition and the chunk\u2019s changelog and stats records in one request', () => {
    // 1,400 outputs on one partition (about 510 KB) plus 200 KB of changelog on another:
    // over the old whole-request cut of 512 KiB, which sent the stats record in a second request
    const changelog: PartitionBatch = { topic: 'clean.changelog', messages: [{ key: 'p0', value: value(200_000, 7), partition: 0 }] };
    const requests = splitRequests([outputs('clean.out', 1_400, 1), changelog, stats]);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.map((b) => b.topic)).toEqual(['clean.out', 'clean.changelog', 'clean.stats']);
  });

  it('cuts where one partition would get over its limit, keeping every record once and in order', () => {
    const batch = outputs('clean.out', 5_000, 1);
    const requests = splitRequests([batch, stats], { partitionBytes: 512 * 1024, requestBytes: 16 * 1024 * 1024 });
    expect(requests.length).toBe(4); // 5,000 × (300 + key + 64) bytes ≈ 1.85 MB, at most 512 KiB a request
    for (const request of requests) expect(partitionBytes(request)).toBeLessThanOrEqual(512 * 1024);
    expect(flatten(requests, 'clean.out').map((m) => m.key)).toEqual(batch.messages.map((m) => m.key));
    // the stats record comes last, after every output
    expect(requests.at(-1)!.at(-1)!.topic).toBe('clean.stats');
  });

  it('cuts at the request limit too, and gives records without a partition one budget per topic', () => {
    const many = outputs('a', 1_000, 10);
    expect(splitRequests([many], { partitionBytes: 1024 * 1024, requestBytes: 100_000 }).length).toBeGreaterThan(1);
    const unplaced: PartitionBatch = { topic: 'b', messages: Array.from({ length: 100 }, (_, i) => ({ key: null, value: value(1_000, i) })) };
    const requests = splitRequests([unplaced], { partitionBytes: 20_000, requestBytes: 1024 * 1024 });
    expect(requests.length).toBe(Math.ceil((100 * 1_064) / 20_000));
    expect(flatten(requests, 'b')).toHaveLength(100);
  });

  it('sends a record bigger than a limit alone rather than not at all', () => {
    const big: PartitionBatch = { topic: 'models', messages: [{ key: 'm', value: value(600_000, 1), partition: 0 }, { key: 'n', value: value(10, 2), partition: 0 }] };
    const requests = splitRequests([big]);
    expect(requests.map((r) => r.flatMap((b) => b.messages.map((m) => m.key)))).toEqual([['m'], ['n']]);
  });
});
