import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PARTITION_BYTES, messageBytes, type TopicMessages } from '../../src/kafka/index.js';
import { splitRequests, type PartitionBatch } from '../../src/kafka/producer.js';
import { StageRunner } from '../../src/runtime/stage-runner.js';
import { collectStatus } from '../../src/runtime/status.js';
import { TransformStep } from '../../src/runtime/transform-step.js';
import { getStage } from '../../src/stages/registry.js';
import type { Topology } from '../../src/topology/index.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { topicCount } from '../helpers/pipeline.js';
import { onlyStage, produceInputs } from '../faults/helpers.js';

/**
 * At-least-once, a chunk's outputs and its stats record must reach the broker in one
 * produce request: a worker killed between two requests of one chunk would leave outputs
 * that no stats record counts. Reviews of about 700 bytes in chunks of 2,000 make about
 * 1.5 MB of outputs a chunk, three times what one request may carry for a partition: the
 * runner must end each chunk early instead (docs/RELIABILITY.md, "One chunk, one request").
 */
const kafka = testKafka();
let topology: Topology | undefined;
afterAll(async () => {
  if (topology) await dropTopology(kafka, topology);
});

const COUNT = 6_000;

describe('one chunk, one request', () => {
  it('a clean stage whose 2,000-record chunks would pass a request’s partition limit cuts them so each goes to the broker in one request, and its stats count every output', { timeout: 180_000 }, async () => {
    topology = await testTopology(kafka, 'one-request', 'topologies/sentiment.yaml', (t) => onlyStage(t, 'clean', (s) => ({ ...s, batchSize: 2_000 })));
    const clean = topology.stages[0]!;
    await produceInputs({ kafka, stage: clean, count: COUNT, tag: 'one-request', padWords: 60 });

    // every batch the runner hands its producer, as it hands it
    const sends: TopicMessages[][] = [];
    const makeProducer = kafka.producer.bind(kafka);
    kafka.producer = (options) => {
      const producer = makeProducer(options);
      const send = producer.send.bind(producer);
      producer.send = (batches) => (sends.push(batches), send(batches));
      return producer;
    };
    const runner = new StageRunner({ kafka, steps: [new TransformStep(clean, getStage('clean'), kafka)], delivery: 'at-least-once', instance: 'one-request' });
    await runner.start();
    const deadline = Date.now() + 120_000;
    while (runner.progress().session.in < COUNT && Date.now() < deadline) await sleep(50);
    await runner.stop();
    kafka.producer = makeProducer;

    expect(runner.progress().session.in).toBe(COUNT);
    const outputBytes = sends.map((batches) => batches.filter((b) => b.topic === clean.output).flatMap((b) => b.messages).reduce((n, m) => n + messageBytes(m), 0));
    const total = outputBytes.reduce((a, b) => a + b, 0);
    // the cut really happened: a third of the limit per chunk would be far fewer sends
    expect(total).toBeGreaterThan((3 * COUNT * MAX_PARTITION_BYTES) / 2_000 / 2);
    expect(sends.length).toBeGreaterThanOrEqual(Math.ceil(total / MAX_PARTITION_BYTES));
    for (const [i, batches] of sends.entries()) {
      expect(outputBytes[i]).toBeLessThanOrEqual(MAX_PARTITION_BYTES);
      // the producer's own cut, with every record's partition unknown (the strictest reading), keeps it whole
      expect(splitRequests(batches as PartitionBatch[])).toHaveLength(1);
    }

    const { stages } = await collectStatus(kafka, topology);
    const status = stages.find((s) => s.stage === 'clean')!;
    expect(status.in).toBe(COUNT);
    expect(await topicCount(kafka, clean.output)).toBe(status.out);
  });
});
