import { describe, expect, it } from 'vitest';
import { HoldoutSet, isHoldout, PrequentialWindow } from '../../../src/trainer/evaluation.js';

const doc = (n: number): Int32Array => Int32Array.of(n);
/** A scorer that calls even "documents" positive. */
const evenIsPositive = (f: Int32Array): number => (f[0]! % 2 === 0 ? 0.9 : 0.1);

describe('isHoldout', () => {
  it('holds out about the configured fraction, the same ids every time, and none at fraction 0', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `r-${i}`);
    const held = ids.filter((id) => isHoldout(id, 0.1, 42));
    expect(held.length / ids.length).toBeGreaterThan(0.09);
    expect(held.length / ids.length).toBeLessThan(0.11);
    expect(ids.filter((id) => isHoldout(id, 0.1, 42))).toEqual(held);
    expect(ids.filter((id) => isHoldout(id, 0.1, 43))).not.toEqual(held);
    expect(ids.some((id) => isHoldout(id, 0, 42))).toBe(false);
  });
});

describe('HoldoutSet', () => {
  it('keeps the most recent entries and scores them', () => {
    const set = new HoldoutSet(4);
    for (let i = 0; i < 6; i++) set.add(doc(i), i % 2 === 0 ? 1 : 0); // all correct under evenIsPositive
    expect(set.size).toBe(4);
    expect(set.accuracy(evenIsPositive)).toBe(1);
    set.add(doc(7), 1); // wrong
    expect(set.accuracy(evenIsPositive)).toBe(0.75);
  });

  it('reuses a published version\'s verdicts only for entries still present', () => {
    const set = new HoldoutSet(4);
    for (let i = 0; i < 4; i++) set.add(doc(i), 1); // evens right, odds wrong
    const { accuracy, verdicts } = set.evaluate(evenIsPositive);
    expect(accuracy).toBe(0.5);
    set.add(doc(10), 1); // replaces entry 0 after the verdicts were taken
    set.setBaseline(verdicts);
    let calls = 0;
    const counting = (f: Int32Array): number => {
      calls++;
      return evenIsPositive(f);
    };
    // entries 1, 2, 3 from the verdicts (1 right), entry 10 scored fresh (right)
    expect(set.baselineAccuracy(counting)).toBe(0.5);
    expect(calls).toBe(1);
    expect(set.baselineAccuracy(counting)).toBe(0.5);
    expect(calls).toBe(1);
  });
});

describe('PrequentialWindow', () => {
  it('reports accuracy and loss over the last N records only', () => {
    const w = new PrequentialWindow(3);
    expect(w.accuracy()).toBeNull();
    [true, true, false, false].forEach((c, i) => w.record(c, i));
    expect(w.accuracy()).toBeCloseTo(1 / 3);
    expect(w.meanLoss()).toBeCloseTo((1 + 2 + 3) / 3);
  });
});
