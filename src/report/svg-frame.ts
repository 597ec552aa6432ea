/** Pieces every chart shares: the accessible <svg> root, the empty state and the legend. */
import { escapeHtml } from './escape.js';
import { px } from './ticks.js';

export const CHART_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/** Rough glyph width at 11px, for laying out labels without a DOM to measure them. */
export const CHAR_WIDTH_PX = 6.4;

export interface SvgRootOptions {
  /** Value of data-chart, the handle tests and the in-page render check use. */
  chart: string;
  title: string;
  /** The aria-label: what the chart shows, in one sentence. */
  description: string;
  width: number;
  height: number;
  empty: boolean;
}

export function openSvg(o: SvgRootOptions): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" data-chart="${escapeHtml(o.chart)}"` +
    `${o.empty ? ' data-empty="true"' : ''} aria-label="${escapeHtml(o.description)}"` +
    ` viewBox="0 0 ${o.width} ${o.height}" width="${o.width}" height="${o.height}"` +
    ` font-family="${escapeHtml(CHART_FONT)}" font-size="11">` +
    `<title>${escapeHtml(o.title)}</title>`
  );
}

export const CLOSE_SVG = '</svg>';

/** A chart with nothing to plot shrinks to a short box, so an empty run stays readable. */
export const EMPTY_CHART_HEIGHT = 132;

/** The whole <svg> of a chart with no data: the frame and one sentence. */
export function emptyChart(o: Omit<SvgRootOptions, 'height' | 'empty'> & { message: string }): string {
  const height = EMPTY_CHART_HEIGHT;
  return (
    openSvg({ ...o, height, empty: true }) +
    emptyState({ x: 1, y: 8, width: o.width - 2, height: height - 16, message: o.message }) +
    CLOSE_SVG
  );
}

/** A dashed frame with a sentence in it, so a chart without data says so. */
export function emptyState(o: { x: number; y: number; width: number; height: number; message: string }): string {
  return (
    `<g class="empty-state">` +
    `<rect x="${px(o.x)}" y="${px(o.y)}" width="${px(o.width)}" height="${px(o.height)}" rx="6" fill="#f8fafc" stroke="#cbd5e1" stroke-dasharray="4 4"/>` +
    `<text x="${px(o.x + o.width / 2)}" y="${px(o.y + o.height / 2)}" text-anchor="middle" dominant-baseline="middle" fill="#64748b" font-size="13">${escapeHtml(o.message)}</text>` +
    `</g>`
  );
}

export interface LegendItem {
  name: string;
  color: string;
  dashed?: boolean;
}

/**
 * A legend that flows left to right and wraps; returns the markup and the height it took,
 * so the plot can start below it.
 */
export function legend(o: { items: readonly LegendItem[]; x: number; y: number; maxWidth: number }): { svg: string; height: number } {
  if (o.items.length === 0) return { svg: '', height: 0 };
  const rowHeight = 18;
  let cx = 0;
  let row = 0;
  const parts: string[] = [];
  for (const item of o.items) {
    const w = 22 + item.name.length * CHAR_WIDTH_PX + 16;
    if (cx > 0 && cx + w > o.maxWidth) {
      cx = 0;
      row += 1;
    }
    const ly = o.y + row * rowHeight + 9;
    const lx = o.x + cx;
    parts.push(
      `<line x1="${px(lx)}" y1="${px(ly)}" x2="${px(lx + 16)}" y2="${px(ly)}" stroke="${escapeHtml(item.color)}" stroke-width="3" stroke-linecap="round"${item.dashed ? ' stroke-dasharray="5 3"' : ''}/>` +
        `<text x="${px(lx + 22)}" y="${px(ly)}" dominant-baseline="middle" fill="#334155">${escapeHtml(item.name)}</text>`,
    );
    cx += w;
  }
  return { svg: `<g class="legend">${parts.join('')}</g>`, height: (row + 1) * rowHeight };
}

/** Shortens a label to fit a pixel width, with an ellipsis. */
export function fitLabel(label: string, maxWidthPx: number): string {
  const maxChars = Math.max(3, Math.floor(maxWidthPx / CHAR_WIDTH_PX));
  return label.length <= maxChars ? label : `${label.slice(0, maxChars - 1)}…`;
}
