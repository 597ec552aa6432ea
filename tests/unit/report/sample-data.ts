import type { ReliabilityBin, RunReportData, StageReport, VersionReport } from '../../../src/report/types.js';

const START = Date.UTC(2025, 4, 1, 12, 0, 0);
const DURATION_MS = 185_000;

/** A smooth, deterministic wobble so samples look measured without a random source. */
const wobble = (i: number, k: number) => Math.sin(i * 0.7 + k) * 0.08 + Math.sin(i * 0.23 + k * 2) * 0.05;

function throughput(base: number, k: number, startSec = 0) {
  const samples = [];
  for (let s = startSec; s <= DURATION_MS / 1000; s += 5) {
    const ramp = Math.min(1, (s - startSec + 5) / 25);
    samples.push({ t: START + s * 1000, recordsPerSec: Math.round(base * ramp * (1 + wobble(s / 5, k))) });
  }
  return samples;
}

function stage(partial: Omit<StageReport, 'generated' | 'lag' | 'reasons' | 'throughput'> & Partial<StageReport>): StageReport {
  return { generated: 0, lag: 0, reasons: {}, throughput: [], ...partial };
}

const HOLDOUT = 1_000;
/** A confident model: bins 0.4–0.6 stay empty, so the curve has eight points, not ten. */
const BIN_COUNTS = [180, 120, 80, 60, 0, 0, 70, 100, 150, 240];

/** Holdout metrics consistent with an accuracy on a balanced holdout of 1,000 examples. */
function evaluation(accuracy: number) {
  const errors = HOLDOUT - Math.round(accuracy * HOLDOUT);
  const falseNegatives = Math.ceil(errors * 0.55);
  const falsePositives = errors - falseNegatives;
  const truePositives = HOLDOUT / 2 - falseNegatives;
  const trueNegatives = HOLDOUT / 2 - falsePositives;
  const precision = truePositives / (truePositives + falsePositives);
  const recall = truePositives / (truePositives + falseNegatives);
  const reliability: ReliabilityBin[] = BIN_COUNTS.map((count, b) => {
    const meanPredicted = b / 10 + 0.05 + ((b % 3) - 1) * 0.01;
    return { from: b / 10, to: (b + 1) / 10, count, meanPredicted: count ? meanPredicted : 0, observedPositive: count ? 0.5 + (meanPredicted - 0.5) * 0.9 : 0 };
  });
  return {
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall),
    rocAuc: Math.min(0.99, accuracy + 0.07),
    brier: (1 - accuracy) * 0.7,
    confusion: { truePositives, falsePositives, trueNegatives, falseNegatives },
    reliability,
    backend: 'cpu',
    executor: 'sparse',
    device: null,
  };
}

/** A version as an older (v1) manifest decodes: none of the evaluation was recorded. */
export function withoutEvaluation(v: VersionReport): VersionReport {
  return { ...v, precision: null, recall: null, f1: null, rocAuc: null, brier: null, confusion: null, reliability: [], executor: null, device: null };
}

/** A realistic three-minute run of the default topology. */
export function sampleReportData(): RunReportData {
  const versions = Array.from({ length: 9 }, (_, i) => {
    const holdout = 0.62 + 0.27 * (1 - Math.exp(-i / 2.6)) + wobble(i, 1) * 0.05;
    return {
      model: 'sentiment',
      version: i + 1,
      createdAt: START + 14_000 + i * 19_000,
      examplesSeen: (i + 1) * 5_000,
      holdoutAccuracy: holdout,
      prequentialAccuracy: holdout - 0.03 + wobble(i, 3) * 0.04,
      holdoutAccuracyFullPrecision: holdout + 0.002,
      bytes: 1_310_720 + i * 2_048,
      encoding: 'float16',
      ...evaluation(holdout),
    };
  });
  return {
    generatedAt: START + DURATION_MS,
    topology: 'topologies/sentiment.yaml',
    durationMs: DURATION_MS,
    backend: 'tensorflow (pure JS, cpu)',
    stages: [
      stage({ stage: 'clean', kind: 'clean', in: 50_000, out: 48_912, quarantined: 0, deadLettered: 37, duplicates: 1_051, reasons: { 'undecodable-record': 37 }, throughput: throughput(1_450, 0) }),
      stage({ stage: 'augment', kind: 'augment', in: 48_912, out: 48_912, quarantined: 0, deadLettered: 0, duplicates: 0, generated: 24_456, throughput: throughput(1_380, 1, 2) }),
      stage({
        stage: 'gate',
        kind: 'gate',
        in: 73_368,
        out: 70_301,
        quarantined: 3_067,
        deadLettered: 0,
        duplicates: 0,
        lag: 212,
        reasons: { 'too-short': 1_204, 'near-duplicate': 893, 'gibberish-repetition': 412, 'url-density': 301, 'missing-label': 157, 'non-text': 64, 'too-long': 36 },
        throughput: throughput(2_050, 2, 4),
      }),
      stage({ stage: 'train', kind: 'train', in: 70_301, out: 70_301, quarantined: 0, deadLettered: 0, duplicates: 0, lag: 1_840, throughput: throughput(1_900, 3, 6) }),
    ],
    versions,
    rejectedCandidates: 2,
    labels: [
      { model: 'sentiment', label: 'stable', version: 3, previous: 5, action: 'rollback', by: 'auto-rollback', at: START + 160_000, reason: 'v5 scored 61.0% and v3 90.5% on the 2000 records after label stable moved: 29.5 points worse, more than the margin of 2.0 points, so stable went back to v3' },
      { model: 'sentiment', label: 'canary', version: 6, previous: null, action: 'label', by: 'ops@host', at: START + 170_000, reason: null },
    ],
    quality: Array.from({ length: 12 }, (_, i) => ({
      windowEnd: START + (i + 1) * 15_000,
      positiveRate: 0.5 + wobble(i, 5) * 0.5,
      lengthMean: 230 + wobble(i, 2) * 120,
      lengthPsi: i === 0 ? null : 0.03 + i * 0.012 + Math.abs(wobble(i, 4)) * 0.2,
      oovRate: 0.06 + wobble(i, 6) * 0.1,
      count: 5_000,
    })),
  };
}

/** The same run with nothing in any chart. */
export function emptyReportData(): RunReportData {
  return { generatedAt: START, topology: 'empty', durationMs: 0, backend: 'cpu', stages: [], versions: [], rejectedCandidates: 0, labels: [], quality: [] };
}
