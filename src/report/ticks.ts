/** Axis arithmetic for the SVG charts: nice tick values and linear scales. */

export interface Ticks {
  /** Domain widened to the outer ticks. */
  min: number;
  max: number;
  step: number;
  values: number[];
}

export interface NiceTicksOptions {
  min: number;
  max: number;
  /** About how many intervals to aim for. */
  count?: number;
  /**
   * Allowed step sizes within one power of ten (1-2-5 by default). Time axes in seconds
   * pass their own absolute steps through `absoluteSteps` instead.
   */
  absoluteSteps?: readonly number[];
}

const DEFAULT_MULTIPLIERS = [1, 2, 2.5, 5, 10] as const;

/** Steps that read well on an axis of seconds: 1s … 30s, 1m … 30m, 1h … */
export const SECOND_STEPS: readonly number[] = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
];

/** Tick values covering [min, max] with round steps; a flat or empty range is widened. */
export function niceTicks(options: NiceTicksOptions): Ticks {
  let { min, max } = options;
  const count = Math.max(1, options.count ?? 5);
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    min = 0;
    max = 1;
  }
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
    if (options.min >= 0 && min < 0) min = 0; // a flat non-negative series keeps a zero floor
  }
  const step = chooseStep((max - min) / count, options.absoluteSteps);
  const start = Math.floor(min / step + 1e-9) * step;
  const end = Math.ceil(max / step - 1e-9) * step;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const values: number[] = [];
  for (let i = 0; start + i * step <= end + step * 1e-9; i++) {
    values.push(Number((start + i * step).toFixed(decimals)));
  }
  return { min: values[0] ?? start, max: values[values.length - 1] ?? end, step, values };
}

function chooseStep(rough: number, absoluteSteps: readonly number[] | undefined): number {
  if (absoluteSteps && absoluteSteps.length > 0) {
    for (const s of absoluteSteps) if (s >= rough) return s;
    // Past the largest listed step: keep multiplying it by whole numbers.
    const largest = absoluteSteps[absoluteSteps.length - 1]!;
    return largest * Math.ceil(rough / largest);
  }
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const m of DEFAULT_MULTIPLIERS) if (m * power >= rough - power * 1e-9) return m * power;
  return 10 * power;
}

/** Maps a domain onto pixels; the range may be inverted (SVG y grows downwards). */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  if (span === 0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / span;
  return (v) => r0 + (v - d0) * k;
}

/** Pixel values are written with two decimals at most to keep the SVG small. */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}
