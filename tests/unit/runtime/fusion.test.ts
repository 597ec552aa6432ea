import { describe, expect, it } from 'vitest';
import type { ConsumedBatch } from '../../../src/kafka/index.js';
import { builtinKinds } from '../../../src/runtime/kinds.js';
import { FANOUT, fusedOrigin, handOff, originOffset, planChains } from '../../../src/runtime/fusion.js';
import { loadTopology, type Topology } from '../../../src/topology/index.js';

const sentiment = loadTopology('topologies/sentiment.yaml', { kinds: builtinKinds.forValidation() });

function withChanges(change: (raw: Record<string, unknown>) => void): Topology {
  const copy = structuredClone({ ...sentiment }) as unknown as Record<string, unknown>;
  change(copy);
  return copy as unknown as Topology;
}

const fusable = (s: { kind: string }): boolean => builtinKinds.of(s).fusable;
const on = { fuse: true, fusable };
const off = { fuse: false, fusable };

const ids = (chains: Array<Array<{ id: string }>>): string[][] => chains.map((c) => c.map((s) => s.id));

describe('planChains', () => {
  it('planChains fuses clean, augment and gate of the default topology and keeps the trainer, which its kind says cannot be fused, on its own', () => {
    const plan = planChains(sentiment, [...sentiment.stages], on);
    expect(ids(plan.chains)).toEqual([['clean', 'augment', 'gate'], ['train']]);
    expect(plan.unfused).toEqual([{ stage: 'train', reason: 'a train stage reads its own topic (it cannot be fused)' }]);
  });

  it('planChains keeps every stage on its own when fusion is off', () => {
    expect(ids(planChains(sentiment, [...sentiment.stages], off).chains)).toEqual([['clean'], ['augment'], ['gate'], ['train']]);
  });

  it('planChains fuses only the stages selected for this process, in topology order', () => {
    const [clean, augment, gate] = sentiment.stages;
    expect(ids(planChains(sentiment, [gate!, augment!], on).chains)).toEqual([['augment', 'gate']]);
    expect(ids(planChains(sentiment, [clean!, gate!], on).chains)).toEqual([['clean'], ['gate']]);
  });

  it('planChains does not fuse a stage whose input topic has another reader, and says why', () => {
    const topology = withChanges((t) => {
      const stages = t['stages'] as Array<Record<string, unknown>>;
      stages.push({ ...stages[2], id: 'audit', group: 'audit', input: 'reviews.clean', output: 'reviews.audit' });
    });
    const plan = planChains(topology, [...topology.stages], on);
    expect(ids(plan.chains)).toEqual([['clean'], ['augment', 'gate'], ['train'], ['audit']]);
    expect(plan.unfused.map((u) => u.stage)).toEqual(['augment', 'train', 'audit']);
    expect(plan.unfused[0]!.reason).toContain('reviews.clean has other readers (audit)');
  });

  it('planChains keeps a held stage on its own with the given reason, and fuses the rest', () => {
    const plan = planChains(sentiment, [...sentiment.stages], { ...on, held: new Map([['augment', '3 records on reviews.clean are still unread']]) });
    expect(ids(plan.chains)).toEqual([['clean'], ['augment', 'gate'], ['train']]);
    expect(plan.unfused[0]).toEqual({ stage: 'augment', reason: '3 records on reviews.clean are still unread' });
  });

  it('planChains does not fuse across different partition counts or instance counts', () => {
    const partitions = withChanges((t) => {
      (t['topics'] as Record<string, { partitions: number }>)['reviews.augmented']!.partitions = 6;
    });
    expect(ids(planChains(partitions, [...partitions.stages], on).chains)).toEqual([['clean', 'augment'], ['gate'], ['train']]);
    const instances = withChanges((t) => {
      const stages = t['stages'] as Array<{ instances: number }>;
      stages[1]!.instances = 2;
      stages[2]!.instances = 2;
    });
    const plan = planChains(instances, [...instances.stages], on);
    expect(ids(plan.chains)).toEqual([['clean'], ['augment', 'gate'], ['train']]);
    expect(plan.unfused[0]!.reason).toContain('instance counts');
  });
});

describe('handOff', () => {
  const head: ConsumedBatch = {
    topic: 'reviews.raw',
    partition: 2,
    highWatermark: 100,
    lastOffset: 41,
    messages: [40, 41].map((offset) => ({ key: Buffer.from(`k${offset}`), value: Buffer.from(`v${offset}`), headers: {}, offset, timestamp: 1_000 + offset })),
  };
  const outputs = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `o${i}`, value: Buffer.from(`out${i}`), headers: { traceparent: `t${i}` } }));

  it('handOff gives each record a position made of its origin offset and its index among that origin’s records', () => {
    const batch = handOff({ outputs: outputs(3), sources: [40, 40, 41], fromHead: true, head, topic: 'reviews.clean' });
    expect(batch.topic).toBe('reviews.clean');
    expect(batch.partition).toBe(2);
    expect(batch.messages.map((m) => m.offset)).toEqual([40 * FANOUT, 40 * FANOUT + 1, 41 * FANOUT]);
    expect(batch.messages.map((m) => m.timestamp)).toEqual([1_040, 1_040, 1_041]);
    expect(batch.messages[1]!.key).toEqual(Buffer.from('o1'));
    expect(batch.messages[2]!.headers).toEqual({ traceparent: 't2' });
  });

  it('handOff traces positions made by an earlier fused stage back to their origin, the same on a replay', () => {
    const sources = [40 * FANOUT, 40 * FANOUT + 1, 41 * FANOUT];
    const once = handOff({ outputs: outputs(3), sources, fromHead: false, head, topic: 'reviews.augmented' });
    const again = handOff({ outputs: outputs(3), sources, fromHead: false, head, topic: 'reviews.augmented' });
    expect(once.messages.map((m) => m.offset)).toEqual([40 * FANOUT, 40 * FANOUT + 1, 41 * FANOUT]);
    expect(again.messages.map((m) => m.offset)).toEqual(once.messages.map((m) => m.offset));
    expect(once.messages.map((m) => originOffset(m.offset))).toEqual([40, 40, 41]);
  });

  it('handOff puts a record emitted by a flush (no source) on the chunk’s last record', () => {
    const batch = handOff({ outputs: outputs(2), sources: [41, -1], fromHead: true, head, topic: 'reviews.clean' });
    expect(batch.messages.map((m) => m.offset)).toEqual([41 * FANOUT, 41 * FANOUT + 1]);
  });

  it('fusedOrigin names the chain’s input topic and the origin offset in dead letters', () => {
    expect(fusedOrigin('reviews.raw')('reviews.augmented', 41 * FANOUT + 3)).toEqual({ topic: 'reviews.raw', offset: 41 });
  });
});
