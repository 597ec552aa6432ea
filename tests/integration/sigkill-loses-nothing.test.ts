import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { IngestProducer } from '../../src/ingest/index.js';
import { decode } from '../../src/records/index.js';
import { collectStatus } from '../../src/runtime/status.js';
import type { Topology } from '../../src/topology/index.js';
import { CLI, writeTopologyFile } from '../helpers/cli.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';

const kafka = testKafka();
const topologies: Topology[] = [];
afterAll(async () => {
  for (const t of topologies) await dropTopology(kafka, t);
});

const WORDS = ['battery', 'screen', 'plot', 'waiter', 'pasta', 'camera', 'hotel', 'chapter', 'sound', 'price', 'delivery', 'actor'];
/** Unique texts, so no record is a legitimate duplicate: every input id must reach the output. */
function uniqueReviews(n: number, tag: string): Array<{ id: string; text: string; label: number }> {
  return Array.from({ length: n }, (_, i) => ({
    id: `${tag}-${i}`,
    text: `review ${i} of ${tag}: the ${WORDS[i % WORDS.length]} was ${i % 2 ? 'good' : 'bad'} and the ${WORDS[(i * 7) % WORDS.length]} number ${i * 31} too`,
    label: i % 2,
  }));
}

function startStage(topologyFile: string, stage: string): ChildProcess {
  return spawn(process.execPath, [CLI, '--topology', topologyFile, 'run', '--stages', stage], {
    env: { ...process.env, KAFKA_BROKERS: inject('kafkaBrokers'), REVIEWFLOW_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** Committed progress of a stage's group: cheap enough to poll. */
async function committed(topology: Topology, stage: string): Promise<{ done: number; lag: number }> {
  const s = topology.stages.find((x) => x.id === stage)!;
  const lag = await kafka.withAdmin((a) => a.groupLag(s.group, s.input));
  return { done: lag.partitions.reduce((n, p) => n + Math.max(0, p.committed), 0), lag: lag.total };
}

async function killMidStreamThenFinish(delivery: 'at-least-once' | 'exactly-once'): Promise<{ inputIds: string[]; outputIds: string[] }> {
  const topology = await testTopology(kafka, `kill-${delivery === 'exactly-once' ? 'eos' : 'alo'}`, 'topologies/sentiment.yaml', (t) => ({
    ...t,
    delivery,
    // small batches: many commits, so the kill lands between them
    // and a short session, so the dead member's partitions move soon after the kill
    stages: t.stages.map((s) => (s.id === 'clean' ? { ...s, batchSize: 200, sessionTimeoutMs: 6_000 } : s)),
  }));
  topologies.push(topology);
  const file = writeTopologyFile(topology);
  const total = 40_000;
  const producer = new IngestProducer({ kafka, topic: topology.ingest });
  await producer.connect();
  await producer.send(uniqueReviews(total, delivery));
  await producer.close();

  const first = startStage(file, 'clean');
  // kill once part of the stream is processed, not all of it
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { done } = await committed(topology, 'clean');
    if (done >= 1_000) break;
    if (Date.now() > deadline) throw new Error('the stage made no progress before the kill');
    await sleep(20);
  }
  first.kill('SIGKILL');
  await exited(first);
  const atKill = await committed(topology, 'clean');
  expect(atKill.done).toBeLessThan(total); // the kill landed mid-stream

  const second = startStage(file, 'clean');
  const finish = Date.now() + 90_000;
  for (;;) {
    const { lag } = await committed(topology, 'clean');
    if (lag === 0) break;
    if (Date.now() > finish) throw new Error('the restarted stage did not catch up');
    await sleep(250);
  }
  second.kill('SIGTERM');
  expect(await exited(second)).toBe(0);
  const { stages } = await collectStatus(kafka, topology);
  const clean = stages.find((x) => x.stage === 'clean')!;
  expect(clean.in).toBe(clean.out + clean.quarantined + clean.deadLettered + clean.duplicates);
  expect(clean.duplicates).toBe(0); // replayed records are not mistaken for duplicates

  const inputIds: string[] = [];
  await kafka.readToEnd({ topic: topology.ingest }, (m) => inputIds.push(decode('review-raw', m.value!).id));
  const outputIds: string[] = [];
  await kafka.readToEnd({ topic: topology.stages[0]!.output, readCommitted: true }, (m) => outputIds.push(decode('review', m.value!).id));
  expect(inputIds).toHaveLength(total);
  return { inputIds, outputIds };
}

describe('a stage process killed with SIGKILL', () => {
  it('sigkill-loses-nothing: at-least-once, every input id reaches the output after a restart', async () => {
    const { inputIds, outputIds } = await killMidStreamThenFinish('at-least-once');
    const out = new Set(outputIds);
    expect(inputIds.filter((id) => !out.has(id))).toEqual([]);
    expect(outputIds.length).toBeGreaterThanOrEqual(inputIds.length);
  });

  it('sigkill-loses-nothing: exactly-once, every input id reaches the committed output exactly once', async () => {
    const { inputIds, outputIds } = await killMidStreamThenFinish('exactly-once');
    const out = new Set(outputIds);
    expect(inputIds.filter((id) => !out.has(id))).toEqual([]);
    expect(outputIds.length).toBe(inputIds.length); // no id twice in committed output
  });
});
