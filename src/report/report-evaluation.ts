/**
 * The evaluation of the newest version of each model on its holdout: the confusion
 * matrix, the threshold metrics, the reliability curve and what trained it.
 */
import { escapeHtml } from './escape.js';
import { formatCount, formatPercent, formatScore } from './format.js';
import { nonEmptyBins, reliabilityChart, reliabilityTable } from './reliability-chart.js';
import { paletteColor } from './report-charts.js';
import type { ConfusionCounts, RunReportData, VersionReport } from './types.js';
import { describeTrainer, newestVersionPerModel } from './versions.js';

const NOT_RECORDED = 'not recorded for this version';

/** One confusion cell: the count and its share of the holdout; correct cells are tinted. */
function cell(o: { name: string; count: number; total: number; correct: boolean }): string {
  const share = o.total > 0 ? formatPercent(o.count / o.total) : '—';
  return `<td class="num ${o.correct ? 'hit' : 'miss'}" data-cell="${o.name}">${formatCount(o.count)}<span class="share">${share}</span></td>`;
}

function confusionTable(c: ConfusionCounts): string {
  const total = c.truePositives + c.falsePositives + c.trueNegatives + c.falseNegatives;
  return (
    `<table class="confusion"><caption>Confusion matrix at P(positive) ≥ 0.5, ${formatCount(total)} holdout examples</caption>` +
    '<thead><tr><th scope="col"><span class="sr">actual, by predicted</span></th><th scope="col" class="num">predicted positive</th><th scope="col" class="num">predicted negative</th></tr></thead><tbody>' +
    `<tr><th scope="row">actual positive</th>${cell({ name: 'true-positive', count: c.truePositives, total, correct: true })}${cell({ name: 'false-negative', count: c.falseNegatives, total, correct: false })}</tr>` +
    `<tr><th scope="row">actual negative</th>${cell({ name: 'false-positive', count: c.falsePositives, total, correct: false })}${cell({ name: 'true-negative', count: c.trueNegatives, total, correct: true })}</tr>` +
    '</tbody></table>'
  );
}

function metricTable(v: VersionReport): string {
  const rows: Array<[key: string, label: string, value: string, hint: string]> = [
    ['accuracy', 'accuracy', formatPercent(v.holdoutAccuracy), 'share of the holdout classified right'],
    ['precision', 'precision', formatScore(v.precision), 'of the predicted positives, the share truly positive'],
    ['recall', 'recall', formatScore(v.recall), 'of the actual positives, the share found'],
    ['f1', 'F1', formatScore(v.f1), 'harmonic mean of precision and recall'],
    ['roc-auc', 'ROC AUC', formatScore(v.rocAuc), 'chance a random positive scores above a random negative'],
    ['brier', 'Brier score', formatScore(v.brier), 'mean squared error of P(positive): lower is better, 0.25 is a constant 0.5'],
  ];
  const body = rows.map(([key, label, value, hint]) => `<tr><th scope="row">${label}</th><td class="num strong" data-metric="${key}">${value}</td><td class="hint">${hint}</td></tr>`);
  return `<table class="metrics"><tbody>${body.join('')}</tbody></table>`;
}

function hasEvaluation(v: VersionReport): boolean {
  return v.confusion !== null || nonEmptyBins(v.reliability).length > 0 || [v.precision, v.recall, v.f1, v.rocAuc, v.brier].some((m) => m !== null);
}

function note(text: string): string {
  return `<p class="note" data-not-recorded>${escapeHtml(text)}</p>`;
}

function versionEvaluation(v: VersionReport, color: string): string {
  const heading =
    `<h3>${escapeHtml(`${v.model} v${v.version}`)}</h3>` +
    `<p class="trained">Trained on ${escapeHtml(describeTrainer(v))}; ${formatCount(v.examplesSeen)} examples seen.</p>`;
  const body = !hasEvaluation(v)
    ? note(`Precision, recall, F1, ROC AUC, Brier score, the confusion matrix and the reliability curve were ${NOT_RECORDED}: its manifest predates them.`)
    : '<div class="eval-grid"><div>' +
      (v.confusion ? confusionTable(v.confusion) : note(`Confusion matrix ${NOT_RECORDED}.`)) +
      metricTable(v) +
      '</div><figure>' +
      (nonEmptyBins(v.reliability).length > 0 ? reliabilityChart({ version: v, color }) + reliabilityTable(v.reliability) : note(`Reliability curve ${NOT_RECORDED}.`)) +
      '</figure></div>';
  return `<article class="evaluation" data-model="${escapeHtml(v.model)}" data-version="${v.version}">${heading}${body}</article>`;
}

/** The body of the report's evaluation section, one article per model. */
export function evaluationSection(data: RunReportData): string {
  const newest = newestVersionPerModel(data.versions);
  if (newest.length === 0) return '<p class="empty">No model versions were published in this run.</p>';
  return newest.map((v, i) => versionEvaluation(v, paletteColor(i))).join('');
}
