/**
 * Soak: N generated reviews through the whole default topology, one `reviewflow run`
 * process per stage (clean, augment, gate, train), as a deployment runs it. Every 5 s it
 * samples each process's RSS (from /proc) and each stage's consumer lag; it ends when
 * everything was produced and every stage's lag is 0 (or at the time limit, reported as
 * such). It reports the RSS curve after warm-up, whether lag returned to zero and each
 * stage's accounting identity, and writes bench/soak-results.json.
 *
 *   npm run build && KAFKA_BROKERS=host:port node dist/bench/soak.js --records 1000000 [--max-minutes 20]
 *
 * Not a test: a million records take longer than CI allows. --keep-topics keeps the
 * soak's (namespaced) topics for inspection; they are deleted by default.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { builtinKinds } from '../src/runtime/kinds.js';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { collectStatus, type StageStatus } from '../src/runtime/status.js';
import { generateReviews } from '../src/generate/index.js';
import { IngestProducer } from '../src/ingest/index.js';
import { KafkaPort } from '../src/kafka/index.js';
import { loadTopology, namespaced, topicSpecs, type Topology } from '../src/topology/index.js';
import { packageRoot } from '../src/util/paths.js';

export interface SoakOptions {
  brokers: string;
  records: number;
  /** Stop waiting for lag 0 after this long (the result then says `finished: false`). */
  maxMinutes?: number;
  sampleMs?: number;
  /** Share of the run treated as warm-up when judging the RSS curve. */
  warmupFraction?: number;
  seed?: number;
  /** Keep the soak's topics after the run (to inspect them); dropped by default. */
  keepTopics?: boolean;
}

export interface SoakSample {
  t: number;
  produced: number;
  rssMb: Record<string, number>;
  lag: Record<string, number>;
}

export interface SoakResult {
  records: number;
  produced: number;
  finished: boolean;
  seconds: number;
  recordsPerSec: number;
  /** Per process: RSS at the end of warm-up, peak after it, and at the end (MB). */
  rss: Record<string, { warmEnd: number; peakAfterWarmup: number; end: number; growthAfterWarmupMb: number }>;
  lagAtEnd: Record<string, number>;
  stages: Array<Pick<StageStatus, 'stage' | 'in' | 'out' | 'quarantined' | 'deadLettered' | 'duplicates' | 'generated' | 'lag' | 'identityHolds'>>;
  exitCodes: Record<string, number | null>;
  samples: SoakSample[];
}

const STAGES = ['clean', 'augment', 'gate', 'train'] as const;

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0; // the process is gone
    throw err;
  }
}

function startStage(stage: string, topologyFile: string, brokers: string): ChildProcess {
  const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
  return spawn(process.execPath, [cli, '--topology', topologyFile, 'run', '--stages', stage], {
    env: { ...process.env, KAFKA_BROKERS: brokers, REVIEWFLOW_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function stopChild(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

async function produceAll(kafka: KafkaPort, topology: Topology, options: { records: number; seed: number; onProgress: (n: number) => void }): Promise<number> {
  const producer = new IngestProducer({ kafka, topic: topology.ingest });
  await producer.connect();
  let produced = 0;
  let chunk: unknown[] = [];
  for (const review of generateReviews({ count: options.records, seed: options.seed })) {
    chunk.push(review);
    if (chunk.length === 5_000) {
      produced += (await producer.send(chunk)).produced;
      chunk = [];
      options.onProgress(produced);
    }
  }
  if (chunk.length > 0) produced += (await producer.send(chunk)).produced;
  options.onProgress(produced);
  await producer.close();
  return produced;
}

function summarizeRss(samples: SoakSample[], warmupFraction: number): SoakResult['rss'] {
  const out: SoakResult['rss'] = {};
  if (samples.length === 0) return out;
  const warmIndex = Math.min(samples.length - 1, Math.max(0, Math.floor(samples.length * warmupFraction)));
  for (const stage of STAGES) {
    const after = samples.slice(warmIndex).map((s) => s.rssMb[stage] ?? 0).filter((v) => v > 0);
    const warmEnd = samples[warmIndex]!.rssMb[stage] ?? 0;
    const peakAfterWarmup = after.reduce((m, v) => Math.max(m, v), 0);
    out[stage] = { warmEnd, peakAfterWarmup, end: after.at(-1) ?? 0, growthAfterWarmupMb: peakAfterWarmup - warmEnd };
  }
  return out;
}

/** Runs the soak and returns its figures; the caller writes them where it wants. */
export async function soak(options: SoakOptions): Promise<SoakResult> {
  const sampleMs = options.sampleMs ?? 5_000;
  const maxMs = (options.maxMinutes ?? 20) * 60_000;
  const kafka = new KafkaPort({ brokers: options.brokers.split(','), clientId: 'reviewflow-soak', connectionTimeoutMs: 3_000, requestTimeoutMs: 30_000 });
  const topology = namespaced(loadTopology(join(packageRoot(), 'topologies', 'sentiment.yaml'), { kinds: builtinKinds.forValidation() }), `soak-${randomUUID().slice(0, 8)}.`);
  await kafka.withAdmin((a) => a.ensureTopics(topicSpecs(topology)));
  const topologyFile = join(mkdtempSync(join(tmpdir(), 'reviewflow-soak-')), 'topology.yaml');
  const { file: _file, ...rest } = topology;
  writeFileSync(topologyFile, stringify(JSON.parse(JSON.stringify(rest))));

  const children = new Map(STAGES.map((s) => [s, startStage(s, topologyFile, options.brokers)] as const));
  const began = Date.now();
  let produced = 0;
  let producing = true;
  const production = produceAll(kafka, topology, { records: options.records, seed: options.seed ?? 7, onProgress: (n) => (produced = n) }).finally(() => (producing = false));
  const samples: SoakSample[] = [];
  let finished = false;
  for (;;) {
    await sleep(sampleMs);
    const lag: Record<string, number> = {};
    for (const stage of topology.stages) lag[stage.id] = (await kafka.withAdmin((a) => a.groupLag(stage.group, stage.input))).total;
    const sample: SoakSample = { t: Math.round((Date.now() - began) / 1000), produced, rssMb: Object.fromEntries(STAGES.map((s) => [s, rssMb(children.get(s)!.pid)])), lag };
    samples.push(sample);
    console.error(`[soak] ${sample.t}s produced ${produced} rss ${JSON.stringify(sample.rssMb)} lag ${JSON.stringify(lag)}`);
    const dead = STAGES.filter((s) => children.get(s)!.exitCode !== null);
    if (dead.length > 0) throw new Error(`stage process(es) ${dead.join(', ')} exited during the soak`);
    if (!producing && Object.values(lag).every((l) => l === 0)) {
      finished = true;
      break;
    }
    if (Date.now() - began > maxMs) break;
  }
  await production;
  const seconds = (Date.now() - began) / 1000;
  const exitCodes: Record<string, number | null> = {};
  for (const [stage, child] of children) exitCodes[stage] = await stopChild(child);
  const { stages } = await collectStatus(kafka, topology);
  if (!options.keepTopics) await kafka.withAdmin((a) => a.deleteTopics(topicSpecs(topology).map((t) => t.name)));
  const last = samples.at(-1);
  return {
    records: options.records,
    produced,
    finished,
    seconds: Math.round(seconds),
    recordsPerSec: Math.round(produced / seconds),
    rss: summarizeRss(samples, options.warmupFraction ?? 0.2),
    lagAtEnd: last?.lag ?? {},
    stages: stages.map(({ stage, in: inCount, out, quarantined, deadLettered, duplicates, generated, lag, identityHolds }) => ({ stage, in: inCount, out, quarantined, deadLettered, duplicates, generated, lag, identityHolds })),
    exitCodes,
    samples,
  };
}

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const brokers = argument('--brokers') ?? process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('set KAFKA_BROKERS=host:port (or --brokers); `npx reviewflow broker start` starts a local one');
  const records = Number(argument('--records') ?? 1_000_000);
  const maxMinutes = Number(argument('--max-minutes') ?? 20);
  const result = await soak({ brokers, records, maxMinutes, keepTopics: process.argv.includes('--keep-topics') });
  const out = argument('--out') ?? join(packageRoot(), 'bench', 'soak-results.json');
  writeFileSync(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...result }, null, 2)}\n`);
  console.log('stage    | RSS warm-up end | peak after | end | growth (MB)');
  for (const [stage, r] of Object.entries(result.rss)) console.log(`${stage.padEnd(8)} | ${String(r.warmEnd).padStart(15)} | ${String(r.peakAfterWarmup).padStart(10)} | ${String(r.end).padStart(3)} | ${r.growthAfterWarmupMb}`);
  console.log(JSON.stringify({ records: result.records, produced: result.produced, finished: result.finished, seconds: result.seconds, recordsPerSec: result.recordsPerSec, lagAtEnd: result.lagAtEnd, identity: Object.fromEntries(result.stages.map((s) => [s.stage, s.identityHolds])), out }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
