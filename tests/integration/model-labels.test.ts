import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '../../src/topology/index.js';
import { runCli, writeTopologyFile } from '../helpers/cli.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { publishVersions } from '../helpers/publish-versions.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

/**
 * Labels and rollback across processes: the CLI moves `stable`, a running `serve --follow
 * stable` swaps to it under load, fresh processes find it on the topic, and the trainer's
 * retention (keepVersions 2) keeps labelled versions and drops the others. A snapshot every
 * 2 versions: `stable` is a delta version, so it loads from its snapshot and stays loadable
 * with it, and a rollback goes back to a delta version.
 */
const kafka = testKafka();
let topology: Topology;
let file = '';
let serve: ServeProcess | undefined;
let stable = 0;

const publish = (versions: number, from: number): Promise<void> => publishVersions({ kafka, topology, versions, from, tag: 'labels' });
const cli = (...args: string[]) => runCli([...args, '--topology', file]);
const predictVersion = async (): Promise<number> => {
  const res = await fetch(`${serve!.base}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts: ['item felt lovely overall'] }) });
  if (res.status !== 200) return -res.status;
  return ((await res.json()) as { version: number }).version;
};
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}
type Listed = { version: number; retained: boolean; labels: string[]; weights: { delta: { snapshot: number } | null }; published: { as: string; bytes: number } };
/** A version and every version from the snapshot its deltas start at: what must stay on the topic for it to load. */
const chainOf = (versions: Listed[], version: number): number[] => {
  const from = versions.find((v) => v.version === version)!.weights.delta?.snapshot ?? version;
  return versions.filter((v) => v.version >= from && v.version <= version).map((v) => v.version);
};
const listVersions = async (): Promise<{ versions: Listed[]; labels: Record<string, Record<string, number>> }> => {
  const run = await cli('models', 'list');
  expect(run.code, run.stderr).toBe(0);
  const summary = run.json.at(-1) as { labels: Record<string, Record<string, number>> };
  return { versions: run.json.slice(0, -1) as unknown as Listed[], labels: summary.labels };
};

beforeAll(async () => {
  topology = await testTopology(kafka, 'labels', 'topologies/sentiment.yaml', (t) => ({
    ...t,
    stages: t.stages.map((s) => (s.id === 'train' ? { ...s, batchSize: 500, options: { ...s.options, buckets: 65_536, publishEveryExamples: 1_000, publishEveryMs: 600_000, keepVersions: 2, snapshotEvery: 2 } } : s)),
  }));
  file = writeTopologyFile(topology);
  await publish(2, 0);
}, 150_000);

afterAll(async () => {
  await serve?.kill();
  await dropTopology(kafka, topology);
});

describe('model labels', () => {
  it('models label points stable at a version, and serve --follow stable answers with it', async () => {
    const { versions } = await listVersions();
    expect(versions.length).toBeGreaterThanOrEqual(2);
    // the first delta version: a reader rebuilds it on its snapshot
    const delta = versions.find((v) => v.published.as === 'delta');
    expect(delta?.published.bytes).toBeLessThan(versions[0]!.published.bytes);
    stable = delta!.version;
    const label = await cli('models', 'label', '--version', String(stable), '--label', 'stable', '--reason', 'first good one', '--by', 'test');
    expect(label.code, label.stderr).toBe(0);
    expect(label.json.at(-1)).toMatchObject({ model: 'sentiment', label: 'stable', version: stable, previous: null, action: 'label', by: 'test', reason: 'first good one' });

    serve = await startServe(['--topology', file, '--follow', 'stable']);
    await until(async () => (await fetch(`${serve!.base}/readyz`)).status === 200, 'serve is ready');
    expect(await predictVersion()).toBe(stable);
  }, 90_000);

  it('serve stays on stable while newer versions arrive; the trainer keeps the labelled version past keepVersions and drops an unlabelled one', async () => {
    await publish(4, 2_500);
    const { versions, labels } = await listVersions();
    const newest = versions.map((v) => v.version).sort((a, b) => b - a);
    expect(newest[0]).toBeGreaterThan(stable + 2);
    await sleep(1_000);
    expect(await predictVersion()).toBe(stable);
    expect(labels).toEqual({ sentiment: { stable } });
    expect(versions.find((v) => v.version === stable)).toMatchObject({ retained: true, labels: ['stable'] });
    // keepVersions 2: the two newest and the labelled one stay, with the snapshots and deltas
    // they are built on; every other version was tombstoned
    const retained = versions.filter((v) => v.retained).map((v) => v.version).sort((a, b) => a - b);
    const needed = new Set([stable, newest[1]!, newest[0]!].flatMap((v) => chainOf(versions, v)));
    expect(retained).toEqual([...needed].sort((a, b) => a - b));
    expect(retained.length).toBeLessThan(versions.length);
  }, 150_000);

  it('a label move and a rollback swap a running serve under load with no failed request; a fresh process follows the label', async () => {
    const { versions } = await listVersions();
    const newest = Math.max(...versions.map((v) => v.version));
    const seen: number[] = [];
    let failed = 0;
    let loading = true;
    const load = (async () => {
      while (loading) {
        const version = await predictVersion();
        if (version < 0) failed++;
        else if (seen.at(-1) !== version) seen.push(version);
      }
    })();
    const moved = await cli('models', 'label', '--version', String(newest), '--label', 'stable');
    expect(moved.code, moved.stderr).toBe(0);
    await until(async () => seen.at(-1) === newest, `serve moved to v${newest}`);
    const rollback = await cli('models', 'rollback', '--reason', 'worse on live traffic');
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.json.at(-1)).toMatchObject({ label: 'stable', version: stable, previous: newest, action: 'rollback', reason: 'worse on live traffic' });
    await until(async () => seen.at(-1) === stable, `serve rolled back to v${stable}`);
    loading = false;
    await load;
    expect(failed).toBe(0);
    expect(seen).toEqual([stable, newest, stable]);

    // every process restarted: the label and the version are on the topic
    const fresh = await cli('predict', '--follow', 'stable', '--text', 'item felt lovely overall');
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.json.at(-1)).toMatchObject({ model: 'sentiment', version: stable, label: 1 });
    const second = await startServe(['--topology', file, '--follow', 'stable']);
    try {
      await until(async () => (await fetch(`${second.base}/readyz`)).status === 200, 'a second serve is ready');
      expect(((await (await fetch(`${second.base}/v1/models`)).json()) as { loaded: { version: number } }).loaded.version).toBe(stable);
    } finally {
      await second.kill();
    }
  }, 120_000);

  it('rollback to a version no longer retained fails with the retained versions named, and bad input gets a clear error', async () => {
    const { versions } = await listVersions();
    const gone = versions.find((v) => !v.retained)!;
    const retained = versions.filter((v) => v.retained).map((v) => v.version);
    const run = await cli('models', 'rollback', '--to', String(gone.version));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`version ${gone.version} of sentiment is not retained on the model topic (retained versions: ${retained.join(', ')})`);
    expect(run.stderr).toContain('keepVersions');
    expect(run.stderr).not.toMatch(/\n\s+at /);

    for (const args of [
      ['models', 'label', '--version', '1', '--label', 'latest'],
      ['models', 'rollback', '--label', 'never-set'],
      ['predict', '--follow', 'canary', '--text', 'fine'],
      ['serve', '--follow', 'v2', '--port', '0'],
    ]) {
      const bad = await cli(...args);
      expect(bad.code, args.join(' ')).not.toBe(0);
      expect(bad.stderr, args.join(' ')).toMatch(/hint:/);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    }
  }, 90_000);
});
