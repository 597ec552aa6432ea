/**
 * A horizontal bar chart as an SVG string, largest bar first: reason codes have long
 * names, and horizontal bars keep them readable without rotating text.
 */
import { escapeHtml } from './escape.js';
import { CHAR_WIDTH_PX, CLOSE_SVG, emptyChart, fitLabel, openSvg } from './svg-frame.js';
import { linearScale, niceTicks, px } from './ticks.js';

export interface Bar {
  label: string;
  value: number;
  /** Tooltip text; defaults to "label: value". */
  title?: string;
}

export interface BarChartOptions {
  chart: string;
  title: string;
  description: string;
  bars: readonly Bar[];
  axisLabel: string;
  format: (v: number) => string;
  color?: string;
  /** Bars beyond this many are summed into one "other" bar. */
  maxBars?: number;
  emptyMessage?: string;
  width?: number;
}

const BAR_HEIGHT = 20;
const BAR_GAP = 10;

/** Sorted largest first (ties by label, so output is stable); the tail folded into "other". */
export function sortBars(bars: readonly Bar[], maxBars: number): Bar[] {
  const sorted = bars
    .filter((b) => Number.isFinite(b.value) && b.value > 0)
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
  if (sorted.length <= maxBars) return sorted;
  const kept = sorted.slice(0, maxBars - 1);
  const rest = sorted.slice(maxBars - 1);
  const total = rest.reduce((sum, b) => sum + b.value, 0);
  kept.push({ label: `other (${rest.length})`, value: total, title: `other: ${rest.map((b) => `${b.label} ${b.value}`).join(', ')}` });
  return kept;
}

export function buildSvgBarChart(o: BarChartOptions): string {
  const width = o.width ?? 720;
  const bars = sortBars(o.bars, o.maxBars ?? 12);
  if (bars.length === 0) {
    return emptyChart({ chart: o.chart, title: o.title, description: o.description, width, message: o.emptyMessage ?? 'No data' });
  }
  const color = escapeHtml(o.color ?? '#d97706');
  const longest = Math.max(0, ...bars.map((b) => b.label.length));
  const labelWidth = Math.min(width * 0.38, Math.max(60, longest * CHAR_WIDTH_PX + 8));
  const margin = { top: 12, right: 64, bottom: 44, left: labelWidth + 14 };
  const plotHeight = bars.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
  const height = margin.top + plotHeight + margin.bottom;
  const plot = { left: margin.left, top: margin.top, right: width - margin.right, bottom: margin.top + plotHeight };

  const svg = openSvg({ chart: o.chart, title: o.title, description: o.description, width, height, empty: false });

  const ticks = niceTicks({ min: 0, max: Math.max(...bars.map((b) => b.value)), count: 5 });
  const sx = linearScale([0, ticks.max], [plot.left, plot.right]);
  const parts: string[] = ['<g class="axes">'];
  for (const v of ticks.values) {
    const x = px(sx(v));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${px(plot.top - 4)}" y2="${px(plot.bottom + 4)}" stroke="#e2e8f0"/>` +
        `<text x="${x}" y="${px(plot.bottom + 18)}" text-anchor="middle" fill="#475569">${escapeHtml(o.format(v))}</text>`,
    );
  }
  parts.push(
    `<text x="${px((plot.left + plot.right) / 2)}" y="${px(plot.bottom + 38)}" text-anchor="middle" fill="#334155" font-weight="600">${escapeHtml(o.axisLabel)}</text>`,
    '</g><g class="bars">',
  );
  bars.forEach((bar, i) => {
    const y = plot.top + i * (BAR_HEIGHT + BAR_GAP);
    const w = Math.max(1, sx(bar.value) - plot.left); // a tiny count still shows as a sliver
    const mid = px(y + BAR_HEIGHT / 2);
    const title = bar.title ?? `${bar.label}: ${o.format(bar.value)}`;
    parts.push(
      `<text x="${px(plot.left - 8)}" y="${mid}" text-anchor="end" dominant-baseline="middle" fill="#1e293b">${escapeHtml(fitLabel(bar.label, labelWidth))}<title>${escapeHtml(bar.label)}</title></text>` +
        `<rect data-mark="bar" x="${px(plot.left)}" y="${px(y)}" width="${px(w)}" height="${BAR_HEIGHT}" rx="3" fill="${color}"><title>${escapeHtml(title)}</title></rect>` +
        `<text x="${px(plot.left + w + 6)}" y="${mid}" dominant-baseline="middle" fill="#334155" font-weight="600">${escapeHtml(o.format(bar.value))}</text>`,
    );
  });
  parts.push('</g>');
  return svg + parts.join('') + CLOSE_SVG;
}
