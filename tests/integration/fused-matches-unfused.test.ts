import { afterAll, describe, expect, it } from 'vitest';
import { generateReviews } from '../../src/generate/index.js';
import { IngestProducer } from '../../src/ingest/index.js';
import type { KafkaPort } from '../../src/kafka/index.js';
import { decode, encode } from '../../src/records/index.js';
import type { Review } from '../../src/records/types.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import { collectStatus } from '../../src/runtime/status.js';
import type { StageCounters } from '../../src/runtime/counters.js';
import type { Topology } from '../../src/topology/index.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { topicCount, waitForStages } from '../helpers/pipeline.js';

const kafka = testKafka();
const made: Topology[] = [];
afterAll(async () => {
  for (const t of made) await dropTopology(kafka, t);
});

const STAGES = ['clean', 'augment', 'gate'];
const reviews = [...generateReviews({ count: 6_000, seed: 11 })];
/** Bytes no schema decodes: each must become a dead letter of clean, in either layout. */
const POISON = 3;

async function topology(label: string, change: Partial<Topology> = {}): Promise<Topology> {
  const t = await testTopology(kafka, label, 'topologies/sentiment.yaml', (raw) => ({ ...raw, ...change }));
  made.push(t);
  return t;
}

/** Produces the first `upTo` reviews (and the poison records with the first part). */
async function ingest(t: Topology, from: number, upTo: number): Promise<number> {
  const producer = new IngestProducer({ kafka, topic: t.ingest });
  await producer.connect();
  const { produced } = await producer.send(reviews.slice(from, upTo));
  await producer.close();
  if (from > 0) return produced;
  const raw = kafka.producer();
  await raw.connect();
  await raw.send([{ topic: t.ingest, messages: Array.from({ length: POISON }, (_, i) => ({ key: `poison-${i}`, value: Buffer.from([0xc3, 0x01, i]) })) }]);
  await raw.disconnect();
  return produced + POISON;
}

/** Runs clean, augment and gate until clean has read `fresh` more records and each later stage all its upstream made. */
async function runStages(t: Topology, fresh: number, fuse: boolean): Promise<void> {
  const pipeline = new Pipeline({ kafka, topology: t, stages: STAGES, instance: fuse ? 'fused' : 'plain', fuse });
  await pipeline.start();
  try {
    const session = (id: string) => pipeline.progress().stages.find((s) => s.stage === id)!.session;
    const made = (id: string) => () => session(id).out + session(id).generated;
    await waitForStages(pipeline, { clean: () => fresh, augment: made('clean'), gate: made('augment') });
  } finally {
    await pipeline.stop();
  }
}

/** Each stage's counters (from `status`) and the accepted records, as sorted ids. */
async function outcome(t: Topology): Promise<{ counters: Record<string, StageCounters & { lag: number; identityHolds: boolean }>; accepted: string[] }> {
  const { stages } = await collectStatus(kafka, t);
  const counters = Object.fromEntries(stages.filter((s) => STAGES.includes(s.stage)).map((s) => [s.stage, s as unknown as StageCounters & { lag: number; identityHolds: boolean }]));
  const accepted: string[] = [];
  await kafka.readToEnd({ topic: t.stages[2]!.output }, (m) => {
    const r = decode('review', m.value!);
    accepted.push(`${r.id}${r.augmented ? '+' : ''}`);
  });
  return { counters, accepted: accepted.sort() };
}

const pick = (c: StageCounters) => ({ in: c.in, out: c.out, quarantined: c.quarantined, deadLettered: c.deadLettered, duplicates: c.duplicates, generated: c.generated, reasons: c.reasons });

async function topicIds(topic: string): Promise<string[]> {
  const ids: string[] = [];
  await kafka.readToEnd({ topic }, (m) => void ids.push(decode('review', m.value!).id));
  return ids;
}

async function deadLetterSources(kafka: KafkaPort, t: Topology): Promise<Array<{ stage: string; topic: string; offset: number }>> {
  const letters: Array<{ stage: string; topic: string; offset: number }> = [];
  await kafka.readToEnd({ topic: t.stages[0]!.deadLetter! }, (m) => {
    const d = decode('dead-letter', m.value!);
    letters.push({ stage: d.stage, topic: d.sourceTopic, offset: d.sourceOffset });
  });
  return letters;
}

describe('fused stages on a real broker', () => {
  let reference: Awaited<ReturnType<typeof outcome>>;

  it('fused clean → augment → gate count, quarantine and accept exactly what separate stages do, and leave the topics between them empty', async () => {
    const plain = await topology('unfused');
    await runStages(plain, await ingest(plain, 0, reviews.length), false);
    reference = await outcome(plain);
    expect(reference.counters['gate']!.quarantined).toBeGreaterThan(0);
    expect(reference.counters['augment']!.generated).toBeGreaterThan(0);
    expect(reference.counters['clean']!.deadLettered).toBe(POISON);

    const fused = await topology('fused');
    await runStages(fused, await ingest(fused, 0, reviews.length), true);
    const got = await outcome(fused);
    for (const id of STAGES) {
      expect(pick(got.counters[id]!), id).toEqual(pick(reference.counters[id]!));
      expect(got.counters[id]!.identityHolds, id).toBe(true);
      expect(got.counters[id]!.lag, id).toBe(0);
    }
    expect(got.accepted).toEqual(reference.accepted);
    expect(await topicCount(kafka, fused.stages[0]!.output)).toBe(0);
    expect(await topicCount(kafka, fused.stages[1]!.output)).toBe(0);
    expect(await topicCount(kafka, fused.stages[2]!.quarantine!)).toBe(reference.counters['gate']!.quarantined);
    const letters = await deadLetterSources(kafka, fused);
    expect(letters.map((l) => l.stage)).toEqual(['clean', 'clean', 'clean']);
    expect(letters.every((l) => l.topic === fused.ingest)).toBe(true);
  });

  it('a stage whose group left records unread on its own input topic reads them unfused first, and fuses once they are read', async () => {
    const t = await topology('fused-undrained');
    // as if clean had run on its own and augment not yet
    const producer = kafka.producer();
    await producer.connect();
    const [first] = reviews;
    const review: Review = { id: 'left-behind', text: String(first!.text), label: 1, source: 'test', ingestedAt: 0, augmented: false, parentId: null, lineage: { sourceTopic: t.ingest, sourcePartition: 0, sourceOffset: 0, stages: ['clean'] }, redactions: { email: 0, phone: 0, url: 0, card: 0, iban: 0, ip: 0 } };
    await producer.send([{ topic: t.stages[0]!.output, messages: [{ key: review.id, value: encode('review', review) }] }]);
    await producer.disconnect();

    const held = new Pipeline({ kafka, topology: t, stages: STAGES, instance: 'undrained', fuse: true });
    await held.start();
    try {
      expect(held.chains).toEqual([['clean'], ['augment', 'gate']]);
      await waitForStages(held, { augment: () => 1 });
    } finally {
      await held.stop();
    }
    expect(await topicIds(t.stages[2]!.output)).toContain('left-behind');

    const fused = new Pipeline({ kafka, topology: t, stages: STAGES, instance: 'drained', fuse: true });
    await fused.start();
    await fused.stop();
    expect(fused.chains).toEqual([['clean', 'augment', 'gate']]);
  });

  it('a fused chain stopped halfway restores every stage’s state and counters and ends where one uninterrupted run does (exactly-once)', async () => {
    const t = await topology('fused-restart', { delivery: 'exactly-once' });
    const half = 3_000;
    const first = await ingest(t, 0, half);
    await runStages(t, first, true);
    const second = await ingest(t, half, reviews.length);
    await runStages(t, second, true);
    const got = await outcome(t);
    for (const id of STAGES) expect(pick(got.counters[id]!), id).toEqual(pick(reference.counters[id]!));
    expect(got.accepted).toEqual(reference.accepted);
  });
});
