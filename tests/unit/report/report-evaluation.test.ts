import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../src/report/render-html.js';
import { evaluationSection } from '../../../src/report/report-evaluation.js';
import type { RunReportData } from '../../../src/report/types.js';
import { sampleReportData, withoutEvaluation } from './sample-data.js';

/** The reliability chart is 400 × 360: plot x 62..376, y 36..314 (below a one-row legend). */
const PLOT = { left: 62, right: 376, top: 36, bottom: 314 };
const round2 = (v: number) => String(Math.round(v * 100) / 100);

function reliabilitySvg(html: string, model: string): string {
  const match = html.match(new RegExp(`<svg [^>]*data-chart="reliability-${model}"[\\s\\S]*?</svg>`));
  if (!match) throw new Error(`reliability chart of ${model} missing`);
  return match[0];
}

function newest(data: RunReportData) {
  return data.versions[data.versions.length - 1]!;
}

describe('evaluationSection', () => {
  const data = sampleReportData();
  const v9 = newest(data);
  const html = evaluationSection(data);

  it('evaluationSection shows only the newest version of the model', () => {
    expect([...html.matchAll(/<article class="evaluation" data-model="([^"]+)" data-version="(\d+)"/g)].map((m) => `${m[1]} v${m[2]}`)).toEqual(['sentiment v9']);
    expect(html).toContain('Trained on cpu, sparse executor; 45,000 examples seen.');
  });

  it('evaluationSection puts each confusion count and its share of the holdout in its actual × predicted cell', () => {
    const c = v9.confusion!;
    expect(c).toEqual({ truePositives: 432, falsePositives: 55, trueNegatives: 445, falseNegatives: 68 });
    const rows = [...html.matchAll(/<tr><th scope="row">(actual \w+)<\/th>(.*?)<\/tr>/g)].map((m) => [m[1], [...m[2]!.matchAll(/data-cell="([a-z-]+)">([\d,]+)<span class="share">([\d.]+%)/g)].map((c) => c.slice(1).join(' '))]);
    expect(rows).toEqual([
      ['actual positive', ['true-positive 432 43.2%', 'false-negative 68 6.8%']],
      ['actual negative', ['false-positive 55 5.5%', 'true-negative 445 44.5%']],
    ]);
    expect(html).toContain('1,000 holdout examples');
  });

  it('evaluationSection lists precision, recall, F1, ROC AUC and Brier with three decimals', () => {
    const metrics = Object.fromEntries([...html.matchAll(/data-metric="([a-z0-9-]+)">([^<]+)</g)].map((m) => [m[1], m[2]]));
    expect(metrics).toEqual({ accuracy: '87.7%', precision: '0.887', recall: '0.864', f1: '0.875', 'roc-auc': '0.947', brier: '0.086' });
  });

  it('evaluationSection plots one point per non-empty reliability bin at (mean predicted, observed positive)', () => {
    const svg = reliabilitySvg(html, 'sentiment');
    const bins = v9.reliability.filter((b) => b.count > 0);
    expect(bins).toHaveLength(8); // bins 0.4–0.6 are empty in the sample
    const points = [...svg.matchAll(/<circle data-mark="point" cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>([^<]+)<\/title>/g)];
    expect(points.map((p) => [p[1], p[2]])).toEqual(
      bins.map((b) => [round2(PLOT.left + b.meanPredicted * (PLOT.right - PLOT.left)), round2(PLOT.bottom - b.observedPositive * (PLOT.bottom - PLOT.top))]),
    );
    expect(points[0]![3]).toBe('P(positive) 0.0–0.1: 180 examples, mean predicted 0.040, observed positive 8.6%');
    expect(points.map((p) => p[3]!.match(/: ([\d,]+) examples/)![1])).toEqual(bins.map((b) => String(b.count)));
  });

  it('evaluationSection draws the perfectly calibrated diagonal from (0, 0) to (1, 1) with axes over 0..1', () => {
    const svg = reliabilitySvg(html, 'sentiment');
    expect(svg).toMatch(new RegExp(`data-series="perfectly calibrated"><path data-mark="line" d="M${PLOT.left} ${PLOT.bottom}L${PLOT.right} ${PLOT.top}"`));
    for (const tick of ['0', '0.2', '0.8', '1']) expect(svg.match(new RegExp(`>${tick}</text>`, 'g'))).toHaveLength(2);
    expect(svg).toContain('>mean predicted P(positive)</text>');
    expect(svg).toContain('>observed share of positives</text>');
  });

  it('evaluationSection lists every bin with its count, empty ones muted', () => {
    const rows = [...html.matchAll(/<tr(?: class="zero")?><th scope="row">(\d\.\d–\d\.\d)<\/th><td class="num">([\d,]+)<\/td>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(rows).toEqual(['0.0–0.1 180', '0.1–0.2 120', '0.2–0.3 80', '0.3–0.4 60', '0.4–0.5 0', '0.5–0.6 0', '0.6–0.7 70', '0.7–0.8 100', '0.8–0.9 150', '0.9–1.0 240']);
    expect(html.match(/<tr class="zero">/g)).toHaveLength(2);
  });

  it('evaluationSection says "not recorded" instead of an empty chart for a version from an older manifest', () => {
    const old = sampleReportData();
    old.versions[old.versions.length - 1] = withoutEvaluation(newest(old));
    const out = evaluationSection(old);
    expect(out).toContain('were not recorded for this version: its manifest predates them.');
    expect(out).not.toContain('<svg');
    expect(out).not.toContain('data-cell=');
    expect(out).toContain('Trained on cpu; 45,000 examples seen.');
  });

  it('evaluationSection notes each missing part when a version recorded only some of them', () => {
    const partial = sampleReportData();
    partial.versions[partial.versions.length - 1] = { ...newest(partial), confusion: null, reliability: newest(partial).reliability.map((b) => ({ ...b, count: 0 })) };
    const out = evaluationSection(partial);
    expect(out).toContain('Confusion matrix not recorded for this version.');
    expect(out).toContain('Reliability curve not recorded for this version.');
    expect(out).toContain('data-metric="f1">0.875<');
    expect(out).not.toContain('<svg');
  });

  it('evaluationSection gives each model its own section and chart, escaping the model name', () => {
    const two = sampleReportData();
    two.versions.push({ ...newest(two), model: '<b>spam</b>', version: 2, device: 'Apple M2', backend: 'webgpu', executor: 'tfjs' });
    const out = renderReportHtml(two);
    expect(out.match(/<article class="evaluation"/g)).toHaveLength(2);
    expect(out).not.toContain('<b>spam');
    expect(out).toContain('data-chart="reliability-&lt;b&gt;spam&lt;/b&gt;"');
    expect(out).toContain('Trained on webgpu on Apple M2, tfjs executor;');
  });

  it('evaluationSection says so when no version was published', () => {
    expect(evaluationSection({ ...data, versions: [] })).toBe('<p class="empty">No model versions were published in this run.</p>');
  });
});
