import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../src/kafka/index.js';
import { encode } from '../../src/records/index.js';
import type { Topology } from '../../src/topology/index.js';
import { runCli, writeTopologyFile } from '../helpers/cli.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';

/**
 * Under exactly-once a stage killed mid-transaction leaves the aborted transaction's
 * records in the log (issue #14: `consume` printed 1,358 of them). `consume` and `status`
 * read committed by default for such a topology, and every record on request.
 */
const kafka = testKafka();
let topology: Topology;
let file: string;

const reviews = (prefix: string, n: number): OutgoingMessage[] =>
  Array.from({ length: n }, (_, i) => {
    const id = `${prefix}-${i}`;
    return { key: id, value: encode('review-raw', { id, text: `review ${id} was fine`, label: i % 2, rating: null, source: 'isolation', ingestedAt: 1 }) };
  });

beforeAll(async () => {
  topology = await testTopology(kafka, 'isolation', 'topologies/two-models.yaml');
  file = writeTopologyFile(topology);
  const producer = kafka.producer({ transactionalId: `isolation-${randomUUID()}` });
  await producer.connect();
  try {
    await producer.transaction((tx) => tx.send([{ topic: topology.ingest, messages: reviews('committed-a', 40) }]));
    const aborted = producer.transaction(async (tx) => {
      await tx.send([{ topic: topology.ingest, messages: reviews('aborted', 25) }]);
      throw new Error('abort on purpose');
    });
    await expect(aborted).rejects.toThrow('abort on purpose');
    await producer.transaction((tx) => tx.send([{ topic: topology.ingest, messages: reviews('committed-b', 30) }]));
  } finally {
    await producer.disconnect();
  }
});
afterAll(async () => dropTopology(kafka, topology));

const ids = (json: Array<Record<string, unknown>>): string[] =>
  json.filter((l) => l.value !== undefined).map((l) => (l.value as { id: string }).id);

describe('consume and status under exactly-once', () => {
  it('consume reads committed records only by default on an exactly-once topology', async () => {
    expect(topology.delivery).toBe('exactly-once');
    const result = await runCli(['consume', '--topic', topology.ingest, '--topology', file]);
    expect(result.code, result.stderr).toBe(0);
    const seen = ids(result.json);
    expect(seen).toHaveLength(70);
    expect(new Set(seen).size).toBe(70);
    expect(seen.some((id) => id.startsWith('aborted'))).toBe(false);
    expect(result.json.at(-1)).toMatchObject({ consumed: 70, undecodable: 0, isolation: 'read-committed' });
  });

  it('consume --isolation read-uncommitted shows the aborted transaction too', async () => {
    const result = await runCli(['consume', '--topic', topology.ingest, '--topology', file, '--isolation', 'read-uncommitted']);
    expect(result.code, result.stderr).toBe(0);
    const seen = ids(result.json);
    expect(seen).toHaveLength(95);
    expect(seen.filter((id) => id.startsWith('aborted'))).toHaveLength(25);
    expect(result.json.at(-1)).toMatchObject({ consumed: 95, isolation: 'read-uncommitted' });
  });

  it('status counts topic records as consume reads them', async () => {
    const line = (json: Array<Record<string, unknown>>) => json.find((l) => l.type === 'topic' && l.topic === topology.ingest);
    const committed = await runCli(['status', '--topology', file]);
    expect(committed.code, committed.stderr).toBe(0);
    expect(line(committed.json)).toMatchObject({ records: 70, counted: 'read-committed' });
    const everything = await runCli(['status', '--topology', file, '--isolation', 'read-uncommitted']);
    expect(everything.code, everything.stderr).toBe(0);
    // 95 records; the three transactions' markers take offsets but are no records
    expect(line(everything.json)).toMatchObject({ records: 95, counted: 'read-uncommitted' });
  });
});
