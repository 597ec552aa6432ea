import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameConfluent, RegistryClient } from '../../src/confluent/index.js';
import { startLocalRegistry, type LocalRegistry } from '../../src/local-registry/index.js';
import { decode } from '../../src/records/index.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { Topology } from '../../src/topology/index.js';
import { runCli, writeTopologyFile } from '../helpers/cli.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { waitForStages } from '../helpers/pipeline.js';

/**
 * Avro in Confluent's wire format through a real schema registry (Apicurio Registry, built
 * from Maven Central by registry/pom.xml and run by src/local-registry/), on the real broker:
 * `produce --registry`, a client's own serializer with an older writer schema, the
 * README's Python snippet (confluent-kafka's AvroSerializer from PyPI), a record
 * with a schema id the registry never gave, and a registry that stopped answering.
 */
const kafka = testKafka();
const brokers = kafka.settings.brokers.join(',');
const dir = mkdtempSync(join(tmpdir(), 'reviewflow-registry-'));
const topologies: Topology[] = [];
let registry: LocalRegistry;
let python = '';

type Letter = { stage: string; errorCode: string; errorMessage: string; value: Buffer | null };

const PRODUCED = [
  { id: 'cli-1', text: 'The battery easily lasts two days and the screen is sharp and bright.', label: 1 },
  { id: 'cli-2', text: 'It stopped charging after a week and support never answered my emails.', rating: 2 },
  { id: 'cli-3', text: 'Comfortable to wear all day, and the sound is far better than I expected.', label: 1 },
];

async function topology(label: string, url: string): Promise<Topology> {
  const t = await testTopology(kafka, label, 'topologies/sentiment.yaml', (raw) => ({ ...raw, schemaRegistry: { url, requestTimeoutMs: 5_000 } }));
  topologies.push(t);
  return t;
}

async function send(topic: string, values: Buffer[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send([{ topic, messages: values.map((value) => ({ key: null, value })) }]);
  } finally {
    await producer.disconnect();
  }
}

/**
 * Runs the whole topology until every stage has read what the one before it passed on
 * (with `cleanOnly`, until clean has read what was sent: nothing passes it then).
 */
async function runThrough(t: Topology, sent: number, o: { cleanOnly?: boolean } = {}): Promise<Pipeline> {
  const pipeline = new Pipeline({ kafka, topology: t, instance: 'registry' });
  await pipeline.start();
  const s = (id: string) => pipeline.progress().stages.find((x) => x.stage === id)!.session;
  try {
    if (o.cleanOnly) await waitForStages(pipeline, { clean: () => sent });
    else await waitForStages(pipeline, { clean: () => sent, augment: () => s('clean').out, gate: () => s('augment').out + s('augment').generated, train: () => Math.max(1, s('gate').out) });
  } finally {
    await pipeline.stop();
  }
  return pipeline;
}

async function deadLetters(t: Topology): Promise<Letter[]> {
  const letters: Letter[] = [];
  await kafka.readToEnd({ topic: t.stages[0]!.deadLetter! }, (m) => {
    const l = decode('dead-letter', m.value!);
    letters.push({ stage: l.stage, errorCode: l.errorCode, errorMessage: l.errorMessage, value: l.value });
  });
  return letters;
}

function expectEveryRecordAccountedFor(pipeline: Pipeline): void {
  const { stages, trainers } = pipeline.progress();
  for (const s of [...stages, ...trainers]) expect(s.session.in, s.stage).toBe(s.session.out + s.session.quarantined + s.session.deadLettered + s.session.duplicates);
  expect(trainers[0]!.session.in).toBe(stages.find((s) => s.stage === 'gate')!.session.out);
}

/** The README's confluent-kafka snippet, pointed at this test's broker, registry and topic. */
function runReadmePython(t: Topology): void {
  const readme = readFileSync('README.md', 'utf8');
  const snippet = /### Avro through a schema registry[\s\S]*?```python\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(snippet, 'README has a confluent-kafka snippet under "Avro through a schema registry"').toBeDefined();
  const script = snippet!
    .replace('"http://localhost:8081"', JSON.stringify(registry.url))
    .replace('"localhost:9092"', JSON.stringify(brokers))
    .replace('"reviews.raw"', JSON.stringify(t.ingest))
    .replace('open("schemas/', `open(${JSON.stringify(`${process.cwd()}/schemas/`)} + "`);
  writeFileSync(join(dir, 'produce_avro.py'), script);
  const result = spawnSync(python, ['-I', 'produce_avro.py'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`the README's confluent-kafka snippet failed (${result.status}): ${result.stderr}`);
}

beforeAll(async () => {
  python = spawnSync('bash', ['scripts/python-client.sh'], { encoding: 'utf8', timeout: 300_000 }).stdout.trim();
  if (!python) throw new Error('scripts/python-client.sh did not provide a Python with confluent-kafka');
  // built from Maven Central on first use (about a minute), then cached under .reviewflow/registry
  registry = await startLocalRegistry();
}, 900_000);

afterAll(async () => {
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
  for (const t of topologies) await dropTopology(kafka, t);
});

describe('schema registry (Confluent wire format) on the ingest topic', () => {
  it('registry Avro from produce --registry, a client’s own serializer and the README’s confluent-kafka snippet reaches the trainer; an unknown schema id and a bad label are dead-lettered with their reasons', async () => {
    const t = await topology('registry', registry.url);
    const produced = await runCli(['--topology', writeTopologyFile(t), 'produce', '--file', '-', '--registry', registry.url], { input: PRODUCED.map((r) => JSON.stringify(r)).join('\n') + '\n' });
    expect(produced.code, produced.stderr).toBe(0);
    const summary = produced.json.at(-1)!;
    expect(summary).toMatchObject({ produced: 3, rejected: 0, subject: `${t.ingest}-value` });

    // another service's serializer, writing with review-raw v1 (no ingestedAt) under the same subject
    const client = new SchemaRegistry({ host: registry.url });
    const v1 = readFileSync('schemas/review-raw/v1.avsc', 'utf8');
    const { id: v1Id } = await client.register({ type: SchemaType.AVRO, schema: v1 }, { subject: `${t.ingest}-value` });
    expect(v1Id).not.toBe(summary['schemaId']);
    const good = await client.encode(v1Id, { id: 'svc-1', text: 'Fast delivery, works exactly as described, would buy it again.', label: 1, rating: null, source: 'shop-eu' });
    const badLabel = await client.encode(v1Id, { id: 'svc-2', text: 'Works fine most of the time.', label: 7, rating: null, source: null });
    const unknownId = frameConfluent(987_654, (await client.encode(v1Id, { id: 'svc-3', text: 'Never registered.', label: 0, rating: null, source: null })).subarray(5));
    await send(t.ingest, [good, badLabel, unknownId]);
    runReadmePython(t);

    const pipeline = await runThrough(t, 7);
    const clean = pipeline.progress().stages.find((s) => s.stage === 'clean')!.session;
    expect(clean).toMatchObject({ in: 7, out: 5, deadLettered: 2 });
    expect(clean.reasons).toMatchObject({ UNKNOWN_SCHEMA_ID: 1, INVALID_RECORD: 1 });
    expectEveryRecordAccountedFor(pipeline);
    expect(pipeline.progress().trainers[0]!.session.in).toBeGreaterThanOrEqual(5); // the five reviews (and augmented copies)

    const accepted: string[] = [];
    await kafka.readToEnd({ topic: t.stages.find((s) => s.id === 'gate')!.output }, (m) => {
      const review = decode('review', m.value!);
      if (!review.augmented) accepted.push(`${review.id}:${review.label}`);
    });
    expect(accepted.sort()).toEqual(['cli-1:1', 'cli-2:0', 'cli-3:1', 'py-avro-1:1', 'svc-1:1']);

    const letters = await deadLetters(t);
    expect(letters.map((l) => l.errorCode).sort()).toEqual(['INVALID_RECORD', 'UNKNOWN_SCHEMA_ID']);
    const unknown = letters.find((l) => l.errorCode === 'UNKNOWN_SCHEMA_ID')!;
    expect(unknown.errorMessage).toContain('unknown schema id 987654');
    expect(unknown.value?.equals(unknownId)).toBe(true); // original bytes kept
    expect(letters.find((l) => l.errorCode === 'INVALID_RECORD')!.errorMessage).toContain(`Avro review (registry schema id ${v1Id}): "label" must be 0 or 1, got 7`);
    expect(new Set(letters.map((l) => l.stage))).toEqual(new Set(['clean']));
  }, 300_000);

  it('a schema is fetched once: the client serves it from its cache after the registry stopped; records whose schema cannot be fetched are dead-lettered as SCHEMA_REGISTRY_UNAVAILABLE', async () => {
    const t = await topology('registry-down', registry.url);
    const cached = new RegistryClient({ url: registry.url, requestTimeoutMs: 5_000 });
    const { id } = await new SchemaRegistry({ host: registry.url }).register({ type: SchemaType.AVRO, schema: readFileSync('schemas/review-raw/v2.avsc', 'utf8') }, { subject: `${t.ingest}-value` });
    expect((await cached.writerSchemas([id])).get(id)?.ok).toBe(true);
    const value = await new SchemaRegistry({ host: registry.url }).encode(id, { id: 'late-1', text: 'Good value for the price, no complaints at all.', label: 1, rating: null, source: null, ingestedAt: 0 });

    await registry.stop(); // the last test of this file: the registry is gone from here on
    expect((await cached.writerSchemas([id])).get(id)?.ok).toBe(true);
    const unreachable = (await cached.writerSchemas([id + 1])).get(id + 1);
    expect(unreachable?.ok === false && unreachable.error.code).toBe('SCHEMA_REGISTRY_UNAVAILABLE');

    await send(t.ingest, [value]);
    const pipeline = await runThrough(t, 1, { cleanOnly: true });
    expect(pipeline.progress().stages.find((s) => s.stage === 'clean')!.session).toMatchObject({ in: 1, out: 0, deadLettered: 1 });
    expectEveryRecordAccountedFor(pipeline);
    const [letter] = await deadLetters(t);
    expect(letter).toMatchObject({ errorCode: 'SCHEMA_REGISTRY_UNAVAILABLE' });
    expect(letter!.errorMessage).toContain(`schema registry at ${registry.url} did not give schema id ${id}`);
  }, 300_000);
});
