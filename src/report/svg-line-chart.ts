/**
 * A multi-series line chart as an SVG string: pure, no DOM, no chart library. A null y
 * breaks the line (a metric not measured in that window) instead of dropping to zero.
 */
import { escapeHtml } from './escape.js';
import { CLOSE_SVG, emptyChart, legend, openSvg, type LegendItem } from './svg-frame.js';
import { linearScale, niceTicks, px } from './ticks.js';

export interface LinePoint {
  x: number;
  y: number | null;
  /** Text drawn beside the point (e.g. "v3"). */
  label?: string;
  /** Tooltip text of the point (its <title>). */
  title?: string;
}

export interface LineSeries {
  name: string;
  color: string;
  points: readonly LinePoint[];
  dashed?: boolean;
  /** Draw a dot per point; by default only when the series is short enough to read. */
  showPoints?: boolean;
}

export interface LineAxis {
  label: string;
  format: (v: number) => string;
  /** Step sizes to pick from, for units such as seconds (1-2-5 otherwise). */
  steps?: readonly number[];
  includeZero?: boolean;
  /** Hard limits the nice domain never passes (e.g. 1 for an accuracy). */
  floor?: number;
  ceiling?: number;
  /** A span the axis always covers, whatever the data (e.g. the whole run on a time axis). */
  span?: readonly [number, number];
  /** End the axis at the data (and span) instead of widening it to the outer nice ticks. */
  tight?: boolean;
}

export interface ReferenceLine {
  y: number;
  label: string;
}

export interface LineChartOptions {
  chart: string;
  title: string;
  description: string;
  series: readonly LineSeries[];
  x: LineAxis;
  y: LineAxis;
  referenceLines?: readonly ReferenceLine[];
  emptyMessage?: string;
  width?: number;
  height?: number;
}

const MAX_DOTS_PER_SERIES = 24;
const MIN_LABEL_GAP_PX = 26;

export function buildSvgLineChart(o: LineChartOptions): string {
  const width = o.width ?? 720;
  const height = o.height ?? 300;
  const margin = { top: 10, right: 24, bottom: 46, left: 62 };
  const present = o.series.flatMap((s) => s.points.filter(isPlotted));
  if (present.length === 0) {
    return emptyChart({ chart: o.chart, title: o.title, description: o.description, width, message: o.emptyMessage ?? 'No data' });
  }
  let svg = openSvg({ chart: o.chart, title: o.title, description: o.description, width, height, empty: false });

  const legendItems: LegendItem[] = o.series.map((s) => ({ name: s.name, color: s.color, dashed: s.dashed ?? false }));
  const leg = legend({ items: legendItems, x: margin.left, y: margin.top, maxWidth: width - margin.left - margin.right });
  svg += leg.svg;
  const plot = {
    left: margin.left,
    top: margin.top + leg.height + (leg.height > 0 ? 8 : 0),
    right: width - margin.right,
    bottom: height - margin.bottom,
  };

  const xTicks = axisTicks(present.map((p) => p.x), o.x, 7);
  const yValues = present.map((p) => p.y as number).concat((o.referenceLines ?? []).map((r) => r.y));
  const yTicks = axisTicks(yValues, o.y, 5);
  const sx = linearScale([xTicks.min, xTicks.max], [plot.left, plot.right]);
  const sy = linearScale([yTicks.min, yTicks.max], [plot.bottom, plot.top]);

  svg += grid({ plot, xTicks: xTicks.values, yTicks: yTicks.values, sx, sy, x: o.x, y: o.y });
  for (const ref of o.referenceLines ?? []) {
    const yy = px(sy(ref.y));
    svg +=
      `<line class="reference" x1="${px(plot.left)}" x2="${px(plot.right)}" y1="${yy}" y2="${yy}" stroke="#94a3b8" stroke-dasharray="2 3"/>` +
      `<text x="${px(plot.left + 4)}" y="${px(sy(ref.y) - 4)}" fill="#64748b" font-size="10">${escapeHtml(ref.label)}</text>`;
  }
  for (const series of o.series) svg += seriesMarks(series, sx, sy);
  return svg + CLOSE_SVG;
}

function isPlotted(p: LinePoint): p is LinePoint & { y: number } {
  return p.y !== null && Number.isFinite(p.y) && Number.isFinite(p.x);
}

function axisTicks(values: readonly number[], axis: LineAxis, count: number) {
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (axis.includeZero) {
    min = Math.min(0, min);
    max = Math.max(0, max);
  }
  if (axis.span) {
    min = Math.min(axis.span[0], min);
    max = Math.max(axis.span[1], max);
  }
  const ticks = niceTicks({ min, max, count, absoluteSteps: axis.steps });
  const tight = axis.tight === true && max > min;
  let lo = tight ? min : ticks.min;
  let hi = tight ? max : ticks.max;
  if (axis.floor !== undefined) lo = Math.max(axis.floor, lo);
  if (axis.ceiling !== undefined) hi = Math.min(axis.ceiling, hi);
  const kept = ticks.values.filter((v) => v >= lo - 1e-12 && v <= hi + 1e-12);
  return { min: lo, max: hi, values: kept };
}

interface GridOptions {
  plot: { left: number; top: number; right: number; bottom: number };
  xTicks: readonly number[];
  yTicks: readonly number[];
  sx: (v: number) => number;
  sy: (v: number) => number;
  x: LineAxis;
  y: LineAxis;
}

function grid(g: GridOptions): string {
  const { plot } = g;
  const parts: string[] = ['<g class="axes">'];
  for (const v of g.yTicks) {
    const y = px(g.sy(v));
    parts.push(
      `<line x1="${px(plot.left)}" x2="${px(plot.right)}" y1="${y}" y2="${y}" stroke="#e2e8f0"/>` +
        `<text x="${px(plot.left - 8)}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#475569">${escapeHtml(g.y.format(v))}</text>`,
    );
  }
  for (const v of g.xTicks) {
    const x = px(g.sx(v));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${px(plot.bottom)}" y2="${px(plot.bottom + 5)}" stroke="#94a3b8"/>` +
        `<text x="${x}" y="${px(plot.bottom + 18)}" text-anchor="middle" fill="#475569">${escapeHtml(g.x.format(v))}</text>`,
    );
  }
  parts.push(
    `<line x1="${px(plot.left)}" x2="${px(plot.right)}" y1="${px(plot.bottom)}" y2="${px(plot.bottom)}" stroke="#94a3b8"/>`,
    `<text x="${px((plot.left + plot.right) / 2)}" y="${px(plot.bottom + 38)}" text-anchor="middle" fill="#334155" font-weight="600">${escapeHtml(g.x.label)}</text>`,
    `<text transform="translate(14 ${px((plot.top + plot.bottom) / 2)}) rotate(-90)" text-anchor="middle" fill="#334155" font-weight="600">${escapeHtml(g.y.label)}</text>`,
    '</g>',
  );
  return parts.join('');
}

/** The line (split at gaps), its dots with tooltips, and point labels that do not collide. */
function seriesMarks(series: LineSeries, sx: (v: number) => number, sy: (v: number) => number): string {
  const color = escapeHtml(series.color);
  const segments: string[] = [];
  let current = '';
  for (const p of series.points) {
    if (!isPlotted(p)) {
      if (current) segments.push(current);
      current = '';
      continue;
    }
    current += `${current ? 'L' : 'M'}${px(sx(p.x))} ${px(sy(p.y))}`;
  }
  if (current) segments.push(current);

  const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
  const parts: string[] = [`<g class="series" data-series="${escapeHtml(series.name)}">`];
  for (const d of segments) {
    if (!d.includes('L')) continue; // a lone point shows as a dot below
    parts.push(`<path data-mark="line" d="${d}" fill="none" stroke="${color}" stroke-width="2.25" stroke-linejoin="round" stroke-linecap="round"${dash}><title>${escapeHtml(series.name)}</title></path>`);
  }
  const plotted = series.points.filter(isPlotted);
  const dots = series.showPoints ?? plotted.length <= MAX_DOTS_PER_SERIES;
  let lastLabelX = -Infinity;
  for (const p of plotted) {
    const cx = sx(p.x);
    const cy = sy(p.y);
    const lone = segments.some((d) => d === `M${px(cx)} ${px(cy)}`);
    if (dots || lone) {
      const title = p.title ?? `${series.name}: ${p.y}`;
      parts.push(`<circle data-mark="point" cx="${px(cx)}" cy="${px(cy)}" r="3.5" fill="#fff" stroke="${color}" stroke-width="2"><title>${escapeHtml(title)}</title></circle>`);
    }
    if (p.label && cx - lastLabelX >= MIN_LABEL_GAP_PX) {
      parts.push(`<text class="point-label" x="${px(cx)}" y="${px(cy - 9)}" text-anchor="middle" fill="${color}" font-size="10" font-weight="600">${escapeHtml(p.label)}</text>`);
      lastLabelX = cx;
    }
  }
  parts.push('</g>');
  return parts.join('');
}
