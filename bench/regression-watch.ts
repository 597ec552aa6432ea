/**
 * What automatic rollback costs the trainer: training throughput with the regression
 * watch on (the labelled version and its predecessor scored on every record before
 * training, the worst case: a comparison window as long as the pass) against the same
 * trainer with it off, in the same run, passes alternating off/on so drift hits both.
 * Default options (2^22 buckets, sparse executor on the cpu backend); the two watched
 * versions are the weights of a trainer that learned the dataset once.
 *
 *   npm run build && node dist/bench/regression-watch.js [--passes 5]
 *   (prints a table, then one JSON line)
 */
import { loadavg } from 'node:os';
import { denseWeights, deserializeWeights, type ScoringWeights } from '../src/models/index.js';
import { loadBackend, RegressionWatch, Trainer, trainerOptions, type BackendInfo, type TrainRecord } from '../src/trainer/index.js';
import { median } from './trainer/anchor.js';
import { benchDatasets, type Dataset } from './trainer/datasets.js';
import { collectGarbage } from './trainer/reviewflow.js';

/** Records per trainBatch call, as in the trainer bench. */
const FEED = 4096;
/** A pass over fewer records takes tens of ms: too short to time on a shared machine (UCI, 3,000). */
const MIN_RECORDS = 5_000;

interface WatchRow {
  dataset: string;
  examples: number;
  passes: number;
  offExamplesPerSec: number;
  onExamplesPerSec: number;
  /** on ÷ off: 1 means free. */
  ratio: number;
  offSeconds: number[];
  onSeconds: number[];
}

async function watchedWeights(records: TrainRecord[][], backend: BackendInfo): Promise<ScoringWeights> {
  const teacher = await Trainer.create(trainerOptions.parse({ executor: 'sparse' }), backend);
  for (const batch of records) await teacher.trainBatch(batch);
  const weights = deserializeWeights(await teacher.exportWeights());
  teacher.dispose();
  return { bias: weights.bias, weights: denseWeights(weights) };
}

async function timePass(batches: TrainRecord[][], backend: BackendInfo, watch: RegressionWatch | undefined): Promise<number> {
  const trainer = await Trainer.create(trainerOptions.parse({ executor: 'sparse' }), backend);
  await trainer.observe(watch);
  collectGarbage();
  const started = performance.now();
  for (const batch of batches) await trainer.trainBatch(batch);
  const seconds = (performance.now() - started) / 1000;
  trainer.dispose();
  return seconds;
}

async function benchDataset(dataset: Dataset, backend: BackendInfo, passes: number): Promise<WatchRow> {
  const records: TrainRecord[] = dataset.reviews.map((review, offset) => ({ review, topic: 'bench', partition: 0, offset }));
  const batches: TrainRecord[][] = [];
  for (let i = 0; i < records.length; i += FEED) batches.push(records.slice(i, i + FEED));
  const labelled = await watchedWeights(batches, backend);
  const predecessor: ScoringWeights = { bias: -labelled.bias, weights: labelled.weights.map((w) => -w) };
  const move = { id: 'bench', label: 'stable', version: 2, predecessor: 1 };
  const watch = (): RegressionWatch => new RegressionWatch({ label: 'stable', version: 2, labelled, judge: { move, predecessor }, window: records.length, margin: 0.02 });
  await timePass(batches, backend, watch()); // warm-up: the JIT sees both paths before anything is timed
  const offSeconds: number[] = [];
  const onSeconds: number[] = [];
  for (let i = 0; i < passes; i++) {
    offSeconds.push(await timePass(batches, backend, undefined));
    onSeconds.push(await timePass(batches, backend, watch()));
  }
  const off = records.length / median(offSeconds);
  const on = records.length / median(onSeconds);
  return { dataset: dataset.name, examples: records.length, passes, offExamplesPerSec: off, onExamplesPerSec: on, ratio: on / off, offSeconds, onSeconds };
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--passes');
  const passes = at >= 0 ? Number(process.argv[at + 1]) : 5;
  if (!Number.isInteger(passes) || passes < 1) throw new Error(`--passes takes a whole number from 1; got ${process.argv[at + 1]}`);
  const backend = await loadBackend('cpu');
  const { datasets, missing } = benchDatasets([]);
  for (const m of missing) console.error(`[bench] skipped ${m}`);
  const rows: WatchRow[] = [];
  for (const dataset of datasets) {
    if (dataset.reviews.length < MIN_RECORDS) console.error(`[bench] skipped ${dataset.name}: ${dataset.reviews.length} records, a pass too short to time`);
    else rows.push(await benchDataset(dataset, backend, passes));
  }
  console.log(['dataset', 'examples', 'watch off (examples/s)', 'watch on (examples/s)', 'on/off'].join('\t'));
  for (const r of rows) console.log([r.dataset, r.examples, Math.round(r.offExamplesPerSec), Math.round(r.onExamplesPerSec), r.ratio.toFixed(3)].join('\t'));
  console.log(JSON.stringify({ bench: 'regression-watch', loadAverage: loadavg()[0], backend: backend.backend, executor: 'sparse', buckets: trainerOptions.parse({}).buckets, timing: `median of ${passes} passes each, alternating off/on, fresh trainer per pass, heap collected before each`, rows }));
}

await main();
