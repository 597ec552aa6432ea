/**
 * The reliability (calibration) curve of one version: per non-empty bin of predicted
 * P(positive), the observed share of positives, against the diagonal a perfectly
 * calibrated model would follow.
 */
import { escapeHtml } from './escape.js';
import { formatCount, formatPercent, formatScore } from './format.js';
import { buildSvgLineChart, type LineAxis } from './svg-line-chart.js';
import type { ReliabilityBin, VersionReport } from './types.js';

/** Both axes are probabilities: always the whole 0..1, so curves of two models compare by eye. */
function probabilityAxis(label: string): LineAxis {
  return { label, format: (v) => String(Number(v.toFixed(2))), span: [0, 1], floor: 0, ceiling: 1 };
}

/** A bin with no holdout example has no observed share: it is skipped, not drawn at zero. */
export function nonEmptyBins(bins: readonly ReliabilityBin[]): ReliabilityBin[] {
  return bins.filter((b) => b.count > 0);
}

function binRange(b: ReliabilityBin): string {
  return `${formatScore(b.from, 1)}–${formatScore(b.to, 1)}`;
}

function describeBin(b: ReliabilityBin): string {
  return `P(positive) ${binRange(b)}: ${formatCount(b.count)} examples, mean predicted ${formatScore(b.meanPredicted)}, observed positive ${formatPercent(b.observedPositive)}`;
}

/** The curve as an SVG; callers show a note instead when `nonEmptyBins` is empty. */
export function reliabilityChart(o: { version: VersionReport; color: string }): string {
  const v = o.version;
  const bins = nonEmptyBins(v.reliability);
  return buildSvgLineChart({
    chart: `reliability-${v.model}`,
    title: `Reliability curve of ${v.model} v${v.version}`,
    description: `Observed share of positives against mean predicted P(positive) in ${bins.length} non-empty bins of the holdout, with the diagonal of perfect calibration`,
    width: 400,
    height: 360,
    series: [
      { name: 'perfectly calibrated', color: '#94a3b8', dashed: true, showPoints: false, points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
      { name: `${v.model} v${v.version}`, color: o.color, showPoints: true, points: bins.map((b) => ({ x: b.meanPredicted, y: b.observedPositive, title: describeBin(b) })) },
    ],
    x: probabilityAxis('mean predicted P(positive)'),
    y: probabilityAxis('observed share of positives'),
  });
}

/** Every bin with its count, folded away: the numbers behind the dots, empty bins included. */
export function reliabilityTable(bins: readonly ReliabilityBin[]): string {
  const total = bins.reduce((n, b) => n + b.count, 0);
  const rows = bins.map((b) =>
    b.count === 0
      ? `<tr class="zero"><th scope="row">${binRange(b)}</th><td class="num">0</td><td class="num">—</td><td class="num">—</td></tr>`
      : `<tr><th scope="row">${binRange(b)}</th><td class="num">${formatCount(b.count)}</td><td class="num">${formatScore(b.meanPredicted)}</td><td class="num">${formatPercent(b.observedPositive)}</td></tr>`,
  );
  return (
    `<details class="bins"><summary>${escapeHtml(`Bins: ${formatCount(total)} holdout examples`)}</summary>` +
    '<table class="reliability"><thead><tr><th scope="col">predicted P(positive)</th><th scope="col" class="num">examples</th>' +
    '<th scope="col" class="num">mean predicted</th><th scope="col" class="num">observed positive</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></details>`
  );
}
