import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelAssembler, publishedBytes, toUpdateRecord, type AssembleResult } from '../../src/models/index.js';
import type { ModelVersion } from '../../src/records/types.js';
import { readModelHistory } from '../../src/subscription/history.js';
import { subscribeModels, type ModelSubscription } from '../../src/subscription/subscribe.js';
import type { Topology } from '../../src/topology/index.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { publishVersions } from '../helpers/publish-versions.js';

/**
 * Delta versions on a real broker (issue #15): a subscriber that starts after 20 versions
 * loads the same weights as one that followed every version, and the trainer's retention
 * never tombstones a snapshot or delta that a kept version is built on.
 */
const kafka = testKafka();
let topology: Topology;
const PROBES = ['item felt lovely and superb overall', 'item felt awful and dull overall', 'item 7 felt fine and poor overall', 'overall broken'];

beforeAll(async () => {
  // acceptMargin 1: every candidate is published (this test is about versions, not the gate);
  // 800 examples a version: two batches of 500 records, less their holdout share, make one,
  // so the 1,250 records publishVersions sends per version are enough and it never waits out its deadline
  topology = await testTopology(kafka, 'deltas', 'topologies/sentiment.yaml', (t) => ({
    ...t,
    stages: t.stages.map((s) => (s.id === 'train' ? { ...s, batchSize: 500, options: { ...s.options, buckets: 65_536, publishEveryExamples: 800, publishEveryMs: 600_000, acceptMargin: 1, snapshotEvery: 8, keepVersions: 3 } } : s)),
  }));
}, 60_000);
afterAll(async () => dropTopology(kafka, topology));

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

/** Scores of the probes under each version a subscription installed, as it installed it. */
function recordScores(): { scores: Map<number, number[]>; installed: number[]; attach(s: ModelSubscription): void; onModel(m: ModelVersion): void } {
  const scores = new Map<number, number[]>();
  const installed: number[] = [];
  let subscription: ModelSubscription | undefined;
  return {
    scores,
    installed,
    attach: (s) => (subscription = s),
    onModel: (m) => {
      installed.push(m.version);
      // onModel runs right after the swap, so predict uses the version just installed
      if (subscription) scores.set(m.version, subscription.predict(PROBES).predictions.map((p) => p.score));
    },
  };
}

describe('delta model versions on a real broker', () => {
  it('a subscriber that starts after 20 versions loads the same weights as one that followed every version', async () => {
    const train = topology.stages.find((s) => s.kind === 'train')!;
    const early = recordScores();
    const follower = await subscribeModels({ kafka, topic: train.output, model: 'sentiment' }, (m) => early.onModel(m));
    early.attach(follower);
    // two trainers in turn: the second resumes from the newest version it reads back from
    // the topic, a delta (snapshots are v1, v9 and v17), and goes on publishing deltas on it
    const newestOnTopic = async (): Promise<number> => Math.max(0, ...(await readModelHistory(kafka, train.output, 'sentiment')).versions.map((v) => v.version));
    await publishVersions({ kafka, topology, versions: 11, from: 0, tag: 'deltas' });
    const resumedFrom = await newestOnTopic();
    for (let from = 20_000; (await newestOnTopic()) < 21; from += 20_000) {
      expect(from).toBeLessThan(100_000);
      await publishVersions({ kafka, topology, versions: 21 - (await newestOnTopic()), from, tag: 'deltas' });
    }
    const { versions, index } = await readModelHistory(kafka, train.output, 'sentiment');
    const newest = Math.max(...versions.map((v) => v.version));
    expect(newest).toBeGreaterThanOrEqual(21);
    await until(() => early.installed.at(-1) === newest, `the early subscriber reached v${newest}`);

    // the early subscriber followed every version, the deltas included, one after the other
    expect(early.installed).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
    expect(versions.find((v) => v.version === resumedFrom)?.weights.delta).not.toBeNull();
    expect(versions.find((v) => v.version === resumedFrom + 1)?.weights.delta?.base).toBe(resumedFrom);
    const deltas = versions.filter((v) => v.weights.delta);
    expect(deltas.length).toBeGreaterThanOrEqual(15);
    for (const v of deltas) expect(v.weights.delta!.bytes).toBeLessThan(v.weights.bytes);

    // late subscribers: following the newest, and pinned to the newest delta still retained
    const pinned = Math.max(...deltas.filter((v) => !index.isDropped('sentiment', v.version)).map((v) => v.version));
    for (const follow of ['latest', pinned] as const) {
      const late = recordScores();
      const subscription = await subscribeModels({ kafka, topic: train.output, model: 'sentiment', follow }, (m) => late.onModel(m));
      late.attach(subscription);
      try {
        const target = follow === 'latest' ? newest : pinned;
        await until(() => late.installed.at(-1) === target, `a late subscriber following ${follow} loaded v${target}`);
        expect(late.scores.get(target)).toEqual(early.scores.get(target));
        expect(subscription.predict(PROBES).predictions.map((p) => p.score)).toEqual(early.scores.get(target));
      } finally {
        await subscription.close();
      }
    }
    await follower.close();
  }, 240_000);

  it('after compaction every version left on the topic still loads: retention kept each one\'s snapshot and deltas', async () => {
    const train = topology.stages.find((s) => s.kind === 'train')!;
    // what compaction leaves: the newest value per key, and no key whose newest value is a tombstone
    const newestByKey = new Map<string, Buffer | null>();
    await kafka.readToEnd({ topic: train.output }, (m) => {
      const key = m.key!.toString('utf8');
      newestByKey.delete(key); // re-inserted at the end: the log order of the surviving record
      newestByKey.set(key, m.value);
    });
    const assembler = new ModelAssembler({ model: 'sentiment' });
    const results: AssembleResult[] = [];
    let published = 0;
    for (const value of newestByKey.values()) {
      const record = value === null ? undefined : toUpdateRecord(value);
      if (!record || record.kind === 'label') continue;
      if (record.kind === 'manifest') published += publishedBytes(record.value);
      results.push(assembler.add(record));
    }
    const { index } = await readModelHistory(kafka, train.output, 'sentiment');
    const retained = index.retained('sentiment');
    expect(results.filter((r) => r.kind === 'ignored')).toEqual([]);
    expect(results.flatMap((r) => (r.kind === 'loaded' ? [r.model.manifest.version] : []))).toEqual(retained);
    // keepVersions 3, a snapshot every 8: the 3 newest and the chain they are built on, never more than 3 + 8 - 1
    expect(retained.length).toBeGreaterThanOrEqual(3);
    expect(retained.length).toBeLessThanOrEqual(10);
    expect(index.snapshotOf('sentiment', retained[0]!)).toBeUndefined();
    expect(published).toBeGreaterThan(0);
  }, 60_000);
});
