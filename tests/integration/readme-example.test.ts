import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IngestProducer } from '../../src/ingest/index.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { Topology } from '../../src/topology/index.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { waitForStages } from '../helpers/pipeline.js';
import { generateReviews } from '../../src/generate/index.js';

const kafka = testKafka();
let topology: Topology;
const script = join(process.cwd(), `.readme-example-${process.pid}.mjs`);
const embedScript = join(process.cwd(), `.readme-embed-${process.pid}.mjs`);

beforeAll(async () => {
  topology = await testTopology(kafka, 'readme', 'topologies/sentiment.yaml', (t) => ({
    ...t,
    stages: t.stages.map((s) => (s.kind === 'train' ? { ...s, options: { ...s.options, publishEveryExamples: 1_000 } } : s)),
  }));
  // a published model for the example's subscriber to load
  const producer = new IngestProducer({ kafka, topic: topology.ingest });
  await producer.connect();
  await producer.send([...generateReviews({ count: 3_000, seed: 5 })]);
  await producer.close();
  const pipeline = new Pipeline({ kafka, topology, instance: 'readme' });
  await pipeline.start();
  const s = (id: string) => pipeline.progress().stages.find((x) => x.stage === id)!.session;
  await waitForStages(pipeline, { clean: () => 2_900, train: () => s('gate').out || 1 });
  await pipeline.stop();
});
afterAll(async () => {
  rmSync(script, { force: true });
  rmSync(embedScript, { force: true });
  await dropTopology(kafka, topology);
});

describe('README', () => {
  it('README service example runs against a real broker as written (brokers and topics swapped in)', () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /## Using it from a service\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const train = topology.stages.find((s) => s.kind === 'train')!;
    const code = block!
      .replace("['localhost:9092']", JSON.stringify(inject('kafkaBrokers').split(',')))
      .replace("'reviews.raw'", JSON.stringify(topology.ingest))
      .replace("'models.updates'", JSON.stringify(train.output))
      .replace('await models.close();', 'await models.close();\nconsole.log(JSON.stringify({ produced, errors, version, predictions }));');
    writeFileSync(script, code);
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { produced: number; errors: Array<{ index: number }>; version: number; predictions: Array<{ label: number }> };
    expect(out.produced).toBe(1);
    expect(out.errors.map((e) => e.index)).toEqual([1]);
    expect(out.version).toBeGreaterThanOrEqual(1);
    expect(out.predictions).toHaveLength(1);
  });

  it('README embedding example serves predictions and its own routes from one HTTP server', () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /### In an app of yours[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const train = topology.stages.find((s) => s.kind === 'train')!;
    const code = block!
      .replace("['localhost:9092']", JSON.stringify(inject('kafkaBrokers').split(',')))
      .replace("'models.updates'", JSON.stringify(train.output))
      .replace('app.listen(3000);', 'await new Promise((resolve) => app.listen(0, "127.0.0.1", resolve));\nconst base = `http://127.0.0.1:${app.address().port}`;')
      .replace('// app.close(); await predictions.close();', [
        'const hello = await (await fetch(`${base}/hello`)).text();',
        "const predicted = await (await fetch(`${base}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts: ['a lovely film', 'dull and broken'] }) })).json();",
        'const ready = (await fetch(`${base}/readyz`)).status;',
        'app.close(); await predictions.close();',
        'console.log(JSON.stringify({ hello, predicted, ready }));',
      ].join('\n'));
    writeFileSync(embedScript, code);
    const run = spawnSync(process.execPath, [embedScript], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { hello: string; ready: number; predicted: { model: string; version: number; predictions: Array<{ label: number; score: number }> } };
    expect(out.hello).toBe('hello from my app');
    expect(out.ready).toBe(200);
    expect(out.predicted.model).toBe('sentiment');
    expect(out.predicted.version).toBeGreaterThanOrEqual(1);
    expect(out.predicted.predictions).toHaveLength(2);
  });
});
