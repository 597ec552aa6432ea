/**
 * What delta versions save: bytes put on the model topic per version, snapshots against
 * deltas, and what rebuilding a delta costs a reader, with the trainer's default options
 * (2^22 buckets, float16, a snapshot every 10 versions) and one version every `--every`
 * trained examples (default 2,000). The anchor is each version's full size, from the same
 * run: its manifest's `weights.bytes`, which is what the version would have published with
 * `snapshotEvery: 1` (the full weights are the same either way: tests/unit/trainer/
 * delta-versions.test.ts).
 *
 * With `--prune-min-deviation D` and/or `--prune-max-rows N`, every dataset runs a second
 * time with that pruning rule (trainer option `prune`); the unpruned run is its anchor, and
 * each pruned version records its own cost on the holdout (`weights.pruning`).
 *
 *   npm run build && node dist/bench/delta-versions.js [--every 2000] [--snapshot-every 10] [--prune-min-deviation 0.9] [--prune-max-rows 30000] [--dataset name=path.jsonl]
 *   (prints a table, then one JSON line)
 */
import { ModelAssembler, publishedBytes, type ModelUpdateRecord } from '../src/models/index.js';
import { loadBackend, Trainer, trainerOptions, type BackendInfo } from '../src/trainer/index.js';
import type { PruneRule } from '../src/trainer/pruning.js';
import { mean } from './stats.js';
import { benchDatasets, parseDatasetArgs, type Dataset } from './trainer/datasets.js';

/** Records per trainBatch call: the train stage's default batch. */
const FEED = 500;

interface DeltaRow {
  dataset: string;
  versions: number;
  snapshots: number;
  /** Mean bytes of a full version (what every version cost before deltas). */
  fullBytesMean: number;
  /** Mean bytes of a delta version's delta. */
  deltaBytesMean: number;
  /** Bytes published over all versions, with deltas ÷ all full. */
  publishedRatio: number;
  /** Mean ms a reader spends assembling and verifying a version: deltas (rebuilt) and snapshots. */
  readDeltaMs: number;
  readSnapshotMs: number;
  /** Mean ms the trainer spent forming a published version (maybeCandidate): its pause in training. */
  candidateMs: number;
  /** The pruning rule; null: every touched row stored. */
  prune: PruneRule | null;
  /** Rows the last version stores, of the rows its trainer touched. */
  storedRows: number;
  touchedRows: number;
  /** The last version's holdout accuracy (as published), and with every touched row at full precision. */
  holdoutAccuracy: number | null;
  holdoutAccuracyUnpruned: number | null;
}

function numberArg(argv: readonly string[], name: string, fallback: number, whole = true): number {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (whole ? !Number.isInteger(value) || value < 1 : !(value >= 0)) throw new Error(`${name} takes ${whole ? 'a whole number from 1' : 'a number from 0'}; got "${argv[at + 1] ?? ''}"`);
  return value;
}

/** The pruning rule the arguments give, if any. */
function pruneArg(argv: readonly string[]): PruneRule | undefined {
  const minDeviation = numberArg(argv, '--prune-min-deviation', 0, false);
  const maxRows = argv.includes('--prune-max-rows') ? numberArg(argv, '--prune-max-rows', 1) : undefined;
  return minDeviation > 0 || maxRows !== undefined ? { minDeviation, maxRows } : undefined;
}

async function benchDataset(dataset: Dataset, backend: BackendInfo, every: number, snapshotEvery: number, prune?: PruneRule): Promise<DeltaRow> {
  const trainer = await Trainer.create(trainerOptions.parse({ backend: 'cpu', publishEveryExamples: every, publishEveryMs: 1e12, acceptMargin: 1, snapshotEvery, ...(prune ? { prune } : {}) }), backend);
  const records: ModelUpdateRecord[][] = [];
  const candidateMs: number[] = [];
  let touched = 0;
  try {
    for (let from = 0; from < dataset.reviews.length; from += FEED) {
      const batch = dataset.reviews.slice(from, from + FEED).map((review, i) => ({ review, topic: 'bench', partition: 0, offset: from + i }));
      await trainer.trainBatch(batch);
      const final = from + FEED >= dataset.reviews.length;
      const began = performance.now();
      const candidate = await trainer.maybeCandidate(Date.now(), { final });
      if (candidate?.kind !== 'publish') continue;
      candidateMs.push(performance.now() - began);
      trainer.markPublished(candidate.manifest);
      records.push([...candidate.chunks.map((value): ModelUpdateRecord => ({ kind: 'chunk', value })), { kind: 'manifest', value: candidate.manifest }]);
    }
    touched = trainer.stats().touchedRows;
  } finally {
    trainer.dispose();
  }
  const assembler = new ModelAssembler();
  const read = { delta: [] as number[], snapshot: [] as number[] };
  for (const version of records) {
    const started = performance.now();
    for (const record of version) {
      const result = assembler.add(record);
      if (result.kind === 'ignored') throw new Error(`v${result.version} did not load: ${result.reason}`);
    }
    const manifest = version.at(-1)!.value as Extract<ModelUpdateRecord, { kind: 'manifest' }>['value'];
    (manifest.weights.delta ? read.delta : read.snapshot).push(performance.now() - started);
  }
  const manifests = records.map((v) => v.at(-1)!.value as Extract<ModelUpdateRecord, { kind: 'manifest' }>['value']);
  const deltas = manifests.filter((m) => m.weights.delta);
  const full = manifests.reduce((sum, m) => sum + m.weights.bytes, 0);
  const last = manifests.at(-1)!;
  return {
    dataset: dataset.name,
    versions: manifests.length,
    snapshots: manifests.length - deltas.length,
    fullBytesMean: Math.round(full / manifests.length),
    deltaBytesMean: Math.round(mean(deltas.map(publishedBytes))),
    publishedRatio: manifests.reduce((sum, m) => sum + publishedBytes(m), 0) / full,
    readDeltaMs: mean(read.delta),
    readSnapshotMs: mean(read.snapshot),
    candidateMs: mean(candidateMs),
    prune: prune ?? null,
    storedRows: last.weights.pruning?.storedRows ?? touched,
    touchedRows: touched,
    holdoutAccuracy: last.metrics.holdoutAccuracy,
    holdoutAccuracyUnpruned: last.weights.pruning ? last.weights.pruning.holdoutAccuracyUnpruned : last.metrics.holdoutAccuracyFullPrecision,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const every = numberArg(argv, '--every', 2_000);
  const snapshotEvery = numberArg(argv, '--snapshot-every', 10);
  const backend = await loadBackend('cpu');
  const { datasets, missing } = benchDatasets(parseDatasetArgs(argv));
  for (const m of missing) console.log(`skipped ${m}`);
  const rows: DeltaRow[] = [];
  const prune = pruneArg(argv);
  for (const dataset of datasets) {
    rows.push(await benchDataset(dataset, backend, every, snapshotEvery));
    if (prune) rows.push(await benchDataset(dataset, backend, every, snapshotEvery, prune));
  }
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(`one version every ${every} examples, a snapshot every ${snapshotEvery} versions`);
  const percent = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(2)} %`);
  console.log('dataset          pruning            versions  snapshots  full/version  delta/version  published÷full  read delta  read snapshot  candidate  rows stored/touched  holdout  unpruned');
  for (const r of rows) {
    const rule = r.prune ? [r.prune.minDeviation > 0 ? `≥${r.prune.minDeviation}` : '', r.prune.maxRows ? `top ${r.prune.maxRows}` : ''].filter(Boolean).join(', ') : 'off';
    console.log(
      `${r.dataset.padEnd(16)} ${rule.padEnd(18)} ${String(r.versions).padStart(8)}  ${String(r.snapshots).padStart(9)}  ${kb(r.fullBytesMean).padStart(12)}  ${kb(r.deltaBytesMean).padStart(13)}  ${r.publishedRatio.toFixed(3).padStart(14)}  ${`${r.readDeltaMs.toFixed(1)} ms`.padStart(10)}  ${`${r.readSnapshotMs.toFixed(1)} ms`.padStart(13)}  ${`${r.candidateMs.toFixed(1)} ms`.padStart(9)}  ${`${r.storedRows}/${r.touchedRows}`.padStart(19)}  ${percent(r.holdoutAccuracy).padStart(7)}  ${percent(r.holdoutAccuracyUnpruned).padStart(8)}`,
    );
  }
  console.log(JSON.stringify({ bench: 'delta-versions', every, snapshotEvery, rows }));
}

await main();
