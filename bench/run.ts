/**
 * `npm run bench`: every benchmark in one run. Starts (or reuses) a broker, runs the Kafka
 * throughput, end-to-end and scaling benches, the codec, pure-stage and trainer benches and
 * the whole topology's compute ceiling (no Kafka), prints one table and writes
 * bench/results.json (machine, versions, each figure with its same-run baseline and ratio).
 *
 *   npm run build && node dist/bench/run.js [--quick] [--only kafka,e2e,scaling,subscriber,serve,codec,stages,ceiling,trainer]
 *
 * KAFKA_BROKERS (comma-separated) uses an existing cluster; otherwise the embedded broker
 * under .reviewflow/bench-broker is started, and stopped at the end if this run started it.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { BrokerManager } from '../src/broker/manager.js';
import { packageRoot } from '../src/util/paths.js';
import { benchCodec, type BenchResult } from './codec.js';
import { benchComputeCeiling, type ComputeCeilingResult } from './compute-ceiling.js';
import { benchEndToEnd, type EndToEndResult, type LatencyResult, type MaxRateResult } from './e2e.js';
import { WARMUP_MS } from './e2e-latency.js';
import { benchKafkaThroughput, type KafkaThroughputResult } from './kafka-throughput.js';
import { benchScaling, type ScalingResult } from './scaling.js';
import { benchServe, type ServeBenchResult } from './serve.js';
import { benchSubscriber } from './subscriber.js';
import { benchPureStages, benchWordnetLoad, type PureStageResult } from './stages-pure.js';
import { benchTrainer, parseExecutorArgs } from './trainer.js';
import { parseDatasetArgs } from './trainer/datasets.js';

const BENCHES = ['kafka', 'e2e', 'scaling', 'subscriber', 'serve', 'codec', 'stages', 'ceiling', 'trainer'] as const;
/** The benches that need a broker: run inside one withBroker. */
const BROKER_BENCHES: readonly Bench[] = ['kafka', 'e2e', 'scaling', 'subscriber', 'serve'];
type Bench = (typeof BENCHES)[number];

interface Figure {
  bench: string;
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  note?: string;
}

interface Args {
  quick: boolean;
  only: Set<Bench>;
}

function parseArgs(argv: string[]): Args {
  const only = new Set<Bench>(BENCHES);
  const at = argv.indexOf('--only');
  if (at >= 0) {
    only.clear();
    for (const name of (argv[at + 1] ?? '').split(',')) {
      if (!(BENCHES as readonly string[]).includes(name)) throw new Error(`--only takes a comma-separated list of ${BENCHES.join(', ')}; got "${name}"`);
      only.add(name as Bench);
    }
  }
  return { quick: argv.includes('--quick'), only };
}

/** The broker to measure against: KAFKA_BROKERS, else the embedded one (stopped after if we started it). */
async function withBroker<T>(work: (b: { brokers: string[]; backend: string; version: string | null }) => Promise<T>): Promise<T> {
  const given = process.env['KAFKA_BROKERS'];
  if (given) return work({ brokers: given.split(',').map((b) => b.trim()), backend: 'external (KAFKA_BROKERS)', version: null });
  const stateDir = join(packageRoot(), '.reviewflow', 'bench-broker');
  const manager = new BrokerManager({ stateDir });
  // A stopped cluster's state keeps pid -1, which BrokerManager's liveness probe
  // (process.kill(-1, 0)) takes for a running node; this folder is the bench's own and
  // throwaway, so drop it rather than let start() wait on a broker that is not there.
  if (manager.readState()?.nodes.some((n) => n.pid <= 0)) rmSync(stateDir, { recursive: true, force: true });
  const state = await manager.start();
  try {
    return await work({ brokers: state.bootstrap.split(','), backend: `embedded KRaft, 1 node${state.alreadyRunning ? ' (already running)' : ''}`, version: state.version });
  } finally {
    if (!state.alreadyRunning) await manager.stop({ purge: true });
  }
}

function kafkaFigures(k: KafkaThroughputResult): Figure[] {
  const [raw, ...stages] = k.passes;
  if (!raw) return [];
  const figures: Figure[] = [
    { bench: 'kafka', name: raw.name, value: raw.recordsPerSec, unit: 'records/s', note: `${raw.records} records, first→last record ${Math.round(raw.firstToLastRecordsPerSec ?? 0)} records/s; after a warm-up pass (cold: ${Math.round(k.coldRawRecordsPerSec)} records/s)` },
  ];
  for (const s of stages) {
    figures.push({ bench: 'kafka', name: s.name, value: s.recordsPerSec, unit: 'records/s', baseline: { name: 'raw pass-through', value: raw.recordsPerSec }, ratio: s.ratioToRaw, note: `${s.records} in → ${s.output} out${s.stalled ? `; STALLED: ${s.stalled}` : ''}` });
  }
  // CPU per record moves far less with the machine's load than records/s does
  for (const s of k.passes) {
    const cpu = { bench: 'kafka', name: `${s.name}: client CPU per record`, value: s.cpuMicrosPerRecord, unit: 'µs' };
    figures.push(s === raw ? cpu : { ...cpu, baseline: { name: 'raw pass-through', value: raw.cpuMicrosPerRecord }, ratio: s.cpuMicrosPerRecord / raw.cpuMicrosPerRecord });
  }
  const c = k.ceiling;
  if (c.status === 'ok') {
    figures.push({ bench: 'kafka', name: `ProducerPerformance ceiling (${c.recordSize} B records, acks=all)`, value: c.recordsPerSec, unit: 'records/s', note: `${c.mbPerSec} MB/s, ${c.avgLatencyMs} ms avg latency` });
  } else {
    figures.push({ bench: 'kafka', name: 'ProducerPerformance ceiling', value: Number.NaN, unit: 'records/s', note: `${c.status}: ${c.reason}` });
  }
  figures.push({ bench: 'kafka', name: 'peak RSS of the bench process (after Kafka passes)', value: k.peakRssMb, unit: 'MB' });
  return figures;
}

const TARGET_P99_MS = 10_000;
/** Issue 15: produce → a usable (published and acknowledged) model version, p99. */
const TARGET_USABLE_P99_MS = 1_000;

/** A latency pass: its produce rate against the max rate it halves, then p50 and p99 into a published version. */
function latencyFigures(l: LatencyResult, max: MaxRateResult, layout: string): Figure[] {
  const ms = (x: number): string => `${(x / 1000).toFixed(2)} s`;
  const publishedNote = `to the manifest acknowledged: p50 ${ms(l.toPublished.p50Ms)}, p99 ${ms(l.toPublished.p99Ms)}`;
  return [
    { bench: 'e2e', name: `${layout}latency run: produced at half the max rate`, value: l.producedRecordsPerSec, unit: 'records/s', baseline: { name: `${layout}max sustained`, value: max.recordsPerSec }, ratio: l.producedRecordsPerSec / max.recordsPerSec, note: `${l.produced} records over ${l.seconds.toFixed(0)} s, ${l.versions} versions${l.stalled ? `; STALLED: ${l.stalled}` : ''}` },
    { bench: 'e2e', name: `${layout}produce → in a published version, p50 (createdAt − ingestedAt)`, value: l.toCreatedAt.p50Ms, unit: 'ms', note: `${l.toCreatedAt.count} original records (${l.augmentedCopies} augmented copies left out, ${l.notInAnyVersion} in no version)` },
    { bench: 'e2e', name: `${layout}produce → in a published version, p99`, value: l.toCreatedAt.p99Ms, unit: 'ms', baseline: { name: 'target p99 (issue 7, not a measurement)', value: TARGET_P99_MS }, ratio: l.toCreatedAt.p99Ms / TARGET_P99_MS, note: `max ${ms(l.toCreatedAt.maxMs)}; ${publishedNote}` },
    { bench: 'e2e', name: `${layout}produce → usable version (manifest acknowledged), p99`, value: l.toPublished.p99Ms, unit: 'ms', baseline: { name: 'target p99 (issue 15, not a measurement)', value: TARGET_USABLE_P99_MS }, ratio: l.toPublished.p99Ms / TARGET_USABLE_P99_MS, note: 'every record of the pass, its warm-up included' },
    { bench: 'e2e', name: `${layout}produce → usable version, p99 after the first ${WARMUP_MS / 1000} s`, value: l.toPublishedSteady.p99Ms, unit: 'ms', baseline: { name: 'target p99 (issue 15, not a measurement)', value: TARGET_USABLE_P99_MS }, ratio: l.toPublishedSteady.p99Ms / TARGET_USABLE_P99_MS, note: `${l.toPublishedSteady.count} records; p50 ${ms(l.toPublishedSteady.p50Ms)}, max ${ms(l.toPublishedSteady.maxMs)}` },
    { bench: 'e2e', name: `${layout}bytes published per version`, value: Math.round(l.publishedBytesPerVersion), unit: 'bytes', baseline: { name: 'its full weights (every version a snapshot)', value: Math.round(l.fullBytesPerVersion) }, ratio: l.publishedBytesPerVersion / l.fullBytesPerVersion, note: `${l.versions} versions` },
  ];
}

function maxNote(m: MaxRateResult): string {
  return `${m.seconds.toFixed(1)} s incl. ${m.startSeconds.toFixed(1)} s pipeline.start(); ${Math.round(m.afterStartRecordsPerSec)} records/s after start; ${m.accepted} accepted, ${m.versions} versions; consumers ${m.consumers.join(', ')}${m.stalled ? `; STALLED: ${m.stalled}` : ''}`;
}

/** Whole topology, unfused and fused, against one raw pass-through over the same backlog; latency at half each max rate. */
function e2eFigures(e: EndToEndResult): Figure[] {
  const raw = { name: 'raw pass-through (same backlog)', value: e.raw.recordsPerSec };
  const m = e.max;
  const f = e.fused.max;
  return [
    { bench: 'e2e', name: raw.name, value: raw.value, unit: 'records/s', note: `${e.records} records, first→last record ${Math.round(e.raw.firstToLastRecordsPerSec)} records/s; after a warm-up pass (cold: ${Math.round(e.raw.coldRecordsPerSec)} records/s)` },
    { bench: 'e2e', name: 'whole topology, max sustained (clean→augment→gate→train, one process)', value: m.recordsPerSec, unit: 'records/s', baseline: raw, ratio: m.ratioToRaw, note: maxNote(m) },
    // like for like without start-up: raw first → last record leaves its group join out too
    {
      bench: 'e2e',
      name: 'whole topology, after pipeline.start() resolved',
      value: m.afterStartRecordsPerSec,
      unit: 'records/s',
      baseline: { name: 'raw pass-through first→last record', value: e.raw.firstToLastRecordsPerSec },
      ratio: m.afterStartRecordsPerSec / e.raw.firstToLastRecordsPerSec,
      note: 'upstream stages began before start() resolved, so this slightly flatters the pipeline',
    },
    { bench: 'e2e', name: 'whole topology fused, max sustained (clean+augment+gate one consumer, then train; one process)', value: f.recordsPerSec, unit: 'records/s', baseline: raw, ratio: f.ratioToRaw, note: `own backlog of the same records; ${maxNote(f)}` },
    { bench: 'e2e', name: 'whole topology fused against unfused, max sustained (same run)', value: f.recordsPerSec, unit: 'records/s', baseline: { name: 'unfused max sustained', value: m.recordsPerSec }, ratio: e.fused.speedup },
    ...latencyFigures(e.latency, m, ''),
    ...latencyFigures(e.fused.latency, f, 'fused: '),
    { bench: 'e2e', name: 'peak RSS of the bench process (after e2e)', value: e.peakRssMb, unit: 'MB', note: `${Math.round(e.peakRssBeforeMb)} MB before e2e began (earlier benches)` },
  ];
}

/** clean through the real CLI, 1 and 2 worker processes; 1 worker against a raw pass-through of this run. */
function scalingFigures(s: ScalingResult, raw: { name: string; value: number } | undefined): Figure[] {
  const [one, two] = s.passes;
  if (!one || !two) return [];
  const first = { name: 'clean, 1 worker', value: one.recordsPerSec };
  return [
    { bench: 'scaling', name: 'clean, 1 worker process (run --instances 1), spawn → lag 0', value: one.recordsPerSec, unit: 'records/s', ...(raw ? { baseline: raw, ratio: one.recordsPerSec / raw.value } : {}), note: `${s.records} records, ${s.partitions} partitions; steady ${Math.round(one.steadyRecordsPerSec)} records/s` },
    { bench: 'scaling', name: 'clean, 2 worker processes (run --instances 2), spawn → lag 0', value: two.recordsPerSec, unit: 'records/s', baseline: first, ratio: s.speedup, note: `steady ${Math.round(two.steadyRecordsPerSec)} records/s (${s.steadySpeedup.toFixed(2)}× steady); join ${two.joinSeconds.toFixed(1)} s` },
  ];
}

/** serve's requests/s and latency per texts-per-request, each against the bare http anchor of the same settings and run. */
function serveFigures(r: ServeBenchResult): Figure[] {
  const figures: Figure[] = [];
  for (const versions of ['trained here', 'republished', 'none'] as const) {
    for (const n of [1, 32]) {
      /** `asRecorded` undefined: the full-speed pass; true or false: a paced one. */
      const find = (server: string, asRecorded?: boolean) => r.passes.find((p) => p.textsPerRequest === n && p.versions === versions && p.server === server && p.asRecorded === asRecorded);
      const ours = find('reviewflow serve');
      const anchor = find('bare node http (constant)');
      if (!ours || !anchor) continue;
      const when = { 'trained here': 'versions arriving (trained on this machine)', republished: 'versions arriving (republished, trainer elsewhere)', none: 'no new versions' }[versions];
      const settings = `${r.connections} connections, ${r.seconds} s, autocannon`;
      // autocannon's latencies are whole milliseconds: a 0 ms anchor has no ratio
      const vs = (name: string, mine: number, theirs: number): Pick<Figure, 'baseline' | 'ratio'> => ({ baseline: { name: `bare node http (constant), ${name}`, value: theirs }, ...(theirs > 0 ? { ratio: mine / theirs } : {}) });
      figures.push({ bench: 'serve', name: `serve, ${n} text(s)/request, ${when}: requests/s`, value: ours.requestsPerSec, unit: 'req/s', ...vs('requests/s', ours.requestsPerSec, anchor.requestsPerSec), note: `${settings}; ${Math.round(ours.requestsPerSec * n)} texts/s; ${ours.requests} requests, ${ours.failed} failed (anchor ${anchor.failed}); ${ours.swaps ?? 0} versions swapped in during the pass` });
      figures.push({ bench: 'serve', name: `serve, ${n} text(s)/request, ${when}: latency p50`, value: ours.p50Ms, unit: 'ms', ...vs('p50', ours.p50Ms, anchor.p50Ms) });
      figures.push({ bench: 'serve', name: `serve, ${n} text(s)/request, ${when}: latency p99`, value: ours.p99Ms, unit: 'ms', ...vs('p99', ours.p99Ms, anchor.p99Ms) });
      for (const asRecorded of [false, true]) {
        const [paced, pacedAnchor] = [find('reviewflow serve', asRecorded), find('bare node http (constant)', asRecorded)];
        if (!paced?.rate || !pacedAnchor) continue;
        const how = asRecorded ? 'latencies as recorded' : "autocannon's coordinated-omission correction";
        const note = `paced at ${paced.rate} req/s (half the max rate), ${how}; ${paced.requests} requests, ${paced.failed} failed (anchor ${pacedAnchor.failed}); ${paced.swaps ?? 0} versions swapped in during the pass`;
        figures.push({ bench: 'serve', name: `serve, ${n} text(s)/request, ${when}, half the max rate${asRecorded ? ' (as recorded)' : ''}: latency p99`, value: paced.p99Ms, unit: 'ms', ...vs('p99', paced.p99Ms, pacedAnchor.p99Ms), note });
      }
    }
  }
  return figures;
}

function codecFigures(results: BenchResult[]): Figure[] {
  const json = results.find((r) => r.name === 'baseline JSON stringify+parse Review');
  return results.map((r) => {
    const roundTrip = r.name === 'codec encode+decode Review' && json;
    return { bench: 'codec', name: r.name, value: r.opsPerSec, unit: 'ops/s', ...(roundTrip ? { baseline: { name: json.name, value: json.opsPerSec }, ratio: r.opsPerSec / json.opsPerSec } : {}) };
  });
}

function stageFigures(results: PureStageResult[]): Figure[] {
  return results.map((r) => ({ bench: 'stages-pure', name: `${r.stage} on ${r.dataset} (${r.avgChars} chars avg)`, value: r.recordsPerSec, unit: 'records/s' }));
}

/** The whole topology without Kafka on one core, against this run's raw pass-through (Kafka included). */
function ceilingFigures(c: ComputeCeilingResult, raw: { name: string; value: number } | undefined): Figure[] {
  const us = c.microsPerRawRecord;
  const vs = (value: number): Pick<Figure, 'baseline' | 'ratio'> => (raw ? { baseline: raw, ratio: value / raw.value } : {});
  const reps = `median of ${c.repetitions.length} (fresh state each), ${c.records} raw records, ${c.partitions} partitions`;
  const versions = c.repetitions[0]?.candidates.published ?? 0;
  const perStage = (phase: keyof ComputeCeilingResult['microsPerRawRecord'], what: string): Figure => ({ bench: 'ceiling', name: `${what}, per raw record`, value: us[phase], unit: 'µs' });
  return [
    { bench: 'ceiling', name: 'whole topology compute ceiling: clean+augment+gate (no Kafka, one core)', value: c.stagesOnly.recordsPerSec, unit: 'records/s', ...vs(c.stagesOnly.recordsPerSec), note: `no Kafka: the compute ceiling of the whole topology on one core; ${reps}` },
    { bench: 'ceiling', name: 'whole topology compute ceiling: clean+augment+gate fused (no Kafka, one core)', value: c.stagesFused.recordsPerSec, unit: 'records/s', ...vs(c.stagesFused.recordsPerSec), note: `as fuse: true runs them: decoded reviews handed over in memory; ${reps}` },
    { bench: 'ceiling', name: 'whole topology compute ceiling: clean+augment+gate+train (no Kafka, one core)', value: c.withTrain.recordsPerSec, unit: 'records/s', ...vs(c.withTrain.recordsPerSec), note: `no Kafka: the compute ceiling of the whole topology on one core; ${versions} versions formed and encoded, publishing excluded` },
    perStage('clean', 'ceiling: clean (TransformStep.process)'),
    perStage('augment', 'ceiling: augment'),
    perStage('gate', 'ceiling: gate'),
    perStage('train', `ceiling: train (decode + trainBatch, ${c.trainChunk} a chunk, ${c.backend})`),
    perStage('candidates', 'ceiling: forming and encoding candidate versions'),
  ];
}

interface TrainerRowLike {
  status: string;
  dataset: string;
  contender: string;
  tool?: string;
  executor?: string;
  backend?: string;
  epochs?: number;
  tokensPerSec?: number;
  examplesPerSec?: number;
  accuracy?: number | null;
  accuracyFullPrecision?: number | null;
  reason?: string;
}

/**
 * Every trainer contender on every dataset. Each reviewflow row's baseline is fastText at
 * 5 epochs on the same dataset (tokens/s over the same training tokens, training time only);
 * the anchors' accuracies go in its note, and the anchors get rows of their own.
 */
function trainerFigures(result: object): Figure[] {
  const { runs = [], anchors = [] } = result as { runs?: TrainerRowLike[]; anchors?: TrainerRowLike[] };
  const acc = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : x.toFixed(4));
  const figures: Figure[] = [];
  for (const dataset of new Set([...runs, ...anchors].map((r) => r.dataset))) {
    const same = anchors.filter((a) => a.dataset === dataset);
    const ok = same.filter((a) => a.status === 'ok');
    const ft5 = ok.find((a) => a.tool === 'fasttext' && a.epochs === 5);
    const anchorAccuracies = ok.map((a) => `${a.contender} ${acc(a.accuracy)}`).join(', ') || 'no anchor';
    for (const r of runs.filter((x) => x.dataset === dataset)) {
      const name = `trainer ${dataset}: ${r.contender}`;
      if (r.status !== 'ok' || r.tokensPerSec === undefined) {
        figures.push({ bench: 'trainer', name, value: Number.NaN, unit: 'tokens/s', note: `${r.status}: ${r.reason ?? ''}` });
        continue;
      }
      const baseline = ft5?.tokensPerSec !== undefined ? { baseline: { name: ft5.contender, value: ft5.tokensPerSec }, ratio: r.tokensPerSec / ft5.tokensPerSec } : {};
      const note = `${Math.round(r.examplesPerSec ?? 0)} examples/s, accuracy ${acc(r.accuracy)} (full precision ${acc(r.accuracyFullPrecision)}) vs ${anchorAccuracies}`;
      figures.push({ bench: 'trainer', name, value: r.tokensPerSec, unit: 'tokens/s', ...baseline, note });
    }
    for (const a of same) {
      const name = `trainer ${dataset}: ${a.contender}`;
      if (a.status !== 'ok' || a.tokensPerSec === undefined) figures.push({ bench: 'trainer', name, value: Number.NaN, unit: 'tokens/s', note: `${a.status}: ${a.reason ?? ''}` });
      else figures.push({ bench: 'trainer', name, value: a.tokensPerSec, unit: 'tokens/s', note: `anchor, ${Math.round(a.examplesPerSec ?? 0)} examples/s, accuracy ${acc(a.accuracy)}` });
    }
  }
  return figures;
}

/** A bench that throws becomes a figure saying so; the other benches' figures still get written. */
async function orFailedFigure(bench: string, figures: Figure[], raw: Record<string, unknown>, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`[bench] ${bench} failed:`, err);
    raw[bench] = { failed: message };
    figures.push({ bench, name: `${bench} bench`, value: Number.NaN, unit: '', note: `FAILED: ${message}` });
  }
}

function printTable(figures: Figure[]): void {
  const fmt = (x: number): string => (Number.isNaN(x) ? '-' : x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));
  const rows = figures.map((f) => [f.bench, f.name, `${fmt(f.value)} ${f.unit}`, f.baseline ? fmt(f.baseline.value) : '', f.ratio === undefined ? '' : f.ratio.toFixed(2), f.note ?? '']);
  const header = ['bench', 'figure', 'value', 'baseline', 'ratio', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const figures: Figure[] = [];
  const raw: Record<string, unknown> = {};
  const step = (name: string): void => console.error(`[bench] ${name} (${Math.round((Date.now() - started) / 1000)} s)`);
  let tfjsBackend: string | null = null;
  let kafka: { backend: string; version: string | null; brokers: string[] } | undefined;
  /** This run's raw pass-through rates, for the compute ceiling (e2e's preferred: same records). */
  const passThrough: { e2e?: number; kafka?: number } = {};
  if (args.only.has('codec')) {
    step('codec');
    const c = await benchCodec();
    raw['codec'] = c;
    figures.push(...codecFigures(c));
  }
  if (args.only.has('stages')) {
    step('pure stages');
    const wordnet = benchWordnetLoad(); // first: it must find the synonym table not loaded yet
    const s = await benchPureStages();
    raw['stages'] = { wordnet, results: s };
    figures.push({ bench: 'stages-pure', name: 'WordNet synonym table load (one-time)', value: wordnet.ms, unit: 'ms', note: `${wordnet.lemmas} lemmas, ${wordnet.heapMb} MB heap` });
    figures.push(...stageFigures(s));
  }
  if (BROKER_BENCHES.some((b) => args.only.has(b))) {
    await withBroker(async (b) => {
      kafka = b;
      let rawBaseline: { name: string; value: number } | undefined;
      if (args.only.has('kafka')) {
        step('kafka throughput');
        const k = await benchKafkaThroughput({ brokers: b.brokers, records: args.quick ? 10_000 : 50_000, ceilingRecords: args.quick ? 50_000 : 200_000 });
        raw['kafka'] = k;
        figures.push(...kafkaFigures(k));
        const pass = k.passes[0];
        if (pass) rawBaseline = { name: 'raw pass-through (kafka bench)', value: pass.recordsPerSec };
        if (pass) passThrough.kafka = pass.recordsPerSec;
      }
      if (args.only.has('e2e')) {
        step('end to end (unfused and fused: a backlog each, then ~60 s each at half its max rate)');
        await orFailedFigure('e2e', figures, raw, async () => {
          const e = await benchEndToEnd({ brokers: b.brokers, records: args.quick ? 10_000 : 50_000, seconds: args.quick ? 20 : 60 });
          raw['e2e'] = e;
          figures.push(...e2eFigures(e));
          rawBaseline ??= { name: 'raw pass-through (e2e backlog)', value: e.raw.recordsPerSec };
          passThrough.e2e = e.raw.recordsPerSec;
        });
      }
      if (args.only.has('scaling')) {
        step('scaling (spawns dist/src/cli/main.js: build first)');
        await orFailedFigure('scaling', figures, raw, async () => {
          const sc = await benchScaling({ brokers: b.brokers.join(','), records: args.quick ? 10_000 : 50_000 });
          raw['scaling'] = sc;
          figures.push(...scalingFigures(sc, rawBaseline));
        });
      }
      if (args.only.has('serve')) {
        step('serve: HTTP predictions while versions arrive, against a bare node http server');
        await orFailedFigure('serve', figures, raw, async () => {
          const result = await benchServe({ brokers: b.brokers, quick: args.quick });
          raw['serve'] = result;
          figures.push(...serveFigures(result));
        });
      }
      if (args.only.has('subscriber')) {
        step('subscriber: publication → swapped in by a running subscriber');
        await orFailedFigure('subscriber', figures, raw, async () => {
          const sub = await benchSubscriber({ brokers: b.brokers, versions: args.quick ? 4 : 10 });
          raw['subscriber'] = sub;
          const target = { name: 'target', value: 2_000 };
          figures.push({ bench: 'subscriber', name: 'version formed → swapped in by a subscriber, p50', value: sub.latencyMs.p50, unit: 'ms', baseline: target, ratio: sub.latencyMs.p50 / target.value, note: `${sub.versions} versions` });
          figures.push({ bench: 'subscriber', name: 'version formed → swapped in by a subscriber, max', value: sub.latencyMs.max, unit: 'ms', baseline: target, ratio: sub.latencyMs.max / target.value });
        });
      }
    });
  }
  if (args.only.has('ceiling')) {
    step('compute ceiling: whole topology without Kafka, one core');
    await orFailedFigure('ceiling', figures, raw, async () => {
      const c = await benchComputeCeiling({ records: args.quick ? 10_000 : 50_000 });
      raw['ceiling'] = c;
      const baseline = passThrough.e2e !== undefined ? { name: 'raw pass-through (e2e backlog)', value: passThrough.e2e } : passThrough.kafka !== undefined ? { name: 'raw pass-through (kafka bench)', value: passThrough.kafka } : undefined;
      figures.push(...ceilingFigures(c, baseline));
    });
  }
  if (args.only.has('trainer')) {
    step('trainer against fastText and Vowpal Wabbit (takes ~15 minutes; no --quick sizes; more data: --dataset name=path.jsonl)');
    const t = await benchTrainer({ extraDatasets: parseDatasetArgs(process.argv.slice(2)), executors: parseExecutorArgs(process.argv.slice(2)) });
    raw['trainer'] = t;
    tfjsBackend = t.runs.filter((r) => r.executor === 'tfjs').at(-1)?.backend ?? null; // a GPU or native backend when one loaded
    figures.push(...trainerFigures(t));
  }
  printTable(figures);
  const results = {
    timestamp: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    args: { quick: args.quick, only: [...args.only] },
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 1e8) / 10, node: process.version, platform: `${process.platform} ${process.arch}` },
    tfjsBackend,
    kafka: kafka ? { backend: kafka.backend, version: kafka.version } : null,
    figures,
    raw,
  };
  const path = join(packageRoot(), 'bench', 'results.json');
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  console.error(`[bench] wrote ${path}`);
}

await main();
