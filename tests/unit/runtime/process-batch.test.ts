import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorCode, fatal } from '../../../src/errors.js';
import { messageBytes, type ConsumedBatch, type ConsumedMessage } from '../../../src/kafka/index.js';
import { decode, encode } from '../../../src/records/index.js';
import type { RawReview, Review } from '../../../src/records/types.js';
import { identityHolds } from '../../../src/runtime/counters.js';
import { FANOUT, fusedOrigin, handOff } from '../../../src/runtime/fusion.js';
import type { OriginOf, RoutedBatch, StageRoutes } from '../../../src/runtime/batch-outcome.js';
import { nextOffsetAfter, processBatch } from '../../../src/runtime/process-batch.js';
import type { Emission, StageDescriptor, StageInput } from '../../../src/stages/types.js';

const NOW = 1_700_000_123_000;
const GARBAGE = Buffer.from('not an avro record');

function reviewOf(raw: { id: string; text: string }, offset: number): Review {
  return {
    id: raw.id,
    text: raw.text,
    label: 1,
    source: 'test',
    ingestedAt: NOW,
    augmented: false,
    parentId: null,
    lineage: { sourceTopic: 'orders.raw', sourcePartition: 2, sourceOffset: offset, stages: ['triage'] },
    redactions: { email: 0, phone: 0, url: 0, card: 0, iban: 0, ip: 0 },
  };
}

/** Decides each record's fate from its text, so a batch can hold every fate the runtime knows. */
function fateOf(review: Review): Emission[] {
  switch (review.text) {
    case 'spam':
      return [{ kind: 'quarantine', review, reasons: ['SPAM', 'TOO_SHORT'] }];
    case 'again':
      return [{ kind: 'duplicate', reason: 'EXACT_DUPLICATE' }];
    case 'boom':
      throw new Error('kaboom');
    case 'bad-label':
      throw fatal(ErrorCode.INVALID_RECORD, 'label 7 is not 0 or 1');
    case 'silent':
      return [];
    case 'kept, then seen again':
      // the first emission is the fate; a later duplicate only adds its reason
      return [
        { kind: 'out', review },
        { kind: 'duplicate', reason: 'NEAR_DUPLICATE' },
      ];
    case 'twice':
      return [
        { kind: 'out', review },
        { kind: 'out', review: { ...review, id: `${review.id}~aug1`, augmented: true, parentId: review.id } },
      ];
    default:
      return [{ kind: 'out', review }];
  }
}

type TestStage<In extends StageInput> = StageDescriptor<Record<string, never>, undefined, In>;

/** A stateless stage without options, as the runtime sees a registered one. */
function testStage<In extends StageInput>(id: string, input: TestStage<In>['input'], transform: TestStage<In>['transform']): TestStage<In> {
  return { id, description: `test stage ${id}`, input, options: z.object({}).strict(), createState: () => undefined, transform };
}

/** Reads raw reviews; the fate of each is in its text. */
const triage = testStage<RawReview>('triage', 'raw', (raw, ctx) => fateOf(reviewOf(raw, ctx.position.offset)));

/** Reads processed reviews; fails on the augmented copies. */
const judge = testStage<Review>('judge', 'review', (review) => {
  if (review.augmented) throw fatal(ErrorCode.TRANSFORM_FAILED, 'copies are not judged');
  return [{ kind: 'out', review }];
});

const ROUTES: StageRoutes = { stageId: 'triage', output: 'orders.clean', quarantine: 'orders.quarantine', deadLetter: 'orders.dlq' };

type Input = string | typeof GARBAGE | null;

function message(input: Input, offset: number): ConsumedMessage {
  const value = typeof input === 'string' ? encode('review-raw', { id: `r-${offset}`, text: input, label: 1, rating: null, source: 'test', ingestedAt: NOW }) : input;
  return { key: Buffer.from(`key-${offset}`), value, headers: { traceparent: `tp-${offset}`, 'x-origin': 'shop' }, offset, timestamp: NOW + offset };
}

function batchOf(inputs: Input[], first = 100): ConsumedBatch {
  const messages = inputs.map((input, i) => message(input, first + i));
  return { topic: 'orders.raw', partition: 2, messages, highWatermark: first + inputs.length, lastOffset: first + inputs.length - 1 };
}

function run(batch: ConsumedBatch, routes: StageRoutes = ROUTES, originOf?: OriginOf): RoutedBatch {
  return processBatch(batch, { stage: triage, options: {}, state: undefined, routes, instance: 'test-0', now: () => NOW, ...(originOf ? { originOf } : {}) });
}

const EVERY_FATE: Input[] = ['fine', 'spam', 'again', 'boom', 'bad-label', 'silent', 'twice', GARBAGE, null, 'fine too', 'kept, then seen again'];

describe('processBatch accounting', () => {
  it('processBatch gives every record one fate: in = out + quarantined + deadLettered + duplicates', () => {
    const { counters } = run(batchOf(EVERY_FATE));
    expect(counters).toEqual({
      in: 11,
      out: 4,
      quarantined: 1,
      deadLettered: 5,
      duplicates: 1,
      generated: 1,
      metrics: 0,
      reasons: { SPAM: 1, TOO_SHORT: 1, EXACT_DUPLICATE: 1, TRANSFORM_FAILED: 2, INVALID_RECORD: 1, NOT_SINGLE_OBJECT: 1, CORRUPT_BODY: 1, NEAR_DUPLICATE: 1 },
    });
    expect(identityHolds(counters)).toBe(true);
  });

  it('processBatch routes outputs, copies, quarantines and dead letters to their topics, in input order', () => {
    const { messages, outputSources } = run(batchOf(EVERY_FATE));
    const out = (messages.get('orders.clean') ?? []).map((m) => decode('review', m.value as Buffer));
    expect(out.map((r) => r.id)).toEqual(['r-100', 'r-106', 'r-106~aug1', 'r-109', 'r-110']);
    expect(outputSources).toEqual([100, 106, 106, 109, 110]);
    const quarantined = (messages.get('orders.quarantine') ?? []).map((m) => decode('quarantine', m.value as Buffer));
    expect(quarantined.map((q) => [q.stage, q.review.id, q.reasons])).toEqual([['triage', 'r-101', ['SPAM', 'TOO_SHORT']]]);
    const letters = (messages.get('orders.dlq') ?? []).map((m) => decode('dead-letter', m.value as Buffer));
    expect(letters.map((l) => [l.sourceOffset, l.errorCode])).toEqual([
      [103, 'TRANSFORM_FAILED'],
      [104, 'INVALID_RECORD'],
      [105, 'TRANSFORM_FAILED'],
      [107, 'NOT_SINGLE_OBJECT'],
      [108, 'CORRUPT_BODY'],
    ]);
    expect([...messages.keys()].sort()).toEqual(['orders.clean', 'orders.dlq', 'orders.quarantine']);
  });

  it('processBatch keeps the identity for any mix of fates', () => {
    const input = fc.constantFrom<Input>(...EVERY_FATE);
    fc.assert(
      fc.property(fc.array(input, { maxLength: 60 }), (inputs) => {
        const { counters, messages } = run(batchOf(inputs));
        expect(counters.in).toBe(inputs.length);
        expect(identityHolds(counters)).toBe(true);
        expect(messages.get('orders.dlq')?.length ?? 0).toBe(counters.deadLettered);
        expect(messages.get('orders.clean')?.length ?? 0).toBe(counters.out + counters.generated);
      }),
    );
  });

  it('processBatch counts dead letters of a stage without a DLQ topic, and produces none', () => {
    const { deadLetter: _dlq, ...routes } = ROUTES;
    const { counters, messages } = run(batchOf(['boom', GARBAGE, 'fine']), routes);
    expect([counters.in, counters.out, counters.deadLettered]).toEqual([3, 1, 2]);
    expect(identityHolds(counters)).toBe(true);
    expect([...messages.keys()]).toEqual(['orders.clean']);
  });
});

describe('processBatch dead letters', () => {
  it('processBatch writes a dead letter with the original bytes, the code, the stage, where the record was and its headers', () => {
    const batch = batchOf(['fine', 'boom']);
    const source = batch.messages[1]!;
    const [sent, ...more] = run(batch).messages.get('orders.dlq') ?? [];
    expect(more).toEqual([]);
    expect(sent!.key).toEqual(source.key);
    expect(sent!.headers).toEqual({ traceparent: 'tp-101', 'x-origin': 'shop' });
    const letter = decode('dead-letter', sent!.value as Buffer);
    expect(letter).toEqual({
      stage: 'triage',
      errorCode: 'TRANSFORM_FAILED',
      errorMessage: 'kaboom',
      sourceTopic: 'orders.raw',
      sourcePartition: 2,
      sourceOffset: 101,
      key: Buffer.from('key-101'),
      value: source.value,
      failedAt: NOW,
    });
  });

  it('processBatch keeps the exact bytes of an undecodable record and a null value for a tombstone', () => {
    const letters = (run(batchOf([GARBAGE, null])).messages.get('orders.dlq') ?? []).map((m) => decode('dead-letter', m.value as Buffer));
    expect(letters.map((l) => [l.errorCode, l.value])).toEqual([
      ['NOT_SINGLE_OBJECT', GARBAGE],
      ['CORRUPT_BODY', null],
    ]);
    expect(letters[0]!.errorMessage).toMatch(/not an Avro single-object record/);
    expect(letters[1]!.errorMessage).toMatch(/tombstone/);
  });

  it('processBatch dead-letters a stage that emits nothing for a record, naming the stage', () => {
    const [letter] = (run(batchOf(['silent'])).messages.get('orders.dlq') ?? []).map((m) => decode('dead-letter', m.value as Buffer));
    expect(letter).toMatchObject({ errorCode: 'TRANSFORM_FAILED', errorMessage: 'stage triage emitted nothing for this record', sourceOffset: 100 });
  });
});

describe('processBatch in a fused chain', () => {
  // triage reads orders.raw; its outputs pass to judge in memory (orders.clean stays empty)
  const head = batchOf(['fine', 'twice'], 40);
  const upstream = run(head);
  const handed = handOff({ outputs: upstream.messages.get('orders.clean') ?? [], sources: upstream.outputSources, fromHead: true, head, topic: 'orders.clean' });
  const judgeRoutes: StageRoutes = { stageId: 'judge', output: 'orders.accepted', deadLetter: 'orders.dlq' };
  const runJudge = (originOf?: OriginOf): RoutedBatch =>
    processBatch(handed, { stage: judge, options: {}, state: undefined, routes: judgeRoutes, instance: 'test-0', now: () => NOW, ...(originOf ? { originOf } : {}) });

  it('processBatch reads handed-over records at positions origin × FANOUT + n', () => {
    expect(handed.messages.map((m) => m.offset)).toEqual([40 * FANOUT, 41 * FANOUT, 41 * FANOUT + 1]);
    const { counters, outputSources } = runJudge(fusedOrigin('orders.raw'));
    expect([counters.in, counters.out, counters.deadLettered]).toEqual([3, 2, 1]);
    expect(outputSources).toEqual([40 * FANOUT, 41 * FANOUT]);
  });

  it('processBatch names the chain’s input topic and the origin offset in a fused stage’s dead letter', () => {
    const [sent] = runJudge(fusedOrigin('orders.raw')).messages.get('orders.dlq') ?? [];
    const letter = decode('dead-letter', sent!.value as Buffer);
    expect(letter).toMatchObject({ stage: 'judge', errorCode: 'TRANSFORM_FAILED', sourceTopic: 'orders.raw', sourcePartition: 2, sourceOffset: 41 });
    // the bytes the fused stage read: the augmented copy triage handed over
    expect(letter.value).toEqual(handed.messages[2]!.value);
    expect(decode('review', letter.value!).id).toBe('r-41~aug1');
  });

  it('processBatch without an origin map names the topic and position it read, which no consumer could find', () => {
    const [sent] = runJudge().messages.get('orders.dlq') ?? [];
    expect(decode('dead-letter', sent!.value as Buffer)).toMatchObject({ sourceTopic: 'orders.clean', sourceOffset: 41 * FANOUT + 1 });
  });
});

describe('processBatch with a decoded hand-off', () => {
  // as StageRunner runs a fused chain: triage routes its output without bytes, judge reads the reviews
  const head = batchOf(['fine', 'twice'], 40);
  const upstream = processBatch(head, { stage: triage, options: {}, state: undefined, routes: ROUTES, instance: 'test-0', now: () => NOW, handOff: true });
  const outputs = upstream.messages.get('orders.clean') ?? [];
  const handed = handOff({ outputs, sources: upstream.outputSources, reviews: upstream.outputReviews, fromHead: true, head, topic: 'orders.clean' });
  const encoded = run(head);
  const viaBytes = handOff({ outputs: encoded.messages.get('orders.clean') ?? [], sources: encoded.outputSources, fromHead: true, head, topic: 'orders.clean' });
  const judgeRoutes: StageRoutes = { stageId: 'judge', output: 'orders.accepted', deadLetter: 'orders.dlq' };
  const runJudge = (batch: ConsumedBatch): RoutedBatch => processBatch(batch, { stage: judge, options: {}, state: undefined, routes: judgeRoutes, instance: 'test-0', now: () => NOW, originOf: fusedOrigin('orders.raw') });

  it('processBatch in hand-off mode routes output records without bytes, each with the review it emitted', () => {
    expect(outputs.map((m) => m.value)).toEqual([null, null, null]);
    expect(upstream.outputReviews.map((r) => r.id)).toEqual(['r-40', 'r-41', 'r-41~aug1']);
    expect(upstream.outputReviews.map((r) => encode('review', r))).toEqual((encoded.messages.get('orders.clean') ?? []).map((m) => m.value));
  });

  it('processBatch gives a stage reading handed-over reviews the same outputs and dead letters as one reading their bytes', () => {
    const inMemory = runJudge(handed);
    const fromBytes = runJudge(viaBytes);
    expect(inMemory.counters).toEqual(fromBytes.counters);
    expect(inMemory.messages.get('orders.accepted')).toEqual(fromBytes.messages.get('orders.accepted'));
    // the dead letter keeps the bytes the topic would have carried
    const [letter] = (inMemory.messages.get('orders.dlq') ?? []).map((m) => decode('dead-letter', m.value as Buffer));
    expect(letter).toMatchObject({ errorCode: 'TRANSFORM_FAILED', sourceTopic: 'orders.raw', sourceOffset: 41 });
    expect(letter!.value).toEqual(viaBytes.messages[2]!.value);
  });

  it('processBatch gives a raw-reading stage the bytes of a handed-over review, which it dead-letters as before', () => {
    const { counters, messages } = run(handed);
    expect([counters.in, counters.deadLettered]).toEqual([3, 3]);
    const letters = (messages.get('orders.dlq') ?? []).map((m) => decode('dead-letter', m.value as Buffer));
    expect(letters.map((l) => l.value)).toEqual(viaBytes.messages.map((m) => m.value));
  });
});

describe('processBatch with an output budget', () => {
  const long = (i: number): string => `review ${i} ${'lovely screen and fast delivery '.repeat(60)}`; // about 1.9 kB
  const inputs = Array.from({ length: 40 }, (_, i) => (i === 7 ? 'twice' : i === 9 ? 'boom' : long(i)));
  const runWithin = (budget: number, batch = batchOf(inputs)): RoutedBatch =>
    processBatch(batch, { stage: triage, options: {}, state: undefined, routes: ROUTES, instance: 'test-0', now: () => NOW, outputBudget: budget });
  const routedBytes = (r: RoutedBatch): number => [...r.messages.values()].flat().reduce((n, m) => n + messageBytes(m), 0);

  it('processBatch ends the chunk before a record that could take its records past the budget, and accounts for exactly the records it took', () => {
    for (const budget of [20_000, 40_000, 65_000]) {
      const routed = runWithin(budget);
      expect(routed.consumed).toBeGreaterThan(0);
      expect(routed.consumed).toBeLessThan(inputs.length);
      expect(routed.counters.in).toBe(routed.consumed);
      expect(identityHolds(routed.counters)).toBe(true);
      expect(routedBytes(routed)).toBeLessThanOrEqual(budget);
      // the outputs come from the first `consumed` records only
      expect(Math.max(...routed.outputSources)).toBe(100 + routed.consumed - 1);
    }
    expect(runWithin(40_000).consumed).toBeGreaterThan(runWithin(20_000).consumed);
  });

  it('processBatch takes the whole chunk when it fits, and always its first record', () => {
    expect(runWithin(10_000_000).consumed).toBe(inputs.length);
    expect(runWithin(1).consumed).toBe(1);
  });

  it('processBatch resumed where the budget cut it gives the same records as one uncut run', () => {
    const whole = run(batchOf(inputs));
    const parts: RoutedBatch[] = [];
    for (let start = 0; start < inputs.length; ) {
      const part = runWithin(25_000, batchOf(inputs.slice(start), 100 + start));
      parts.push(part);
      start += part.consumed;
    }
    expect(parts.length).toBeGreaterThan(2);
    for (const topic of whole.messages.keys()) expect(parts.flatMap((p) => p.messages.get(topic) ?? [])).toEqual(whole.messages.get(topic));
    expect(parts.reduce((n, p) => n + p.counters.in, 0)).toBe(inputs.length);
  });

  it('nextOffsetAfter gives the offset after the last record taken, or the whole chunk’s when all were', () => {
    const batch = batchOf(['a', 'b', 'c'], 10);
    expect(nextOffsetAfter(batch, 2, 99)).toBe(12);
    expect(nextOffsetAfter(batch, 3, 99)).toBe(99);
  });
});
