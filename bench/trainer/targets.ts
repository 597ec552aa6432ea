import type { AnchorResult } from './anchor.js';
import type { ReviewflowRun, SkippedRun } from './reviewflow.js';

/**
 * The targets, checked per dataset for the sparse executor: accuracy above every
 * anchor at its best configuration, and tokens/s ≥ 0.5× fastText on one thread. The speed
 * verdict uses fastText's 1-epoch run (the same one pass over the data as ours); the ratio
 * to its 5-epoch run, the bench table's baseline, is five times kinder and shown beside it.
 */
export interface TargetCheck {
  dataset: string;
  contender: string;
  accuracy: number | null;
  bestAnchor: { contender: string; accuracy: number } | null;
  accuracyAboveAnchors: boolean | null;
  ratioToFastText1Epoch: number | null;
  ratioToFastText5Epochs: number | null;
  speedTargetMet: boolean | null;
}

const SPEED_TARGET = 0.5;

export function checkTargets(runs: ReadonlyArray<ReviewflowRun | SkippedRun>, anchors: readonly AnchorResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const run of runs) {
    if (run.status !== 'ok' || run.executor !== 'sparse') continue;
    const same = anchors.filter((a): a is Extract<AnchorResult, { status: 'ok' }> => a.status === 'ok' && a.dataset === run.dataset);
    const best = same.reduce<(typeof same)[number] | undefined>((b, a) => (b === undefined || a.accuracy > b.accuracy ? a : b), undefined);
    const fastText = (epochs: number): number | null => {
      const ft = same.find((a) => a.tool === 'fasttext' && a.epochs === epochs);
      return ft ? run.tokensPerSec / ft.tokensPerSec : null;
    };
    const ratio1 = fastText(1);
    checks.push({
      dataset: run.dataset,
      contender: run.contender,
      accuracy: run.accuracy,
      bestAnchor: best ? { contender: best.contender, accuracy: best.accuracy } : null,
      accuracyAboveAnchors: best && run.accuracy !== null ? run.accuracy > best.accuracy : null,
      ratioToFastText1Epoch: ratio1,
      ratioToFastText5Epochs: fastText(5),
      speedTargetMet: ratio1 === null ? null : ratio1 >= SPEED_TARGET,
    });
  }
  return checks;
}
