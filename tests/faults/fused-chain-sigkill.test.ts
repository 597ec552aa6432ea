import { afterEach, describe, expect, inject, it } from 'vitest';
import { collectStatus } from '../../src/runtime/status.js';
import type { Topology } from '../../src/topology/index.js';
import { writeTopologyFile } from '../helpers/cli.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { topicCount } from '../helpers/pipeline.js';
import { committed, produceInputs, repeated, startStages, stopProcess, topicIds, until, type StageProcess } from './helpers.js';

/**
 * A fused clean → augment → gate chain (one `reviewflow run` process, `fuse: true`) is
 * SIGKILLed mid-stream and started again: every input id must reach the gate's accepted
 * or quarantine topic, every stage's accounting must hold, the topics between the fused
 * stages must stay empty, and under exactly-once no id may be committed twice.
 */
const RECORDS = 4_000;
const KILL_AFTER = 1_500;
const STAGES = 'clean,augment,gate';

const kafka = testKafka();
const brokers = inject('kafkaBrokers');
let live: StageProcess[] = [];

afterEach(async () => {
  for (const p of live) await stopProcess(p, 10_000);
  live = [];
});

async function chainTopology(label: string, delivery: Topology['delivery']): Promise<Topology> {
  return testTopology(kafka, label, 'topologies/sentiment.yaml', (raw) => ({
    ...raw,
    delivery,
    fuse: true,
    // small batches: many commits, so the kill lands between or inside them; short session: fast takeover
    stages: raw.stages.filter((s) => s.kind !== 'train').map((s) => ({ ...s, batchSize: 50, sessionTimeoutMs: 6_000 })),
  }));
}

describe('SIGKILL of a fused clean → augment → gate chain', () => {
  for (const delivery of ['at-least-once', 'exactly-once'] as const) {
    it(`fused chain (${delivery}) killed after ${KILL_AFTER} of ${RECORDS} committed records loses nothing`, { timeout: 300_000 }, async () => {
      const topology = await chainTopology(`fused-sk-${delivery === 'exactly-once' ? 'eos' : 'alo'}`, delivery);
      const [clean, augment, gate] = topology.stages;
      try {
        await produceInputs({ kafka, stage: clean!, count: RECORDS, tag: 'fused' });
        const file = writeTopologyFile(topology);

        const first = startStages({ topologyFile: file, stages: STAGES, brokers });
        live.push(first);
        await until(`the chain to commit ${KILL_AFTER} records`, async () => {
          if (first.child.exitCode !== null) throw new Error(`the chain exited early (${first.child.exitCode}): ${first.stderr()}`);
          return (await committed(kafka, clean!)).done >= KILL_AFTER ? true : undefined;
        }, 120_000, 10);
        first.child.kill('SIGKILL');
        await first.exited;
        const atKill = (await committed(kafka, clean!)).done;
        expect(atKill).toBeLessThan(RECORDS); // the kill landed mid-stream

        const second = startStages({ topologyFile: file, stages: STAGES, brokers });
        live.push(second);
        await until('the chain to catch up after the restart', async () => {
          if (second.child.exitCode !== null) throw new Error(`the restarted chain exited (${second.child.exitCode}): ${second.stderr()}`);
          return (await committed(kafka, clean!)).lag === 0 ? true : undefined;
        }, 180_000);
        expect(await stopProcess(second)).toEqual({ code: 0, signal: null });
        live = [];

        const { stages } = await collectStatus(kafka, topology);
        const status = (id: string) => stages.find((s) => s.stage === id)!;
        for (const id of ['clean', 'augment', 'gate']) {
          expect(status(id).identityHolds, id).toBe(true);
          expect(status(id).lag, id).toBe(0);
          expect(status(id).deadLettered, id).toBe(0);
        }
        const readCommitted = delivery === 'exactly-once';
        if (readCommitted) expect(status('clean').in).toBe(RECORDS);
        else expect(status('clean').in).toBeGreaterThanOrEqual(RECORDS);
        expect(status('clean').duplicates).toBe(0); // a replay is not a duplicate
        expect(status('augment').in).toBe(status('clean').out);
        expect(status('gate').in).toBe(status('augment').out + status('augment').generated);
        expect(await topicCount(kafka, clean!.output)).toBe(0);
        expect(await topicCount(kafka, augment!.output)).toBe(0);

        const inputIds = await topicIds(kafka, clean!.input, 'review-raw');
        expect(inputIds).toHaveLength(RECORDS);
        const accepted = await topicIds(kafka, gate!.output, 'review', readCommitted);
        const quarantined = await topicIds(kafka, gate!.quarantine!, 'quarantine', readCommitted);
        const reached = new Set([...accepted, ...quarantined]);
        expect(inputIds.filter((id) => !reached.has(id))).toEqual([]);
        if (readCommitted) {
          expect(repeated([...accepted, ...quarantined])).toEqual([]);
          expect(accepted.length).toBe(status('gate').out);
          expect(quarantined.length).toBe(status('gate').quarantined);
        }
      } finally {
        await dropTopology(kafka, topology);
      }
    });
  }
});
