import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateReviews } from '../../src/generate/index.js';
import { IngestProducer } from '../../src/ingest/index.js';
import { decode } from '../../src/records/index.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import { collectStatus } from '../../src/runtime/status.js';
import type { Topology } from '../../src/topology/index.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { topicCount, waitForStages } from '../helpers/pipeline.js';

const UCI = '../shared/data/uci-sentiment/all.jsonl';
const kafka = testKafka();
let topology: Topology;

beforeAll(async () => {
  topology = await testTopology(kafka, 'accounting');
});
afterAll(async () => dropTopology(kafka, topology));

describe.runIf(existsSync(UCI))('clean → augment → gate on a real broker', () => {
  it('pipeline accounts for every record of 10,000 generated reviews and the UCI data set at every stage', async () => {
    const producer = new IngestProducer({ kafka, topic: topology.ingest });
    await producer.connect();
    const generated = await producer.send([...generateReviews({ count: 10_000, seed: 3 })]);
    const uci = readFileSync(UCI, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    const real = await producer.send(uci);
    await producer.close();
    expect(real.errors).toEqual([]);
    const ingested = generated.produced + real.produced;
    expect(await topicCount(kafka, topology.ingest)).toBe(ingested);

    const pipeline = new Pipeline({ kafka, topology, stages: ['clean', 'augment', 'gate'], instance: 'accounting' });
    await pipeline.start();
    try {
      const progress = () => pipeline.progress().stages;
      const outOf = (id: string) => () => {
        const s = progress().find((x) => x.stage === id)!.session;
        return s.out + s.generated;
      };
      await waitForStages(pipeline, { clean: () => ingested, augment: outOf('clean'), gate: outOf('augment') });
    } finally {
      await pipeline.stop();
    }

    const { stages } = await collectStatus(kafka, topology);
    for (const id of ['clean', 'augment', 'gate']) {
      const s = stages.find((x) => x.stage === id)!;
      expect(s.in, id).toBe(s.out + s.quarantined + s.deadLettered + s.duplicates);
      expect(s.lag, id).toBe(0);
    }
    const clean = stages.find((s) => s.stage === 'clean')!;
    const augment = stages.find((s) => s.stage === 'augment')!;
    const gate = stages.find((s) => s.stage === 'gate')!;
    expect(clean.in).toBe(ingested);
    expect(clean.duplicates).toBeGreaterThanOrEqual(17); // the UCI files alone hold 17 exact duplicates
    expect(augment.in).toBe(clean.out);
    expect(augment.generated).toBeGreaterThan(0);
    expect(gate.in).toBe(augment.out + augment.generated);
    expect(gate.quarantined).toBeGreaterThan(0);
    expect(await topicCount(kafka, topology.stages[2]!.output)).toBe(gate.out);
    expect(await topicCount(kafka, topology.stages[2]!.quarantine!)).toBe(gate.quarantined);

    let withoutReason = 0;
    await kafka.readToEnd({ topic: topology.stages[2]!.quarantine! }, (m) => {
      const q = decode('quarantine', m.value!);
      if (q.reasons.length === 0) withoutReason++;
    });
    expect(withoutReason).toBe(0);
  });
});
