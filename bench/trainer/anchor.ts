/**
 * A row of the trainer bench for an anchor (fastText, Vowpal Wabbit), in the same units
 * as reviewflow's rows: training seconds exclude process start and file parsing for every
 * contender, tokens/s is always the training split's tokens (our tokenizer) over those
 * seconds, whatever the number of epochs.
 */
export type AnchorTool = 'fasttext' | 'vowpalwabbit';

export type AnchorResult =
  | {
      status: 'ok';
      dataset: string;
      contender: string;
      tool: AnchorTool;
      version: string;
      epochs: number;
      /** Median training seconds of the timed passes. */
      trainSeconds: number;
      /** Training seconds of every timed pass. */
      passSeconds: number[];
      tokensPerSec: number;
      examplesPerSec: number;
      accuracy: number;
      note: string;
    }
  | { status: 'missing' | 'failed'; dataset: string; contender: string; tool: AnchorTool; epochs: number; reason: string };

/** What every anchor run is given: the split sizes and how many timed passes to take the median of. */
export interface AnchorRun {
  dataset: string;
  trainExamples: number;
  trainTokens: number;
  testExamples: number;
  timedPasses: number;
}

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
