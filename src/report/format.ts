/** Number and time formats shared by the HTML report and the terminal summary. */

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const RATE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function formatCount(n: number): string {
  return Number.isFinite(n) ? COUNT.format(n) : '—';
}

export function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec)) return '—';
  return perSec >= 100 ? `${COUNT.format(perSec)}/s` : `${RATE.format(perSec)}/s`;
}

/** 0..1 as a percentage; null (not measured) as an em dash. */
export function formatPercent(fraction: number | null, digits = 1): string {
  if (fraction === null || !Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A signed difference of two fractions in percentage points, e.g. "−0.3 pp". */
export function formatPointDelta(delta: number | null): string {
  if (delta === null || !Number.isFinite(delta)) return '—';
  const pp = delta * 100;
  const text = Math.abs(pp).toFixed(1);
  if (text === '0.0') return '0.0 pp';
  return `${pp < 0 ? '−' : '+'}${text} pp`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A run duration: "850 ms", "42.0 s", "3m 05s", "1h 02m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSec = Math.round(ms / 1000);
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = totalSec % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
}

/** An axis label for seconds since the run started: "0s", "45s", "2m", "2m30s", "1h". */
export function formatElapsed(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const sign = seconds < 0 ? '−' : '';
  const abs = Math.abs(seconds);
  if (abs < 60) return `${sign}${Number(abs.toFixed(1))}s`;
  const totalSec = Math.round(abs);
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = totalSec % 60;
  if (h > 0) return `${sign}${h}h${m > 0 ? `${String(m).padStart(2, '0')}m` : ''}`;
  return `${sign}${m}m${s > 0 ? `${String(s).padStart(2, '0')}s` : ''}`;
}

/** A wall-clock time in UTC, so the report reads the same wherever it is opened. */
export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A 0..1 score such as F1, ROC AUC or a Brier score, as a plain decimal: "0.876". */
export function formatScore(value: number | null, digits = 3): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return value.toFixed(digits);
}
