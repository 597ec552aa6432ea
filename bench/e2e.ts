/**
 * The whole default topology (clean → augment → gate → train) in one process, as
 * `new Pipeline` runs it, unfused and fused (`fuse: true`: clean → augment → gate as one
 * consumer passing records in memory; the trainer still reads reviews.accepted), against
 * one raw kafkajs pass-through of the same records measured in the same run:
 *
 * - max sustained rate: a backlog of N generated reviews, timed from `pipeline.start()` to
 *   the trainer having read everything the gate accepted (start-up and group joins
 *   included, as in the raw pass's start → done). Each layout gets its own namespace and
 *   its own backlog of the same records (same generator seed); the raw pass runs once,
 *   over the unfused layout's backlog, and is the baseline of both, so their ratios to it
 *   compare directly;
 * - latency (see e2e-latency.ts): per layout, in a fresh namespace, reviews produced at
 *   half that layout's max rate for `seconds` while the pipeline runs.
 *
 * Passes run one after the other: unfused max, fused max, unfused latency, fused latency.
 *
 *   npm run build && KAFKA_BROKERS=host:port node dist/bench/e2e.js [--records N] [--seconds S]
 */
import { fileURLToPath } from 'node:url';
import { builtinKinds } from '../src/runtime/kinds.js';
import { join } from 'node:path';
import pino from 'pino';
import { generateReviews } from '../src/generate/index.js';
import { IngestProducer } from '../src/ingest/index.js';
import { KafkaPort } from '../src/kafka/index.js';
import { planChains } from '../src/runtime/fusion.js';
import { Pipeline } from '../src/runtime/pipeline.js';
import { preloadSynonyms } from '../src/stages/wordnet-synonyms.js';
import { loadTopology, namespaced, topicSpecs, type Topology } from '../src/topology/index.js';
import { packageRoot } from '../src/util/paths.js';
import { latencyPass, type LatencyResult } from './e2e-latency.js';
import { stageCounts, waitCaughtUp, type StageCount } from './e2e-progress.js';
import { warmRawPassThrough } from './kafka-throughput.js';

export type { LatencyResult, Percentiles } from './e2e-latency.js';
export type { StageCount } from './e2e-progress.js';

export interface EndToEndOptions {
  brokers: string[];
  /** Backlog size of each max-rate pass (default 50,000). */
  records?: number;
  /** How long each latency pass produces (default 60). */
  seconds?: number;
}

export interface MaxRateResult {
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
  /** One entry per consumer the pipeline ran, fused stages joined by '+' (e.g. clean+augment+gate). */
  consumers: string[];
  stages: StageCount[];
  stalled?: string;
}

export interface EndToEndResult {
  records: number;
  /** Over the unfused layout's backlog; the baseline of both layouts. */
  /** Measured after a warm-up pass over the same backlog (its rate: coldRecordsPerSec). */
  raw: { recordsPerSec: number; seconds: number; firstToLastRecordsPerSec: number; coldRecordsPerSec: number };
  max: MaxRateResult;
  latency: LatencyResult;
  fused: {
    max: MaxRateResult;
    /** Produced at half the fused max rate. */
    latency: LatencyResult;
    /** fused max ÷ unfused max, both measured in this run. */
    speedup: number;
  };
  /** maxRSS of this process after all passes, and before they began (what earlier benches left). */
  peakRssMb: number;
  peakRssBeforeMb: number;
}

/**
 * A candidate every 0.5 s (the default is 60 s): versions as fresh as delta versions and
 * O(rows) candidates allow (issue 15); until 12-02 it was every 2 s, so older figures are not comparable.
 */
const TRAIN_OVERRIDES = { publishEveryMs: 500, publishEveryExamples: 1_000_000_000 };

/** The default topology under `prefix`, with the trainer publishing every 0.5 s. */
function benchTopology(prefix: string): Topology {
  const base = namespaced(loadTopology(join(packageRoot(), 'topologies', 'sentiment.yaml'), { kinds: builtinKinds.forValidation() }), prefix);
  return { ...base, stages: base.stages.map((s) => (builtinKinds.of(s).trains ? { ...s, options: { ...s.options, ...TRAIN_OVERRIDES } } : s)) };
}

/** The groups a pipeline over `topology` joins: one per chain (its first stage's); the trainer is a chain of its own. */
function groupsOf(topology: Topology, fuse: boolean): string[] {
  return planChains(topology, topology.stages, { fuse, fusable: (s) => builtinKinds.of(s).fusable }).chains.map(([head]) => head.group);
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

/** Runs `work` on a fresh namespaced topology (plus a raw pass-through's output topic and group), then deletes them. */
async function withTopology<T>(kafka: KafkaPort, o: { prefix: string; fuse: boolean; rawPass?: { output: string; group: string } }, work: (t: Topology) => Promise<T>): Promise<T> {
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
        // fused stages never join their own group: only the groups that exist are deleted
        for (const group of [...groupsOf(topology, o.fuse), ...(o.rawPass ? [o.rawPass.group] : [])]) {
          await a.deleteGroups([group]).catch((err: unknown) => console.error(`bench: deleting group ${group} failed`, (err as { cause?: { groups?: unknown } }).cause?.groups ?? err));
        }
      })
      .catch((err: unknown) => console.error('bench: deleting topics failed', err));
  }
}

type RawResult = EndToEndResult['raw'];

/** A backlog of `records` and the raw pass-through over it: the baseline. */
async function rawBaseline(o: { kafka: KafkaPort; topology: Topology; records: number; rawPass: { output: string; group: string } }): Promise<RawResult> {
  await produceBacklog(o.kafka, o.topology.ingest, o.records);
  const raw = await warmRawPassThrough(o.kafka, { input: o.topology.ingest, ...o.rawPass, expected: o.records });
  return { recordsPerSec: raw.recordsPerSec, seconds: raw.seconds, firstToLastRecordsPerSec: raw.firstToLastRecordsPerSec ?? Number.NaN, coldRecordsPerSec: raw.coldRecordsPerSec };
}

interface MaxRatePassOptions {
  kafka: KafkaPort;
  /** Its ingest topic holds the backlog of `records` already. */
  topology: Topology;
  records: number;
  fuse: boolean;
  raw: RawResult;
  logger: pino.Logger;
}

/** The whole pipeline over the backlog, from start() until the trainer read everything the gate accepted. */
async function maxRatePass(o: MaxRatePassOptions): Promise<MaxRateResult> {
  const { kafka, topology, records } = o;
  let versions = 0;
  const pipeline = new Pipeline({ kafka, topology, instance: 'bench', fuse: o.fuse, logger: o.logger, onModelPublished: () => versions++ });
  const started = performance.now();
  await pipeline.start();
  const startedAll = performance.now();
  const consumers = pipeline.chains.map((chain) => chain.join('+'));
  const done = await waitCaughtUp(pipeline, records);
  const stages = stageCounts(pipeline);
  await pipeline.stop();
  const read = done.stalled ? stages[0]!.in : records;
  const recordsPerSec = read / ((done.doneAt - started) / 1000);
  return {
    seconds: (done.doneAt - started) / 1000,
    startSeconds: (startedAll - started) / 1000,
    recordsPerSec,
    afterStartRecordsPerSec: read / ((done.doneAt - startedAll) / 1000),
    ratioToRaw: recordsPerSec / o.raw.recordsPerSec,
    accepted: stages.find((s) => s.stage === 'gate')?.out ?? 0,
    versions,
    consumers,
    stages,
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
  const unfused = await withTopology(kafka, { prefix: `${run}.max.`, fuse: false, rawPass }, async (topology) => {
    const raw = await rawBaseline({ kafka, topology, records, rawPass });
    return { raw, max: await maxRatePass({ kafka, topology, records, fuse: false, raw, logger }) };
  });
  const { raw } = unfused;
  const fusedMax = await withTopology(kafka, { prefix: `${run}.fused.`, fuse: true }, async (topology) => {
    await produceBacklog(kafka, topology.ingest, records);
    return maxRatePass({ kafka, topology, records, fuse: true, raw, logger });
  });

  const latencyOf = (fuse: boolean, max: MaxRateResult): Promise<LatencyResult> =>
    withTopology(kafka, { prefix: `${run}.${fuse ? 'fused-lat' : 'lat'}.`, fuse }, (topology) => latencyPass({ kafka, brokers: options.brokers, topology, rate: max.recordsPerSec / 2, seconds, fuse, logger }));
  const latency = await latencyOf(false, unfused.max);
  const fusedLatency = await latencyOf(true, fusedMax);

  return {
    records,
    raw,
    max: unfused.max,
    latency,
    fused: { max: fusedMax, latency: fusedLatency, speedup: fusedMax.recordsPerSec / unfused.max.recordsPerSec },
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    peakRssBeforeMb,
  };
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
