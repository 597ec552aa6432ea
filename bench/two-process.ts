/**
 * The whole topology as two processes on this 2-core machine, in two layouts, against one
 * raw pass-through measured in the same run:
 *
 * - unfused: `run --stages clean,augment` and `run --stages gate,train`;
 * - fused: `run --stages clean,augment,gate` with the topology's `fuse: true` (one consumer,
 *   records passed in memory, reviews.clean / reviews.augmented left empty) and
 *   `run --stages train`.
 *
 * Each layout gets its own namespace and its own backlog of the same records (same seed);
 * the raw pass runs once, over the unfused layout's backlog, and is the baseline of both.
 * records/s = backlog ÷ (spawn → the trainer has read everything the gate accepted).
 *
 *   npm run build && KAFKA_BROKERS=... node dist/bench/two-process.js [--records N]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { builtinKinds } from '../src/runtime/kinds.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { generateReviews } from '../src/generate/index.js';
import { IngestProducer } from '../src/ingest/index.js';
import { KafkaPort } from '../src/kafka/index.js';
import { planChains } from '../src/runtime/fusion.js';
import { loadTopology, namespaced, topicSpecs, type Topology } from '../src/topology/index.js';
import { warmRawPassThrough } from './kafka-throughput.js';

interface Layout {
  /** `--stages` of each process. */
  processes: string[];
  fuse: boolean;
}

const UNFUSED: Layout = { processes: ['clean,augment', 'gate,train'], fuse: false };
const FUSED: Layout = { processes: ['clean,augment,gate', 'train'], fuse: true };
const STALL_MS = 120_000;

export interface TwoProcessResult {
  records: number;
  /** Raw pass-through over the unfused layout's backlog: the baseline of both layouts. */
  raw: number;
  twoProcess: number;
  ratio: number;
  fused: {
    recordsPerSec: number;
    ratio: number;
    /** fused ÷ unfused records/s. */
    speedup: number;
    /** Records on the topics between fused stages afterwards: 0 when fusion took effect. */
    intermediateRecords: number;
  };
}

async function produceBacklog(kafka: KafkaPort, topic: string, count: number): Promise<number> {
  const producer = new IngestProducer({ kafka, topic });
  await producer.connect();
  const { produced } = await producer.send([...generateReviews({ count, seed: 77 })]);
  await producer.close();
  return produced;
}

/** The (group, input topic) of every consumer the layout runs: one per chain, one per trainer. */
function consumersOf(topology: Topology, fuse: boolean): Array<{ group: string; topic: string }> {
  return planChains(topology, topology.stages, { fuse, fusable: (s) => builtinKinds.of(s).fusable }).chains.map(([head]) => ({ group: head.group, topic: head.input }));
}

/** Records the consumers' groups have not committed yet (0: every one read its input to the end; cheap admin calls). */
async function remaining(kafka: KafkaPort, consumers: Array<{ group: string; topic: string }>): Promise<number> {
  let total = 0;
  for (const c of consumers) {
    const lag = await kafka.withAdmin((a) => a.groupLag(c.group, c.topic));
    // a group that never committed on a partition holding records has not caught up either
    total += lag.total + lag.partitions.filter((p) => p.committed < 0 && p.end > 0).length;
  }
  return total;
}

/** Spawns the layout's processes over the backlog on `topology`; seconds from spawn to caught up. */
async function runLayout(o: { kafka: KafkaPort; brokers: string[]; topology: Topology; layout: Layout }): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'rf-2p-'));
  const file = join(dir, 'topology.yaml');
  const { file: _f, ...rest } = o.topology;
  writeFileSync(file, stringify(JSON.parse(JSON.stringify({ ...rest, fuse: o.layout.fuse }))));
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const env = { ...process.env, KAFKA_BROKERS: o.brokers.join(','), REVIEWFLOW_LOG_LEVEL: 'warn' };
  const consumers = consumersOf(o.topology, o.layout.fuse);
  const started = performance.now();
  const children: ChildProcess[] = o.layout.processes.map((stages) => spawn(process.execPath, [cli, '--topology', file, 'run', '--stages', stages], { env, stdio: ['ignore', 'ignore', 'inherit'] }));
  // a child that dies would leave the wait below spinning forever: fail instead
  let died: string | undefined;
  children.forEach((c, i) => c.once('exit', (code, signal) => (died ??= `run --stages ${o.layout.processes[i]} exited (${code ?? signal}) before the pipeline caught up`)));
  try {
    // upstream commits only once its output is acknowledged, so 0 everywhere means done
    let [left, movedAt] = [Number.NaN, performance.now()];
    for (;;) {
      const now = await remaining(o.kafka, consumers);
      if (now === 0) return (performance.now() - started) / 1000;
      if (died) throw new Error(`bench: ${died}`);
      if (now !== left) [left, movedAt] = [now, performance.now()];
      if (performance.now() - movedAt > STALL_MS) throw new Error(`bench: ${o.layout.processes.join(' + ')} made no progress for ${STALL_MS / 1000} s (${left} records not committed)`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    const exited = children.map((c) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r))));
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(exited);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Records written to the topics a fused chain skips (the outputs of all but its last stage). */
async function intermediateRecords(kafka: KafkaPort, topology: Topology): Promise<number> {
  const skipped = planChains(topology, topology.stages, { fuse: true, fusable: (s) => builtinKinds.of(s).fusable }).chains.flatMap((chain) => chain.slice(0, -1).map((s) => s.output));
  let total = 0;
  for (const topic of skipped) for (const p of await kafka.withAdmin((a) => a.topicOffsets(topic))) total += p.high - p.low;
  return total;
}

/** A fresh namespace with its backlog; `work` runs on it, then its topics are deleted. */
async function withBacklog<T>(kafka: KafkaPort, records: number, extraTopics: string[], work: (t: Topology, produced: number) => Promise<T>): Promise<T> {
  const topology = namespaced(loadTopology('topologies/sentiment.yaml', { kinds: builtinKinds.forValidation() }), `bench-2p-${randomUUID().slice(0, 8)}.`);
  const topics = [...topicSpecs(topology), ...extraTopics.map((suffix) => ({ name: `${topology.ingest}${suffix}`, partitions: 3, replicationFactor: 1 }))];
  await kafka.withAdmin((a) => a.ensureTopics(topics));
  try {
    return await work(topology, await produceBacklog(kafka, topology.ingest, records));
  } finally {
    await kafka.withAdmin((a) => a.deleteTopics(topics.map((t) => t.name)));
  }
}

export async function benchTwoProcess(options: { brokers: string[]; records?: number }): Promise<TwoProcessResult> {
  const n = options.records ?? 50_000;
  const kafka = new KafkaPort({ brokers: options.brokers, clientId: 'bench-two-process', connectionTimeoutMs: 3_000, requestTimeoutMs: 30_000 });
  const unfused = await withBacklog(kafka, n, ['.raw-copy'], async (topology, produced) => {
    const raw = await warmRawPassThrough(kafka, { input: topology.ingest, output: `${topology.ingest}.raw-copy`, group: `${topology.ingest}.raw`, expected: produced });
    const seconds = await runLayout({ kafka, brokers: options.brokers, topology, layout: UNFUSED });
    return { produced, raw: raw.recordsPerSec, recordsPerSec: produced / seconds };
  });
  const fused = await withBacklog(kafka, n, [], async (topology, produced) => {
    if (produced !== unfused.produced) throw new Error(`bench: the fused backlog has ${produced} records, the unfused one ${unfused.produced}`);
    const seconds = await runLayout({ kafka, brokers: options.brokers, topology, layout: FUSED });
    return { recordsPerSec: produced / seconds, intermediateRecords: await intermediateRecords(kafka, topology) };
  });
  return {
    records: unfused.produced,
    raw: unfused.raw,
    twoProcess: unfused.recordsPerSec,
    ratio: unfused.recordsPerSec / unfused.raw,
    fused: { recordsPerSec: fused.recordsPerSec, ratio: fused.recordsPerSec / unfused.raw, speedup: fused.recordsPerSec / unfused.recordsPerSec, intermediateRecords: fused.intermediateRecords },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('set KAFKA_BROKERS (npx reviewflow broker start prints it)');
  const at = process.argv.indexOf('--records');
  console.log(JSON.stringify(await benchTwoProcess({ brokers, ...(at > 0 ? { records: Number(process.argv[at + 1]) } : {}) })));
  process.exit(0);
}
