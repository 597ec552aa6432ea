import { describe, expect, it } from 'vitest';
import { buildSvgBarChart, sortBars, type BarChartOptions } from '../../../src/report/svg-bar-chart.js';

const base = (over: Partial<BarChartOptions> = {}): BarChartOptions => ({
  chart: 'bars',
  title: 'Reasons',
  description: 'Records by reason',
  axisLabel: 'records',
  format: String,
  width: 600,
  bars: [
    { label: 'small', value: 10 },
    { label: 'big', value: 40 },
    { label: 'mid', value: 20 },
  ],
  ...over,
});

const barWidths = (svg: string) => [...svg.matchAll(/data-mark="bar"[^>]*width="([0-9.]+)"/g)].map((m) => Number(m[1]));

describe('buildSvgBarChart', () => {
  it('buildSvgBarChart draws bars largest first with widths proportional to values', () => {
    const svg = buildSvgBarChart(base());
    const labels = [...svg.matchAll(/text-anchor="end"[^>]*>([a-z]+)<title>/g)].map((m) => m[1]);
    expect(labels).toEqual(['big', 'mid', 'small']);
    const [big, mid, small] = barWidths(svg);
    expect(big! / mid!).toBeCloseTo(2, 1);
    expect(mid! / small!).toBeCloseTo(2, 1);
  });

  it('buildSvgBarChart writes value labels, axis ticks and tooltips', () => {
    const svg = buildSvgBarChart(base({ bars: [{ label: 'too-short', value: 40, title: 'too-short: 40 (gate 40)' }] }));
    expect(svg).toContain('<title>too-short: 40 (gate 40)</title>');
    expect(svg).toMatch(/font-weight="600">40<\/text>/);
    expect(svg).toContain('>records</text>');
    expect(svg).toMatch(/>0<\/text>/);
  });

  it('buildSvgBarChart escapes labels and tooltips', () => {
    const svg = buildSvgBarChart(base({ bars: [{ label: '<script>x()</script>', value: 3 }] }));
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;x()&lt;/script&gt;');
  });

  it('buildSvgBarChart shows an empty state when no bar has a positive value', () => {
    const svg = buildSvgBarChart(base({ bars: [{ label: 'zero', value: 0 }], emptyMessage: 'Nothing set aside' }));
    expect(svg).toContain('data-empty="true"');
    expect(svg).toContain('>Nothing set aside</text>');
    expect(svg).not.toContain('data-mark');
    expect(svg).toMatch(/role="img"[^>]*data-chart="bars"/);
  });

  it('buildSvgBarChart shortens a long label and keeps it whole in the tooltip', () => {
    const long = 'a-very-long-reason-code-that-would-push-the-bars-off-the-chart-entirely';
    const svg = buildSvgBarChart(base({ width: 300, bars: [{ label: long, value: 1 }] }));
    expect(svg).toContain('…');
    expect(svg).toContain(`<title>${long}</title>`);
  });
});

describe('sortBars', () => {
  it('sortBars folds the tail into one "other" bar carrying its sum', () => {
    const bars = Array.from({ length: 6 }, (_, i) => ({ label: `r${i}`, value: 60 - i * 10 }));
    const sorted = sortBars(bars, 4);
    expect(sorted.map((b) => b.label)).toEqual(['r0', 'r1', 'r2', 'other (3)']);
    expect(sorted[3]!.value).toBe(30 + 20 + 10);
  });

  it('sortBars orders ties by label and drops zero and non-finite values', () => {
    const sorted = sortBars([{ label: 'b', value: 5 }, { label: 'a', value: 5 }, { label: 'z', value: 0 }, { label: 'n', value: Number.NaN }], 10);
    expect(sorted.map((b) => b.label)).toEqual(['a', 'b']);
  });
});
