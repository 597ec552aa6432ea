import type { BackendInfo, TrainRecord } from '../../src/trainer/index.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Trainer, trainerOptions } from '../../src/trainer/index.js';
import type { ExecutorKind } from '../../src/trainer/executor.js';
import { median } from './anchor.js';
import type { Dataset } from './datasets.js';
import type { BenchSplit } from './split.js';

/**
 * Our trainer, timed like the anchors: records already in memory, only the trainBatch
 * calls of one pass counted, a fresh Trainer per timed pass, after one untimed warm-up
 * pass in the same process so the JIT is warm. trainBatch featurises the holdout records
 * too (to store them), which the anchors never do: that cost stays in our time.
 * Before each timed pass the heap is collected, so a pass does not pay for freeing the
 * previous trainer's tables (128 MB at 2^22 buckets), as each anchor pass starts in a
 * fresh process; garbage the pass itself makes is still collected inside its time.
 */
export interface ReviewflowRun {
  status: 'ok';
  dataset: string;
  contender: string;
  executor: ExecutorKind;
  backend: string;
  examples: number;
  tokens: number;
  /** Median training seconds of the timed passes. */
  trainSeconds: number;
  passSeconds: number[];
  warmUpSeconds: number;
  tokensPerSec: number;
  examplesPerSec: number;
  maxBatchMs: number;
  /** As published (float16 weights by default), and at full precision. */
  accuracy: number | null;
  accuracyFullPrecision: number | null;
  holdoutSize: number;
  weightBytes: number;
  /** Forming, scoring and packaging the final candidate (serialize, SHA-256, holdout scoring). */
  candidateMs: number;
  peakRssMb: number;
  note: string;
}

export interface SkippedRun {
  status: 'skipped';
  dataset: string;
  contender: string;
  executor: ExecutorKind;
  backend: string;
  reason: string;
}

export interface ReviewflowBenchOptions {
  dataset: Dataset;
  split: BenchSplit;
  executor: ExecutorKind;
  backend: BackendInfo;
  timedPasses: number;
}

/** Records per trainBatch call: what the Kafka side hands over per poll. */
const FEED = 4096;

export function contenderName(executor: ExecutorKind, backend: string): string {
  return `reviewflow ${executor} (${backend})`;
}

export async function runReviewflow(options: ReviewflowBenchOptions): Promise<ReviewflowRun> {
  const { dataset, split, executor, backend } = options;
  const trainerConfig = trainerOptions.parse({ executor, holdoutMax: 1_000_000 });
  const records: TrainRecord[] = dataset.reviews.map((review, offset) => ({ review, topic: 'bench', partition: 0, offset }));
  const batches: TrainRecord[][] = [];
  for (let i = 0; i < records.length; i += FEED) batches.push(records.slice(i, i + FEED));

  const warmUp = await Trainer.create(trainerConfig, backend);
  const warmUpSeconds = (await timePass(warmUp, batches)).seconds;
  warmUp.dispose();
  const passes: PassTiming[] = [];
  let last: Trainer | undefined;
  for (let i = 0; i < options.timedPasses; i++) {
    last?.dispose();
    last = await Trainer.create(trainerConfig, backend);
    collectGarbage();
    passes.push(await timePass(last, batches));
  }
  const trainer = last!;
  const candidateStarted = performance.now();
  const candidate = await trainer.maybeCandidate(Date.now(), { final: true });
  const candidateMs = performance.now() - candidateStarted;
  const stats = trainer.stats();
  trainer.dispose();

  const passSeconds = passes.map((p) => p.seconds);
  const trainSeconds = median(passSeconds);
  const tokens = passes[0]!.tokens;
  const published = candidate?.kind === 'publish' ? candidate.manifest : undefined;
  const note = [
    passes.length > 1 ? `median of ${passes.length} passes (each a fresh trainer)` : '1 timed pass',
    `after an untimed warm-up pass (${warmUpSeconds.toFixed(1)} s)`,
    'heap collected before each timed pass',
    executor === 'tfjs' && backend.backend === 'cpu' ? "the GPU path's math on the tfjs CPU backend (dense steps over every bucket)" : '',
    tokens !== split.trainTokens ? `trainer counted ${tokens} tokens, the split ${split.trainTokens}` : '',
    stats.holdoutSize !== split.test.length ? `holdout of ${stats.holdoutSize} records, the anchors' test set ${split.test.length}` : '',
    candidate?.kind === 'rejected' ? `candidate rejected: ${candidate.reason}` : '',
  ].filter((s) => s !== '');
  return {
    status: 'ok',
    dataset: dataset.name,
    contender: contenderName(executor, backend.backend),
    executor,
    backend: backend.backend,
    examples: stats.examplesSeen,
    tokens,
    trainSeconds,
    passSeconds,
    warmUpSeconds,
    tokensPerSec: split.trainTokens / trainSeconds,
    examplesPerSec: split.train.length / trainSeconds,
    maxBatchMs: Math.max(...passes.map((p) => p.maxBatchMs)),
    accuracy: published?.metrics.holdoutAccuracy ?? null,
    accuracyFullPrecision: published?.metrics.holdoutAccuracyFullPrecision ?? null,
    holdoutSize: stats.holdoutSize,
    weightBytes: published?.weights.bytes ?? 0,
    candidateMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    note: note.join(', '),
  };
}

/** A full collection, as `--expose-gc` would allow, without asking every caller for the flag. */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

interface PassTiming {
  seconds: number;
  tokens: number;
  maxBatchMs: number;
}

async function timePass(trainer: Trainer, batches: readonly TrainRecord[][]): Promise<PassTiming> {
  let tokens = 0;
  let maxBatchMs = 0;
  const started = performance.now();
  for (const batch of batches) {
    const report = await trainer.trainBatch(batch);
    tokens += report.tokens;
    maxBatchMs = Math.max(maxBatchMs, report.durationMs);
  }
  return { seconds: (performance.now() - started) / 1000, tokens, maxBatchMs };
}
