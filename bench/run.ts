/**
 * `npm run bench`: every benchmark in one run. Starts (or reuses) a broker, runs the Kafka
 * throughput bench, the codec, pure-stage and trainer benches, prints one table and writes
 * bench/results.json (machine, versions, each figure with its same-run baseline and ratio).
 *
 *   npm run build && node dist/bench/run.js [--quick] [--only kafka,codec,stages,trainer]
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
import { benchKafkaThroughput, type KafkaThroughputResult } from './kafka-throughput.js';
import { benchPureStages, benchWordnetLoad, type PureStageResult } from './stages-pure.js';
import { benchTrainer } from './trainer.js';

const BENCHES = ['kafka', 'codec', 'stages', 'trainer'] as const;
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
    { bench: 'kafka', name: raw.name, value: raw.recordsPerSec, unit: 'records/s', note: `${raw.records} records, first→last record ${Math.round(raw.firstToLastRecordsPerSec ?? 0)} records/s` },
  ];
  for (const s of stages) {
    figures.push({ bench: 'kafka', name: s.name, value: s.recordsPerSec, unit: 'records/s', baseline: { name: 'raw pass-through', value: raw.recordsPerSec }, ratio: s.ratioToRaw, note: `${s.records} in → ${s.output} out${s.stalled ? `; STALLED: ${s.stalled}` : ''}` });
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

interface TrainerRunLike {
  dataset: string;
  backend: string;
  tokensPerSec: number;
  examplesPerSec: number;
  holdoutAccuracy: number | null;
}
interface BaselineLike {
  dataset: string;
  tool: string;
  status: string;
  tokensPerSec?: number;
  accuracy?: number;
  reason?: string;
}

/** The trainer against fastText (one epoch, default lr) on the same dataset. */
function trainerFigures(result: object): Figure[] {
  const { runs = [], baselines = [] } = result as { runs?: TrainerRunLike[]; baselines?: BaselineLike[] };
  const figures: Figure[] = [];
  for (const r of runs) {
    const ft = baselines.find((b) => b.dataset === r.dataset && b.status === 'ok' && b.tool.endsWith('-epoch 1'));
    const baseline = ft?.tokensPerSec !== undefined ? { baseline: { name: ft.tool, value: ft.tokensPerSec }, ratio: r.tokensPerSec / ft.tokensPerSec } : {};
    const accuracy = `holdout accuracy ${r.holdoutAccuracy?.toFixed(4) ?? '-'}${ft?.accuracy !== undefined ? ` (fastText ${ft.accuracy.toFixed(4)})` : ''}`;
    figures.push({ bench: 'trainer', name: `trainer ${r.dataset} (${r.backend})`, value: r.tokensPerSec, unit: 'tokens/s', ...baseline, note: `${Math.round(r.examplesPerSec)} examples/s, ${accuracy}` });
  }
  for (const b of baselines) if (b.status !== 'ok') figures.push({ bench: 'trainer', name: b.tool, value: Number.NaN, unit: 'tokens/s', note: `${b.status}: ${b.reason ?? ''}` });
  return figures;
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
  if (args.only.has('kafka')) {
    step('kafka throughput');
    const k = await withBroker(async (b) => {
      kafka = b;
      return benchKafkaThroughput({ brokers: b.brokers, records: args.quick ? 10_000 : 50_000, ceilingRecords: args.quick ? 50_000 : 200_000 });
    });
    raw['kafka'] = k;
    figures.push(...kafkaFigures(k));
  }
  if (args.only.has('trainer')) {
    step('trainer (takes minutes; no --quick sizes)');
    const t = await benchTrainer();
    raw['trainer'] = t;
    tfjsBackend = (t as { runs?: Array<{ backend: string }> }).runs?.[0]?.backend ?? null;
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
