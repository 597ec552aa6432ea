import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenize } from '../../src/models/tokenizer.js';
import type { Review } from '../../src/records/types.js';
import { isHoldout } from '../../src/trainer/evaluation.js';
import { trainerOptions } from '../../src/trainer/index.js';

/**
 * One split and one tokenisation for every contender: the trainer's own holdout rule
 * (ids by hash, default fraction and seed), so the trainer never trains on the test
 * records and the anchors are tested on exactly those; the anchors read our tokens
 * joined by single spaces.
 */
export interface LabeledTokens {
  label: 0 | 1;
  /** Tokens joined by single spaces. */
  tokens: string;
}

export interface BenchSplit {
  train: LabeledTokens[];
  test: LabeledTokens[];
  /** Tokens of the training records (src/models/tokenizer.ts): the numerator of every tokens/s. */
  trainTokens: number;
}

/** The split files both anchors read, in fastText's format (`__label__<0|1> tok tok ...`). */
export interface SplitFiles {
  train: string;
  test: string;
  /** The test file's labels, line by line. */
  testLabels: ReadonlyArray<0 | 1>;
  remove(): void;
}

export function holdoutSplit(reviews: readonly Review[]): BenchSplit {
  const { holdoutFraction, seed } = trainerOptions.parse({});
  const split: BenchSplit = { train: [], test: [], trainTokens: 0 };
  for (const r of reviews) {
    if (r.label !== 0 && r.label !== 1) continue;
    const tokens = tokenize(r.text);
    const test = isHoldout(r.id, holdoutFraction, seed);
    (test ? split.test : split.train).push({ label: r.label, tokens: tokens.join(' ') });
    if (!test) split.trainTokens += tokens.length;
  }
  return split;
}

export function writeSplitFiles(split: BenchSplit): SplitFiles {
  const dir = mkdtempSync(join(tmpdir(), 'reviewflow-bench-split-'));
  const toLines = (rows: LabeledTokens[]): string => rows.map((r) => `__label__${r.label} ${r.tokens}\n`).join('');
  const files = { train: join(dir, 'train.txt'), test: join(dir, 'test.txt') };
  writeFileSync(files.train, toLines(split.train));
  writeFileSync(files.test, toLines(split.test));
  const testLabels = split.test.map((r) => r.label);
  return { ...files, testLabels, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
