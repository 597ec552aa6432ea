import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaVersion } from '../../src/broker/provision.js';
import { KafkaPort } from '../../src/kafka/index.js';
import { subscribeModels, type ModelSubscription } from '../../src/subscription/subscribe.js';
import type { ModelVersion } from '../../src/records/types.js';
import { builtinKinds } from '../../src/runtime/kinds.js';
import { loadTopology } from '../../src/topology/index.js';
import { runCli } from '../helpers/cli.js';
import { checkCleanAugmentGate, committed, untilDrained, until } from '../faults/helpers.js';
import { shuffled } from '../helpers/shuffle.js';

/**
 * docker-compose.yml for real (npm run test:compose, which builds the images first): three
 * KRaft brokers, every stage and the trainer in containers; real reviews produced from the
 * host CLI through the published listeners; a broker and a stage killed mid-stream; the
 * data accounted for at the end; a host subscriber on the last version; a stage scaled to
 * three members; `down -v` leaving nothing. The compose commands are the README's.
 */

const RT = '../shared/data/rt-polarity/rt-polarity.jsonl';
/** `docker compose` (v2) or `docker-compose` (1.29), as scripts/test-compose.sh found it. */
const COMPOSE = (process.env.REVIEWFLOW_COMPOSE ?? 'docker compose').split(' ');
const PROJECT = process.env.COMPOSE_PROJECT_NAME ?? 'reviewflow-compose-test';
const HOST_BROKERS = 'localhost:9092,localhost:9094,localhost:9096';
const TOPOLOGY = 'topologies/compose.yaml';
/** rt-polarity in three waves: before the faults, while a broker is down, after it is back. */
const WAVES = [5_000, 3_000, 2_662];

function docker(args: string[], timeoutMs = 300_000): string {
  const [bin, ...pre] = args[0] === 'compose' ? COMPOSE : ['docker'];
  const rest = args[0] === 'compose' ? args.slice(1) : args;
  const result = spawnSync(bin!, [...pre, ...rest], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, COMPOSE_PROJECT_NAME: PROJECT } });
  if (result.status !== 0) throw new Error(`${[bin, ...pre, ...rest].join(' ')} failed (${result.status ?? result.signal}):\n${(result.stderr ?? '').slice(-3000)}`);
  return result.stdout;
}

/** The `docker compose ...` lines of the README's compose section, as argument lists. */
function readmeComposeCommands(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const section = /^## Docker compose\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
  return [...section.matchAll(/^(?:\S+=\S+ )?docker compose ([^#\n]*?)\s*(?:#.*)?$/gm)].map((m) => m[1]!);
}

function engineAnswers(): boolean {
  return spawnSync('docker', ['info'], { timeout: 10_000 }).status === 0;
}

const enabled = existsSync(RT) && engineAnswers();
if (!enabled) console.log(`[compose] skipped: ${existsSync(RT) ? 'no Docker engine answers (run it through `npm run test:compose`, which starts one)' : `${RT} is absent`}`);

describe.runIf(enabled)('docker-compose.yml topology', () => {
  const topology = loadTopology(TOPOLOGY, { kinds: builtinKinds.forValidation() });
  const stage = (id: string) => topology.stages.find((s) => s.id === id)!;
  const kafka = new KafkaPort({ brokers: HOST_BROKERS.split(','), clientId: 'reviewflow-compose-test', connectionTimeoutMs: 3_000, requestTimeoutMs: 30_000 });
  const dir = mkdtempSync(join(tmpdir(), 'reviewflow-compose-'));
  const figures: Record<string, number | string> = { compose: COMPOSE.join(' '), kafkaImage: process.env.REVIEWFLOW_KAFKA_IMAGE ?? `apache/kafka:${kafkaVersion()}` };
  const swaps: number[] = [];
  let subscription: ModelSubscription | undefined;
  let produced = 0;
  const started = Date.now();

  const commands = readmeComposeCommands();
  /** A README compose command, run; the test fails when the README lacks it. */
  const readme = (command: string): string => {
    expect(commands, `README's "Docker compose" section shows \`docker compose ${command}\``).toContain(command);
    return docker(['compose', ...command.split(' ')]);
  };
  const timed = async <T>(name: string, step: () => Promise<T> | T): Promise<T> => {
    const at = Date.now();
    const value = await step();
    figures[`${name}S`] = Math.round((Date.now() - at) / 100) / 10;
    return value;
  };

  /** Produces the next `count` shuffled rt-polarity records with the host CLI, as the README shows. */
  const produceWave = async (count: number): Promise<void> => {
    const records = shuffled(readFileSync(RT, 'utf8').trim().split('\n'), 2024).slice(produced, produced + count);
    const file = join(dir, `wave-${produced}.jsonl`);
    writeFileSync(file, records.join('\n') + '\n');
    const result = await runCli(['--topology', TOPOLOGY, 'produce', '--file', file], { env: { KAFKA_BROKERS: HOST_BROKERS }, timeoutMs: 180_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json.at(-1)).toMatchObject({ produced: count, rejected: 0 });
    produced += count;
  };
  const versions = async (): Promise<ModelVersion[]> => {
    const result = await runCli(['--topology', TOPOLOGY, 'models', 'list'], { env: { KAFKA_BROKERS: HOST_BROKERS } });
    expect(result.code, result.stderr).toBe(0);
    return result.json.filter((l) => 'version' in l) as unknown as ModelVersion[];
  };
  const newVersion = (after: number, what: string, timeoutMs = 180_000): Promise<ModelVersion> =>
    until(what, async () => (await versions()).find((v) => v.version > after), timeoutMs, 2_000);

  beforeAll(() => {
    docker(['compose', 'down', '-v', '--remove-orphans']); // what an interrupted run left
  }, 300_000);
  afterAll(async () => {
    await subscription?.close();
    docker(['compose', 'down', '-v', '--remove-orphans']);
    figures.totalS = Math.round((Date.now() - started) / 1000);
    console.log(`[compose] ${JSON.stringify(figures)}`);
  }, 300_000);

  it('compose up starts 3 brokers, creates the topics and runs every stage', async () => {
    await timed('up', () => readme('up -d'));
    const states = docker(['compose', 'ps', '-a']);
    for (const service of ['kafka-1', 'kafka-2', 'kafka-3', ...topology.stages.map((s) => s.id)]) expect(states, service).toMatch(new RegExp(`${service}.*Up`));
    expect(await kafka.withAdmin((a) => a.listTopics())).toEqual(expect.arrayContaining(Object.keys(topology.topics)));
  }, 600_000);

  it('rt-polarity produced from the host reaches the trainer, which publishes 2 versions', async () => {
    await timed('firstWave', async () => {
      // in two halves: a trainer that drained the whole wave before its first candidate
      // (one every 20 s) would have nothing new for a second version
      const half = Math.floor(WAVES[0]! / 2);
      await produceWave(half);
      await newVersion(0, 'the first model version');
      await produceWave(WAVES[0]! - half);
      await newVersion(1, 'the second model version');
    });
    subscription = await subscribeModels({ kafka, topic: topology.stages.find((s) => s.kind === 'train')!.output, model: 'sentiment' }, (m) => swaps.push(m.version));
    await subscription.ready(60_000);
  }, 600_000);

  it('compose kill of a broker and a stage mid-stream: a version is published while the broker is down, nothing is lost', async () => {
    const before = Math.max(...(await versions()).map((v) => v.version));
    await timed('brokerDown', async () => {
      docker(['compose', 'kill', 'kafka-2', 'gate']);
      await produceWave(WAVES[1]!);
      docker(['compose', 'start', 'gate']);
      const published = await newVersion(before, 'a model version while kafka-2 is down');
      figures.versionWhileBrokerDown = published.version;
      expect(docker(['compose', 'ps', 'kafka-2'])).not.toMatch(/kafka-2.*\bUp\b/);
    });
    await timed('brokerBack', async () => {
      docker(['compose', 'start', 'kafka-2']);
      await until('every replica back in sync', async () => {
        const topics = await kafka.withAdmin((a) => a.describeTopics(Object.keys(topology.topics)));
        return topics.every((t) => t.partitions.every((p) => p.isr.length === 3)) ? true : undefined;
      }, 240_000, 2_000);
    });
    await timed('drain', async () => {
      await produceWave(WAVES[2]!);
      await untilDrained(kafka, topology.stages, 300_000);
    });

    const check = await checkCleanAugmentGate(kafka, topology);
    expect(check.lost).toEqual([]);
    const train = await committed(kafka, stage('train'));
    expect(train.lag).toBe(0);
    const status = (await runCli(['--topology', TOPOLOGY, 'status'], { env: { KAFKA_BROKERS: HOST_BROKERS } })).json.filter((l) => l.type === 'stage');
    expect(status.map((s) => s.stage)).toEqual(topology.stages.map((s) => s.id));
    for (const s of status) {
      expect(s.identityHolds, `${String(s.stage)} identity`).toBe(true);
      expect(s.lag, `${String(s.stage)} lag`).toBe(0);
      expect(s.deadLettered, `${String(s.stage)} dead letters`).toBe(0);
    }
    expect(status[0]!.in).toBeGreaterThanOrEqual(produced);
    figures.records = produced;
    const gate = status.find((s) => s.stage === 'gate')!;
    figures.gateOut = Number(gate.out);
    figures.gateDuplicates = Number(gate.duplicates);
  }, 900_000);

  it('a subscriber on the host hot-swaps to the last version, trained through the end of the accepted topic', async () => {
    const accepted = await kafka.withAdmin((a) => a.topicOffsets(stage('train').input));
    const ends = new Map(accepted.map((p) => [p.partition, p.high]));
    const last = await until('a version trained through every accepted record', async () => {
      const all = await versions();
      const v = all.at(-1);
      return v && v.offsets.every((o) => o.offset === ends.get(o.partition)) ? v : undefined;
    }, 120_000, 2_000);
    await until(`the subscriber to swap to v${last.version}`, () => (subscription!.current()?.version === last.version ? true : undefined), 60_000);
    expect(subscription!.predict(['a wonderful , moving film']).version).toBe(last.version);
    expect(swaps.length).toBeGreaterThanOrEqual(2);
    figures.versions = last.version;
    figures.lastHoldoutAccuracy = last.metrics.holdoutAccuracy ?? 'none';
    figures.backend = `${last.backend}/${last.executor}`;
  }, 300_000);

  it('compose up --scale clean=3 puts three members in the clean group', async () => {
    await timed('scale', async () => {
      readme('up -d --scale clean=3');
      await until('3 members in the clean group', async () => ((await kafka.withAdmin((a) => a.groupMembers(stage('clean').group))) === 3 ? true : undefined), 180_000, 2_000);
    });
  }, 300_000);

  it('compose down -v leaves no container, network or volume behind', async () => {
    await subscription?.close();
    subscription = undefined;
    await timed('down', () => readme('down -v'));
    const label = `label=com.docker.compose.project=${PROJECT}`;
    expect(docker(['ps', '-a', '-q', '--filter', label]).trim()).toBe('');
    expect(docker(['network', 'ls', '-q', '--filter', label]).trim()).toBe('');
    expect(docker(['volume', 'ls', '-q', '--filter', label]).trim()).toBe('');
  }, 300_000);
});
