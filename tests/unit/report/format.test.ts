import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, formatElapsed, formatPercent, formatPointDelta, formatRate, formatScore, formatTimestamp } from '../../../src/report/format.js';

describe('report formats', () => {
  it('formatDuration reads as ms, seconds, minutes or hours', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(42_049)).toBe('42.0 s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(-1)).toBe('—');
  });

  it('formatScore prints a 0..1 score with three decimals and an em dash when not measured', () => {
    expect(formatScore(0.87649)).toBe('0.876');
    expect(formatScore(0.0914, 2)).toBe('0.09');
    expect(formatScore(null)).toBe('—');
    expect(formatScore(Number.NaN)).toBe('—');
  });

  it('formatElapsed gives short axis labels', () => {
    expect(formatElapsed(0)).toBe('0s');
    expect(formatElapsed(45)).toBe('45s');
    expect(formatElapsed(120)).toBe('2m');
    expect(formatElapsed(150)).toBe('2m30s');
    expect(formatElapsed(3600)).toBe('1h');
    expect(formatElapsed(5400)).toBe('1h30m');
  });

  it('formatPercent, formatPointDelta and formatCount handle values and missing values', () => {
    expect(formatPercent(0.8766)).toBe('87.7%');
    expect(formatPercent(0.5, 0)).toBe('50%');
    expect(formatPercent(null)).toBe('—');
    expect(formatPointDelta(-0.0023)).toBe('−0.2 pp');
    expect(formatPointDelta(0.011)).toBe('+1.1 pp');
    expect(formatPointDelta(0.0001)).toBe('0.0 pp');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatRate(12.345)).toBe('12.3/s');
    expect(formatRate(1500.4)).toBe('1,500/s');
  });

  it('formatBytes and formatTimestamp are unit-aware and timezone-free', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(1_310_720)).toBe('1.3 MB');
    expect(formatTimestamp(Date.UTC(2025, 4, 1, 12, 3, 5))).toBe('2025-05-01 12:03:05 UTC');
  });
});
