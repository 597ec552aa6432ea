import { InvalidArgumentError } from 'commander';

/** An integer option parser that rejects, never clamps, out-of-range values. */
export function parseIntOption(name: string, min: number, max: number = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`${name} takes a whole number, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

export function parseDurationOption(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value);
  if (!match) throw new InvalidArgumentError(`a duration looks like 90s, 5m or 1h, got "${value}"`);
  const n = Number(match[1]);
  const unit = match[2] ?? 's';
  return n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
}
