import { z } from 'zod';
import { fatal } from '../errors.js';
import type { QualityMetrics } from '../records/types.js';

/**
 * The gate's data-quality monitors over tumbling windows of records: label balance,
 * length distribution (mean, p50, p95) and its PSI drift against a reference window,
 * and the out-of-vocabulary rate against the reference window's vocabulary.
 *
 * The reference is the first closed window with at least `referenceMinRecords` accepted
 * records. It is kept in state (changelog key `mon:ref`), so drift is always measured
 * against the same baseline, across restarts. Distribution figures use accepted records
 * only: they describe what the trainer is fed.
 */
export interface MonitorOptions {
  referenceMinRecords: number;
  vocabularyLimit: number;
}

export interface Observation {
  timestamp: number;
  accepted: boolean;
  label: number | null;
  length: number;
  tokenHashes: readonly number[];
  reasons: readonly string[];
}

const windowSchema = z.object({
  start: z.number(),
  end: z.number(),
  count: z.number().int(),
  accepted: z.number().int(),
  quarantined: z.number().int(),
  positives: z.number().int(),
  labeled: z.number().int(),
  tokens: z.number().int(),
  oovTokens: z.number().int(),
  lengths: z.array(z.number()),
  reasons: z.record(z.number()),
  /** Vocabulary being collected while no reference exists yet, as base-36 hashes. */
  pendingVocabulary: z.array(z.string()),
});
type WindowSnapshot = z.infer<typeof windowSchema>;

const referenceSchema = z.object({
  edges: z.array(z.number()),
  proportions: z.array(z.number()),
  vocabulary: z.array(z.string()),
});

interface Reference {
  edges: number[];
  proportions: number[];
  vocabulary: Set<number>;
}

/** Decile bins; empty bins are floored so PSI stays finite. */
const PSI_FLOOR = 1e-4;

export class QualityMonitor {
  private window = emptyWindow();
  private pendingVocabulary = new Set<number>();
  private reference: Reference | undefined;
  /** The reference as serialised, set when it is created and not yet drained. */
  private newReference: string | undefined;
  private dirty = false;

  constructor(private readonly options: MonitorOptions) {}

  get count(): number {
    return this.window.count;
  }

  get windowStart(): number {
    return this.window.start;
  }

  get hasReference(): boolean {
    return this.reference !== undefined;
  }

  observe(o: Observation): void {
    const w = this.window;
    if (w.count === 0) w.start = o.timestamp;
    w.end = Math.max(w.end, o.timestamp);
    w.count++;
    this.dirty = true;
    for (const reason of o.reasons) w.reasons[reason] = (w.reasons[reason] ?? 0) + 1;
    if (!o.accepted) {
      w.quarantined++;
      return;
    }
    w.accepted++;
    if (o.label === 0 || o.label === 1) {
      w.labeled++;
      w.positives += o.label;
    }
    w.lengths.push(o.length);
    if (this.reference !== undefined) {
      w.tokens += o.tokenHashes.length;
      for (const h of o.tokenHashes) if (!this.reference.vocabulary.has(h)) w.oovTokens++;
    } else {
      for (const h of o.tokenHashes) {
        if (this.pendingVocabulary.size >= this.options.vocabularyLimit) break;
        this.pendingVocabulary.add(h);
      }
    }
  }

  /** Closes the window: its metrics, and the reference if this window becomes it. */
  close(identity: { stage: string; instance: string }, end: number): QualityMetrics {
    const w = this.window;
    const lengths = [...w.lengths].sort((a, b) => a - b);
    const metrics: QualityMetrics = {
      stage: identity.stage,
      instance: identity.instance,
      windowStart: w.start,
      windowEnd: Math.max(w.end, end),
      count: w.count,
      accepted: w.accepted,
      quarantined: w.quarantined,
      positiveRate: w.labeled === 0 ? 0 : w.positives / w.labeled,
      lengthMean: lengths.length === 0 ? 0 : lengths.reduce((a, b) => a + b, 0) / lengths.length,
      lengthP50: quantile(lengths, 0.5),
      lengthP95: quantile(lengths, 0.95),
      lengthPsi: this.reference === undefined || lengths.length === 0 ? null : psi(this.reference, lengths),
      oovRate: this.reference === undefined || w.tokens === 0 ? null : w.oovTokens / w.tokens,
      reasons: { ...w.reasons },
    };
    if (this.reference === undefined) {
      if (w.accepted >= this.options.referenceMinRecords) this.setReference(lengths);
      // The reference is one window: a window too small to be it starts the vocabulary over.
      this.pendingVocabulary = new Set();
    }
    this.window = emptyWindow();
    this.dirty = true;
    return metrics;
  }

  /** Changelog entries since the last drain: the reference once, the open window when it changed. */
  drainSnapshots(): Array<[key: string, value: string]> {
    const out: Array<[string, string]> = [];
    if (this.newReference !== undefined) out.push(['mon:ref', this.newReference]);
    this.newReference = undefined;
    if (this.dirty) out.push(['mon:cur', JSON.stringify(this.snapshot())]);
    this.dirty = false;
    return out;
  }

  apply(key: string, value: string | null): void {
    if (value === null) return;
    if (key === 'mon:ref') {
      const r = parseSnapshot(referenceSchema, value, key);
      this.reference = { edges: r.edges, proportions: r.proportions, vocabulary: new Set(r.vocabulary.map((h) => parseInt(h, 36))) };
    } else if (key === 'mon:cur') {
      const { pendingVocabulary, ...window } = parseSnapshot(windowSchema, value, key);
      this.window = window;
      this.pendingVocabulary = new Set(pendingVocabulary.map((h) => parseInt(h, 36)));
    }
  }

  private snapshot(): WindowSnapshot {
    const pending = this.reference === undefined ? [...this.pendingVocabulary].map((h) => h.toString(36)) : [];
    return { ...this.window, pendingVocabulary: pending };
  }

  private setReference(sortedLengths: number[]): void {
    const edges = [...new Set([1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => quantile(sortedLengths, d / 10)))];
    const proportions = binProportions(edges, sortedLengths);
    this.reference = { edges, proportions, vocabulary: this.pendingVocabulary };
    this.newReference = JSON.stringify({ edges, proportions, vocabulary: [...this.pendingVocabulary].map((h) => h.toString(36)) });
  }
}

type OpenWindow = Omit<WindowSnapshot, 'pendingVocabulary'>;

function emptyWindow(): OpenWindow {
  return { start: 0, end: 0, count: 0, accepted: 0, quarantined: 0, positives: 0, labeled: 0, tokens: 0, oovTokens: 0, lengths: [], reasons: {} };
}

function parseSnapshot<T>(schema: z.ZodType<T>, value: string, key: string): T {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (err) {
    throw fatal('CORRUPT_BODY', `gate state entry ${key} is not JSON`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw fatal('CORRUPT_BODY', `gate state entry ${key} has the wrong shape: ${parsed.error.message}`);
  return parsed.data;
}

/** Nearest-rank quantile of sorted values; 0 for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/** Bin i holds values in (edges[i-1], edges[i]]; the last bin everything above the last edge. */
function binProportions(edges: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    let bin = 0;
    while (bin < edges.length && v > (edges[bin] ?? 0)) bin++;
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts.map((c) => c / Math.max(1, values.length));
}

/** Population stability index of `values` against the reference bins. */
export function psi(reference: { edges: number[]; proportions: number[] }, values: readonly number[]): number {
  const actual = binProportions(reference.edges, values);
  let sum = 0;
  actual.forEach((a, i) => {
    const e = Math.max(PSI_FLOOR, reference.proportions[i] ?? 0);
    const x = Math.max(PSI_FLOOR, a);
    sum += (x - e) * Math.log(x / e);
  });
  return sum;
}
