/** The mean of `xs`, 0 for none: the benches report means of per-version figures. */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}
