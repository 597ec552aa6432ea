import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestProducer } from '../../src/ingest/index.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { Topology } from '../../src/topology/index.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { waitForStages } from '../helpers/pipeline.js';

const kafka = testKafka();
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const topologies: Topology[] = [];

beforeAll(() => {
  provider.register();
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
  for (const t of topologies) await dropTopology(kafka, t);
});

describe('OpenTelemetry through Kafka headers', () => {
  it.each([
    ['separate stages', false],
    ['clean, augment and gate fused', true],
  ])('one record yields one connected trace across produce, clean, augment, gate and train (%s)', async (_layout, fuse) => {
    exporter.reset();
    const topology = await testTopology(kafka, fuse ? 'trace-fused' : 'trace');
    topologies.push(topology);
    const producer = new IngestProducer({ kafka, topic: topology.ingest });
    await producer.connect();
    await producer.send([{ id: 'traced-1', text: 'the screen is sharp and the battery lasts for days', label: 1 }]);
    await producer.close();

    const pipeline = new Pipeline({ kafka, topology, instance: 'trace', fuse });
    await pipeline.start();
    try {
      const s = (id: string) => pipeline.progress().stages.find((x) => x.stage === id)!.session;
      await waitForStages(pipeline, { clean: () => 1, augment: () => s('clean').out, gate: () => s('augment').out + s('augment').generated, train: () => s('gate').out });
    } finally {
      await pipeline.stop();
    }

    const spans = exporter.getFinishedSpans();
    const produce = spans.find((x) => x.name === 'reviewflow.produce' && x.attributes['reviewflow.record.id'] === 'traced-1')!;
    expect(produce).toBeDefined();
    const traceId = produce.spanContext().traceId;
    const inTrace = spans.filter((x) => x.spanContext().traceId === traceId);
    const byName = (name: string) => inTrace.filter((x) => x.name === name);
    for (const name of ['reviewflow.clean', 'reviewflow.augment', 'reviewflow.gate', 'reviewflow.train']) expect(byName(name).length, name).toBeGreaterThanOrEqual(1);
    // a chain: each step's parent is the step before it
    const parentOf = (name: string) => byName(name)[0]!.parentSpanContext?.spanId;
    expect(parentOf('reviewflow.clean')).toBe(produce.spanContext().spanId);
    expect(parentOf('reviewflow.augment')).toBe(byName('reviewflow.clean')[0]!.spanContext().spanId);
    expect(byName('reviewflow.gate').map((g) => g.parentSpanContext?.spanId)).toContain(byName('reviewflow.augment')[0]!.spanContext().spanId);
    expect(byName('reviewflow.gate').map((g) => g.spanContext().spanId)).toContain(parentOf('reviewflow.train'));
  });
});
