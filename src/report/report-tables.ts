/** The HTML tables of the report: stages with their identity check, and model versions. */
import { escapeHtml } from './escape.js';
import { formatBytes, formatCount, formatElapsed, formatPercent, formatPointDelta, formatScore, formatTimestamp } from './format.js';
import { stageIdentity } from './identity.js';
import type { RunReportData, StageReport, VersionReport } from './types.js';
import { newestFirst } from './versions.js';

const MAX_VERSION_ROWS = 12;

function identityCell(s: StageReport): string {
  const { holds, difference } = stageIdentity(s);
  if (holds) {
    return `<td class="identity ok" data-identity="ok" title="in = out + quarantined + dead-lettered + duplicates"><span aria-hidden="true">✓</span><span class="sr"> identity holds</span></td>`;
  }
  const what = difference > 0 ? `${formatCount(difference)} unaccounted` : `${formatCount(-difference)} too many`;
  return `<td class="identity bad" data-identity="fail" title="in ≠ out + quarantined + dead-lettered + duplicates"><span aria-hidden="true">✗</span> ${escapeHtml(what)}</td>`;
}

function num(n: number, zeroMuted = true): string {
  return `<td class="num${zeroMuted && n === 0 ? ' zero' : ''}">${formatCount(n)}</td>`;
}

export function stageTable(data: RunReportData): string {
  if (data.stages.length === 0) return '<p class="empty">No stages reported any records.</p>';
  const rows = data.stages.map(
    (s) =>
      `<tr><th scope="row"><span class="stage">${escapeHtml(s.stage)}</span>${s.kind === s.stage ? '' : `<span class="kind">${escapeHtml(s.kind)}</span>`}</th>` +
      num(s.in, false) +
      num(s.out, false) +
      num(s.quarantined) +
      num(s.deadLettered) +
      num(s.duplicates) +
      num(s.generated) +
      num(s.lag) +
      identityCell(s) +
      '</tr>',
  );
  return (
    '<table class="stages"><thead><tr><th scope="col">stage</th><th scope="col" class="num">in</th><th scope="col" class="num">out</th>' +
    '<th scope="col" class="num">quarantined</th><th scope="col" class="num">dead-lettered</th><th scope="col" class="num">duplicates</th>' +
    '<th scope="col" class="num" title="extra records the stage added, such as augmented copies">generated</th><th scope="col" class="num">lag</th>' +
    '<th scope="col" title="in = out + quarantined + dead-lettered + duplicates">accounted</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function versionRow(v: VersionReport, start: number): string {
  const cost = v.holdoutAccuracy !== null && v.holdoutAccuracyFullPrecision !== null ? v.holdoutAccuracy - v.holdoutAccuracyFullPrecision : null;
  return (
    `<tr><th scope="row">${escapeHtml(v.model)} <span class="version">v${v.version}</span></th>` +
    `<td class="num">${formatElapsed((v.createdAt - start) / 1000)}</td>` +
    `<td class="num">${formatCount(v.examplesSeen)}</td>` +
    `<td class="num strong">${formatPercent(v.holdoutAccuracy)}</td>` +
    `<td class="num">${formatPercent(v.prequentialAccuracy)}</td>` +
    `<td class="num">${formatScore(v.f1)}</td>` +
    `<td class="num">${formatScore(v.rocAuc)}</td>` +
    // Cost and the accuracy it is taken from share a cell, so F1 and ROC AUC fit without scrolling.
    `<td class="num" title="holdout ${formatPercent(v.holdoutAccuracyFullPrecision)} before ${escapeHtml(v.encoding)} compression">` +
    `${formatPointDelta(cost)} <span class="kind-inline">from ${formatPercent(v.holdoutAccuracyFullPrecision)}</span></td>` +
    `<td class="num">${formatBytes(v.bytes)} <span class="kind-inline">${escapeHtml(v.encoding)}</span></td></tr>`
  );
}

/** Each label's last move: where it points, from where, by whom and why (automatic rollbacks say why here). */
export function labelTable(data: RunReportData): string {
  if (data.labels.length === 0) return '<p class="empty">No label was set (reviewflow models label sets one).</p>';
  const rows = data.labels.map(
    (l) =>
      `<tr><th scope="row">${escapeHtml(l.model)} <span class="version">${escapeHtml(l.label)}</span></th>` +
      `<td class="num strong">v${l.version}</td><td class="num">${l.previous === null ? '—' : `v${l.previous}`}</td>` +
      `<td>${escapeHtml(l.action)}</td><td>${escapeHtml(l.by)}</td><td>${escapeHtml(formatTimestamp(l.at))}</td><td class="reason">${escapeHtml(l.reason ?? '')}</td></tr>`,
  );
  return (
    '<table class="labels"><thead><tr><th scope="col">label</th><th scope="col" class="num">version</th><th scope="col" class="num">before</th>' +
    '<th scope="col">action</th><th scope="col">by</th><th scope="col">at</th><th scope="col">reason</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

/** The newest versions, newest first; older ones are summarised in one line. */
export function versionTable(data: RunReportData): string {
  const rejected =
    data.rejectedCandidates > 0
      ? `<p class="note">${formatCount(data.rejectedCandidates)} candidate version${data.rejectedCandidates === 1 ? ' was' : 's were'} rejected: holdout accuracy fell below the last published version by more than the margin.</p>`
      : '';
  if (data.versions.length === 0) return rejected; // the chart above already says none was published
  const start = data.generatedAt - data.durationMs;
  const sorted = [...data.versions].sort(newestFirst);
  const shown = sorted.slice(0, MAX_VERSION_ROWS);
  const hidden = sorted.length - shown.length;
  return (
    '<table class="versions"><thead><tr><th scope="col">version</th><th scope="col" class="num">published at</th><th scope="col" class="num">examples</th>' +
    '<th scope="col" class="num">holdout</th><th scope="col" class="num">prequential</th><th scope="col" class="num">F1</th><th scope="col" class="num">ROC AUC</th>' +
    '<th scope="col" class="num" title="holdout accuracy lost to compressing the weights, from the accuracy before">compression cost</th>' +
    '<th scope="col" class="num">weights</th></tr></thead>' +
    `<tbody>${shown.map((v) => versionRow(v, start)).join('')}</tbody></table>` +
    (hidden > 0 ? `<p class="note">…and ${formatCount(hidden)} earlier version${hidden === 1 ? '' : 's'} (all are in the chart above).</p>` : '') +
    rejected
  );
}
