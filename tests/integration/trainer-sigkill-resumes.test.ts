import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { KafkaPort } from '../../src/kafka/index.js';
import { readModelHistory } from '../../src/subscription/history.js';
import { encode } from '../../src/records/index.js';
import type { ModelVersion } from '../../src/records/types.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { Topology } from '../../src/topology/index.js';
import { CLI, writeTopologyFile } from '../helpers/cli.js';
import { acceptedReview } from '../helpers/accepted-reviews.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';

const kafka = testKafka();
const topologies: Topology[] = [];
afterAll(async () => {
  for (const t of topologies) await dropTopology(kafka, t);
});

const TOTAL = 30_000;
/** A topology whose train stage publishes often; the accepted topic gets the same records each time. */
async function trainerTopology(label: string): Promise<Topology> {
  const topology = await testTopology(kafka, label, 'topologies/sentiment.yaml', (t) => ({
    ...t,
    stages: t.stages.map((s) => (s.kind === 'train' ? { ...s, batchSize: 500, sessionTimeoutMs: 6_000, options: { ...s.options, publishEveryExamples: 3_000, publishEveryMs: 2_000 } } : s)),
  }));
  topologies.push(topology);
  const train = topology.stages.find((s) => s.kind === 'train')!;
  const producer = kafka.producer();
  await producer.connect();
  for (let start = 0; start < TOTAL; start += 5_000) {
    const messages = Array.from({ length: 5_000 }, (_, k) => ({ key: `acc-${start + k}`, value: encode('review', acceptedReview(start + k, 'acc')) }));
    await producer.send([{ topic: train.input, messages }]);
  }
  await producer.disconnect();
  return topology;
}

async function versions(k: KafkaPort, topology: Topology): Promise<ModelVersion[]> {
  const train = topology.stages.find((s) => s.kind === 'train')!;
  return (await readModelHistory(k, train.output)).versions;
}

/** Offsets the newest version was trained through, summed: TOTAL means the whole input. */
function coverage(v: ModelVersion | undefined): number {
  return (v?.offsets ?? []).reduce((s, o) => s + o.offset, 0);
}

async function untilCovered(topology: Topology, timeoutMs: number): Promise<ModelVersion> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const latest = (await versions(kafka, topology)).at(-1);
    if (latest && coverage(latest) === TOTAL) return latest;
    if (Date.now() > deadline) throw new Error(`no version covers the input yet: ${JSON.stringify(latest?.offsets)}`);
    await sleep(500);
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

describe('trainer killed with SIGKILL mid-stream', () => {
  it('trainer resumes from the offsets of its last published version: no example counted twice or skipped', async () => {
    // reference: one uninterrupted trainer over the same records
    const reference = await trainerTopology('train-ref');
    const pipeline = new Pipeline({ kafka, topology: reference, stages: ['train'], instance: 'reference' });
    await pipeline.start();
    const expected = await untilCovered(reference, 90_000).finally(() => pipeline.stop());

    const topology = await trainerTopology('train-kill');
    const file = writeTopologyFile(topology);
    const env = { ...process.env, KAFKA_BROKERS: inject('kafkaBrokers'), REVIEWFLOW_LOG_LEVEL: 'warn' };
    const first = spawn(process.execPath, [CLI, '--topology', file, 'run', '--stages', 'train'], { env, stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    let before: ModelVersion[] = [];
    while ((before = await versions(kafka, topology)).length < 2 || coverage(before.at(-1)) >= TOTAL) {
      if (coverage(before.at(-1)) >= TOTAL) throw new Error('the trainer finished before it could be killed; raise TOTAL');
      if (Date.now() > deadline) throw new Error('the trainer published nothing before the kill');
      await sleep(200);
    }
    first.kill('SIGKILL');
    await exited(first);
    const atKill = (await versions(kafka, topology)).at(-1)!;
    expect(coverage(atKill)).toBeLessThan(TOTAL);

    const second = spawn(process.execPath, [CLI, '--topology', file, 'run', '--stages', 'train'], { env, stdio: 'ignore' });
    const final = await untilCovered(topology, 90_000);
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);

    const all = await versions(kafka, topology);
    // versions stay monotonic across the restart, and the first one after it names its parent
    expect(all.map((v) => v.version)).toEqual([...all.map((v) => v.version)].sort((a, b) => a - b));
    const resumed = all.find((v) => v.version === atKill.version + 1)!;
    expect(resumed.parentVersion).toBe(atKill.version);
    // the same examples went in as without the kill: nothing twice, nothing skipped
    expect(final.examplesSeen).toBe(expected.examplesSeen);
    expect(final.offsets).toEqual(expected.offsets.map((o) => ({ ...o, topic: final.offsets.find((f) => f.partition === o.partition)!.topic })));
    expect(final.metrics.holdoutAccuracy!).toBeGreaterThan(0.95);
  }, 240_000); // a reference run, a kill, a session timeout and a resumed run: 70 s alone, more on a loaded machine
});
