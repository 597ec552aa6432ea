import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestProducer } from '../../src/ingest/index.js';
import { subscribeModels } from '../../src/subscription/subscribe.js';
import type { ModelVersion } from '../../src/records/types.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { Topology } from '../../src/topology/index.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { waitForStages } from '../helpers/pipeline.js';

const kafka = testKafka();
let topology: Topology;

const POSITIVE = ['great', 'wonderful', 'excellent', 'loved', 'superb', 'delightful'];
const NEGATIVE = ['awful', 'terrible', 'boring', 'hated', 'dreadful', 'broken'];

/** A clearly separable labeled stream: the label decides which word list the text uses. */
function separable(n: number, seed: number): Array<{ id: string; text: string; label: number }> {
  let x = seed;
  const next = (k: number): number => ((x = (x * 1103515245 + 12345) >>> 0) % k);
  return Array.from({ length: n }, (_, i) => {
    const label = next(2);
    const words = label ? POSITIVE : NEGATIVE;
    const text = `the product ${words[next(words.length)]} and ${words[next(words.length)]} item ${i} overall ${words[next(words.length)]}`;
    return { id: `sep-${seed}-${i}`, text, label };
  });
}

beforeAll(async () => {
  topology = await testTopology(kafka, 'trainer', 'topologies/sentiment.yaml', (t) => ({
    ...t,
    // the shortest session the broker allows: a trainer that blocked its heartbeats would be rebalanced
    stages: t.stages.map((s) => (s.kind === 'train' ? { ...s, sessionTimeoutMs: 6_000, options: { ...s.options, publishEveryExamples: 2_000, publishEveryMs: 600_000 } } : s)),
  }));
});
afterAll(async () => dropTopology(kafka, topology));

describe('train stage on a real broker', () => {
  it('trainer publishes verified versions that a subscriber loads and predicts with over 95% accuracy', async () => {
    const train = topology.stages.find((s) => s.kind === 'train')!;
    const seen: ModelVersion[] = [];
    const subscription = await subscribeModels({ kafka, topic: train.output, model: 'sentiment' }, (m) => seen.push(m));
    const producer = new IngestProducer({ kafka, topic: topology.ingest });
    await producer.connect();
    const data = separable(6_000, 11);
    await producer.send(data);
    await producer.close();

    const published: ModelVersion[] = [];
    const pipeline = new Pipeline({ kafka, topology, instance: 'trainer-test', onModelPublished: (m) => published.push(m) });
    await pipeline.start();
    try {
      const stage = (id: string) => pipeline.progress().stages.find((s) => s.stage === id)!.session;
      await waitForStages(pipeline, { clean: () => 6_000, augment: () => stage('clean').out, gate: () => stage('augment').out + stage('augment').generated, train: () => stage('gate').out });
      const first = await subscription.ready(30_000);
      expect(first.version).toBeGreaterThanOrEqual(1);
      // training and publishing never starved the heartbeats: one join, no rebalance
      expect(pipeline.progress().trainers[0]!.groupJoins).toBe(1);
    } finally {
      await pipeline.stop();
    }
    expect(published.length).toBeGreaterThanOrEqual(2);
    const versions = published.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    const last = published.at(-1)!;
    expect(last.metrics.holdoutAccuracy!).toBeGreaterThan(0.95);
    expect(last.backend).toBe('cpu');
    expect(last.offsets.length).toBeGreaterThan(0);
    expect(last.weights.sha256).toMatch(/^[0-9a-f]{64}$/);

    // the subscriber follows to the newest version within a few seconds
    const deadline = Date.now() + 10_000;
    while (subscription.current()?.version !== last.version && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(subscription.current()?.version).toBe(last.version);
    const test = separable(500, 99);
    const { predictions, version } = subscription.predict(test.map((t) => t.text));
    expect(version).toBe(last.version);
    const accuracy = predictions.filter((p, i) => p.label === test[i]!.label).length / test.length;
    expect(accuracy).toBeGreaterThan(0.95);
    await subscription.close();
  });
});
