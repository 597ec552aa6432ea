import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestProducer } from '../../src/ingest/index.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { Topology } from '../../src/topology/index.js';
import { collectStatus } from '../../src/runtime/status.js';
import { changelogTopic } from '../../src/topology/index.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { waitForStages } from '../helpers/pipeline.js';

const kafka = testKafka();
let topology: Topology;
beforeAll(async () => {
  topology = await testTopology(kafka, 'state');
});
afterAll(async () => dropTopology(kafka, topology));

const reviews = (tag: string, n: number) => Array.from({ length: n }, (_, i) => ({ id: `${tag}-${i}`, text: `distinct review ${i}: the camera focus is ${i % 2 ? 'quick' : 'slow'} in low light, sample ${i * 13}`, label: i % 2 }));

async function produce(items: Array<{ id: string; text: string; label: number }>): Promise<void> {
  const producer = new IngestProducer({ kafka, topic: topology.ingest });
  await producer.connect();
  await producer.send(items);
  await producer.close();
}

async function runClean(until: number): Promise<void> {
  const pipeline = new Pipeline({ kafka, topology, stages: ['clean'], instance: `state-${until}` });
  await pipeline.start();
  try {
    await waitForStages(pipeline, { clean: () => until });
  } finally {
    await pipeline.stop();
  }
}

describe('stage state across restarts', () => {
  it('clean dedup window survives a restart through its compacted changelog', async () => {
    await produce(reviews('first', 5_000));
    await runClean(5_000);
    // a new process: the same texts under new ids are duplicates only if the window was restored
    await produce(reviews('again', 5_000));
    await runClean(5_000);
    const { stages } = await collectStatus(kafka, topology);
    const clean = stages.find((s) => s.stage === 'clean')!;
    expect(clean.in).toBe(10_000);
    expect(clean.out).toBe(5_000);
    expect(clean.duplicates).toBe(5_000);
    // packed: the changelog holds a few delta records, not one record per key
    const stage = topology.stages.find((s) => s.id === 'clean')!;
    const offsets = await kafka.withAdmin((a) => a.topicOffsets(changelogTopic(stage)));
    expect(offsets.reduce((n, o) => n + o.high, 0)).toBeLessThan(200);
  });
});
