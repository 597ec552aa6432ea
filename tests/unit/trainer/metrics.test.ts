import { describe, expect, it } from 'vitest';
import { binaryMetrics, reliabilityCurve, rocAuc } from '../../../src/trainer/metrics.js';
import { seededRandom } from '../../../src/trainer/random.js';

/** AUC by its definition: the share of (positive, negative) pairs ordered right, ties half. */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let right = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    for (let j = 0; j < scores.length; j++) {
      if (labels[i] !== 1 || labels[j] !== 0) continue;
      pairs++;
      right += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return right / pairs;
}

describe('binaryMetrics', () => {
  it('computes the confusion matrix, precision, recall, F1 and Brier score', () => {
    const scores = [0.9, 0.8, 0.3, 0.6, 0.2, 0.1];
    const labels = [1, 1, 1, 0, 0, 0];
    const m = binaryMetrics(scores, labels)!;
    expect(m).toMatchObject({ truePositives: 2, falseNegatives: 1, falsePositives: 1, trueNegatives: 2 });
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo(2 / 3, 12);
    expect(m.brier).toBeCloseTo((0.01 + 0.04 + 0.49 + 0.36 + 0.04 + 0.01) / 6, 12);
    expect(m.rocAuc).toBeCloseTo(8 / 9, 12);
  });

  it('gives null where a ratio has no denominator, and nothing for no examples', () => {
    const allNegative = binaryMetrics([0.1, 0.2], [0, 0])!;
    expect(allNegative.precision).toBeNull();
    expect(allNegative.recall).toBeNull();
    expect(allNegative.rocAuc).toBeNull();
    expect(binaryMetrics([], [])).toBeUndefined();
  });
});

describe('rocAuc', () => {
  it('matches the pairwise definition on random scores with ties', () => {
    const random = seededRandom(3);
    const scores = Array.from({ length: 300 }, () => Math.round(random() * 20) / 20);
    const labels = scores.map((s) => (random() < s ? 1 : 0));
    expect(rocAuc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
  });
});

describe('reliabilityCurve', () => {
  it('bins predictions and reports the observed share of positives per bin', () => {
    const bins = reliabilityCurve([0.05, 0.15, 0.12, 0.95, 1], [0, 1, 0, 1, 1], 10);
    expect(bins).toHaveLength(10);
    expect(bins[1]).toMatchObject({ from: 0.1, count: 2, observedPositive: 0.5 });
    expect(bins[1]!.meanPredicted).toBeCloseTo(0.135, 12);
    expect(bins[9]).toMatchObject({ count: 2, observedPositive: 1 }); // 1.0 falls in the last bin
  });
});
