/** The report's four charts, each built from RunReportData with the generic SVG builders. */
import { buildSvgBarChart, type Bar } from './svg-bar-chart.js';
import { buildSvgLineChart, type LineAxis, type LineSeries } from './svg-line-chart.js';
import { formatCount, formatElapsed, formatPercent, formatRate } from './format.js';
import { SECOND_STEPS } from './ticks.js';
import type { RunReportData, VersionReport } from './types.js';

/** Distinct on white and for the common colour-vision deficiencies (Okabe–Ito based). */
export const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#7f5539', '#4b5563'] as const;

export function paletteColor(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** Charts run on seconds since the run started, which reads better than wall-clock time. */
function elapsedSeconds(data: RunReportData): (t: number) => number {
  const start = data.generatedAt - data.durationMs;
  return (t) => (t - start) / 1000;
}

/** Every time axis spans the whole run, so the three time charts line up. */
function timeAxis(data: RunReportData): LineAxis {
  return { label: 'time since run start', format: formatElapsed, steps: SECOND_STEPS, span: [0, Math.max(0, data.durationMs / 1000)], tight: true };
}

function percentTick(v: number): string {
  return `${Number((v * 100).toFixed(1))}%`;
}

export function accuracyChart(data: RunReportData): string {
  const at = elapsedSeconds(data);
  const byModel = new Map<string, VersionReport[]>();
  for (const v of data.versions) byModel.set(v.model, [...(byModel.get(v.model) ?? []), v]);
  const oneModel = byModel.size <= 1;
  const series: LineSeries[] = [];
  let i = 0;
  for (const [model, versions] of byModel) {
    const sorted = [...versions].sort((a, b) => a.version - b.version);
    const prefix = oneModel ? '' : `${model} `;
    const color = paletteColor(i++);
    const describe = (v: VersionReport) =>
      `${v.model} v${v.version} at ${formatElapsed(at(v.createdAt))}: holdout ${formatPercent(v.holdoutAccuracy)}` +
      ` (before ${v.encoding} compression ${formatPercent(v.holdoutAccuracyFullPrecision)}),` +
      ` prequential ${formatPercent(v.prequentialAccuracy)}, ${formatCount(v.examplesSeen)} examples`;
    series.push({
      name: `${prefix}holdout accuracy`,
      color,
      points: sorted.map((v) => ({ x: at(v.createdAt), y: v.holdoutAccuracy, label: `v${v.version}`, title: describe(v) })),
    });
    series.push({
      name: `${prefix}prequential accuracy`,
      color,
      dashed: true,
      points: sorted.map((v) => ({ x: at(v.createdAt), y: v.prequentialAccuracy, title: describe(v) })),
    });
  }
  return buildSvgLineChart({
    chart: 'accuracy',
    title: 'Accuracy per published model version',
    description: `Holdout and prequential accuracy of ${data.versions.length} published model versions over the run`,
    series,
    x: timeAxis(data),
    y: { label: 'accuracy', format: percentTick, floor: 0, ceiling: 1 },
    emptyMessage:
      data.versions.length === 0 ? 'No model versions were published in this run' : 'Versions were published, but none has a measured accuracy',
  });
}

export function throughputChart(data: RunReportData): string {
  const at = elapsedSeconds(data);
  const series: LineSeries[] = data.stages.map((s, i) => ({
    name: s.stage,
    color: paletteColor(i),
    points: s.throughput.map((p) => ({
      x: at(p.t),
      y: p.recordsPerSec,
      title: `${s.stage} at ${formatElapsed(at(p.t))}: ${formatRate(p.recordsPerSec)}`,
    })),
  }));
  return buildSvgLineChart({
    chart: 'throughput',
    title: 'Throughput per stage',
    description: `Records per second of ${data.stages.length} stages over the run`,
    series,
    x: timeAxis(data),
    y: { label: 'records / s', format: (v) => formatCount(v), includeZero: true, floor: 0 },
    emptyMessage: 'No throughput samples were recorded',
  });
}

/** Reason codes summed over stages; the tooltip says which stage counted them. */
export function reasonBars(data: RunReportData): Bar[] {
  const totals = new Map<string, { value: number; byStage: string[] }>();
  for (const s of data.stages) {
    for (const [reason, n] of Object.entries(s.reasons)) {
      if (!(n > 0)) continue;
      const entry = totals.get(reason) ?? { value: 0, byStage: [] };
      entry.value += n;
      entry.byStage.push(`${s.stage} ${formatCount(n)}`);
      totals.set(reason, entry);
    }
  }
  return [...totals].map(([label, t]) => ({ label, value: t.value, title: `${label}: ${formatCount(t.value)} (${t.byStage.join(', ')})` }));
}

export function quarantineChart(data: RunReportData): string {
  const bars = reasonBars(data);
  return buildSvgBarChart({
    chart: 'quarantine',
    title: 'Quarantine and dead-letter reasons',
    description: `Records set aside, by reason code, over ${bars.length} reasons`,
    bars,
    axisLabel: 'records',
    format: formatCount,
    emptyMessage: 'No records were quarantined or dead-lettered',
  });
}

export function qualityChart(data: RunReportData): string {
  const at = elapsedSeconds(data);
  const windows = [...data.quality].sort((a, b) => a.windowEnd - b.windowEnd);
  const describe = (w: RunReportData['quality'][number]) =>
    `window ending ${formatElapsed(at(w.windowEnd))}: ${formatCount(w.count)} records, positive ${formatPercent(w.positiveRate)},` +
    ` length PSI ${w.lengthPsi === null ? '—' : w.lengthPsi.toFixed(3)}, mean length ${w.lengthMean.toFixed(0)},` +
    ` OOV ${formatPercent(w.oovRate)}`;
  const series: LineSeries[] = [
    { name: 'label balance (positive rate)', color: paletteColor(0), points: windows.map((w) => ({ x: at(w.windowEnd), y: w.positiveRate, title: describe(w) })) },
    { name: 'length drift (PSI)', color: paletteColor(1), points: windows.map((w) => ({ x: at(w.windowEnd), y: w.lengthPsi, title: describe(w) })) },
  ];
  if (windows.some((w) => w.oovRate !== null)) {
    series.push({ name: 'out-of-vocabulary rate', color: paletteColor(2), dashed: true, points: windows.map((w) => ({ x: at(w.windowEnd), y: w.oovRate, title: describe(w) })) });
  }
  return buildSvgLineChart({
    chart: 'quality',
    title: 'Data quality per window',
    description: `Label balance, length drift (PSI) and out-of-vocabulary rate over ${windows.length} quality windows`,
    series,
    x: timeAxis(data),
    y: { label: 'rate / PSI', format: (v) => String(Number(v.toFixed(2))), includeZero: true, floor: 0 },
    // 0.25 is the usual PSI line for a shift worth acting on; 0.5 is a balanced label mix.
    referenceLines: windows.length > 0 ? [{ y: 0.5, label: 'balanced labels' }, { y: 0.25, label: 'PSI 0.25: major drift' }] : [],
    emptyMessage: 'No data-quality windows were recorded',
  });
}
