import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { collectStatus } from '../../src/runtime/status.js';
import { readModelHistory } from '../../src/subscription/history.js';
import type { ModelVersion } from '../../src/records/types.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { StageConfig, Topology } from '../../src/topology/index.js';
import { writeTopologyFile } from '../helpers/cli.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { committed, onlyStage, produceInputs, repeated, seededRandom, startStages, stopProcess, topicIds, until, type StageProcess } from './helpers.js';

/**
 * Seeded random SIGKILLs: each trial runs one stage as its own `reviewflow run` process,
 * kills it with SIGKILL once a random number of records is committed, restarts it, and
 * checks that every input id reached the stage's output or side topic, that the stage's
 * accounting identity holds, and (exactly-once trials) that no id is in the committed
 * output twice. Trainer trials check that the final published version counted exactly
 * the examples an uninterrupted reference run counted.
 */
const SEED = Number(process.env.REVIEWFLOW_FAULT_SEED ?? 20_240_601);
const TRIALS = 22;
const RECORDS = 4_000;
const TRAIN_RECORDS = 6_000;

type StageId = 'clean' | 'augment' | 'gate' | 'train';
interface Trial {
  index: number;
  stage: StageId;
  delivery: 'at-least-once' | 'exactly-once';
  /** Kill once this many input records are committed. */
  killAfter: number;
  records: number;
}

function plan(seed: number): Trial[] {
  const random = seededRandom(seed);
  const trials: Trial[] = [];
  for (let index = 0; index < TRIALS; index++) {
    const r = random();
    // the trainer is the slowest to restart (it waits out the dead member's session): a few trials only
    const stage: StageId = r < 0.15 ? 'train' : r < 0.43 ? 'clean' : r < 0.71 ? 'augment' : 'gate';
    const delivery = stage !== 'train' && random() < 0.35 ? 'exactly-once' : 'at-least-once';
    const records = stage === 'train' ? TRAIN_RECORDS : RECORDS;
    // somewhere in the first two thirds, so the kill lands mid-stream
    const killAfter = 100 + Math.floor(random() * (records * 0.66 - 100));
    trials.push({ index, stage, delivery, killAfter, records });
  }
  return trials;
}

const kafka = testKafka();
const brokers = inject('kafkaBrokers');
const trials = plan(SEED);
const outcomes: Array<Record<string, unknown>> = [];
let live: StageProcess[] = [];

afterEach(async () => {
  // a failed trial leaves no process behind
  for (const p of live) await stopProcess(p, 10_000);
  live = [];
});
afterAll(() => {
  console.log(`[random-sigkill] seed ${SEED}: ${outcomes.length} trials\n${outcomes.map((o) => JSON.stringify(o)).join('\n')}`);
});

function tuned(stage: StageConfig): StageConfig {
  // small batches: many commits, so the kill lands between or inside them; short session: fast takeover
  const common = { ...stage, sessionTimeoutMs: 6_000 };
  if (stage.kind === 'train') return { ...common, batchSize: 250, options: { ...stage.options, buckets: 65_536, miniBatchSize: 250, publishEveryExamples: 1_000, publishEveryMs: 1_500 } };
  return { ...common, batchSize: 50 };
}

async function trialTopology(t: Trial): Promise<{ topology: Topology; stage: StageConfig }> {
  const topology = await testTopology(kafka, `sk${t.index}-${t.stage}`, 'topologies/sentiment.yaml', (raw) => ({ ...onlyStage(raw, t.stage, tuned), delivery: t.delivery }));
  return { topology, stage: topology.stages[0]! };
}

async function versions(topic: string): Promise<ModelVersion[]> {
  return (await readModelHistory(kafka, topic)).versions;
}

function coverage(v: ModelVersion | undefined): number {
  return (v?.offsets ?? []).reduce((s, o) => s + o.offset, 0);
}

/** The trainer's reference: one uninterrupted in-process run over the same records. */
let reference: Promise<ModelVersion> | undefined;
function referenceVersion(): Promise<ModelVersion> {
  reference ??= (async () => {
    const topology = await testTopology(kafka, 'sk-train-ref', 'topologies/sentiment.yaml', (raw) => onlyStage(raw, 'train', tuned));
    const stage = topology.stages[0]!;
    try {
      await produceInputs({ kafka, stage, count: TRAIN_RECORDS, tag: 'train' });
      const pipeline = new Pipeline({ kafka, topology, instance: 'reference' });
      await pipeline.start();
      try {
        return await until('the reference trainer to cover its input', async () => {
          const latest = (await versions(stage.output)).at(-1);
          return coverage(latest) === TRAIN_RECORDS ? latest : undefined;
        }, 180_000, 500);
      } finally {
        await pipeline.stop();
      }
    } finally {
      await dropTopology(kafka, topology);
    }
  })();
  return reference;
}

async function runTrial(t: Trial): Promise<void> {
  const began = Date.now();
  const { topology, stage } = await trialTopology(t);
  try {
    // every trial uses its own ids, except the trainer's, which must match its reference
    const tag = t.stage === 'train' ? 'train' : `sk${t.index}`;
    await produceInputs({ kafka, stage, count: t.records, tag });
    const file = writeTopologyFile(topology);

    const first = startStages({ topologyFile: file, stages: t.stage, brokers });
    live.push(first);
    await until(`${t.stage} to commit ${t.killAfter} records`, async () => {
      if (first.child.exitCode !== null) throw new Error(`the stage exited early (${first.child.exitCode}): ${first.stderr()}`);
      return (await committed(kafka, stage)).done >= t.killAfter ? true : undefined;
    }, 120_000, 10);
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = await committed(kafka, stage);

    const second = startStages({ topologyFile: file, stages: t.stage, brokers });
    live.push(second);
    let final: ModelVersion | undefined;
    if (t.stage === 'train') {
      final = await until('a version trained through the whole input', async () => {
        const latest = (await versions(stage.output)).at(-1);
        return coverage(latest) === t.records ? latest : undefined;
      }, 180_000, 500);
    }
    await until(`${t.stage} to catch up after the restart`, async () => {
      if (second.child.exitCode !== null) throw new Error(`the restarted stage exited (${second.child.exitCode}): ${second.stderr()}`);
      return (await committed(kafka, stage)).lag === 0 ? true : undefined;
    }, 180_000);
    const stopped = await stopProcess(second);
    live = [];
    expect(stopped).toEqual({ code: 0, signal: null });

    if (t.stage === 'train') {
      // the published versions never count an example twice: the same count as an uninterrupted run
      const expected = await referenceVersion();
      expect(final!.examplesSeen).toBe(expected.examplesSeen);
      expect(final!.offsets.map((o) => [o.partition, o.offset])).toEqual(expected.offsets.map((o) => [o.partition, o.offset]));
      const all = await versions(stage.output);
      expect(all.map((v) => v.version)).toEqual(all.map((v) => v.version).sort((a, b) => a - b));
      expect(new Set(all.map((v) => v.version)).size).toBe(all.length);
    }

    const status = (await collectStatus(kafka, topology)).stages[0]!;
    expect(status.identityHolds).toBe(true);
    expect(status.in).toBe(status.out + status.quarantined + status.deadLettered + status.duplicates);
    expect(status.lag).toBe(0);
    expect(status.deadLettered).toBe(0);
    // exactly-once: the counters commit with the offsets, so every record is counted once
    if (t.delivery === 'exactly-once') expect(status.in).toBe(t.records);
    else expect(status.in).toBeGreaterThanOrEqual(t.records);

    const inputIds = await topicIds(kafka, stage.input, t.stage === 'clean' ? 'review-raw' : 'review');
    expect(inputIds).toHaveLength(t.records);
    const readCommitted = t.delivery === 'exactly-once';
    let replayed = 0;
    // the trainer was checked above through its published versions
    if (t.stage !== 'train') {
      const outIds = await topicIds(kafka, stage.output, 'review', readCommitted);
      const sideIds = stage.quarantine ? await topicIds(kafka, stage.quarantine, 'quarantine', readCommitted) : [];
      const reached = new Set([...outIds, ...sideIds]);
      expect(inputIds.filter((id) => !reached.has(id))).toEqual([]);
      if (t.stage === 'clean') expect(status.duplicates).toBe(0); // a replay is not a duplicate
      // exactly-once: outputs and counters commit together, so the topic holds what was counted
      if (readCommitted) expect(outIds.length).toBe(status.out + status.generated);
      const originals = [...outIds, ...sideIds].filter((id) => !id.includes('~aug'));
      replayed = originals.length - t.records;
      if (readCommitted) expect(repeated([...outIds, ...sideIds])).toEqual([]);
    }
    outcomes.push({ trial: t.index, stage: t.stage, delivery: t.delivery, records: t.records, killAfter: t.killAfter, committedAtKill: atKill.done, replayedOriginals: replayed, counters: { in: status.in, out: status.out, quarantined: status.quarantined, duplicates: status.duplicates, generated: status.generated }, ms: Date.now() - began });
  } finally {
    await dropTopology(kafka, topology);
  }
}

describe(`random SIGKILL of a stage process (seed ${SEED}, ${TRIALS} trials)`, () => {
  it('plans at least 20 trials over every stage and both delivery modes', () => {
    expect(trials.length).toBeGreaterThanOrEqual(20);
    expect(new Set(trials.map((t) => t.stage))).toEqual(new Set(['clean', 'augment', 'gate', 'train']));
    expect(trials.some((t) => t.delivery === 'exactly-once')).toBe(true);
  });

  for (const t of trials) {
    it(`trial ${t.index}: ${t.stage} (${t.delivery}) killed after ${t.killAfter} of ${t.records} committed records loses nothing`, { timeout: 420_000 }, async () => {
      await runTrial(t);
    });
  }
});
