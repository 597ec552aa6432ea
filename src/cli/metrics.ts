import { metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { ErrorCode, ReviewflowError } from '../errors.js';
import type { MetricsTarget } from './metrics-target.js';

/**
 * Registers the process's MeterProvider (library code speaks only @opentelemetry/api):
 * `prometheus` serves `/metrics` on every interface at PORT, for a scraper in another
 * container; `otlp` pushes every 10 s to the collector named by the standard
 * OTEL_EXPORTER_OTLP_* variables (default http://localhost:4318). Resolves once the
 * scrape endpoint listens; a port in use is an error that says so.
 */
export async function startMetrics(target: MetricsTarget, log: (line: string) => void): Promise<() => Promise<void>> {
  let reader: MetricReader;
  if (target.kind === 'prometheus') {
    const exporter = new PrometheusExporter({ port: target.port, preventServerStart: true });
    try {
      await exporter.startServer();
    } catch (err) {
      throw new ReviewflowError(ErrorCode.INVALID_CONFIG, `cannot serve metrics on port ${target.port}: ${(err as Error).message}`, {
        retriable: false,
        hint: 'choose a free port with --metrics prometheus:PORT',
      });
    }
    log(`metrics: Prometheus text at http://0.0.0.0:${target.port}/metrics`);
    reader = exporter;
  } else {
    reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: 10_000 });
    log('metrics: pushed over OTLP every 10 s');
  }
  const provider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  return () => provider.shutdown();
}
