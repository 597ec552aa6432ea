import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectStatus } from '../../src/runtime/status.js';
import { generateReviews } from '../../src/generate/index.js';
import { IngestProducer } from '../../src/ingest/index.js';
import { readModelHistory } from '../../src/subscription/history.js';
import { decode } from '../../src/records/index.js';
import type { ModelVersion } from '../../src/records/types.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { Topology } from '../../src/topology/index.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { waitForStages } from '../helpers/pipeline.js';

/**
 * topologies/two-models.yaml differs from the default where users need it to: no
 * augmentation (gate reads clean's output), exactly-once delivery, and two trainers with
 * different hyper-parameters publishing side by side under their own model names.
 */
const FILE = 'topologies/two-models.yaml';
const REVIEWS = 4_000;
const kafka = testKafka();
let topology: Topology;

beforeAll(async () => {
  topology = await testTopology(kafka, 'two-models', FILE, (t) => ({
    ...t,
    // publish by example count only, often enough that a few thousand reviews give versions
    stages: t.stages.map((s) => (s.kind === 'train' ? { ...s, options: { ...s.options, publishEveryExamples: 800, publishEveryMs: 600_000 } } : s)),
  }));
});
afterAll(async () => dropTopology(kafka, topology));

const stageOf = (id: string) => topology.stages.find((s) => s.id === id)!;

describe('two-models topology on a real broker', () => {
  it('two-models topology trains both models exactly-once from one gated stream and accounts for every record', { timeout: 300_000 }, async () => {
    expect(topology.delivery).toBe('exactly-once');
    expect(topology.stages.map((s) => `${s.id}:${s.kind}`)).toEqual(['clean:clean', 'gate:gate', 'train-small:train', 'train-wide:train']);
    expect(stageOf('gate').input).toBe(stageOf('clean').output);

    const producer = new IngestProducer({ kafka, topic: topology.ingest });
    await producer.connect();
    const { produced } = await producer.send([...generateReviews({ count: REVIEWS, seed: 17 })]);
    await producer.close();
    expect(produced).toBeGreaterThan(REVIEWS * 0.9);

    const published: ModelVersion[] = [];
    const pipeline = new Pipeline({ kafka, topology, instance: 'two-models', onModelPublished: (m) => published.push(m) });
    await pipeline.start();
    try {
      const session = (id: string) => pipeline.progress().stages.find((s) => s.stage === id)!.session;
      await waitForStages(pipeline, { clean: () => produced, gate: () => session('clean').out, 'train-small': () => session('gate').out, 'train-wide': () => session('gate').out }, 180_000);
      // a candidate is formed after each trained chunk; wait for both models' first one
      const deadline = Date.now() + 60_000;
      const names = () => new Set(published.map((m) => m.model));
      while (!(names().has('sentiment-small') && names().has('sentiment-wide')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    } finally {
      await pipeline.stop();
    }

    // each model published under its own name with its own hyper-parameters
    const { versions } = await readModelHistory(kafka, stageOf('train-small').output);
    const expected = {
      'sentiment-small': { buckets: 262_144, ngrams: 1, compression: 'float16' },
      'sentiment-wide': { buckets: 2_097_152, ngrams: 2, compression: 'int8' },
    } as const;
    for (const [model, want] of Object.entries(expected)) {
      const mine = versions.filter((v) => v.model === model);
      expect(mine.length, model).toBeGreaterThanOrEqual(1);
      for (const v of mine) {
        expect(v.verified, `${model} v${v.version}`).toBe(true);
        expect(v.hashing, model).toEqual({ buckets: want.buckets, ngrams: want.ngrams, seed: 42 });
        expect(v.weights.encoding, model).toBe(want.compression);
        const config = JSON.parse(v.configJson) as Record<string, unknown>;
        expect(config, model).toMatchObject({ model, buckets: want.buckets, ngrams: want.ngrams });
      }
      expect(mine.map((v) => v.version), model).toEqual(mine.map((_, i) => i + 1));
    }

    // exactly-once: the committed accepted topic holds each record once
    const ids = new Map<string, number>();
    let augmented = 0;
    await kafka.readToEnd({ topic: stageOf('gate').output, readCommitted: true }, (m) => {
      const review = decode('review', m.value!);
      if (review.augmented) augmented++;
      ids.set(review.id, (ids.get(review.id) ?? 0) + 1);
    });
    const repeated = [...ids].filter(([, n]) => n > 1);
    expect(repeated).toEqual([]);
    expect(augmented).toBe(0);

    // accounting holds per stage, and each stage read exactly what the one before emitted
    const { stages } = await collectStatus(kafka, topology);
    const status = (id: string) => stages.find((s) => s.stage === id)!;
    for (const s of stages) {
      expect(s.identityHolds, s.stage).toBe(true);
      expect(s.in, s.stage).toBe(s.out + s.quarantined + s.deadLettered + s.duplicates);
    }
    expect(status('clean').in).toBe(produced);
    expect(status('clean').duplicates).toBeGreaterThan(0); // the generator mixes in exact duplicates
    expect(status('gate').in).toBe(status('clean').out);
    expect(status('gate').quarantined).toBeGreaterThan(0);
    expect(ids.size).toBe(status('gate').out);
    for (const id of ['train-small', 'train-wide']) expect(status(id).in, id).toBe(status('gate').out);
    // Caught up. Readers of a transactional topic commit the offset after the last record,
    // where that transaction's commit marker sits, so up to one marker per partition shows as lag.
    expect(status('clean').lag).toBe(0);
    for (const id of ['gate', 'train-small', 'train-wide']) expect(status(id).lag, id).toBeLessThanOrEqual(topology.topics[stageOf(id).input]!.partitions);
  });
});
