import { describe, expect, it } from 'vitest';
import { SECOND_STEPS, linearScale, niceTicks, px } from '../../../src/report/ticks.js';

describe('niceTicks', () => {
  it('niceTicks covers the data with 1-2-5 steps and round outer bounds', () => {
    expect(niceTicks({ min: 0, max: 100, count: 5 })).toEqual({ min: 0, max: 100, step: 20, values: [0, 20, 40, 60, 80, 100] });
    const t = niceTicks({ min: 0.613, max: 0.877, count: 6 });
    expect(t.step).toBe(0.05);
    expect(niceTicks({ min: 0.613, max: 0.877, count: 5 }).values).toEqual([0.6, 0.7, 0.8, 0.9]);
    expect(t.values).toEqual([0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9]);
  });

  it('niceTicks avoids float noise in tick values', () => {
    const t = niceTicks({ min: 0, max: 0.3, count: 3 });
    expect(t.values).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('niceTicks widens a flat range and keeps a non-negative floor at zero', () => {
    expect(niceTicks({ min: 0, max: 0 }).values[0]).toBe(0);
    const flat = niceTicks({ min: 5, max: 5, count: 4 });
    expect(flat.min).toBeLessThan(5);
    expect(flat.max).toBeGreaterThan(5);
    expect(flat.min).toBeGreaterThanOrEqual(0);
  });

  it('niceTicks falls back to 0..1 on non-finite input and orders a reversed range', () => {
    expect(niceTicks({ min: Number.NaN, max: Infinity }).values).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks({ min: 10, max: 0, count: 2 }).values).toEqual([0, 5, 10]);
  });

  it('niceTicks picks time steps from the listed seconds and multiplies past the largest', () => {
    expect(niceTicks({ min: 0, max: 185, count: 7, absoluteSteps: SECOND_STEPS }).step).toBe(30);
    expect(niceTicks({ min: 0, max: 3600, count: 6, absoluteSteps: SECOND_STEPS }).step).toBe(600);
    expect(niceTicks({ min: 0, max: 86400 * 10, count: 2, absoluteSteps: SECOND_STEPS }).step).toBe(86400 * 5);
  });
});

describe('linearScale', () => {
  it('linearScale maps domain ends onto range ends, inverted for SVG y', () => {
    const sy = linearScale([0, 100], [250, 50]);
    expect(sy(0)).toBe(250);
    expect(sy(100)).toBe(50);
    expect(sy(25)).toBe(200);
  });

  it('linearScale puts everything mid-range for an empty domain', () => {
    expect(linearScale([3, 3], [0, 10])(99)).toBe(5);
  });

  it('px rounds pixel values to two decimals', () => {
    expect(px(1 / 3)).toBe('0.33');
    expect(px(12)).toBe('12');
  });
});
