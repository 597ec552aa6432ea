import { describe, expect, it } from 'vitest';
import { renderTerminalSummary } from '../../../src/report/render-terminal.js';
import { emptyReportData, sampleReportData, withoutEvaluation } from './sample-data.js';

describe('renderTerminalSummary', () => {
  it('renderTerminalSummary prints per-stage counts in aligned columns with an identity mark', () => {
    const lines = renderTerminalSummary(sampleReportData()).split('\n');
    expect(lines[0]).toBe('reviewflow run: topology topologies/sentiment.yaml, 3m 05s, backend tensorflow (pure JS, cpu)');
    const gate = lines.find((l) => l.trimStart().startsWith('gate'))!;
    expect(gate.trim().split(/\s+/)).toEqual(['gate', '73,368', '70,301', '3,067', '0', '0', '0', '212', '✓']);
    const header = lines[1]!;
    // numbers are right-aligned under their header
    expect(gate.indexOf('70,301') + '70,301'.length).toBe(header.indexOf('out') + 'out'.length);
  });

  it('renderTerminalSummary prints each label\'s last move, with an automatic rollback\'s reason', () => {
    const lines = renderTerminalSummary(sampleReportData()).split('\n');
    expect(lines.filter((l) => l.startsWith('label '))).toEqual([
      'label stable of sentiment: v3 (rollback from v5 by auto-rollback: v5 scored 61.0% and v3 90.5% on the 2000 records after label stable moved: 29.5 points worse, more than the margin of 2.0 points, so stable went back to v3)',
      'label canary of sentiment: v6 (label by ops@host)',
    ]);
    expect(renderTerminalSummary(emptyReportData())).not.toContain('label ');
  });

  it('renderTerminalSummary shows versions with holdout accuracy and rejected candidates', () => {
    const text = renderTerminalSummary(sampleReportData());
    expect(text).toContain('models: 9 versions published, 2 candidates rejected; holdout v1 62.6% → … → v7 85.9% → v8 86.9% → v9 87.7%');
    expect(text).toContain('latest sentiment v9 prequential 85.2%, 45,000 examples');
  });

  it('renderTerminalSummary prints accuracy, F1, ROC AUC, Brier and the trainer of each model\'s newest version', () => {
    const data = sampleReportData();
    data.versions.push({ ...withoutEvaluation(data.versions[0]!), model: 'spam', version: 3 });
    const lines = renderTerminalSummary(data).split('\n');
    const models = lines.findIndex((l) => l.startsWith('models: '));
    expect(lines.slice(models + 1, models + 3)).toEqual([
      'sentiment v9: accuracy 87.7%, F1 0.875, ROC AUC 0.947, Brier 0.086 (cpu, sparse executor)',
      'spam v3: accuracy 62.6%, F1 —, ROC AUC —, Brier — (cpu)',
    ]);
  });

  it('renderTerminalSummary lists the top quarantine reasons and where the report is', () => {
    const text = renderTerminalSummary(sampleReportData(), { reportPath: '/tmp/x/report.html' });
    expect(text).toContain('quarantine: too-short 1,204, near-duplicate 893, gibberish-repetition 412 (+5 more reasons)');
    expect(text.split('\n').at(-1)).toBe('report: /tmp/x/report.html');
  });

  it('renderTerminalSummary flags a stage whose records are not accounted for', () => {
    const data = sampleReportData();
    data.stages[0]!.out -= 3;
    expect(renderTerminalSummary(data)).toMatch(/clean .*✗ \(3 unaccounted\)/);
  });

  it('renderTerminalSummary stays short and says so when nothing happened', () => {
    const text = renderTerminalSummary(emptyReportData());
    expect(text.split('\n')).toEqual([
      'reviewflow run: topology empty, 0 ms, backend cpu',
      '  no stages reported',
      'models: none published',
      'quarantine: nothing set aside',
    ]);
  });
});
