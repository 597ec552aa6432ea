import { metrics, trace, context, propagation, SpanKind, type Span, type Attributes } from '@opentelemetry/api';

/**
 * The one telemetry module: named metrics and spans through @opentelemetry/api only.
 * With no SDK registered (library use, tests) every call is a cheap no-op; the CLI
 * wires an exporter with --otel.
 */
const meter = metrics.getMeter('reviewflow');
const tracer = trace.getTracer('reviewflow');

const recordsIn = meter.createCounter('reviewflow.stage.records_in', { description: 'records a stage read' });
const recordsOut = meter.createCounter('reviewflow.stage.records_out', { description: 'records a stage passed on' });
const quarantined = meter.createCounter('reviewflow.stage.quarantined', { description: 'records quarantined, by reason' });
const deadLettered = meter.createCounter('reviewflow.stage.dead_lettered', { description: 'records sent to the dead-letter topic' });
const batchLatency = meter.createHistogram('reviewflow.stage.batch_ms', { description: 'time to process and deliver one batch', unit: 'ms' });
const trainerAccuracy = meter.createGauge?.('reviewflow.trainer.accuracy', { description: 'holdout accuracy of the last candidate' });
const trainerLoss = meter.createGauge?.('reviewflow.trainer.loss', { description: 'training loss of the last batch' });
const modelVersion = meter.createGauge?.('reviewflow.model.version', { description: 'last published model version' });

/**
 * The counts of one batch that the metrics report. Declared here, not imported from the
 * runtime, so telemetry sits below every module that reports through it; the runtime's
 * StageCounters has this shape.
 */
export interface BatchCounts {
  in: number;
  out: number;
  generated: number;
  deadLettered: number;
  /** Quarantine and dead-letter reason codes, counted. */
  reasons: Readonly<Record<string, number>>;
}

export function recordBatch(options: { stage: string; counters: BatchCounts; durationMs: number }): void {
  const attrs: Attributes = { stage: options.stage };
  recordsIn.add(options.counters.in, attrs);
  recordsOut.add(options.counters.out + options.counters.generated, attrs);
  deadLettered.add(options.counters.deadLettered, attrs);
  for (const [reason, n] of Object.entries(options.counters.reasons)) quarantined.add(n, { ...attrs, reason });
  batchLatency.record(options.durationMs, attrs);
}

export function recordTrainer(options: { model: string; holdoutAccuracy?: number | null; loss?: number | null; version?: number }): void {
  const attrs: Attributes = { model: options.model };
  if (options.holdoutAccuracy != null) trainerAccuracy?.record(options.holdoutAccuracy, attrs);
  if (options.loss != null) trainerLoss?.record(options.loss, attrs);
  if (options.version !== undefined) modelVersion?.record(options.version, attrs);
}

/** W3C trace context in Kafka headers: the parent of the next stage's span. */
export function extractContext(headers: Record<string, string>) {
  return propagation.extract(context.active(), headers);
}

export function injectContext(span: Span, headers: Record<string, string>): Record<string, string> {
  const carrier: Record<string, string> = { ...headers };
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return carrier;
}

export function startRecordSpan(name: string, headers: Record<string, string>, attributes: Attributes): Span {
  return tracer.startSpan(name, { kind: SpanKind.CONSUMER, attributes }, extractContext(headers));
}

/**
 * One record's step through a stage: a span whose parent is the trace context in the
 * record's headers, and the headers to send on, which carry this span as the parent of
 * the next step. Without an SDK registered both are no-ops and the headers pass through.
 */
export function traceStep(name: string, headers: Record<string, string>, attributes: Attributes): { span: Span; headers: Record<string, string> } {
  const span = startRecordSpan(name, headers, attributes);
  if (!span.isRecording()) return { span, headers };
  return { span, headers: injectContext(span, headers) };
}

/** The start of a record's trace: the span of producing it to the ingest topic. */
export function traceProduce(topic: string, id: string): { span: Span; headers: Record<string, string> } {
  const span = tracer.startSpan('reviewflow.produce', { kind: SpanKind.PRODUCER, attributes: { 'messaging.destination.name': topic, 'reviewflow.record.id': id } });
  if (!span.isRecording()) return { span, headers: {} };
  return { span, headers: injectContext(span, {}) };
}
