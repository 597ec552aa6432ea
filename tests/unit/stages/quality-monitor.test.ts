import { describe, expect, it } from 'vitest';
import type { QualityMetrics } from '../../../src/records/types.js';
import { gateStage, GateState, type GateOptions } from '../../../src/stages/gate.js';
import { psi, quantile } from '../../../src/stages/quality-monitor.js';
import type { Emission } from '../../../src/stages/types.js';
import { gateOptions, position, review, runGate } from './helpers.js';

const SHORT_WORDS = ['good', 'bad', 'fine', 'great', 'dull', 'fun'];
const OTHER_WORDS = ['zebra', 'quartz', 'violin', 'harbor', 'meadow', 'lantern', 'copper', 'falcon'];

/** A distinct text of `words` words from `vocabulary`, varied by `seed` so no two are near duplicates. */
function text(seed: number, words: number, vocabulary: string[]): string {
  return Array.from({ length: words }, (_, i) => vocabulary[(seed * 7 + i * 3 + Math.floor(seed / (i + 1))) % vocabulary.length]).join(' ') + ` n${String(seed).padStart(5, '0')}`;
}

function metricsOf(emissions: Emission[]): QualityMetrics[] {
  return emissions.flatMap((e) => (e.kind === 'quality' ? [e.metrics] : []));
}

/** Feeds `count` records from `offset` on; returns the quality metrics emitted. */
function feed(state: GateState, opts: GateOptions, from: number, count: number, make: (i: number) => Parameters<typeof review>): QualityMetrics[] {
  const out: QualityMetrics[] = [];
  for (let i = from; i < from + count; i++) out.push(...metricsOf(runGate(review(...make(i)), position(i), opts, state)));
  return out;
}

describe('gate quality monitors', () => {
  const opts = gateOptions({ metricsWindow: 100, referenceMinRecords: 50, nearDupMinTokens: 1000 });

  it('gate publishes one quality record per full window with counts, label balance and lengths', () => {
    const state = gateStage.createState(opts);
    const metrics = feed(state, opts, 0, 250, (i) => [i % 10 === 0 ? '' : text(i, 4, SHORT_WORDS), { label: i % 4 === 0 ? 1 : 0 }]);
    expect(metrics).toHaveLength(2);
    const [first] = metrics;
    expect(first).toMatchObject({ stage: 'gate', instance: 'test', count: 100, accepted: 90, quarantined: 10, reasons: { 'too-short': 10 } });
    expect(first?.windowStart).toBe(position(0).timestamp);
    expect(first?.windowEnd).toBe(position(99).timestamp);
    // Labels 1 on multiples of 4; the quarantined multiples of 10 include 0, 20, 40, 60, 80 (also multiples of 4).
    expect(first?.positiveRate).toBeCloseTo(20 / 90, 10);
    expect(first?.lengthP50).toBeGreaterThan(10);
    expect(first?.lengthP95).toBeGreaterThanOrEqual(first?.lengthP50 ?? Infinity);
    expect(first?.lengthPsi).toBeNull();
    expect(first?.oovRate).toBeNull();
    expect(state.monitor.count).toBe(50);
  });

  it('gate measures length drift (PSI) and OOV rate against the first full window', () => {
    const state = gateStage.createState(opts);
    const [reference, same, drifted] = [
      ...feed(state, opts, 0, 100, (i) => [text(i, 3 + (i % 5), SHORT_WORDS)]),
      ...feed(state, opts, 100, 100, (i) => [text(i, 3 + (i % 5), SHORT_WORDS)]),
      ...feed(state, opts, 200, 100, (i) => [text(i, 30 + (i % 5), OTHER_WORDS)]),
    ];
    expect(reference?.lengthPsi).toBeNull();
    expect(same?.lengthPsi).toBeLessThan(0.1);
    expect(same?.oovRate).toBeGreaterThan(0); // the n<seed> tokens are new
    expect(same?.oovRate).toBeLessThan(0.2);
    expect(drifted?.lengthPsi).toBeGreaterThan(1);
    expect(drifted?.oovRate).toBeGreaterThan(0.9);
  });

  it('gate keeps its reference and open window across a restart from the changelog', () => {
    const make = (i: number): Parameters<typeof review> => [i < 100 ? text(i, 3 + (i % 5), SHORT_WORDS) : text(i, 10 + (i % 7), [...SHORT_WORDS, ...OTHER_WORDS])];
    const original = gateStage.createState(opts);
    feed(original, opts, 0, 130, make);
    const restored = new GateState(opts);
    for (const [key, value] of original.drainChanges()) restored.apply(key, value);
    expect(restored.monitor.hasReference).toBe(true);
    expect(restored.monitor.count).toBe(30);
    const fromOriginal = feed(original, opts, 130, 70, make);
    const fromRestored = feed(restored, opts, 130, 70, make);
    expect(fromRestored).toHaveLength(1);
    expect(fromRestored).toEqual(fromOriginal);
    expect(fromRestored[0]?.lengthPsi).toBeGreaterThan(0.1);
  });

  it('gate flush closes a time-based window only once it is old enough, and never by default', () => {
    const timed = gateOptions({ metricsWindow: 1_000, metricsIntervalMs: 60_000 });
    const state = gateStage.createState(timed);
    feed(state, timed, 0, 5, (i) => [text(i, 4, SHORT_WORDS)]);
    const context = { options: timed, state, position: position(5), instance: 'test' };
    const start = position(0).timestamp;
    expect(gateStage.flush?.(context, start + 59_999)).toEqual([]);
    const closed = metricsOf(gateStage.flush?.(context, start + 60_000) ?? []);
    expect(closed.map((m) => [m.count, m.windowStart, m.windowEnd])).toEqual([[5, start, start + 60_000]]);
    expect(gateStage.flush?.(context, start + 120_000)).toEqual([]);

    const countBased = gateStage.createState(opts);
    feed(countBased, opts, 0, 5, (i) => [text(i, 4, SHORT_WORDS)]);
    expect(gateStage.flush?.({ options: opts, state: countBased, position: position(5), instance: 'test' }, start + 10 ** 9)).toEqual([]);
  });

  it('gate rejects a corrupt monitor snapshot with CORRUPT_BODY', () => {
    const state = gateStage.createState(opts);
    expect(() => state.apply('mon:cur', '{"count":"many"}')).toThrowError(expect.objectContaining({ code: 'CORRUPT_BODY' }));
    expect(() => state.apply('mon:ref', 'not json')).toThrowError(expect.objectContaining({ code: 'CORRUPT_BODY' }));
  });
});

describe('psi and quantile', () => {
  it('psi is 0 for the reference distribution and grows with the shift', () => {
    const reference = { edges: [10, 20, 30], proportions: [0.25, 0.25, 0.25, 0.25] };
    expect(psi(reference, [5, 15, 25, 35])).toBeCloseTo(0, 10);
    const small = psi(reference, [5, 15, 25, 35, 35]);
    const large = psi(reference, [35, 35, 35, 35]);
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small);
    // Three empty bins floored at 1e-4 against 0.25 each, one bin 1.0 against 0.25.
    expect(large).toBeCloseTo(3 * (1e-4 - 0.25) * Math.log(1e-4 / 0.25) + 0.75 * Math.log(4), 6);
  });

  it('quantile is nearest-rank', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.95)).toBe(4);
    expect(quantile([], 0.5)).toBe(0);
  });
});
