import { ErrorCode, ReviewflowError } from '../errors.js';

/** Prometheus's registered port for OpenTelemetry exporters. */
export const DEFAULT_PROMETHEUS_PORT = 9464;

export type MetricsTarget = { kind: 'prometheus'; port: number } | { kind: 'otlp' };

/** `prometheus`, `prometheus:PORT` or `otlp`. */
export function parseMetricsTarget(spec: string): MetricsTarget {
  if (spec === 'otlp') return { kind: 'otlp' };
  const match = /^prometheus(?::(\d+))?$/.exec(spec);
  const port = match?.[1] === undefined ? DEFAULT_PROMETHEUS_PORT : Number(match[1]);
  if (!match || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new ReviewflowError(ErrorCode.INVALID_CONFIG, `--metrics ${spec} is not supported`, {
      retriable: false,
      hint: `use --metrics prometheus (port ${DEFAULT_PROMETHEUS_PORT}), --metrics prometheus:PORT, or --metrics otlp (OTEL_EXPORTER_OTLP_ENDPOINT)`,
    });
  }
  return { kind: 'prometheus', port };
}

/** What supervised worker `index` serves: PORT, PORT+1, …, so N workers do not clash (the supervisor serves none). */
export function workerMetricsTarget(target: MetricsTarget, index: number): string {
  return target.kind === 'prometheus' ? `prometheus:${target.port + index}` : 'otlp';
}
