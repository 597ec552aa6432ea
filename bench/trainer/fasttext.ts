import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The baseline: Facebook's fastText CLI (Debian package `fasttext`), run on the same
 * split and the same pre-tokenized text. Absent binary → reported as missing.
 */
export interface LabeledTokens {
  label: 0 | 1;
  /** Tokens joined by single spaces. */
  tokens: string;
}

export type FastTextResult =
  | {
      status: 'ok';
      epochs: number;
      /** Wall time of `fasttext supervised`, including reading the file and building its dictionary. */
      trainSeconds: number;
      /** Dataset tokens / train wall time (as specified for the comparison). */
      tokensPerSec: number;
      /** Tokens × epochs / train wall time: what it actually processed per second. */
      tokensProcessedPerSec: number;
      accuracy: number;
    }
  | { status: 'missing' | 'failed'; reason: string };

export function fastTextBinary(): { ok: true; path: string } | { ok: false; reason: string } {
  const probe = spawnSync('fasttext', [], { encoding: 'utf8' });
  if (probe.error) return { ok: false, reason: `fasttext not runnable (${probe.error.message}); install with: apt-get install -y fasttext` };
  return { ok: true, path: 'fasttext' };
}

export interface FastTextRun {
  train: LabeledTokens[];
  test: LabeledTokens[];
  epochs: number;
  dim: number;
  wordNgrams: number;
  /** fastText's -lr; its default (0.1) when undefined. */
  learningRate?: number;
}

export function runFastText(options: FastTextRun): FastTextResult {
  const binary = fastTextBinary();
  if (!binary.ok) return { status: 'missing', reason: binary.reason };
  const dir = mkdtempSync(join(tmpdir(), 'reviewflow-fasttext-'));
  try {
    const toLines = (rows: LabeledTokens[]): string => rows.map((r) => `__label__${r.label} ${r.tokens}\n`).join('');
    writeFileSync(join(dir, 'train.txt'), toLines(options.train));
    writeFileSync(join(dir, 'test.txt'), toLines(options.test));
    const args = ['supervised', '-input', join(dir, 'train.txt'), '-output', join(dir, 'model'), '-wordNgrams', String(options.wordNgrams)];
    args.push('-dim', String(options.dim), '-thread', '1', '-epoch', String(options.epochs), '-verbose', '0');
    if (options.learningRate !== undefined) args.push('-lr', String(options.learningRate));
    const started = performance.now();
    const train = spawnSync(binary.path, args, { encoding: 'utf8' });
    const trainSeconds = (performance.now() - started) / 1000;
    if (train.status !== 0) return { status: 'failed', reason: `fasttext supervised exited ${train.status}: ${train.stderr.slice(-300)}` };
    const test = spawnSync(binary.path, ['test', join(dir, 'model.bin'), join(dir, 'test.txt')], { encoding: 'utf8' });
    const match = /P@1\s+([0-9.]+)/.exec(test.stdout);
    if (test.status !== 0 || !match) return { status: 'failed', reason: `fasttext test failed: ${test.stderr.slice(-300)}` };
    const tokens = options.train.reduce((n, r) => n + (r.tokens === '' ? 0 : r.tokens.split(' ').length), 0);
    return {
      status: 'ok',
      epochs: options.epochs,
      trainSeconds,
      tokensPerSec: tokens / trainSeconds,
      tokensProcessedPerSec: (tokens * options.epochs) / trainSeconds,
      accuracy: Number(match[1]),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
