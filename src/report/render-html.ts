/** The one-page, self-contained run report: inline CSS, inline SVG, one tiny inline script. */
import { escapeHtml } from './escape.js';
import { formatCount, formatDuration, formatPercent, formatTimestamp } from './format.js';
import { stageIdentity } from './identity.js';
import { RENDER_CHECK_SCRIPT } from './render-check-script.js';
import { accuracyChart, qualityChart, quarantineChart, throughputChart } from './report-charts.js';
import { evaluationSection } from './report-evaluation.js';
import { REPORT_CSS } from './report-style.js';
import { labelTable, stageTable, versionTable } from './report-tables.js';
import type { RunReportData } from './types.js';
import { newestFirst } from './versions.js';

// Nothing may load from the network: the policy makes the browser refuse it, not just us avoid it.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

function latestVersion(data: RunReportData) {
  return [...data.versions].sort(newestFirst)[0];
}

function card(o: { label: string; value: string; sub?: string; tone?: 'ok' | 'bad' }): string {
  return (
    `<div class="card"><div class="label">${escapeHtml(o.label)}</div><div class="value${o.tone ? ` ${o.tone}` : ''}">${escapeHtml(o.value)}</div>` +
    `${o.sub ? `<div class="sub">${escapeHtml(o.sub)}</div>` : ''}</div>`
  );
}

function summaryCards(data: RunReportData): string {
  const first = data.stages[0];
  const setAside = data.stages.reduce((n, s) => n + s.quarantined + s.deadLettered, 0);
  const failing = data.stages.filter((s) => !stageIdentity(s).holds).length;
  const latest = latestVersion(data);
  const label = 'records accounted';
  const accounted =
    data.stages.length === 0
      ? card({ label, value: '—' })
      : failing === 0
        ? card({ label, value: '✓ all', sub: `${data.stages.length} stages`, tone: 'ok' })
        : card({ label, value: `✗ ${failing}`, sub: `of ${data.stages.length} stages lose records`, tone: 'bad' });
  const setAsidePart = first && first.in > 0 ? `${formatPercent(setAside / first.in)} of records in` : undefined;
  return (
    '<section class="cards" aria-label="Run summary">' +
    card({ label: 'records in', value: first ? formatCount(first.in) : '—', sub: first ? `at ${first.stage}` : undefined }) +
    card({ label: 'model versions', value: formatCount(data.versions.length), sub: data.rejectedCandidates > 0 ? `${formatCount(data.rejectedCandidates)} candidates rejected` : 'none rejected' }) +
    card({ label: 'latest holdout', value: latest ? formatPercent(latest.holdoutAccuracy) : '—', sub: latest ? `${latest.model} v${latest.version}` : undefined }) +
    card({ label: 'set aside', value: formatCount(setAside), sub: setAsidePart ?? 'quarantined + dead-lettered' }) +
    accounted +
    '</section>'
  );
}

function section(o: { title: string; lede: string; body: string }): string {
  return `<section><h2>${escapeHtml(o.title)}</h2><p class="lede">${escapeHtml(o.lede)}</p>${o.body}</section>`;
}

export function renderReportHtml(data: RunReportData): string {
  const title = `reviewflow run report: ${data.topology}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header>
<h1><span class="brand">reviewflow</span> run report</h1>
<dl class="meta">
<div><dt>topology</dt><dd>${escapeHtml(data.topology)}</dd></div>
<div><dt>duration</dt><dd>${escapeHtml(formatDuration(data.durationMs))}</dd></div>
<div><dt>backend</dt><dd>${escapeHtml(data.backend)}</dd></div>
<div><dt>generated</dt><dd>${escapeHtml(formatTimestamp(data.generatedAt))}</dd></div>
</dl>
${summaryCards(data)}
</header>
${section({ title: 'Stages', lede: 'What each stage did with every record it read. A stage is accounted when in = out + quarantined + dead-lettered + duplicates.', body: `<div class="table-scroll">${stageTable(data)}</div>` })}
${section({ title: 'Model accuracy', lede: 'Holdout accuracy (solid) and prequential accuracy (dashed) of each published version; points are labelled with the version number.', body: `<figure>${accuracyChart(data)}</figure><div class="table-scroll">${versionTable(data)}</div>` })}
${section({ title: 'Model evaluation', lede: 'The newest version of each model on its holdout: the confusion matrix at P(positive) ≥ 0.5, threshold metrics, and a reliability curve (dots near the diagonal mean its probabilities can be taken at face value).', body: evaluationSection(data) })}
${section({ title: 'Model labels', lede: 'Where each label points after its last move, and why it moved. A rollback by auto-rollback means the labelled version did worse than the one before on the live stream.', body: `<div class="table-scroll">${labelTable(data)}</div>` })}
${section({ title: 'Throughput', lede: 'Records per second that each stage processed over the run.', body: `<figure>${throughputChart(data)}</figure>` })}
${section({ title: 'Quarantine reasons', lede: 'Records set aside by reason code, summed over all stages.', body: `<figure>${quarantineChart(data)}</figure>` })}
${section({ title: 'Data quality', lede: 'Per window: label balance (share of positive labels), length drift against the reference window (PSI) and out-of-vocabulary rate.', body: `<figure>${qualityChart(data)}</figure>` })}
<footer>Generated by reviewflow at ${escapeHtml(formatTimestamp(data.generatedAt))}. This page is self-contained: it loads nothing from the network.</footer>
</main>
<script>${RENDER_CHECK_SCRIPT}</script>
</body>
</html>
`;
}
