import { describe, expect, it } from 'vitest';
import { buildSvgLineChart, type LineChartOptions } from '../../../src/report/svg-line-chart.js';

const base = (over: Partial<LineChartOptions> = {}): LineChartOptions => ({
  chart: 'demo',
  title: 'Demo chart',
  description: 'A demo of two series',
  width: 400,
  height: 300,
  series: [{ name: 'a', color: '#000', points: [{ x: 0, y: 0 }, { x: 5, y: 50, title: 'half way', label: 'v2' }, { x: 10, y: 100 }] }],
  x: { label: 'x axis', format: (v) => `${v}s` },
  y: { label: 'y axis', format: (v) => `${v}%` },
  ...over,
});

describe('buildSvgLineChart', () => {
  it('buildSvgLineChart writes an accessible svg root with the chart id, label and title', () => {
    const svg = buildSvgLineChart(base());
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*data-chart="demo"[^>]*aria-label="A demo of two series"/);
    expect(svg).toContain('<title>Demo chart</title>');
    expect(svg.endsWith('</svg>')).toBe(true);
  });

  it('buildSvgLineChart scales points into the plot area', () => {
    // plot: x 62..376 (width 400, margins 62/24); y 36..254 (top 10 + legend 18 + gap 8, bottom 46)
    const svg = buildSvgLineChart(base());
    expect(svg).toContain('d="M62 254L219 145L376 36"');
    expect(svg).toContain('<circle data-mark="point" cx="219" cy="145"');
  });

  it('buildSvgLineChart draws tick labels on both axes through the formatters', () => {
    const svg = buildSvgLineChart(base());
    for (const tick of ['0%', '20%', '100%', '0s', '4s', '10s']) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).toContain('>x axis</text>');
    expect(svg).toContain('>y axis</text>');
  });

  it('buildSvgLineChart puts point tooltips and labels on the points', () => {
    const svg = buildSvgLineChart(base());
    expect(svg).toContain('<title>half way</title>');
    expect(svg).toMatch(/class="point-label"[^>]*>v2<\/text>/);
  });

  it('buildSvgLineChart breaks the line at a null value instead of drawing it at zero', () => {
    const svg = buildSvgLineChart(
      base({ series: [{ name: 'gappy', color: '#111', points: [{ x: 0, y: 10 }, { x: 1, y: 20 }, { x: 2, y: null }, { x: 3, y: 30 }, { x: 4, y: 40 }] }] }),
    );
    expect(svg.match(/data-mark="line"/g)).toHaveLength(2);
    expect(svg.match(/data-mark="point"/g)).toHaveLength(4);
  });

  it('buildSvgLineChart escapes series names, titles and labels', () => {
    const svg = buildSvgLineChart(
      base({ title: 'a <b> & "c"', series: [{ name: '<script>alert(1)</script>', color: '#000', points: [{ x: 0, y: 1, title: '<img src=x>' }, { x: 1, y: 2 }] }] }),
    );
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('<title>a &lt;b&gt; &amp; &quot;c&quot;</title>');
  });

  it('buildSvgLineChart says so when there is no data, and marks the chart empty', () => {
    const svg = buildSvgLineChart(base({ series: [{ name: 'a', color: '#000', points: [{ x: 1, y: null }] }], emptyMessage: 'Nothing measured yet' }));
    expect(svg).toContain('data-empty="true"');
    expect(svg).toContain('>Nothing measured yet</text>');
    expect(svg).not.toContain('data-mark');
    expect(buildSvgLineChart(base({ series: [] }))).toContain('>No data</text>');
  });

  it('buildSvgLineChart keeps the y axis inside floor and ceiling', () => {
    const svg = buildSvgLineChart(base({ series: [{ name: 'acc', color: '#000', points: [{ x: 0, y: 0.91 }, { x: 1, y: 0.995 }] }], y: { label: 'acc', format: String, ceiling: 1 } }));
    expect(svg).toContain('>1</text>');
    expect(svg).not.toContain('>1.05</text>');
  });

  it('buildSvgLineChart spans a tight axis over the given span, not past it', () => {
    const svg = buildSvgLineChart(base({ x: { label: 't', format: (v) => `${v}s`, span: [0, 95], tight: true }, series: [{ name: 's', color: '#000', points: [{ x: 10, y: 1 }, { x: 95, y: 2 }] }] }));
    // x 95 is the right edge of the plot (376), and no tick past the span is drawn.
    expect(svg).toMatch(/L376 [0-9.]+"/);
    expect(svg).not.toContain('>100s</text>');
  });

  it('buildSvgLineChart shows a lone point between gaps as a dot', () => {
    const svg = buildSvgLineChart(base({ series: [{ name: 'one', color: '#000', points: [{ x: 0, y: 5 }], showPoints: false }] }));
    expect(svg.match(/data-mark="point"/g)).toHaveLength(1);
    expect(svg).not.toContain('data-mark="line"');
  });
});
