/**
 * The whole default topology (clean → augment → gate → train) in one process, as
 * `new Pipeline` runs it, against a raw kafkajs pass-through of the same records measured
 * in the same run:
 *
 * - max sustained rate: a backlog of N generated reviews, timed from `pipeline.start()` to
 *   the trainer having read everything the gate accepted (start-up and group joins
 *   included, as in the raw pass's start → done);
 * - latency: in a second namespace, reviews produced at half that rate for `seconds` (from
 *   a worker thread, as a separate producer would) while the pipeline runs; a record at
 *   accepted offset o of partition p is part of the first published version whose
 *   manifest offsets[p] > o, and its latency is that version's createdAt − ingestedAt.
 *
 *   npm run build && KAFKA_BROKERS=host:port node dist/bench/e2e.js [--records N] [--seconds S]
 */
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { join } from 'node:path';
import pino from 'pino';
import { generateReviews } from '../src/generate/index.js';
import { IngestProducer } from '../src/ingest/index.js';
import { KafkaPort } from '../src/kafka/index.js';
import { decode, type ModelVersion } from '../src/records/index.js';
import { Pipeline } from '../src/runtime/pipeline.js';
import { preloadSynonyms } from '../src/stages/wordnet-synonyms.js';
import { loadTopology, namespaced, topicSpecs, type Topology } from '../src/topology/index.js';
import { packageRoot } from '../src/util/paths.js';
import { rawPassThrough } from './kafka-throughput.js';

export interface EndToEndOptions {
  brokers: string[];
  /** Backlog size of the max-rate pass (default 50,000). */
  records?: number;
  /** How long the latency pass produces (default 60). */
  seconds?: number;
}

export interface StageCount {
  stage: string;
  in: number;
  out: number;
  generated: number;
}

export interface Percentiles {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface EndToEndResult {
  records: number;
  raw: { recordsPerSec: number; seconds: number; firstToLastRecordsPerSec: number };
  max: {
    seconds: number;
    /** `pipeline.start()` alone: state restores, group joins, the trainer's resume. */
    startSeconds: number;
    /** records ÷ (start → the trainer read everything accepted). */
    recordsPerSec: number;
    /** records ÷ (start() resolved → done): leaves out start-up (the first stages began before it resolved). */
    afterStartRecordsPerSec: number;
    ratioToRaw: number;
    accepted: number;
    versions: number;
    stages: StageCount[];
    stalled?: string;
  };
  latency: {
    targetRecordsPerSec: number;
    producedRecordsPerSec: number;
    produced: number;
    seconds: number;
    versions: number;
    /** Original (non-augmented) accepted records, createdAt − ingestedAt. */
    toCreatedAt: Percentiles;
    /** The same records to when the version's manifest was acknowledged by the broker. */
    toPublished: Percentiles;
    augmentedCopies: number;
    notInAnyVersion: number;
    stalled?: string;
  };
  /** maxRSS of this process after both passes, and before they began (what earlier benches left). */
  peakRssMb: number;
  peakRssBeforeMb: number;
}

const TRAIN_OVERRIDES = { publishEveryMs: 2_000, publishEveryExamples: 1_000_000_000 };
const POLL_MS = 20;
const STALL_MS = 60_000;
const COVER_TIMEOUT_MS = 60_000;
const PRODUCE_TICK_MS = 50;

/** The default topology under `prefix`, with the trainer publishing every 2 s. */
function benchTopology(prefix: string): Topology {
  const base = namespaced(loadTopology(join(packageRoot(), 'topologies', 'sentiment.yaml')), prefix);
  return { ...base, stages: base.stages.map((s) => (s.kind === 'train' ? { ...s, options: { ...s.options, ...TRAIN_OVERRIDES } } : s)) };
}

function stageCounts(pipeline: Pipeline): StageCount[] {
  const { stages, trainers } = pipeline.progress();
  return [...stages, ...trainers].map((p) => ({ stage: p.stage, in: p.session.in, out: p.session.out, generated: p.session.generated }));
}

/** True once every stage has read all its upstream produced (clean read `records`). */
function caughtUp(counts: StageCount[], records: number): boolean {
  let expected = records;
  for (const c of counts) {
    if (c.in < expected) return false;
    expected = c.out + c.generated;
  }
  return true;
}

/** Waits until the pipeline caught up, or reports a stall (no stage read anything for STALL_MS). */
async function waitCaughtUp(pipeline: Pipeline, records: number): Promise<{ doneAt: number; stalled?: string }> {
  let lastTotal = -1;
  let lastProgress = performance.now();
  for (;;) {
    const counts = stageCounts(pipeline);
    const now = performance.now();
    if (caughtUp(counts, records)) return { doneAt: now };
    const total = counts.reduce((n, c) => n + c.in, 0);
    if (total !== lastTotal) [lastTotal, lastProgress] = [total, now];
    if (now - lastProgress > STALL_MS) {
      return { doneAt: lastProgress, stalled: `no stage read anything for ${STALL_MS / 1000} s: ${counts.map((c) => `${c.stage} in ${c.in}`).join(', ')}` };
    }
    await Promise.race([pipeline.failed(), new Promise((r) => setTimeout(r, POLL_MS))]);
  }
}

function quietLogger(): pino.Logger {
  return pino({ level: 'warn', base: { app: 'reviewflow-bench' } }, pino.destination(2));
}

/** Exactly `count` valid generated reviews to the ingest topic (the invalid ones are rejected by validation). */
async function produceBacklog(kafka: KafkaPort, topic: string, count: number): Promise<void> {
  const producer = new IngestProducer({ kafka, topic, batchSize: 5_000, source: 'bench' });
  await producer.connect();
  let produced = 0;
  const events = generateReviews({ count: Number.MAX_SAFE_INTEGER, seed: 11 });
  while (produced < count) {
    const chunk: unknown[] = [];
    for (let i = 0; i < Math.min(5_000, count - produced); i++) chunk.push(events.next().value);
    produced += (await producer.send(chunk)).produced;
  }
  await producer.close();
}

function percentiles(values: number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return { count: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
}

interface Published {
  manifest: ModelVersion;
  publishedAt: number;
}

/** For each partition of the accepted topic: the index of the first version covering an offset. */
function coveringVersion(versions: Published[], topic: string): (partition: number, offset: number) => Published | undefined {
  const sorted = [...versions].sort((a, b) => a.manifest.version - b.manifest.version);
  const next = (v: Published, partition: number): number => v.manifest.offsets.find((o) => o.topic === topic && o.partition === partition)?.offset ?? 0;
  return (partition, offset) => {
    // offsets only grow from version to version: binary search for the first next offset > o
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (next(sorted[mid]!, partition) > offset) hi = mid;
      else lo = mid + 1;
    }
    return sorted[lo];
  };
}

/** Waits until some published version covers every record now on the accepted topic. */
async function waitCovered(kafka: KafkaPort, topic: string, versions: Published[]): Promise<void> {
  const ends = await kafka.withAdmin((a) => a.topicOffsets(topic));
  const deadline = Date.now() + COVER_TIMEOUT_MS;
  const covered = (): boolean => {
    const last = versions[versions.length - 1]?.manifest.offsets ?? [];
    return ends.every((e) => e.high <= e.low || (last.find((o) => o.topic === topic && o.partition === e.partition)?.offset ?? 0) >= e.high);
  };
  while (!covered() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/** Produces at `rate` records/s for `seconds` in a worker thread, so the pipeline's event loop is its own. */
function produceAtRate(o: { brokers: string[]; topic: string; rate: number; seconds: number }): Promise<{ produced: number; seconds: number }> {
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { role: 'e2e-producer', ...o } });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`bench: producer worker exited ${code} before reporting`)));
  });
}

/** The worker side of produceAtRate: paced sends, each record stamped (ingestedAt) when it is validated. */
async function producerWorker(o: { brokers: string[]; topic: string; rate: number; seconds: number }): Promise<void> {
  const kafka = new KafkaPort({ brokers: o.brokers, clientId: 'reviewflow-bench-e2e-producer', connectionTimeoutMs: 3_000, requestTimeoutMs: 30_000 });
  const producer = new IngestProducer({ kafka, topic: o.topic, batchSize: 10_000, source: 'bench' });
  await producer.connect();
  const events = generateReviews({ count: Number.MAX_SAFE_INTEGER, seed: 23 });
  const started = performance.now();
  let produced = 0;
  for (;;) {
    const elapsed = (performance.now() - started) / 1000;
    if (elapsed >= o.seconds) break;
    const due = Math.floor(o.rate * elapsed) - produced;
    if (due > 0) {
      const chunk: unknown[] = [];
      for (let i = 0; i < due; i++) chunk.push(events.next().value);
      produced += (await producer.send(chunk)).produced;
    }
    await new Promise((r) => setTimeout(r, PRODUCE_TICK_MS));
  }
  const seconds = (performance.now() - started) / 1000;
  await producer.close();
  parentPort!.postMessage({ produced, seconds });
}

/** Runs `work` on a fresh namespaced topology (plus a raw pass-through's output topic and group), then deletes them. */
async function withTopology<T>(kafka: KafkaPort, o: { prefix: string; rawPass?: { output: string; group: string } }, work: (t: Topology) => Promise<T>): Promise<T> {
  const topology = benchTopology(o.prefix);
  const specs = [...topicSpecs(topology), ...(o.rawPass ? [{ name: o.rawPass.output, partitions: 3, replicationFactor: 1 }] : [])];
  await kafka.withAdmin((a) => a.ensureTopics(specs));
  try {
    return await work(topology);
  } finally {
    // a failed clean-up is reported, never allowed to hide the error that ended the run
    await kafka
      .withAdmin(async (a) => {
        await a.deleteTopics(specs.map((s) => s.name));
        for (const group of [...topology.stages.map((s) => s.group!), ...(o.rawPass ? [o.rawPass.group] : [])]) {
          await a.deleteGroups([group]).catch((err: unknown) => console.error(`bench: deleting group ${group} failed`, (err as { cause?: { groups?: unknown } }).cause?.groups ?? err));
        }
      })
      .catch((err: unknown) => console.error('bench: deleting topics failed', err));
  }
}

/** Backlog of `records`, the raw pass-through over it, then the whole pipeline over the same topic. */
async function maxRatePass(o: { kafka: KafkaPort; topology: Topology; records: number; rawPass: { output: string; group: string }; logger: pino.Logger }): Promise<Pick<EndToEndResult, 'raw' | 'max'>> {
  const { kafka, topology, records } = o;
  await produceBacklog(kafka, topology.ingest, records);
  const raw = await rawPassThrough(kafka, { input: topology.ingest, ...o.rawPass, expected: records });
  let versions = 0;
  const pipeline = new Pipeline({ kafka, topology, instance: 'bench', logger: o.logger, onModelPublished: () => versions++ });
  const started = performance.now();
  await pipeline.start();
  const startedAll = performance.now();
  const done = await waitCaughtUp(pipeline, records);
  const stages = stageCounts(pipeline);
  await pipeline.stop();
  const read = done.stalled ? stages[0]!.in : records;
  const recordsPerSec = read / ((done.doneAt - started) / 1000);
  return {
    raw: { recordsPerSec: raw.recordsPerSec, seconds: raw.seconds, firstToLastRecordsPerSec: raw.firstToLastRecordsPerSec ?? Number.NaN },
    max: {
      seconds: (done.doneAt - started) / 1000,
      startSeconds: (startedAll - started) / 1000,
      recordsPerSec,
      afterStartRecordsPerSec: read / ((done.doneAt - startedAll) / 1000),
      ratioToRaw: recordsPerSec / raw.recordsPerSec,
      accepted: stages.find((s) => s.stage === 'gate')?.out ?? 0,
      versions,
      stages,
      ...(done.stalled ? { stalled: done.stalled } : {}),
    },
  };
}

/** A fresh namespace: the pipeline runs while a worker produces at `rate`; then each accepted record's latency into a version. */
async function latencyPass(o: { kafka: KafkaPort; brokers: string[]; topology: Topology; rate: number; seconds: number; logger: pino.Logger }): Promise<EndToEndResult['latency']> {
  const { kafka, topology } = o;
  const versions: Published[] = [];
  const pipeline = new Pipeline({ kafka, topology, instance: 'bench', logger: o.logger, onModelPublished: (manifest) => versions.push({ manifest, publishedAt: Date.now() }) });
  await pipeline.start();
  const targetRecordsPerSec = Math.max(1, Math.round(o.rate));
  const produced = await produceAtRate({ brokers: o.brokers, topic: topology.ingest, rate: targetRecordsPerSec, seconds: o.seconds });
  const done = await waitCaughtUp(pipeline, produced.produced);
  const accepted = topology.stages.find((s) => s.kind === 'train')!.input;
  if (!done.stalled) await waitCovered(kafka, accepted, versions);
  await pipeline.stop();

  const versionOf = coveringVersion(versions, accepted);
  const toCreated: number[] = [];
  const toPublished: number[] = [];
  let augmentedCopies = 0;
  let notInAnyVersion = 0;
  await kafka.readToEnd({ topic: accepted }, (m, partition) => {
    if (m.value === null) return;
    const review = decode('review', m.value);
    // copies carry their parent's ingestedAt and ride in the same versions: left out
    if (review.augmented) return void augmentedCopies++;
    const v = versionOf(partition, m.offset);
    if (!v) return void notInAnyVersion++;
    toCreated.push(v.manifest.createdAt - review.ingestedAt);
    toPublished.push(v.publishedAt - review.ingestedAt);
  });
  return {
    targetRecordsPerSec,
    producedRecordsPerSec: produced.produced / produced.seconds,
    produced: produced.produced,
    seconds: produced.seconds,
    versions: versions.length,
    toCreatedAt: percentiles(toCreated),
    toPublished: percentiles(toPublished),
    augmentedCopies,
    notInAnyVersion,
    ...(done.stalled ? { stalled: done.stalled } : {}),
  };
}

export async function benchEndToEnd(options: EndToEndOptions): Promise<EndToEndResult> {
  const records = options.records ?? 50_000;
  const seconds = options.seconds ?? 60;
  const kafka = new KafkaPort({ brokers: options.brokers, clientId: 'reviewflow-bench-e2e', connectionTimeoutMs: 3_000, requestTimeoutMs: 30_000 });
  const run = `bench-e2e-${Date.now().toString(36)}`;
  const peakRssBeforeMb = process.resourceUsage().maxRSS / 1024;
  const logger = quietLogger();
  preloadSynonyms(); // a one-time start-up cost, measured on its own by the stages bench

  const rawPass = { output: `${run}.max.raw-pass.out`, group: `${run}.max.raw-pass` };
  const maxPass = await withTopology(kafka, { prefix: `${run}.max.`, rawPass }, (topology) => maxRatePass({ kafka, topology, records, rawPass, logger }));

  const latency = await withTopology(kafka, { prefix: `${run}.lat.` }, (topology) => latencyPass({ kafka, brokers: options.brokers, topology, rate: maxPass.max.recordsPerSec / 2, seconds, logger }));

  return { records, ...maxPass, latency, peakRssMb: process.resourceUsage().maxRSS / 1024, peakRssBeforeMb };
}

/** `node dist/bench/e2e.js [--records N] [--seconds S]` with KAFKA_BROKERS set. */
async function main(argv: string[]): Promise<void> {
  const brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) throw new Error('set KAFKA_BROKERS=host:port (for example the address `npx reviewflow broker start` prints)');
  const at = (flag: string): number | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  const records = at('--records');
  const secs = at('--seconds');
  const result = await benchEndToEnd({ brokers: brokers.split(','), ...(records ? { records } : {}), ...(secs ? { seconds: secs } : {}) });
  console.log(JSON.stringify(result, null, 2));
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === 'e2e-producer') {
  await producerWorker(workerData as { brokers: string[]; topic: string; rate: number; seconds: number });
} else if (isMainThread && process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
