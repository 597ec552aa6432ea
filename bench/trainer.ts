/**
 * Trainer throughput and accuracy, one core, against fastText measured in the same run
 * on the same data and split. Datasets: rt-polarity (fixed-seed shuffle) and synthetic
 * ~300-word reviews. The split is the trainer's own holdout (10% of ids by hash): the
 * trainer never trains on it, fastText is tested on exactly those records.
 *
 *   npm run build && node dist/bench/trainer.js      (prints a table, then one JSON line)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tokenize } from '../src/models/tokenizer.js';
import type { Review } from '../src/records/types.js';
import { isHoldout } from '../src/trainer/evaluation.js';
import { loadBackend, Trainer, trainerOptions, type BackendInfo, type TrainRecord } from '../src/trainer/index.js';
import { seededRandom } from '../src/trainer/random.js';
import { packageRoot } from '../src/util/paths.js';
import { runFastText, type FastTextResult, type LabeledTokens } from './trainer/fasttext.js';
import { longReviews } from './trainer/long-reviews.js';

const SHUFFLE_SEED = 7;
/** The specified baselines (default lr 0.1), plus lr 1.0: fastText's default stays near chance on the long synthetic reviews. */
const FASTTEXT_CONFIGS: Array<{ epochs: number; learningRate?: number }> = [{ epochs: 1 }, { epochs: 5 }, { epochs: 1, learningRate: 1 }, { epochs: 5, learningRate: 1 }];
/** Records per trainBatch call: what the Kafka side hands over per poll. */
const FEED = 4096;

interface Dataset {
  name: string;
  reviews: Review[];
}

export interface TrainerRun {
  dataset: string;
  backend: string;
  examples: number;
  tokens: number;
  seconds: number;
  examplesPerSec: number;
  tokensPerSec: number;
  maxBatchMs: number;
  holdoutAccuracy: number | null;
  holdoutAccuracyFullPrecision: number | null;
  holdoutSize: number;
  weightBytes: number;
  /** Forming, scoring and packaging the final candidate (serialize, SHA-256, holdout ×3). */
  candidateMs: number;
  peakRssMb: number;
  /** tokens/s of every timed pass (each a fresh trainer), when more than one. */
  timedPasses?: number[];
}

function rtPolarity(): Dataset | undefined {
  const path = join(packageRoot(), '..', 'shared', 'data', 'rt-polarity', 'rt-polarity.jsonl');
  if (!existsSync(path)) return undefined;
  const rows = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { id: string; text: string; label: number });
  const random = seededRandom(SHUFFLE_SEED);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  const reviews = rows.map((r, i): Review => ({
    id: r.id,
    text: r.text,
    label: r.label,
    source: 'rt-polarity',
    ingestedAt: 0,
    augmented: false,
    parentId: null,
    lineage: { sourceTopic: 'bench', sourcePartition: 0, sourceOffset: i, stages: [] },
    redactions: { email: 0, phone: 0, url: 0, card: 0 },
  }));
  return { name: 'rt-polarity', reviews };
}

/** Small datasets are timed several times (each a fresh trainer, one pass) and the median reported. */
async function runTrainer(dataset: Dataset, backend: BackendInfo): Promise<TrainerRun> {
  const repeats = dataset.reviews.length < 15_000 ? 5 : 1;
  const runs: TrainerRun[] = [];
  for (let i = 0; i < repeats; i++) runs.push(await runTrainerOnce(dataset, backend, i === 0));
  runs.sort((a, b) => a.tokensPerSec - b.tokensPerSec);
  const median = runs[Math.floor(runs.length / 2)]!;
  return { ...median, timedPasses: runs.map((r) => Math.round(r.tokensPerSec)) };
}

async function runTrainerOnce(dataset: Dataset, backend: BackendInfo, warmUp: boolean): Promise<TrainerRun> {
  const options = trainerOptions.parse({ publishEveryExamples: 1, publishEveryMs: 1e12, holdoutMax: 100_000 });
  const records: TrainRecord[] = dataset.reviews.map((review, offset) => ({ review, topic: 'bench', partition: 0, offset }));
  // One pass on a throwaway trainer warms the JIT, so the timed pass is steady state
  // (the timed trainer still starts empty: every row is new to it).
  if (warmUp) {
    const warm = await Trainer.create(options, backend);
    for (let i = 0; i < records.length; i += FEED) warm.trainBatch(records.slice(i, i + FEED));
    warm.dispose();
  }
  const trainer = await Trainer.create(options, backend);
  let tokens = 0;
  let maxBatchMs = 0;
  const started = performance.now();
  for (let i = 0; i < records.length; i += FEED) {
    const report = trainer.trainBatch(records.slice(i, i + FEED));
    tokens += report.tokens;
    maxBatchMs = Math.max(maxBatchMs, report.durationMs);
  }
  const seconds = (performance.now() - started) / 1000;
  const candidateStarted = performance.now();
  const candidate = trainer.maybeCandidate(Date.now());
  const candidateMs = performance.now() - candidateStarted;
  const stats = trainer.stats();
  trainer.dispose();
  return {
    dataset: dataset.name,
    backend: backend.backend,
    examples: stats.examplesSeen,
    tokens,
    seconds,
    examplesPerSec: stats.examplesSeen / seconds,
    tokensPerSec: tokens / seconds,
    maxBatchMs,
    holdoutAccuracy: candidate?.kind === 'publish' ? candidate.manifest.metrics.holdoutAccuracy : null,
    holdoutAccuracyFullPrecision: candidate?.kind === 'publish' ? candidate.manifest.metrics.holdoutAccuracyFullPrecision : null,
    holdoutSize: stats.holdoutSize,
    weightBytes: candidate?.kind === 'publish' ? candidate.manifest.weights.bytes : 0,
    candidateMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function fastTextSplit(dataset: Dataset): { train: LabeledTokens[]; test: LabeledTokens[] } {
  const { holdoutFraction, seed } = trainerOptions.parse({});
  const train: LabeledTokens[] = [];
  const test: LabeledTokens[] = [];
  for (const r of dataset.reviews) {
    const row = { label: r.label === 1 ? 1 : 0, tokens: tokenize(r.text).join(' ') } as const;
    (isHoldout(r.id, holdoutFraction, seed) ? test : train).push(row);
  }
  return { train, test };
}

async function backends(): Promise<BackendInfo[]> {
  const auto = await loadBackend('auto');
  return auto.backend === 'cpu' ? [auto] : [auto, await loadBackend('cpu')];
}

export async function benchTrainer(): Promise<object> {
  const datasets: Dataset[] = [];
  const rt = rtPolarity();
  if (rt) datasets.push(rt);
  datasets.push({ name: 'long-300w', reviews: longReviews({ count: 20_000, seed: 11 }) });
  const available = await backends();
  const runs: TrainerRun[] = [];
  const baselines: Array<{ dataset: string; tool: string } & FastTextResult> = [];
  for (const dataset of datasets) {
    for (const backend of available) runs.push(await runTrainer(dataset, backend));
    const split = fastTextSplit(dataset);
    for (const config of FASTTEXT_CONFIGS) {
      const lr = config.learningRate === undefined ? '' : ` -lr ${config.learningRate}`;
      const tool = `fasttext -wordNgrams 2 -dim 10 -thread 1 -epoch ${config.epochs}${lr}`;
      baselines.push({ dataset: dataset.name, tool, ...runFastText({ ...split, dim: 10, wordNgrams: 2, ...config }) });
    }
  }
  return {
    bench: 'trainer',
    node: process.version,
    skippedBackends: available[0]?.skipped ?? [],
    datasetsMissing: rt ? [] : ['rt-polarity (../shared/data absent)'],
    runs,
    baselines,
  };
}

function printTable(result: { runs: TrainerRun[]; baselines: Array<{ dataset: string; tool: string } & FastTextResult> }): void {
  const pad = (s: string, n: number): string => s.padEnd(n);
  const num = (x: number | null | undefined, digits = 0): string => (x === null || x === undefined ? '-' : x.toFixed(digits));
  console.log(`${pad('dataset', 12)} ${pad('trainer', 60)} ${pad('tokens/s', 11)} ${pad('examples/s', 11)} ${pad('accuracy', 9)} note`);
  for (const r of result.runs) {
    const passes = r.timedPasses && r.timedPasses.length > 1 ? `median of ${r.timedPasses.length} passes, ` : '';
    const note = `${passes}full-precision ${num(r.holdoutAccuracyFullPrecision, 4)}, n=${r.holdoutSize}, max batch ${num(r.maxBatchMs)} ms, candidate ${num(r.candidateMs)} ms / ${num(r.weightBytes / 1e6, 1)} MB, peak RSS ${num(r.peakRssMb)} MB`;
    console.log(`${pad(r.dataset, 12)} ${pad(`reviewflow (${r.backend}, one pass)`, 60)} ${pad(num(r.tokensPerSec), 11)} ${pad(num(r.examplesPerSec), 11)} ${pad(num(r.holdoutAccuracy, 4), 9)} ${note}`);
  }
  for (const b of result.baselines) {
    if (b.status !== 'ok') {
      console.log(`${pad(b.dataset, 12)} ${pad(b.tool, 60)} ${b.status}: ${b.reason}`);
      continue;
    }
    const note = `${num(b.trainSeconds, 2)} s wall, ${num(b.tokensProcessedPerSec)} tokens×epochs/s`;
    console.log(`${pad(b.dataset, 12)} ${pad(b.tool, 60)} ${pad(num(b.tokensPerSec), 11)} ${pad('', 11)} ${pad(num(b.accuracy, 4), 9)} ${note}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = (await benchTrainer()) as Parameters<typeof printTable>[0];
  printTable(result);
  console.log(JSON.stringify(result));
}
