/** The few plain-text lines printed at the end of a run (no colours: it may go to a log). */
import { formatCount, formatDuration, formatPercent, formatScore } from './format.js';
import { stageIdentity } from './identity.js';
import { reasonBars } from './report-charts.js';
import { sortBars } from './svg-bar-chart.js';
import type { RunReportData, StageReport, VersionReport } from './types.js';
import { describeTrainer, newestFirst, newestVersionPerModel } from './versions.js';

export interface TerminalSummaryOptions {
  /** Where report.html was written, shown on the last line. */
  reportPath?: string;
}

const TOP_REASONS = 3;
const VERSIONS_SHOWN = 4;

function padTable(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  // First column left-aligned (names), the rest right-aligned (numbers), except the last mark.
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 || i === row.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function stageLines(stages: readonly StageReport[]): string[] {
  if (stages.length === 0) return ['  no stages reported'];
  const header = ['stage', 'in', 'out', 'quar', 'dlq', 'dup', 'gen', 'lag', 'ok'];
  const rows = stages.map((s) => {
    const id = stageIdentity(s);
    const mark = id.holds ? '✓' : `✗ (${id.difference > 0 ? `${formatCount(id.difference)} unaccounted` : `${formatCount(-id.difference)} too many`})`;
    return [s.stage, ...[s.in, s.out, s.quarantined, s.deadLettered, s.duplicates, s.generated, s.lag].map(formatCount), mark];
  });
  return padTable([header, ...rows]).map((line) => `  ${line}`);
}

function versionLine(versions: readonly VersionReport[], rejected: number): string {
  const rejectedText = rejected > 0 ? `, ${formatCount(rejected)} candidate${rejected === 1 ? '' : 's'} rejected` : '';
  if (versions.length === 0) return `models: none published${rejectedText}`;
  const sorted = [...versions].sort((a, b) => newestFirst(b, a)); // oldest first
  const shown = sorted.length > VERSIONS_SHOWN ? [sorted[0]!, ...sorted.slice(-(VERSIONS_SHOWN - 1))] : sorted;
  const steps = shown.map((v) => `v${v.version} ${formatPercent(v.holdoutAccuracy)}`);
  if (sorted.length > VERSIONS_SHOWN) steps.splice(1, 0, '…');
  const latest = sorted[sorted.length - 1]!;
  return (
    `models: ${formatCount(versions.length)} version${versions.length === 1 ? '' : 's'} published${rejectedText}; holdout ${steps.join(' → ')}` +
    `; latest ${latest.model} v${latest.version} prequential ${formatPercent(latest.prequentialAccuracy)}, ${formatCount(latest.examplesSeen)} examples`
  );
}

/** One line per model: what a data scientist asks of its newest version first. */
function newestVersionLines(versions: readonly VersionReport[]): string[] {
  return newestVersionPerModel(versions).map(
    (v) =>
      `${v.model} v${v.version}: accuracy ${formatPercent(v.holdoutAccuracy)}, F1 ${formatScore(v.f1)}, ROC AUC ${formatScore(v.rocAuc)},` +
      ` Brier ${formatScore(v.brier)} (${describeTrainer(v)})`,
  );
}

/** One line per label: where it points, and how it got there (an automatic rollback says why). */
function labelLines(data: RunReportData): string[] {
  return data.labels.map((l) => {
    const from = l.previous === null ? '' : ` from v${l.previous}`;
    return `label ${l.label} of ${l.model}: v${l.version} (${l.action}${from} by ${l.by}${l.reason ? `: ${l.reason}` : ''})`;
  });
}

function reasonLine(data: RunReportData): string {
  const bars = sortBars(reasonBars(data), Number.MAX_SAFE_INTEGER);
  if (bars.length === 0) return 'quarantine: nothing set aside';
  const top = bars.slice(0, TOP_REASONS).map((b) => `${b.label} ${formatCount(b.value)}`);
  const more = bars.length > TOP_REASONS ? ` (+${bars.length - TOP_REASONS} more reasons)` : '';
  return `quarantine: ${top.join(', ')}${more}`;
}

export function renderTerminalSummary(data: RunReportData, options: TerminalSummaryOptions = {}): string {
  const lines = [
    `reviewflow run: topology ${data.topology}, ${formatDuration(data.durationMs)}, backend ${data.backend}`,
    ...stageLines(data.stages),
    versionLine(data.versions, data.rejectedCandidates),
    ...newestVersionLines(data.versions),
    ...labelLines(data),
    reasonLine(data),
  ];
  if (options.reportPath) lines.push(`report: ${options.reportPath}`);
  return lines.join('\n');
}
