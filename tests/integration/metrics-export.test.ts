import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/broker/ports.js';
import { generateReviews } from '../../src/generate/index.js';
import { IngestProducer } from '../../src/ingest/index.js';
import type { Topology } from '../../src/topology/index.js';
import { CLI, runCli, writeTopologyFile } from '../helpers/cli.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';

/**
 * `run --metrics prometheus:PORT` as an operator starts it: scrape /metrics while the
 * whole topology runs, and the per-stage counters must equal what `status` prints (both
 * count the same delivered batches; this run is the topology's only one, so its
 * process-lifetime counters are the topic's totals). Also: lag, batch latency and the
 * trainer's figures are there, a busy port is a clear error, and a bad spec is refused.
 */
const kafka = testKafka();
let topology: Topology;
let child: ChildProcess | undefined;

beforeAll(async () => {
  topology = await testTopology(kafka, 'metrics-export');
});
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await dropTopology(kafka, topology);
});

/** `name{labels} value` lines of one metric, labels parsed. */
function samples(text: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  const out: Array<{ labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    out.push({ labels, value: Number(match[3]) });
  }
  return out;
}

function stageValue(text: string, name: string, stage: string): number {
  return samples(text, name).filter((s) => s.labels.stage === stage).reduce((sum, s) => sum + s.value, 0);
}

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

describe('metrics export', () => {
  it('serves Prometheus text during a run whose stage counters equal what status reports', { timeout: 240_000 }, async () => {
    const producer = new IngestProducer({ kafka, topic: topology.ingest });
    await producer.connect();
    const { produced } = await producer.send([...generateReviews({ count: 1_500, seed: 41 })]);
    await producer.close();

    const port = await freePort();
    const file = writeTopologyFile(topology);
    child = spawn(process.execPath, [CLI, 'run', '--topology', file, '--metrics', `prometheus:${port}`], {
      env: { ...process.env, KAFKA_BROKERS: inject('kafkaBrokers'), REVIEWFLOW_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));

    // drained: every stage has read everything, and the scrape shows the train stage's last batch
    let status: Array<Record<string, unknown>> = [];
    let text = '';
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`the topology did not drain in time; stderr:\n${stderr}`);
      await sleep(1_000);
      const result = await runCli(['status', '--topology', file]);
      status = result.json.filter((l) => l.type === 'stage');
      const clean = status.find((s) => s.stage === 'clean');
      const drained = clean?.in === produced && status.every((s) => s.lag === 0);
      if (!drained) continue;
      text = await scrape(port);
      const trained = status.find((s) => s.stage === 'train')!;
      if (stageValue(text, 'reviewflow_stage_records_in_total', 'train') === trained.in) break;
    }
    expect(stderr).toContain(`metrics: Prometheus text at http://0.0.0.0:${port}/metrics`);

    const terms: Array<[string, string]> = [
      ['in', 'reviewflow_stage_records_in_total'],
      ['out', 'reviewflow_stage_records_out_total'],
      ['generated', 'reviewflow_stage_records_generated_total'],
      ['quarantined', 'reviewflow_stage_quarantined_total'],
      ['deadLettered', 'reviewflow_stage_dead_lettered_total'],
      ['duplicates', 'reviewflow_stage_duplicates_total'],
    ];
    for (const stage of ['clean', 'augment', 'gate', 'train']) {
      const shown = status.find((s) => s.stage === stage)!;
      expect(shown.in).toBeGreaterThan(0);
      for (const [term, metric] of terms) expect({ stage, term, value: stageValue(text, metric, stage) }).toEqual({ stage, term, value: shown[term] });
      expect(stageValue(text, 'reviewflow_stage_batch_duration_count', stage)).toBeGreaterThan(0);
      // every partition the stage read reports its lag, and all of it was read
      const lags = samples(text, 'reviewflow_stage_consumer_lag').filter((s) => s.labels.stage === stage);
      expect(lags.length).toBeGreaterThan(0);
      expect(lags.every((s) => s.value === 0)).toBe(true);
    }
    const examples = samples(text, 'reviewflow_trainer_examples_total');
    expect(examples.reduce((sum, s) => sum + s.value, 0)).toBeGreaterThan(0);
    expect(samples(text, 'reviewflow_trainer_prequential_accuracy').length).toBe(1);
    expect(samples(text, 'reviewflow_trainer_backend')[0]?.labels).toMatchObject({ backend: expect.any(String), executor: expect.any(String) });

    // a second process asking for the same port is told so, and does not start
    const busy = await runCli(['run', '--topology', file, '--stages', 'clean', '--metrics', `prometheus:${port}`]);
    expect(busy.code).not.toBe(0);
    expect(busy.stderr).toMatch(new RegExp(`cannot serve metrics on port ${port}`));

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a metrics spec it does not know, saying which ones it takes', async () => {
    const result = await runCli(['status', '--metrics', 'statsd']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--metrics statsd is not supported');
    expect(result.stderr).toContain('prometheus:PORT');
  });
});
