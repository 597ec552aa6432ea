import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerManager } from '../../src/broker/manager.js';
import { KafkaPort } from '../../src/kafka/index.js';
import type { Topology } from '../../src/topology/index.js';
import { writeTopologyFile } from '../helpers/cli.js';
import { testTopology } from '../helpers/kafka.js';
import { pidAlive } from '../helpers/process.js';
import { checkCleanAugmentGate, committed, isRunning, produceInputs, startStages, stopProcess, summarizeLog, untilDrained, until, type StageProcess } from './helpers.js';

/**
 * A 3-broker embedded KRaft cluster of its own; the topology's topics have replication 3
 * and min.insync.replicas 2. The clean group's coordinator broker is killed with SIGKILL in
 * the middle of a stream, the stream goes on over the two survivors, then the node comes
 * back and catches up: nothing is lost, no group is stuck, every identity holds.
 */
const manager = new BrokerManager({ stateDir: mkdtempSync(join(tmpdir(), 'reviewflow-faults-cluster-')) });
let kafka: KafkaPort;
let bootstrap = '';
const processes: StageProcess[] = [];

beforeAll(async () => {
  bootstrap = (await manager.start({ brokers: 3 })).bootstrap;
  kafka = new KafkaPort({ brokers: bootstrap.split(','), clientId: 'reviewflow-faults', connectionTimeoutMs: 3_000, requestTimeoutMs: 30_000 });
}, 300_000);
afterAll(async () => {
  for (const p of processes) await stopProcess(p, 10_000);
  await manager.stop({ purge: true });
}, 300_000);

const WAVES = [10_000, 10_000, 5_000];

/** Java's String.hashCode, which Kafka uses to place a group on a __consumer_offsets partition. */
function javaHashCode(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return h;
}

describe('3-broker cluster losing one broker mid-stream', () => {
  it('with replication 3 and min.insync.replicas 2, clean/augment/gate finish on 2 of 3 and after the node returns: no loss, no stuck group', { timeout: 900_000 }, async () => {
    const topology: Topology = await testTopology(kafka, 'failover', 'topologies/sentiment.yaml', (t) => ({
      ...t,
      topics: Object.fromEntries(Object.entries(t.topics).map(([name, topic]) => [name, { ...topic, replication: 3, config: { ...topic.config, 'min.insync.replicas': '2' } }])),
      stages: t.stages.filter((s) => s.kind !== 'train').map((s) => ({ ...s, batchSize: 500, sessionTimeoutMs: 10_000 })),
    }));
    const [clean, augment, gate] = topology.stages as [typeof topology.stages[0], typeof topology.stages[0], typeof topology.stages[0]];
    const declared = Object.keys(topology.topics);
    const described = await kafka.withAdmin((a) => a.describeTopics(declared));
    for (const t of described) for (const p of t.partitions) expect(p.replicas).toHaveLength(3);
    const file = writeTopologyFile(topology);

    let produced = 0;
    await produceInputs({ kafka, stage: clean, count: WAVES[0]!, tag: 'failover' });
    produced += WAVES[0]!;
    let run = startStages({ topologyFile: file, stages: 'clean,augment,gate', brokers: bootstrap, logLevel: 'info' });
    processes.push(run);
    // a process that exits is restarted, as a supervisor would, so the data checks still
    // run; the exits are recorded and fail the test at the end
    const exits: Array<{ code: number | null; stderr: string }> = [];
    const guard = (): void => {
      if (isRunning(run)) return;
      exits.push({ code: run.child.exitCode, stderr: summarizeLog(run.stderr()) });
      if (exits.length > 3) throw new Error(`the stage process keeps exiting: ${JSON.stringify(exits)}`);
      run = startStages({ topologyFile: file, stages: 'clean,augment,gate', brokers: bootstrap, logLevel: 'info' });
      processes.push(run);
    };
    await until('the first records to pass the gate', async () => (guard(), (await committed(kafka, gate)).done >= 1_000 ? true : undefined), 180_000);

    // the hardest broker to lose: the clean group's coordinator (the leader of its
    // __consumer_offsets partition, which Kafka picks by the group id's Java hash code)
    const offsets = await kafka.withAdmin((a) => a.describeTopics(['__consumer_offsets']));
    const coordinatorPartition = Math.abs(javaHashCode(clean.group)) % offsets[0]!.partitions.length;
    const victim = offsets[0]!.partitions.find((p) => p.partition === coordinatorPartition)!.leader;
    const survivors = manager.readState()!.nodes.filter((n) => n.nodeId !== victim).map((n) => n.pid);
    manager.killNode(victim, 'SIGKILL');
    const killedAt = Date.now();
    // the controller fences the dead broker after its session times out; until then its
    // partitions still name it as leader, and this test's own producer would dial it
    await until('leadership to move off the dead broker', async () => {
      const topics = await kafka.withAdmin((a) => a.describeTopics(declared));
      return topics.every((t) => t.partitions.every((p) => p.leader !== victim && p.leader >= 0)) ? true : undefined;
    }, 120_000, 500);
    const failoverMs = Date.now() - killedAt;

    // the stream goes on over two brokers: acks=all needs 2 in-sync replicas, and 2 are left
    await produceInputs({ kafka, stage: clean, count: WAVES[1]!, tag: 'failover', from: produced });
    produced += WAVES[1]!;
    const aliveAfterKill = isRunning(run) && exits.length === 0;
    await untilDrained(kafka, [clean, augment, gate], 180_000, guard).catch((err: Error) => {
      throw new Error(`${err.message}; exits ${JSON.stringify(exits.map((e) => e.code))}; what the stage process logged:\n${summarizeLog(run.stderr())}`);
    });
    const onTwoMs = Date.now() - killedAt;
    const isrWhileDown = await kafka.withAdmin((a) => a.describeTopics([clean.input]));
    expect(isrWhileDown[0]!.partitions.every((p) => !p.isr.includes(victim))).toBe(true);

    // `broker start` brings back only the dead node, from its own storage, while the others
    // keep serving; it rejoins and its replicas catch up
    const backAt = Date.now();
    const back = await manager.start({ brokers: 3 });
    expect(back.restartedNodes).toEqual([victim]);
    expect(back.nodes.filter((n) => n.nodeId !== victim).map((n) => n.pid)).toEqual(survivors);
    const restartedPid = back.nodes.find((n) => n.nodeId === victim)!.pid;
    await until('every replica back in sync', async () => {
      if (!pidAlive(restartedPid)) throw new Error(`the restarted node ${victim} exited; see ${manager.stateDir}/nodes/${victim}/logs`);
      const topics = await kafka.withAdmin((a) => a.describeTopics(declared));
      return topics.every((t) => t.partitions.every((p) => p.isr.length === 3)) ? true : undefined;
    }, 240_000, 1_000);
    const resyncMs = Date.now() - backAt;

    await produceInputs({ kafka, stage: clean, count: WAVES[2]!, tag: 'failover', from: produced });
    produced += WAVES[2]!;
    await untilDrained(kafka, [clean, augment, gate], 300_000, guard);

    // no stuck group: each stage's group still has exactly its one member, and lag is 0
    const members = await kafka.withAdmin(async (a) => Promise.all([clean, augment, gate].map((s) => a.groupMembers(s.group))));
    expect(members).toEqual([1, 1, 1]);
    const check = await checkCleanAugmentGate(kafka, topology);
    console.log(`[cluster-failover] ${JSON.stringify({ victim, coordinatorPartition, failoverMs, exits: exits.length, onTwoMs, aliveAfterKill, resyncMs, produced, stages: check.stages.map((s) => ({ stage: s.stage, in: s.in, out: s.out, quarantined: s.quarantined, duplicates: s.duplicates, generated: s.generated, lag: s.lag })) })}`);
    expect(check.lost).toEqual([]);
    for (const s of check.stages) {
      expect(s.identityHolds, `${s.stage} identity`).toBe(true);
      expect(s.lag, `${s.stage} lag`).toBe(0);
      expect(s.deadLettered, `${s.stage} dead letters`).toBe(0);
    }
    const cleanStatus = check.stages.find((s) => s.stage === 'clean')!;
    expect(cleanStatus.in).toBeGreaterThanOrEqual(produced);
    expect(cleanStatus.duplicates).toBe(0);
    expect(await stopProcess(run)).toEqual({ code: 0, signal: null });
    // the guarantee: losing one broker of three does not stop a stage process
    if (exits.length > 0) console.log(`[cluster-failover] the stage process exited ${exits.length} time(s):\n${exits.map((e) => `exit ${e.code}: ${e.stderr}`).join('\n')}`);
    expect(exits.map((e) => e.code)).toEqual([]);
  });
});
