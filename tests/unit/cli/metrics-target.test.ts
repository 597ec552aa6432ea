import { describe, expect, it } from 'vitest';
import { DEFAULT_PROMETHEUS_PORT, parseMetricsTarget, workerMetricsTarget } from '../../../src/cli/metrics-target.js';

describe('--metrics', () => {
  it('takes prometheus, prometheus:PORT and otlp', () => {
    expect(parseMetricsTarget('prometheus')).toEqual({ kind: 'prometheus', port: DEFAULT_PROMETHEUS_PORT });
    expect(parseMetricsTarget('prometheus:9100')).toEqual({ kind: 'prometheus', port: 9100 });
    expect(parseMetricsTarget('otlp')).toEqual({ kind: 'otlp' });
  });

  it.each(['statsd', 'prometheus:', 'prometheus:0', 'prometheus:70000', 'prometheus:12ab', 'Prometheus', ''])('refuses %j with the forms it takes', (spec) => {
    expect(() => parseMetricsTarget(spec)).toThrow(/is not supported/);
    try {
      parseMetricsTarget(spec);
    } catch (err) {
      expect((err as { hint?: string }).hint).toContain('prometheus:PORT');
    }
  });

  it('gives supervised workers the port asked for and the ones after it', () => {
    const target = parseMetricsTarget('prometheus:9500');
    expect([0, 1, 2].map((i) => workerMetricsTarget(target, i))).toEqual(['prometheus:9500', 'prometheus:9501', 'prometheus:9502']);
    expect(workerMetricsTarget({ kind: 'otlp' }, 3)).toBe('otlp');
  });
});
