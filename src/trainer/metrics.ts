/** What a data scientist expects of a binary classifier, from P(positive) and the true labels. */
export interface BinaryMetrics {
  accuracy: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Area under the ROC curve: P(a random positive scores above a random negative). */
  rocAuc: number | null;
  /** Mean squared error of the probabilities: calibration and sharpness together. */
  brier: number;
  /** Confusion matrix at the 0.5 threshold. */
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** Metrics of `scores[i]` = P(positive) against `labels[i]` ∈ {0, 1}; undefined for no examples. */
export function binaryMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>): BinaryMetrics | undefined {
  const n = scores.length;
  if (n === 0) return undefined;
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const positive = labels[i] === 1;
    const predicted = scores[i]! >= 0.5;
    if (predicted && positive) tp++;
    else if (predicted) fp++;
    else if (positive) fn++;
    else tn++;
    const error = scores[i]! - (positive ? 1 : 0);
    squares += error * error;
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const f1 = precision === null || recall === null || precision + recall === 0 ? null : (2 * precision * recall) / (precision + recall);
  return {
    accuracy: (tp + tn) / n,
    precision,
    recall,
    f1,
    rocAuc: rocAuc(scores, labels),
    brier: squares / n,
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: tn,
    falseNegatives: fn,
  };
}

/** Mann–Whitney U over ranks (ties get their mean rank); null when one class is absent. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
    const meanRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (labels[order[k]!] === 1) {
        positives++;
        positiveRankSum += meanRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface ReliabilityBin {
  /** Bin [from, to) of predicted P(positive). */
  from: number;
  to: number;
  count: number;
  meanPredicted: number;
  observedPositive: number;
}

/** Predicted probability against the observed share of positives, in `bins` equal-width bins. */
export function reliabilityCurve(scores: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  const count = new Array<number>(bins).fill(0);
  const predicted = new Array<number>(bins).fill(0);
  const observed = new Array<number>(bins).fill(0);
  for (let i = 0; i < scores.length; i++) {
    const b = Math.min(bins - 1, Math.floor(scores[i]! * bins));
    count[b]!++;
    predicted[b]! += scores[i]!;
    observed[b]! += labels[i] === 1 ? 1 : 0;
  }
  return count.map((c, b) => ({ from: b / bins, to: (b + 1) / bins, count: c, meanPredicted: c === 0 ? 0 : predicted[b]! / c, observedPositive: c === 0 ? 0 : observed[b]! / c }));
}
