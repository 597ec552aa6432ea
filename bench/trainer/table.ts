import type { AnchorResult } from './anchor.js';
import type { ReviewflowRun, SkippedRun } from './reviewflow.js';
import type { TargetCheck } from './targets.js';

/** What the table needs of the bench result (bench/trainer.ts builds it). */
export interface TrainerTableInput {
  timing: string;
  loadAverage: number[];
  datasets: Array<{ name: string; records: number; trainExamples: number; testExamples: number; trainTokens: number; tokensPerExample: number }>;
  datasetsMissing: string[];
  runs: Array<ReviewflowRun | SkippedRun>;
  anchors: AnchorResult[];
  targets: TargetCheck[];
}

const num = (x: number | null | undefined, digits = 0): string => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits));

/** One row per contender and dataset: dataset, contender, tokens/s, examples/s, accuracy, note. */
export function printTrainerTable(result: TrainerTableInput): void {
  console.log(`timing: ${result.timing}`);
  console.log(`load average at the end: ${result.loadAverage.map((l) => l.toFixed(2)).join(' ')}`);
  for (const m of result.datasetsMissing) console.log(`skipped dataset ${m}`);
  for (const d of result.datasets) {
    console.log(`${d.name}: ${d.records} records, train ${d.trainExamples} (${d.trainTokens} tokens, ${num(d.tokensPerExample, 1)} a record), test ${d.testExamples}`);
  }
  const rows: string[][] = [];
  for (const d of result.datasets) {
    for (const r of result.runs.filter((x) => x.dataset === d.name)) rows.push(r.status === 'ok' ? reviewflowRow(r) : [r.dataset, r.contender, '-', '-', '-', `skipped: ${r.reason}`]);
    for (const a of result.anchors.filter((x) => x.dataset === d.name)) {
      rows.push(a.status === 'ok' ? [a.dataset, a.contender, num(a.tokensPerSec), num(a.examplesPerSec), num(a.accuracy, 4), `${a.version}; ${a.note}`] : [a.dataset, a.contender, '-', '-', '-', `${a.status}: ${a.reason}`]);
    }
  }
  const header = ['dataset', 'contender', 'tokens/s', 'examples/s', 'accuracy', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  for (const t of result.targets) {
    const accuracy = t.bestAnchor ? `accuracy ${num(t.accuracy, 4)} vs best anchor ${num(t.bestAnchor.accuracy, 4)} (${t.bestAnchor.contender}): ${verdict(t.accuracyAboveAnchors)}` : 'no anchor accuracy';
    const speed = `tokens/s ${num(t.ratioToFastText1Epoch, 2)}× fastText 1 epoch (target ≥ 0.5: ${verdict(t.speedTargetMet)}), ${num(t.ratioToFastText5Epochs, 2)}× fastText 5 epochs`;
    console.log(`target ${t.dataset}, ${t.contender}: ${accuracy}; ${speed}`);
  }
}

function reviewflowRow(r: ReviewflowRun): string[] {
  const details = `full-precision ${num(r.accuracyFullPrecision, 4)}, n=${r.holdoutSize}, max batch ${num(r.maxBatchMs)} ms, candidate ${num(r.candidateMs)} ms / ${num(r.weightBytes / 1e6, 1)} MB, peak RSS ${num(r.peakRssMb)} MB`;
  return [r.dataset, r.contender, num(r.tokensPerSec), num(r.examplesPerSec), num(r.accuracy, 4), `${r.note}; ${details}`];
}

function verdict(met: boolean | null): string {
  return met === null ? 'n/a' : met ? 'met' : 'NOT met';
}
