import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ErrorCode, ReviewflowError } from '../errors.js';

export type OtelMode = 'console' | 'otlp';

/**
 * The CLI is the only place an OpenTelemetry SDK is wired: library code speaks the API.
 * `console` prints every finished span to stdout; `otlp` sends them to the collector named
 * by the standard OTEL_EXPORTER_OTLP_* variables (default http://localhost:4318).
 * Registering also installs the W3C trace-context propagator, so traces cross topics.
 */
export function startOtel(mode: string): () => Promise<void> {
  if (mode !== 'console' && mode !== 'otlp') {
    throw new ReviewflowError(ErrorCode.INVALID_CONFIG, `--otel ${mode} is not supported`, { retriable: false, hint: 'use --otel console or --otel otlp' });
  }
  const processor = mode === 'console' ? new SimpleSpanProcessor(new ConsoleSpanExporter()) : new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  provider.register();
  return () => provider.shutdown();
}
