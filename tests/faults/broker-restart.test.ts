import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerManager } from '../../src/broker/manager.js';
import { KafkaPort } from '../../src/kafka/index.js';
import type { Topology } from '../../src/topology/index.js';
import { writeTopologyFile } from '../helpers/cli.js';
import { testTopology } from '../helpers/kafka.js';
import { checkCleanAugmentGate, committed, isRunning, produceInputs, startStages, stopProcess, summarizeLog, untilDrained, until, type StageProcess } from './helpers.js';

/**
 * One embedded broker of its own, stopped in the middle of a stream and started again on
 * the same port with the same data: the clean → augment → gate process reconnects and
 * finishes, nothing is lost, every stage's identity holds and lag returns to zero.
 */
const manager = new BrokerManager({ stateDir: mkdtempSync(join(tmpdir(), 'reviewflow-faults-restart-')) });
let kafka: KafkaPort;
let bootstrap = '';
const processes: StageProcess[] = [];

beforeAll(async () => {
  bootstrap = (await manager.start({ brokers: 1 })).bootstrap;
  kafka = new KafkaPort({ brokers: bootstrap.split(','), clientId: 'reviewflow-faults', connectionTimeoutMs: 3_000, requestTimeoutMs: 30_000 });
}, 240_000);
afterAll(async () => {
  for (const p of processes) await stopProcess(p, 10_000);
  await manager.stop({ purge: true });
}, 240_000);

const FIRST_WAVE = 15_000;
/** How long the broker stays away; longer outages can be tried with REVIEWFLOW_FAULT_OUTAGE_MS. */
const OUTAGE_MS = Number(process.env.REVIEWFLOW_FAULT_OUTAGE_MS ?? 8_000);
const SECOND_WAVE = 10_000;

describe('single broker restarted mid-stream', () => {
  it('clean, augment and gate reconnect after the broker comes back, finish, and lose nothing', { timeout: 600_000 }, async () => {
    const topology: Topology = await testTopology(kafka, 'broker-restart', 'topologies/sentiment.yaml', (t) => ({
      ...t,
      stages: t.stages.filter((s) => s.kind !== 'train').map((s) => ({ ...s, batchSize: 500 })),
    }));
    const [clean, augment, gate] = topology.stages as [typeof topology.stages[0], typeof topology.stages[0], typeof topology.stages[0]];
    const file = writeTopologyFile(topology);
    await produceInputs({ kafka, stage: clean, count: FIRST_WAVE, tag: 'restart' });

    let run = startStages({ topologyFile: file, stages: 'clean,augment,gate', brokers: bootstrap, logLevel: 'warn' });
    processes.push(run);
    await until('the first records to pass the gate', async () => ((await committed(kafka, gate)).done >= 1_000 ? true : undefined), 120_000);
    const beforeStop = await committed(kafka, clean);
    expect(beforeStop.lag + (await committed(kafka, augment)).lag + (await committed(kafka, gate)).lag).toBeGreaterThan(0); // mid-stream

    const stopBegan = Date.now();
    await manager.stop();
    const stoppedMs = Date.now() - stopBegan;
    // the broker is away for a while: longer than one kafkajs connection retry round
    await sleep(OUTAGE_MS);
    const aliveWhileDown = isRunning(run);
    const startBegan = Date.now();
    const restarted = await manager.start({ brokers: 1 });
    const startMs = Date.now() - startBegan;
    expect(restarted.bootstrap).toBe(bootstrap); // same port: clients' bootstrap stays valid
    const aliveAfterRestart = isRunning(run);

    await produceInputs({ kafka, stage: clean, count: SECOND_WAVE, tag: 'restart', from: FIRST_WAVE });
    // a process that died with the broker is restarted, so the data checks still run; the test fails below
    let exitedDuringOutage: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    if (!isRunning(run)) {
      exitedDuringOutage = await run.exited;
      console.log(`[broker-restart] the stage process exited while the broker was away: ${JSON.stringify(exitedDuringOutage)}\nevery log message, counted:\n${summarizeLog(run.stderr())}\nthe last lines:\n${run.stderr().slice(-2_000)}`);
      run = startStages({ topologyFile: file, stages: 'clean,augment,gate', brokers: bootstrap });
      processes.push(run);
    }
    const drainBegan = Date.now();
    await untilDrained(kafka, [clean, augment, gate], 300_000, () => {
      if (!isRunning(run)) throw new Error(`the stage process exited after the restart: ${run.stderr().slice(-4_000)}`);
    });
    const drainMs = Date.now() - drainBegan;

    const check = await checkCleanAugmentGate(kafka, topology);
    console.log(`[broker-restart] ${JSON.stringify({ outageMs: OUTAGE_MS, stoppedMs, startMs, drainMs, aliveWhileDown, aliveAfterRestart, exitedDuringOutage, stages: check.stages.map((s) => ({ stage: s.stage, in: s.in, out: s.out, quarantined: s.quarantined, duplicates: s.duplicates, deadLettered: s.deadLettered, generated: s.generated, lag: s.lag })) })}`);
    expect(check.lost).toEqual([]);
    for (const s of check.stages) {
      expect(s.identityHolds, `${s.stage} identity`).toBe(true);
      expect(s.lag, `${s.stage} lag`).toBe(0);
      expect(s.deadLettered, `${s.stage} dead letters`).toBe(0);
    }
    expect(check.stages.find((s) => s.stage === 'clean')!.in).toBeGreaterThanOrEqual(FIRST_WAVE + SECOND_WAVE);
    expect(check.stages.find((s) => s.stage === 'clean')!.duplicates).toBe(0);

    // the guarantee: a broker that goes away and comes back does not take the stages with it
    expect(exitedDuringOutage).toBeUndefined();
    expect(await stopProcess(run)).toEqual({ code: 0, signal: null });
  });
});
