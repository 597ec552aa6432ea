import { describe, expect, it } from 'vitest';
import { cleanStage } from '../../../src/stages/clean.js';
import { gateStage } from '../../../src/stages/gate.js';
import { cleanOptions, dataPath, dataPresent, gateOptions, position, quarantineReasons, rawReview, readJsonl, runClean, runGate } from './helpers.js';

const RT = dataPath('rt-polarity/rt-polarity.jsonl');
const UCI = dataPath('uci-sentiment/all.jsonl');

/** Cleans then gates a whole file as one partition; the quarantined records with their reasons. */
function quarantined(path: string): { gated: number; rejected: Array<{ text: string; reasons: string[] }> } {
  const cOptions = cleanOptions();
  const gOptions = gateOptions();
  const cState = cleanStage.createState(cOptions);
  const gState = gateStage.createState(gOptions);
  const rejected: Array<{ text: string; reasons: string[] }> = [];
  let gated = 0;
  readJsonl(path).forEach((record, offset) => {
    const [cleaned] = runClean(rawReview(record.text, { id: record.id, label: record.label }), position(offset), cOptions, cState);
    if (cleaned?.kind !== 'out') return;
    gated++;
    const reasons = quarantineReasons(runGate(cleaned.review, position(offset), gOptions, gState));
    if (reasons.length > 0) rejected.push({ text: cleaned.review.text, reasons });
  });
  return { gated, rejected };
}

describe.skipIf(!dataPresent(RT, UCI))('gate on the real data sets', () => {
  it('gate quarantines under 1% of real rt-polarity reviews (measured: 1 of 10,662, a near duplicate)', () => {
    const { gated, rejected } = quarantined(RT);
    expect(gated).toBe(10_662);
    expect(rejected.length / gated).toBeLessThan(0.01);
    expect(rejected).toEqual([{ text: 'a pretentious mess .', reasons: ['near-duplicate'] }]);
  });

  it('gate quarantines under 1% of real UCI reviews (measured: 4 of 2,982, 3 re-worded duplicates and "10/10")', () => {
    const { gated, rejected } = quarantined(UCI);
    expect(gated).toBe(2_982);
    expect(rejected.length / gated).toBeLessThan(0.01);
    expect(rejected.map((r) => r.reasons.join('+')).sort()).toEqual(['near-duplicate', 'near-duplicate', 'near-duplicate', 'non-text']);
    expect(rejected.find((r) => r.reasons.includes('non-text'))?.text).toBe('10/10');
  });
});
