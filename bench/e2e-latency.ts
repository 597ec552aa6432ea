/**
 * The latency pass of the end-to-end bench: the pipeline runs while a worker thread
 * produces at a fixed rate; a record at accepted offset o of partition p is part of the
 * first published version whose manifest offsets[p] > o, and its latency is that
 * version's createdAt − ingestedAt.
 */
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type pino from 'pino';
import { generateReviews } from '../src/generate/index.js';
import { IngestProducer } from '../src/ingest/index.js';
import { KafkaPort } from '../src/kafka/index.js';
import { publishedBytes } from '../src/models/index.js';
import { decode, type ModelVersion } from '../src/records/index.js';
import { Pipeline } from '../src/runtime/pipeline.js';
import type { Topology } from '../src/topology/index.js';
import { waitCaughtUp } from './e2e-progress.js';
import { mean } from './stats.js';

export interface Percentiles {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LatencyResult {
  targetRecordsPerSec: number;
  producedRecordsPerSec: number;
  produced: number;
  seconds: number;
  versions: number;
  /** Original (non-augmented) accepted records, createdAt − ingestedAt. */
  toCreatedAt: Percentiles;
  /** The same records to when the version's manifest was acknowledged by the broker. */
  toPublished: Percentiles;
  /** toPublished of the records produced after the first WARMUP_MS (JIT, first fetches, first version). */
  toPublishedSteady: Percentiles;
  augmentedCopies: number;
  notInAnyVersion: number;
  /** Mean bytes a version put on the model topic (a delta's, or a snapshot's full weights)... */
  publishedBytesPerVersion: number;
  /** ...and the mean of its full weights: what every version would have put there as a snapshot. */
  fullBytesPerVersion: number;
  stalled?: string;
}

const COVER_TIMEOUT_MS = 60_000;
/**
 * Records produced in a pass's first seconds wait for the pipeline to warm up: in one quick
 * run their p99 was 1.0–2.4 s in the first second and under 0.7 s in every second after
 * the fourth. The steady-state figure leaves them out; the whole-pass figure keeps them.
 */
export const WARMUP_MS = 5_000;
const PRODUCE_TICK_MS = 50;
const WORKER_ROLE = 'e2e-producer';

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

/** Waits until some published version covers every record now on the accepted topic (written fused or not). */
async function waitCovered(kafka: KafkaPort, topic: string, versions: Published[]): Promise<void> {
  const ends = await kafka.withAdmin((a) => a.topicOffsets(topic));
  const deadline = Date.now() + COVER_TIMEOUT_MS;
  const covered = (): boolean => {
    const last = versions[versions.length - 1]?.manifest.offsets ?? [];
    return ends.every((e) => e.high <= e.low || (last.find((o) => o.topic === topic && o.partition === e.partition)?.offset ?? 0) >= e.high);
  };
  while (!covered() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

interface ProduceAtRate {
  brokers: string[];
  topic: string;
  rate: number;
  seconds: number;
}

/** Produces at `rate` records/s for `seconds` in a worker thread, so the pipeline's event loop is its own. */
function produceAtRate(o: ProduceAtRate): Promise<{ produced: number; seconds: number }> {
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { role: WORKER_ROLE, ...o } });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`bench: producer worker exited ${code} before reporting`)));
  });
}

/** The worker side of produceAtRate: paced sends, each record stamped (ingestedAt) when it is validated. */
async function producerWorker(o: ProduceAtRate): Promise<void> {
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

export interface LatencyPassOptions {
  kafka: KafkaPort;
  brokers: string[];
  /** A fresh namespace: nothing on its topics yet. */
  topology: Topology;
  rate: number;
  seconds: number;
  fuse: boolean;
  logger: pino.Logger;
}

/** The pipeline runs while a worker produces at `rate`; then each accepted record's latency into a version. */
export async function latencyPass(o: LatencyPassOptions): Promise<LatencyResult> {
  const { kafka, topology } = o;
  const versions: Published[] = [];
  const pipeline = new Pipeline({ kafka, topology, instance: 'bench', fuse: o.fuse, logger: o.logger, onModelPublished: (manifest) => versions.push({ manifest, publishedAt: Date.now() }) });
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
  const ingested: number[] = [];
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
    ingested.push(review.ingestedAt);
  });
  const firstIngested = ingested.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  const steady = toPublished.filter((_, i) => ingested[i]! >= firstIngested + WARMUP_MS);
  return {
    targetRecordsPerSec,
    producedRecordsPerSec: produced.produced / produced.seconds,
    produced: produced.produced,
    seconds: produced.seconds,
    versions: versions.length,
    toCreatedAt: percentiles(toCreated),
    toPublished: percentiles(toPublished),
    toPublishedSteady: percentiles(steady),
    augmentedCopies,
    notInAnyVersion,
    publishedBytesPerVersion: mean(versions.map((v) => publishedBytes(v.manifest))),
    fullBytesPerVersion: mean(versions.map((v) => v.manifest.weights.bytes)),
    ...(done.stalled ? { stalled: done.stalled } : {}),
  };
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === WORKER_ROLE) {
  await producerWorker(workerData as ProduceAtRate);
}
