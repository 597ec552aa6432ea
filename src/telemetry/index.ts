import { metrics, trace, context, propagation, SpanKind, type Attributes, type Meter, type MeterProvider, type Span } from '@opentelemetry/api';

/**
 * The one telemetry module: named metrics and spans through @opentelemetry/api only.
 * With no SDK registered (library use, tests) every call is a cheap no-op; the CLI
 * wires exporters with --metrics and --otel.
 */
const tracer = trace.getTracer('reviewflow');

/**
 * The API hands out no-op instruments until a MeterProvider is registered and never
 * upgrades them, so the instruments are made on first use and again whenever the global
 * provider changes (the CLI registers one before any stage runs).
 */
function makeInstruments(meter: Meter) {
  return {
    recordsIn: meter.createCounter('reviewflow.stage.records_in', { description: 'records a stage read (status: in)' }),
    recordsOut: meter.createCounter('reviewflow.stage.records_out', { description: 'records a stage passed on (status: out)' }),
    generated: meter.createCounter('reviewflow.stage.records_generated', { description: 'records a stage added, e.g. augmented copies (status: generated)' }),
    quarantined: meter.createCounter('reviewflow.stage.quarantined', { description: 'records quarantined (status: quarantined)' }),
    deadLettered: meter.createCounter('reviewflow.stage.dead_lettered', { description: 'records sent to the dead-letter topic (status: dead-lettered)' }),
    duplicates: meter.createCounter('reviewflow.stage.duplicates', { description: 'records dropped as duplicates (status: duplicates)' }),
    reasons: meter.createCounter('reviewflow.stage.reasons', { description: 'quarantine and dead-letter reason codes; a record may carry several' }),
    batchLatency: meter.createHistogram('reviewflow.stage.batch_duration', { description: 'time to process and deliver one batch', unit: 'ms' }),
    consumerLag: meter.createGauge('reviewflow.stage.consumer_lag', { description: 'records behind the end of an input partition after the last batch' }),
    examples: meter.createCounter('reviewflow.trainer.examples', { description: 'examples the trainer learned from' }),
    prequentialAccuracy: meter.createGauge('reviewflow.trainer.prequential_accuracy', { description: 'accuracy on incoming records, scored before training on them (recent window)' }),
    holdoutAccuracy: meter.createGauge('reviewflow.trainer.holdout_accuracy', { description: 'holdout accuracy of the last candidate' }),
    loss: meter.createGauge('reviewflow.trainer.loss', { description: 'mean log loss of the last trained batch' }),
    versionsPublished: meter.createCounter('reviewflow.trainer.versions_published', { description: 'model versions published' }),
    versionsRejected: meter.createCounter('reviewflow.trainer.versions_rejected', { description: 'candidates the publish gate rejected' }),
    modelVersion: meter.createGauge('reviewflow.model.version', { description: 'last published model version' }),
    decisions: meter.createCounter('reviewflow.stage.decisions', { description: 'per-record decisions of the pure stages, by stage and decision' }),
    backend: meter.createGauge('reviewflow.trainer.backend', { description: 'always 1; the backend and executor in use are its attributes' }),
    labelAccuracy: meter.createGauge('reviewflow.trainer.label_accuracy', { description: 'accuracy of the version a watched label points to on incoming records, scored before training on them (recent window)' }),
    autoRollbacks: meter.createCounter('reviewflow.trainer.auto_rollbacks', { description: 'labels moved back because the version they were moved to did worse on the live stream' }),
  };
}

let instrumentsOf: { provider: MeterProvider; instruments: ReturnType<typeof makeInstruments> } | undefined;

function instruments(): ReturnType<typeof makeInstruments> {
  const provider = metrics.getMeterProvider();
  if (instrumentsOf?.provider !== provider) instrumentsOf = { provider, instruments: makeInstruments(provider.getMeter('reviewflow')) };
  return instrumentsOf.instruments;
}

/**
 * The counts of one batch that the metrics report. Declared here, not imported from the
 * runtime, so telemetry sits below every module that reports through it; the runtime's
 * StageCounters has this shape.
 */
export interface BatchCounts {
  in: number;
  out: number;
  generated: number;
  quarantined: number;
  deadLettered: number;
  duplicates: number;
  /** Quarantine and dead-letter reason codes, counted. */
  reasons: Readonly<Record<string, number>>;
}

/** One batch of a stage: the same terms `status` adds up, so a scrape and `status` agree. */
export function recordBatch(options: { stage: string; counters: BatchCounts; durationMs: number }): void {
  const m = instruments();
  const attrs: Attributes = { stage: options.stage };
  const c = options.counters;
  m.recordsIn.add(c.in, attrs);
  m.recordsOut.add(c.out, attrs);
  m.generated.add(c.generated, attrs);
  m.quarantined.add(c.quarantined, attrs);
  m.deadLettered.add(c.deadLettered, attrs);
  m.duplicates.add(c.duplicates, attrs);
  for (const [reason, n] of Object.entries(c.reasons)) m.reasons.add(n, { ...attrs, reason });
  m.batchLatency.record(options.durationMs, attrs);
}

/** A decision a pure stage made that its emissions do not show (a truncated text, a redacted e-mail). */
export function recordDecision(stage: string, decision: string, amount: number): void {
  instruments().decisions.add(amount, { stage, decision });
}

export function recordLag(options: { stage: string; topic: string; partition: number; lag: number }): void {
  instruments().consumerLag.record(options.lag, { stage: options.stage, topic: options.topic, partition: options.partition });
}

/** After a trained batch: examples learned, the running prequential accuracy and the loss. */
export function recordTraining(options: { model: string; examples: number; prequentialAccuracy: number | null; loss: number | null }): void {
  const m = instruments();
  const attrs: Attributes = { model: options.model };
  m.examples.add(options.examples, attrs);
  if (options.prequentialAccuracy !== null) m.prequentialAccuracy.record(options.prequentialAccuracy, attrs);
  if (options.loss !== null) m.loss.record(options.loss, attrs);
}

/** A candidate the publish gate judged: published (with its version) or rejected. */
export function recordCandidate(options: { model: string; holdoutAccuracy: number | null; version?: number }): void {
  const m = instruments();
  const attrs: Attributes = { model: options.model };
  if (options.holdoutAccuracy !== null) m.holdoutAccuracy.record(options.holdoutAccuracy, attrs);
  if (options.version === undefined) {
    m.versionsRejected.add(1, attrs);
    return;
  }
  m.versionsPublished.add(1, attrs);
  m.modelVersion.record(options.version, attrs);
}

/** The live accuracy of the version a label points to (automatic rollback's watch). */
export function recordLabelAccuracy(options: { model: string; label: string; version: number; accuracy: number }): void {
  instruments().labelAccuracy.record(options.accuracy, { model: options.model, label: options.label, version: options.version });
}

/** A label moved back automatically (the label record says from where to where, and why). */
export function recordAutoRollback(options: { model: string; label: string }): void {
  instruments().autoRollbacks.add(1, { model: options.model, label: options.label });
}

export function recordBackend(options: { model: string; backend: string; executor: string }): void {
  instruments().backend.record(1, { model: options.model, backend: options.backend, executor: options.executor });
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
