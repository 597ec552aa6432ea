import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectStatus } from '../../src/runtime/status.js';
import { generateReviews } from '../../src/generate/index.js';
import { IngestProducer } from '../../src/ingest/index.js';
import { decode } from '../../src/records/index.js';
import type { RawReview } from '../../src/records/types.js';
import type { CleanOptions } from '../../src/stages/clean.js';
import { cleanText } from '../../src/text/normalize-text.js';
import type { Topology } from '../../src/topology/index.js';
import { spawnCli, writeTopologyFile, type CliProcess } from '../helpers/cli.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { topicCount } from '../helpers/pipeline.js';
import { pidAlive } from '../helpers/process.js';

/**
 * `run --stages clean --instances 2` as a user starts it: two worker processes share the
 * clean stage's consumer group; SIGKILL one and the other takes its partitions over
 * (after the broker's session timeout) and nothing is lost; the supervisor starts it
 * again and it rejoins; SIGTERM drains and exits 0. Workers that keep crashing are given up on.
 */
const kafka = testKafka();
let topology: Topology;
let supervisor: Supervised | undefined;
let workerPids: number[] = [];

beforeAll(async () => {
  topology = await testTopology(kafka, 'scale-out');
});
afterAll(async () => {
  // a failed test still leaves no process behind: SIGTERM drains, SIGKILL after 15 s
  const child = supervisor?.child;
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    if ((await Promise.race([supervisor!.exited.then(() => 'exited'), sleep(15_000)])) !== 'exited') child.kill('SIGKILL');
  }
  for (const pid of workerPids) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  await dropTopology(kafka, topology);
});

type Supervised = CliProcess;

function startSupervisor(topologyFile: string, o: { brokers?: string; extra?: string[] } = {}): Supervised {
  return spawnCli(['run', '--topology', topologyFile, '--stages', 'clean', '--instances', '2', ...(o.extra ?? [])], o.brokers ? { brokers: o.brokers } : {});
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

async function produce(seed: number, count: number): Promise<number> {
  const producer = new IngestProducer({ kafka, topic: topology.ingest });
  await producer.connect();
  const { produced } = await producer.send([...generateReviews({ count, seed })]);
  await producer.close();
  return produced;
}

describe('clean stage scaled out to two worker processes', () => {
  it('run --instances 2 spreads partitions over both workers, restarts a SIGKILLed worker, which gets partitions back, loses nothing and exits 0 on SIGTERM', { timeout: 240_000 }, async () => {
    const clean = topology.stages.find((s) => s.id === 'clean')!;
    const group = clean.group;
    const lag = () => kafka.withAdmin((a) => a.groupLag(group, clean.input));
    const run = startSupervisor(writeTopologyFile(topology));
    supervisor = run;

    const pids = await until('the supervisor to start its workers', () => {
      const match = /started 2 workers: (\d+), (\d+)/.exec(run.stderr());
      return match ? [Number(match[1]), Number(match[2])] : undefined;
    }, 30_000);
    workerPids = pids;
    expect(new Set(pids).size).toBe(2);
    // both processes joined one group over 3 partitions, so each owns at least one
    await until('both workers to join the group', async () => ((await kafka.withAdmin((a) => a.groupMembers(group))) === 2 ? true : undefined), 60_000);

    let produced = await produce(31, 4_000);
    await until('the first records to be cleaned', async () => ((await lag()).total === 0 && (await topicCount(kafka, clean.output)) > 0 ? true : undefined), 60_000);
    const outBeforeKill = await topicCount(kafka, clean.output);

    // kill one worker mid-stream, then produce more so every partition has new records
    const streaming = produce(32, 12_000);
    await until('the second wave to be under way', async () => ((await topicCount(kafka, clean.output)) > outBeforeKill + 500 ? true : undefined), 60_000);
    process.kill(pids[0]!, 'SIGKILL');
    produced += await streaming;
    produced += await produce(33, 4_000);

    // the supervisor starts worker 0 again; once the killed member's session expired, the
    // new one and the survivor share every partition and catch up
    const restarted = await until('the supervisor to restart worker 0', () => {
      const match = /worker 0 restarted \(pid (\d+)\)/.exec(run.stderr());
      return match ? Number(match[1]) : undefined;
    }, 60_000);
    workerPids.push(restarted);
    expect(run.stderr()).toMatch(new RegExp(`worker 0 \\(pid ${pids[0]}\\) exited SIGKILL; restarting in 1 s`));
    await until('the restarted worker and the survivor to share every partition', async () => {
      const members = await kafka.withAdmin((a) => a.groupMembers(group));
      return members === 2 && (await lag()).total === 0 ? true : undefined;
    }, 120_000);
    expect(pidAlive(restarted)).toBe(true);

    // accounting: every stage term adds up, and the output topic holds exactly `out` records
    const { stages } = await collectStatus(kafka, topology);
    const status = stages.find((s) => s.stage === 'clean')!;
    expect(status.identityHolds).toBe(true);
    expect(status.in).toBe(status.out + status.quarantined + status.deadLettered + status.duplicates);
    // at-least-once: records processed but not committed before the kill are read again
    if (status.in < produced) console.log(run.stderr().split('\n').filter((l) => /assigned|restor|moved/.test(l)).join('\n'));
    expect(status.in).toBeGreaterThanOrEqual(produced);
    expect(status.lag).toBe(0);
    expect(await topicCount(kafka, clean.output)).toBe(status.out);

    // no loss: every input id reached the output, or its cleaned text did (a counted duplicate)
    const outIds = new Set<string>();
    const outTexts = new Set<string>();
    await kafka.readToEnd({ topic: clean.output }, (m) => {
      const review = decode('review', m.value!);
      outIds.add(review.id);
      outTexts.add(review.text);
    });
    const inputs: RawReview[] = [];
    await kafka.readToEnd({ topic: clean.input }, (m) => void inputs.push(decode('review-raw', m.value!)));
    expect(inputs.length).toBe(produced);
    const missing = inputs.filter((r) => !outIds.has(r.id));
    const lost = missing.filter((r) => !outTexts.has(cleanText(r.text, clean.options as CleanOptions).text));
    expect(lost.map((r) => r.id)).toEqual([]);
    expect(missing.length).toBeLessThanOrEqual(status.duplicates);
    expect(missing.length).toBeGreaterThan(0); // the generator mixes in exact duplicates

    // SIGTERM: the supervisor forwards it, the survivor drains, everything exits 0
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const summary = run.stdout().trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(summary.at(-1)).toMatchObject({ stopped: true, signal: 'SIGTERM', workers: 2, restarts: 1, gaveUp: [] });
    const survivor = summary.find((s) => Array.isArray(s.stages));
    expect(survivor).toMatchObject({ stopped: true, signal: 'SIGTERM' });
  });
  it('run --instances 2 gives up on workers that keep crashing (no broker answers) after --max-restarts, and exits 1 saying so', { timeout: 240_000 }, async () => {
    const run = startSupervisor(writeTopologyFile(topology), { brokers: '127.0.0.1:9', extra: ['--max-restarts', '1'] });
    supervisor = run;
    expect(await run.exited).toBe(1);
    const stderr = run.stderr();
    for (const worker of [0, 1]) {
      expect(stderr).toMatch(new RegExp(`worker ${worker} \\(pid \\d+\\) exited with code 1; restarting in 1 s \\(restart 1 of at most 1 in a row\\)`));
      expect(stderr).toMatch(new RegExp(`worker ${worker} \\(pid \\d+\\) exited with code 1 and keeps crashing: gave up after 1 restarts`));
    }
    const summary = run.stdout().trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(summary.at(-1)).toMatchObject({ stopped: true, signal: null, workers: 2, restarts: 2 });
    expect((summary.at(-1)!.gaveUp as number[]).sort()).toEqual([0, 1]);
  });
});
