/**
 * Trainer accuracy and training throughput against two anchors measured in the same run,
 * on the same splits and the same tokens: fastText (1 and 5 epochs, lr 1.0, bigrams,
 * dim 10, one thread) and Vowpal Wabbit (one pass, bigrams, logistic loss), next to every
 * executor of ours. The split is the trainer's own holdout (10% of ids by hash): the
 * trainer never trains on it, the anchors are tested on exactly those records.
 *
 * Timing, the same rule for every contender: training only, without process start and
 * file parsing (see TIMING). tokens/s = the training split's tokens (our tokenizer) ÷ the
 * contender's training seconds, whatever its number of epochs.
 *
 *   npm run build && node dist/bench/trainer.js [--dataset name=path.jsonl ...] [--executors sparse]
 *   (prints a table, then one JSON line; scripts/bench-setup.sh installs the anchors)
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { ExecutorKind } from '../src/trainer/executor.js';
import { loadBackend, type BackendInfo, type SkippedBackend } from '../src/trainer/index.js';
import type { AnchorResult, AnchorRun } from './trainer/anchor.js';
import { benchDatasets, parseDatasetArgs, type Dataset, type DatasetRequest } from './trainer/datasets.js';
import { FASTTEXT_CONFIGS, runFastText } from './trainer/fasttext.js';
import { contenderName, runReviewflow, type ReviewflowRun, type SkippedRun } from './trainer/reviewflow.js';
import { holdoutSplit, writeSplitFiles, type BenchSplit } from './trainer/split.js';
import { printTrainerTable } from './trainer/table.js';
import { checkTargets, type TargetCheck } from './trainer/targets.js';
import { runVowpalWabbit } from './trainer/vowpal-wabbit.js';

export const TIMING =
  'training only, for every contender: reviewflow = the trainBatch calls of one pass over records in memory (a fresh Trainer per timed pass, after one untimed warm-up pass in the same process so the JIT is warm); ' +
  "Vowpal Wabbit = its learn() loop over example strings in memory (after one untimed warm-up pass); fastText = its own progress meter (after reading the file and building its dictionary, before saving). " +
  'tokens/s = training-split tokens (our tokenizer) ÷ training seconds, not multiplied by epochs.';

/** Datasets below this many records are timed 5 times (median); a single pass is too short to time alone. */
const SMALL_DATASET = 15_000;
const SMALL_DATASET_PASSES = 5;
/** A tfjs pass on the CPU backend projected above this is skipped: the GPU path's math is not meant for a CPU. */
const TFJS_PASS_BUDGET_SECONDS = 180;

export interface DatasetSummary {
  name: string;
  origin: string;
  records: number;
  trainExamples: number;
  testExamples: number;
  trainTokens: number;
  tokensPerExample: number;
  timedPasses: number;
}

export interface TrainerBenchResult {
  bench: 'trainer';
  node: string;
  timing: string;
  /** 1, 5 and 15 minute load averages when the bench ended: other work on the machine skews every figure. */
  loadAverage: number[];
  skippedBackends: SkippedBackend[];
  datasets: DatasetSummary[];
  datasetsMissing: string[];
  runs: Array<ReviewflowRun | SkippedRun>;
  anchors: AnchorResult[];
  /** The targets for the sparse executor, per dataset. */
  targets: TargetCheck[];
}

export interface TrainerBenchOptions {
  /** More JSONL datasets (`--dataset name=path.jsonl`). */
  extraDatasets?: DatasetRequest[];
  /** Only these executors' lanes (`--executors sparse`, to skip the slow tfjs-on-CPU lanes while iterating); default all. */
  executors?: readonly ExecutorKind[];
}

const EXECUTORS: readonly ExecutorKind[] = ['sparse', 'tfjs'];

/** `--executors sparse,tfjs`; every executor when absent. Ignores every other argument (run.ts shares argv). */
export function parseExecutorArgs(argv: readonly string[]): ExecutorKind[] {
  const at = argv.indexOf('--executors');
  if (at < 0) return [...EXECUTORS];
  const names = (argv[at + 1] ?? '').split(',').filter((n) => n !== '');
  const unknown = names.filter((n) => !EXECUTORS.includes(n as ExecutorKind));
  if (names.length === 0 || unknown.length > 0) throw new Error(`--executors takes a comma-separated list of ${EXECUTORS.join(', ')}; got "${argv[at + 1] ?? ''}"`);
  return names as ExecutorKind[];
}

/** One executor on one tfjs backend; `tfName` re-activates the backend (tfjs has one global backend). */
interface Lane {
  executor: ExecutorKind;
  backend: BackendInfo;
  tfName: string;
}

const log = (message: string): void => console.error(`[bench trainer] ${message}`);

/** sparse and tfjs on the CPU backend; tfjs also on a GPU or native backend when one loads. */
async function executorLanes(executors: readonly ExecutorKind[]): Promise<{ lanes: Lane[]; skipped: SkippedBackend[] }> {
  const auto = await loadBackend('auto');
  const autoName = auto.tf.getBackend();
  const cpu = await loadBackend('cpu');
  const lanes: Lane[] = [
    { executor: 'sparse', backend: cpu, tfName: 'cpu' },
    { executor: 'tfjs', backend: cpu, tfName: 'cpu' },
  ];
  if (auto.backend !== 'cpu') lanes.push({ executor: 'tfjs', backend: auto, tfName: autoName });
  return { lanes: lanes.filter((lane) => executors.includes(lane.executor)), skipped: auto.skipped };
}

export async function benchTrainer(options: TrainerBenchOptions = {}): Promise<TrainerBenchResult> {
  const { datasets, missing } = benchDatasets(options.extraDatasets ?? []);
  for (const m of missing) log(`skipping ${m}`);
  const { lanes, skipped } = await executorLanes(options.executors ?? EXECUTORS);
  const runs: Array<ReviewflowRun | SkippedRun> = [];
  const anchors: AnchorResult[] = [];
  const summaries: DatasetSummary[] = [];
  /** Seconds per trained example of each tfjs lane's first dataset: projects its other passes. */
  const tfjsPace = new Map<Lane, { dataset: string; secondsPerExample: number }>();
  for (const dataset of datasets) {
    const split = holdoutSplit(dataset.reviews);
    const timedPasses = dataset.reviews.length < SMALL_DATASET ? SMALL_DATASET_PASSES : 1;
    summaries.push(summarize(dataset, split, timedPasses));
    for (const lane of lanes) {
      const run = await runLane({ lane, dataset, split, timedPasses, pace: tfjsPace.get(lane) });
      if (run.status === 'ok' && lane.executor === 'tfjs' && !tfjsPace.has(lane)) tfjsPace.set(lane, { dataset: dataset.name, secondsPerExample: run.trainSeconds / run.examples });
      runs.push(run);
    }
    anchors.push(...runAnchors(dataset, split, timedPasses));
  }
  const targets = checkTargets(runs, anchors);
  return { bench: 'trainer', node: process.version, timing: TIMING, loadAverage: loadavg(), skippedBackends: skipped, datasets: summaries, datasetsMissing: missing, runs, anchors, targets };
}

async function runLane(options: { lane: Lane; dataset: Dataset; split: BenchSplit; timedPasses: number; pace?: { dataset: string; secondsPerExample: number } }): Promise<ReviewflowRun | SkippedRun> {
  const { lane, dataset, split, pace } = options;
  const contender = contenderName(lane.executor, lane.backend.backend);
  const projected = pace ? pace.secondsPerExample * split.train.length : 0;
  if (lane.executor === 'tfjs' && lane.backend.backend === 'cpu' && projected > TFJS_PASS_BUDGET_SECONDS) {
    const reason = `one pass projected at ${Math.round(projected)} s from ${pace!.dataset} (> ${TFJS_PASS_BUDGET_SECONDS} s): tfjs on the CPU backend is run on ${pace!.dataset} only`;
    log(`${dataset.name}: ${contender} skipped, ${reason}`);
    return { status: 'skipped', dataset: dataset.name, contender, executor: lane.executor, backend: lane.backend.backend, reason };
  }
  await lane.backend.tf.setBackend(lane.tfName);
  // A tfjs pass takes minutes: one timed pass (plus the warm-up) is enough to read it.
  const timedPasses = lane.executor === 'tfjs' ? 1 : options.timedPasses;
  log(`${dataset.name}: ${contender}, warm-up + ${timedPasses} timed pass${timedPasses === 1 ? '' : 'es'}`);
  return runReviewflow({ dataset, split, executor: lane.executor, backend: lane.backend, timedPasses });
}

function runAnchors(dataset: Dataset, split: BenchSplit, timedPasses: number): AnchorResult[] {
  const files = writeSplitFiles(split);
  try {
    const run: AnchorRun = { dataset: dataset.name, trainExamples: split.train.length, trainTokens: split.trainTokens, testExamples: split.test.length, timedPasses };
    const results: AnchorResult[] = [];
    for (const config of FASTTEXT_CONFIGS) {
      log(`${dataset.name}: fastText ${config.epochs} epoch(s), warm-up + ${timedPasses} timed run(s)`);
      results.push(runFastText(files, run, config));
    }
    log(`${dataset.name}: Vowpal Wabbit, warm-up + ${timedPasses} timed pass(es)`);
    results.push(runVowpalWabbit(files, run));
    return results;
  } finally {
    files.remove();
  }
}

function summarize(dataset: Dataset, split: BenchSplit, timedPasses: number): DatasetSummary {
  return {
    name: dataset.name,
    origin: dataset.origin,
    records: dataset.reviews.length,
    trainExamples: split.train.length,
    testExamples: split.test.length,
    trainTokens: split.trainTokens,
    tokensPerExample: split.trainTokens / Math.max(1, split.train.length),
    timedPasses,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const result = await benchTrainer({ extraDatasets: parseDatasetArgs(argv), executors: parseExecutorArgs(argv) });
  printTrainerTable(result);
  console.log(JSON.stringify(result));
}
