import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IngestProducer } from '../../src/ingest/index.js';
import type { ModelVersion } from '../../src/records/types.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { Topology } from '../../src/topology/index.js';
import { runCli, writeTopologyFile } from '../helpers/cli.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { waitForStages } from '../helpers/pipeline.js';
import { shuffled } from '../helpers/shuffle.js';

const RT = '../shared/data/rt-polarity/rt-polarity.jsonl';
const kafka = testKafka();
const topologies: Topology[] = [];
afterAll(async () => {
  for (const t of topologies) await dropTopology(kafka, t);
});

describe.runIf(existsSync(RT))('real data: rt-polarity (Pang & Lee 2005) through clean → gate → train', () => {
  it('rt-polarity streamed once reaches at least 77% holdout accuracy, and predict --file reports accuracy and n', async () => {
    const topology = await testTopology(kafka, 'rt', 'topologies/sentiment.yaml', (t) => ({
      ...t,
      // no augmentation: the gate reads clean's output
      stages: t.stages.filter((s) => s.kind !== 'augment').map((s) => (s.kind === 'gate' ? { ...s, input: t.stages.find((c) => c.kind === 'clean')!.output } : s.kind === 'train' ? { ...s, options: { ...s.options, publishEveryExamples: 100_000, publishEveryMs: 1_000 } } : s)),
    }));
    topologies.push(topology);
    const records = shuffled(readFileSync(RT, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; text: string; label: number }), 2024);
    const producer = new IngestProducer({ kafka, topic: topology.ingest });
    await producer.connect();
    const { produced, errors } = await producer.send(records);
    await producer.close();
    expect(errors).toEqual([]);
    expect(produced).toBe(10_662);

    const published: ModelVersion[] = [];
    const pipeline = new Pipeline({ kafka, topology, instance: 'rt', onModelPublished: (m) => published.push(m) });
    await pipeline.start();
    try {
      const s = (id: string) => pipeline.progress().stages.find((x) => x.stage === id)!.session;
      await waitForStages(pipeline, { clean: () => 10_662, gate: () => s('clean').out, train: () => s('gate').out });
      const deadline = Date.now() + 30_000;
      while (published.at(-1)?.examplesSeen !== pipeline.progress().trainers[0]!.examplesSeen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    } finally {
      await pipeline.stop();
    }
    const last = published.at(-1)!;
    console.log(`[rt-polarity] last version v${last.version}: holdout ${last.metrics.holdoutAccuracy} on ${last.metrics.holdoutSize}, prequential ${last.metrics.prequentialAccuracy}, ${last.examplesSeen} examples`);
    expect(last.metrics.holdoutSize).toBeGreaterThan(800);
    expect(last.metrics.holdoutAccuracy!).toBeGreaterThanOrEqual(0.77);

    // the CLI scores a labeled file with the published model
    const dir = mkdtempSync(join(tmpdir(), 'rt-predict-'));
    const sample = join(dir, 'sample.jsonl');
    writeFileSync(sample, records.slice(0, 2_000).map((r) => JSON.stringify(r)).join('\n') + '\n');
    const predicted = await runCli(['--topology', writeTopologyFile(topology), 'predict', '--file', sample]);
    expect(predicted.code, predicted.stderr).toBe(0);
    // one line per record, then the summary: nothing lost in the pipe
    expect(predicted.json).toHaveLength(2_001);
    const summary = predicted.json.at(-1)!;
    expect(summary.n).toBe(2_000);
    expect(summary.version).toBe(last.version);
    // mostly trained-on records: well above the holdout figure, far above chance
    expect(summary.accuracy as number).toBeGreaterThan(0.8);
  });
});
