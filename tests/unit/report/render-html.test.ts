import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../src/report/render-html.js';
import { emptyReportData, sampleReportData } from './sample-data.js';

const CHARTS = ['accuracy', 'throughput', 'quarantine', 'quality'] as const;

/** The <svg …>…</svg> of one chart. */
function chartSvg(html: string, chart: string): string {
  const match = html.match(new RegExp(`<svg [^>]*data-chart="${chart}"[\\s\\S]*?</svg>`));
  if (!match) throw new Error(`chart ${chart} missing`);
  return match[0];
}

describe('renderReportHtml', () => {
  const html = renderReportHtml(sampleReportData());

  it('renderReportHtml includes the four charts, each an accessible svg with a title', () => {
    for (const chart of CHARTS) {
      const svg = chartSvg(html, chart);
      expect(svg).toMatch(/^<svg [^>]*role="img"/);
      expect(svg).toMatch(/^<svg [^>]*aria-label="[^"]+"/);
      expect(svg).toMatch(/^<svg [^>]*><title>[^<]+<\/title>/);
      expect(svg).toContain('data-mark=');
      expect(svg).not.toContain('data-empty');
    }
  });

  it('renderReportHtml has a model evaluation section after the accuracy one', () => {
    const headings = [...html.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(headings.indexOf('Model evaluation')).toBe(headings.indexOf('Model accuracy') + 1);
    expect(html).toMatch(/<h2>Model evaluation<\/h2>[\s\S]*data-chart="reliability-sentiment"[\s\S]*<h2>Throughput<\/h2>/);
  });

  it('renderReportHtml puts the header facts on the page', () => {
    expect(html).toContain('<dd>topologies/sentiment.yaml</dd>');
    expect(html).toContain('<dd>3m 05s</dd>');
    expect(html).toContain('<dd>tensorflow (pure JS, cpu)</dd>');
  });

  it('renderReportHtml shows each version\'s accuracy in a point tooltip and labels points by version', () => {
    const data = sampleReportData();
    const v9 = data.versions[8]!;
    const svg = chartSvg(html, 'accuracy');
    expect(svg).toContain(`sentiment v9 at 2m46s: holdout ${(v9.holdoutAccuracy! * 100).toFixed(1)}%`);
    expect(svg).toMatch(/class="point-label"[^>]*>v9<\/text>/);
    expect(svg).toContain('>holdout accuracy</text>');
    expect(svg).toContain('>prequential accuracy</text>');
  });

  it('renderReportHtml draws one throughput line per stage with a legend', () => {
    const svg = chartSvg(html, 'throughput');
    for (const stage of ['clean', 'augment', 'gate', 'train']) {
      expect(svg).toContain(`data-series="${stage}"`);
      expect(svg).toMatch(new RegExp(`<text [^>]*>${stage}</text>`));
    }
  });

  it('renderReportHtml sums quarantine reasons over stages, largest first', () => {
    const svg = chartSvg(html, 'quarantine');
    const order = [...svg.matchAll(/<title>([a-z-]+)<\/title>/g)].map((m) => m[1]);
    expect(order.slice(0, 3)).toEqual(['too-short', 'near-duplicate', 'gibberish-repetition']);
    expect(svg).toContain('<title>undecodable-record: 37 (clean 37)</title>');
  });

  it('renderReportHtml plots label balance and length PSI per quality window', () => {
    const svg = chartSvg(html, 'quality');
    expect(svg).toContain('data-series="label balance (positive rate)"');
    expect(svg).toContain('data-series="length drift (PSI)"');
    // 12 windows, the first without a PSI: 12 + 11 + 12 (OOV) dots.
    expect(svg.match(/data-mark="point"/g)).toHaveLength(35);
  });

  it('renderReportHtml lists each label\'s last move with who moved it and why, escaped', () => {
    const labels = html.match(/<table class="labels">[\s\S]*?<\/table>/)?.[0] ?? '';
    expect(labels).toContain('<td class="num strong">v3</td><td class="num">v5</td><td>rollback</td><td>auto-rollback</td>');
    expect(labels).toContain('so stable went back to v3</td>');
    expect(labels).toContain('<td class="num strong">v6</td><td class="num">—</td><td>label</td><td>ops@host</td>');
    const data = sampleReportData();
    data.labels[0]!.reason = '<img src=x onerror=alert(3)>';
    expect(renderReportHtml(data)).toContain('&lt;img src=x onerror=alert(3)&gt;');
    expect(renderReportHtml(emptyReportData())).toContain('No label was set');
  });

  it('renderReportHtml escapes stage names, kinds, reasons and the topology', () => {
    const data = sampleReportData();
    data.topology = '"><script>alert("t")</script>';
    data.stages[0]!.stage = '<script>alert(1)</script>';
    data.stages[0]!.kind = '<b>kind</b>';
    data.stages[0]!.reasons = { '<img src=x onerror=alert(2)>': 5 };
    const out = renderReportHtml(data);
    expect(out.match(/<script>/g)).toHaveLength(1); // only the page's own render check
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<b>kind');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&lt;img src=x onerror=alert(2)&gt;');
  });

  it('renderReportHtml marks each stage ✓ when its records are accounted for and ✗ with the gap otherwise', () => {
    const data = sampleReportData();
    data.stages[2]!.out -= 7; // gate loses seven records
    data.stages[3]!.out += 2; // train claims two it never read
    const out = renderReportHtml(data);
    const cells = [...out.matchAll(/data-identity="(ok|fail)"[^>]*>([\s\S]*?)<\/td>/g)].map((m) => [m[0], m[1], m[2]!.replace(/<[^>]+>/g, '')]);
    expect(cells.map((c) => c[1])).toEqual(['ok', 'ok', 'fail', 'fail']);
    expect(cells[0]![2]).toContain('✓');
    expect(cells[2]![2]).toContain('✗ 7 unaccounted');
    expect(cells[3]![2]).toContain('✗ 2 too many');
    expect(out).toContain('✗ 2</div>'); // the summary card counts failing stages
  });

  it('renderReportHtml counts augmented copies as generated, outside the identity', () => {
    const out = renderReportHtml(sampleReportData());
    expect(out).toContain('>24,456</td>');
    expect(out.match(/data-identity="fail"/g)).toBeNull();
  });

  it('renderReportHtml renders "no data" states for every chart when the run recorded nothing', () => {
    const out = renderReportHtml(emptyReportData());
    for (const chart of CHARTS) {
      const svg = chartSvg(out, chart);
      expect(svg).toContain('data-empty="true"');
      expect(svg).toContain('class="empty-state"');
      expect(svg).not.toContain('data-mark');
    }
    expect(out).toContain('No model versions were published in this run');
    expect(out).toContain('No throughput samples were recorded');
    expect(out).toContain('No records were quarantined or dead-lettered');
    expect(out).toContain('No data-quality windows were recorded');
    expect(out).toContain('No stages reported any records.');
  });

  it('renderReportHtml loads nothing from outside the page', () => {
    expect(html).not.toMatch(/\s(src|href)=/);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html).toContain("default-src 'none'");
  });

  it('renderReportHtml lists versions newest first with the compression cost', () => {
    const data = sampleReportData();
    const v9 = data.versions[8]!;
    const out = renderReportHtml(data);
    const rows = [...out.matchAll(/<span class="version">v(\d+)<\/span>/g)].map((m) => Number(m[1]));
    expect(rows).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(out).toContain(`${(v9.holdoutAccuracyFullPrecision! * 100).toFixed(1)}%`);
    expect(out).toContain('−0.2 pp');
    expect(out).toContain('2 candidate versions were rejected');
    const v9Row = out.match(/<tr><th scope="row">sentiment <span class="version">v9<\/span><\/th>.*?<\/tr>/)![0];
    const cells = [...v9Row.matchAll(/<td class="num[^"]*"[^>]*>([^<]*)/g)].map((m) => m[1]!.trim());
    expect(cells.slice(3, 7)).toEqual(['85.2%', '0.875', '0.947', '−0.2 pp']); // prequential, F1, ROC AUC, compression cost
  });
});
