import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, type AnchorResult, type AnchorRun } from './anchor.js';
import type { SplitFiles } from './split.js';

/**
 * The fastText anchor: Facebook's fastText CLI (Debian package `fasttext`, installed by
 * scripts/bench-setup.sh) on the bench's split files. Training time comes from fastText's
 * own progress meter, which starts after it has read the file and built its dictionary,
 * and stops before it saves the model; the process's wall time is kept as a second figure.
 */
export interface FastTextConfig {
  epochs: number;
  learningRate: number;
  wordNgrams: number;
  dim: number;
}

/** The anchors: lr 1.0 (the default 0.1 stays near chance in one pass on long reviews), bigrams, dim 10 as in fastText's paper. */
export const FASTTEXT_CONFIGS: readonly FastTextConfig[] = [
  { epochs: 1, learningRate: 1, wordNgrams: 2, dim: 10 },
  { epochs: 5, learningRate: 1, wordNgrams: 2, dim: 10 },
];

const INSTALL_HINT = 'install with: bash scripts/bench-setup.sh (apt-get install -y fasttext)';
/** `Progress: 100.0% words/sec/thread: 1234567 ...`, printed on stderr with -verbose 2. */
const PROGRESS = /Progress:\s*([0-9.]+)%\s+words\/sec\/thread:\s*(\d+)/g;

interface TimedRun {
  trainSeconds: number;
  wallSeconds: number;
  accuracy: number;
}

export function fastTextVersion(): string | undefined {
  const probe = spawnSync('fasttext', [], { encoding: 'utf8' });
  if (probe.error) return undefined;
  const dpkg = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'fasttext'], { encoding: 'utf8' });
  return dpkg.status === 0 && dpkg.stdout.trim() !== '' ? dpkg.stdout.trim() : 'unknown version';
}

export function contenderName(config: FastTextConfig): string {
  return `fastText ${config.epochs} epoch${config.epochs === 1 ? '' : 's'} (lr ${config.learningRate.toFixed(1)}, ${config.wordNgrams}-grams, dim ${config.dim}, 1 thread)`;
}

export function runFastText(files: SplitFiles, run: AnchorRun, config: FastTextConfig): AnchorResult {
  const base = { dataset: run.dataset, contender: contenderName(config), tool: 'fasttext' as const, epochs: config.epochs };
  const version = fastTextVersion();
  if (version === undefined) return { ...base, status: 'missing', reason: `fasttext is not on PATH; ${INSTALL_HINT}` };
  const dir = mkdtempSync(join(tmpdir(), 'reviewflow-fasttext-'));
  try {
    // The untimed first run warms the page cache for the file and the binary, as the warm-up pass does for the others.
    const warm = trainAndTest(files, run, config, dir);
    if (typeof warm === 'string') return { ...base, status: 'failed', reason: warm };
    const runs: TimedRun[] = [];
    for (let i = 0; i < run.timedPasses; i++) {
      const timed = trainAndTest(files, run, config, dir);
      if (typeof timed === 'string') return { ...base, status: 'failed', reason: timed };
      runs.push(timed);
    }
    const passSeconds = runs.map((r) => r.trainSeconds);
    const trainSeconds = median(passSeconds);
    const chosen = runs.find((r) => r.trainSeconds === trainSeconds)!;
    const accuracies = [...new Set(runs.map((r) => r.accuracy.toFixed(4)))];
    const note = [
      `${config.epochs} epoch${config.epochs === 1 ? '' : 's'}`,
      'timed by its progress meter (training loop only)',
      `${chosen.wallSeconds.toFixed(2)} s wall incl. start, reading, dictionary and saving`,
      runs.length > 1 ? `median of ${runs.length} runs` : '',
      accuracies.length > 1 ? `accuracies ${accuracies.join('/')} across runs` : '',
    ].filter((s) => s !== '');
    return {
      ...base,
      status: 'ok',
      version: `fastText ${version}`,
      trainSeconds,
      passSeconds,
      tokensPerSec: run.trainTokens / trainSeconds,
      examplesPerSec: run.trainExamples / trainSeconds,
      accuracy: chosen.accuracy,
      note: note.join(', '),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One `fasttext supervised` and `fasttext predict`; a string says what failed. */
function trainAndTest(files: SplitFiles, run: AnchorRun, config: FastTextConfig, dir: string): TimedRun | string {
  const model = join(dir, 'model');
  const args = ['supervised', '-input', files.train, '-output', model, '-epoch', String(config.epochs), '-lr', String(config.learningRate)];
  args.push('-wordNgrams', String(config.wordNgrams), '-dim', String(config.dim), '-thread', '1', '-verbose', '2');
  const started = performance.now();
  const train = spawnSync('fasttext', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallSeconds = (performance.now() - started) / 1000;
  if (train.status !== 0) return `fasttext supervised exited ${train.status}: ${train.stderr.slice(-300)}`;
  const trainSeconds = meterSeconds(train.stderr, fastTextWords(run) * config.epochs);
  if (trainSeconds === undefined) return `no progress line in fasttext's output: ${train.stderr.slice(-300)}`;
  const predict = spawnSync('fasttext', ['predict', `${model}.bin`, files.test], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (predict.status !== 0) return `fasttext predict exited ${predict.status}: ${predict.stderr.slice(-300)}`;
  const accuracy = predictedAccuracy(predict.stdout, files, run.testExamples);
  if (typeof accuracy === 'string') return accuracy;
  return { trainSeconds, wallSeconds, accuracy };
}

/**
 * The words fastText counts per epoch: every token of a line plus its label and the
 * end-of-line token (Dictionary::getLine counts all three kinds).
 */
function fastTextWords(run: AnchorRun): number {
  return run.trainTokens + 2 * run.trainExamples;
}

/**
 * Training seconds from the meter: words × epochs ÷ its final words/sec/thread. With one
 * thread fastText trains on its main thread and prints that line right after the loop
 * (no monitor thread polling every 100 ms, hence no mid-run lines), so the rate covers
 * exactly the training loop: from after the dictionary and matrices are built to before saving.
 */
function meterSeconds(stderr: string, words: number): number | undefined {
  const final = [...stderr.matchAll(PROGRESS)].at(-1);
  const rate = Number(final?.[2]);
  return rate > 0 ? words / rate : undefined;
}

/** Accuracy over every test record: a line fastText cannot predict (no known word) counts as wrong. */
function predictedAccuracy(stdout: string, files: SplitFiles, testExamples: number): number | string {
  const predictions = stdout.split('\n');
  if (predictions.at(-1) === '') predictions.pop();
  if (predictions.length !== testExamples) return `fasttext predict printed ${predictions.length} lines for ${testExamples} test records`;
  let correct = 0;
  predictions.forEach((p, i) => {
    if (p.trim() === `__label__${files.testLabels[i]}`) correct++;
  });
  return correct / testExamples;
}
