/**
 * Scaling out the clean stage: N generated raw reviews are produced once to a fresh
 * 4-partition topic, then `reviewflow run --stages clean --instances K` (the real CLI, K
 * worker processes in one consumer group) cleans them, for K = 1 and K = 2, each pass
 * with its own group and output topics. A pass is timed from spawning the CLI to the
 * group's committed offsets reaching the end of the input (lag 0), so process start,
 * state restore and the group join are inside the figure; the steady figure leaves them
 * out: records still to do when all K members had joined, over the time from then.
 *
 *   npm run build && KAFKA_BROKERS=host:port node dist/bench/scaling.js [--records N] [--out FILE]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { builtinKinds } from '../src/runtime/kinds.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { collectStatus } from '../src/runtime/status.js';
import { buildReview, resolveMix } from '../src/generate/index.js';
import { DEFAULT_INGEST_LIMITS, IngestProducer, validateReview } from '../src/ingest/index.js';
import { KafkaPort } from '../src/kafka/index.js';
import { loadTopology, topicSpecs, type Topology } from '../src/topology/index.js';
import { packageRoot } from '../src/util/paths.js';

export interface ScalingPass {
  instances: number;
  records: number;
  /** Spawn → every record committed. */
  seconds: number;
  recordsPerSec: number;
  /** Spawn → all K workers are members of the group. */
  joinSeconds: number;
  /** Spawn → the first input records committed. */
  firstRecordSeconds: number;
  /** Records already committed when the last worker joined. */
  doneAtJoin: number;
  /** (records − doneAtJoin) / (seconds − joinSeconds): the rate once every worker is in. */
  steadyRecordsPerSec: number;
  /** From `status` after the pass: the accounting terms of the clean stage. */
  status: { in: number; out: number; duplicates: number; deadLettered: number; identityHolds: boolean };
}

export interface ScalingResult {
  records: number;
  partitions: number;
  cpus: number;
  produceSeconds: number;
  passes: ScalingPass[];
  /** 2-instance records/s ÷ 1-instance records/s (whole pass, and steady). */
  speedup: number;
  steadySpeedup: number;
}

const PARTITIONS = 4;
const POLL_MS = 50;
const PASS_TIMEOUT_MS = 600_000;

/** A one-stage topology (clean only) reading the shared raw topic, with its own group and outputs. */
function cleanOnlyTopology(o: { raw: string; prefix: string; dir: string }): Topology {
  const file = join(o.dir, `${o.prefix}topology.yaml`);
  const raw = {
    name: 'bench-scaling',
    delivery: 'at-least-once',
    ingest: o.raw,
    topics: {
      [o.raw]: { partitions: PARTITIONS, replication: 1 },
      [`${o.prefix}clean`]: { partitions: PARTITIONS, replication: 1 },
      [`${o.prefix}dlq`]: { partitions: 1, replication: 1 },
    },
    stages: [{ id: 'clean', kind: 'clean', input: o.raw, output: `${o.prefix}clean`, deadLetter: `${o.prefix}dlq`, group: `${o.prefix}clean` }],
  };
  writeFileSync(file, stringify(raw));
  return loadTopology(file, { kinds: builtinKinds.forValidation() });
}

/** Exactly `count` valid generated reviews (the deliberately invalid ones skipped, as `produce` would). */
async function produceReviews(kafka: KafkaPort, topic: string, count: number): Promise<number> {
  const producer = new IngestProducer({ kafka, topic, batchSize: 5_000, source: 'bench' });
  await producer.connect();
  const mix = resolveMix();
  const now = Date.now();
  let produced = 0;
  for (let index = 0; produced < count; index++) {
    const checked = validateReview(buildReview({ seed: 7, index, mix }), { line: index + 1, limits: DEFAULT_INGEST_LIMITS, now, defaultSource: 'bench' });
    if (!checked.ok) continue;
    await producer.add(checked.record);
    produced++;
  }
  await producer.close();
  return produced;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function pass(o: { kafka: KafkaPort; brokers: string; topology: Topology; instances: number; records: number }): Promise<ScalingPass> {
  const stage = o.topology.stages[0]!;
  const group = stage.group;
  const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
  const args = [cli, 'run', '--topology', o.topology.file, '--stages', 'clean', '--instances', String(o.instances)];
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, KAFKA_BROKERS: o.brokers, REVIEWFLOW_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4_000)));
  const timeline = { joinSeconds: -1, doneAtJoin: 0, firstRecordSeconds: -1, seconds: -1 };
  try {
    // one admin connection for the whole pass: a connect per poll would cost ~0.2 s each
    await o.kafka.withAdmin(async (admin) => {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`bench: run --instances ${o.instances} exited ${child.exitCode}: ${stderr}`);
        if (performance.now() - started > PASS_TIMEOUT_MS) throw new Error(`bench: ${o.instances} instance(s) did not finish within ${PASS_TIMEOUT_MS / 1000} s`);
        const members = timeline.joinSeconds < 0 ? await admin.groupMembers(group) : o.instances;
        const lag = await admin.groupLag(group, stage.input);
        const now = (performance.now() - started) / 1000;
        const done = o.records - lag.total;
        if (timeline.joinSeconds < 0 && members === o.instances) Object.assign(timeline, { joinSeconds: now, doneAtJoin: done });
        if (timeline.firstRecordSeconds < 0 && done > 0) timeline.firstRecordSeconds = now;
        if (lag.total === 0 && lag.partitions.every((p) => p.committed >= 0)) {
          timeline.seconds = now;
          return;
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    });
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
  const { seconds, doneAtJoin, firstRecordSeconds } = timeline;
  const joinSeconds = timeline.joinSeconds < 0 ? seconds : timeline.joinSeconds; // done before the last member was seen
  const status = (await collectStatus(o.kafka, o.topology)).stages[0]!;
  if (status.in !== o.records) throw new Error(`bench: clean counted ${status.in} records in, expected ${o.records}`);
  return {
    instances: o.instances,
    records: o.records,
    seconds,
    recordsPerSec: o.records / seconds,
    joinSeconds,
    doneAtJoin,
    firstRecordSeconds,
    steadyRecordsPerSec: seconds > joinSeconds ? (o.records - doneAtJoin) / (seconds - joinSeconds) : Number.NaN,
    status: { in: status.in, out: status.out, duplicates: status.duplicates, deadLettered: status.deadLettered, identityHolds: status.identityHolds },
  };
}

function printTable(r: ScalingResult): void {
  const rows = r.passes.map((p) => [
    String(p.instances),
    p.seconds.toFixed(2),
    Math.round(p.recordsPerSec).toLocaleString('en-US'),
    p.joinSeconds.toFixed(2),
    p.firstRecordSeconds.toFixed(2),
    p.doneAtJoin.toLocaleString('en-US'),
    Number.isNaN(p.steadyRecordsPerSec) ? '–' : Math.round(p.steadyRecordsPerSec).toLocaleString('en-US'),
  ]);
  const head = ['instances', 'seconds', 'records/s', 'join s', 'first commit s', 'done at join', 'steady records/s'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(`clean stage, ${r.records.toLocaleString('en-US')} records over ${r.partitions} partitions, ${r.cpus} CPUs`);
  console.log(line(head));
  for (const row of rows) console.log(line(row));
  console.log(`speedup 2 vs 1: ${r.speedup.toFixed(2)}× whole pass, ${r.steadySpeedup.toFixed(2)}× steady`);
}

export async function benchScaling(options: { brokers: string; records?: number }): Promise<ScalingResult> {
  const records = options.records ?? 50_000;
  const kafka = new KafkaPort({ brokers: options.brokers.split(','), clientId: 'reviewflow-bench-scaling', connectionTimeoutMs: 3_000, requestTimeoutMs: 30_000 });
  const dir = mkdtempSync(join(tmpdir(), 'reviewflow-scaling-'));
  const run = `bench-scaling-${Date.now().toString(36)}.`;
  const raw = `${run}raw`;
  const topologies = [1, 2].map((k) => cleanOnlyTopology({ raw, prefix: `${run}k${k}.`, dir }));
  const specs = [...new Map(topologies.flatMap((t) => topicSpecs(t)).map((s) => [s.name, s])).values()];
  await kafka.withAdmin((a) => a.ensureTopics(specs));
  try {
    const produceStarted = performance.now();
    const produced = await produceReviews(kafka, raw, records);
    const produceSeconds = (performance.now() - produceStarted) / 1000;
    const passes: ScalingPass[] = [];
    for (const [i, topology] of topologies.entries()) passes.push(await pass({ kafka, brokers: options.brokers, topology, instances: i + 1, records: produced }));
    const [one, two] = passes as [ScalingPass, ScalingPass];
    const result: ScalingResult = {
      records: produced,
      partitions: PARTITIONS,
      cpus: cpus().length,
      produceSeconds,
      passes,
      speedup: two.recordsPerSec / one.recordsPerSec,
      steadySpeedup: two.steadyRecordsPerSec / one.steadyRecordsPerSec,
    };
    printTable(result);
    return result;
  } finally {
    await kafka.withAdmin(async (a) => {
      await a.deleteTopics(specs.map((s) => s.name));
      await a.deleteGroups(topologies.map((t) => t.stages[0]!.group));
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `node dist/bench/scaling.js [--records N] [--out FILE]` with KAFKA_BROKERS set. */
async function main(argv: string[]): Promise<void> {
  const brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) throw new Error('set KAFKA_BROKERS=host:port (for example the address `npx reviewflow broker start` prints)');
  const at = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const records = at('--records');
  const result = await benchScaling({ brokers, ...(records ? { records: Number(records) } : {}) });
  const out = at('--out');
  if (out) writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
