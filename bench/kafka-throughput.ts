/**
 * Stage throughput through a real broker, against a raw kafkajs pass-through measured in
 * the same run on the same records: N generated reviews are produced once to a fresh
 * 3-partition topic; a plain consume → re-produce → commit loop, run once to warm up and
 * again to measure, sets the baseline; then
 * clean, augment and gate each run alone through the real StageRunner (at-least-once),
 * each reading the previous stage's output. Apache Kafka's own ProducerPerformance tool
 * gives the broker's produce ceiling on this machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildReview, resolveMix } from '../src/generate/index.js';
import { contentKey, DEFAULT_INGEST_LIMITS, validateReview } from '../src/ingest/index.js';
import { KafkaPort, type OutgoingMessage, type TopicSpec } from '../src/kafka/index.js';
import { encode } from '../src/records/index.js';
import { StageRunner } from '../src/runtime/stage-runner.js';
import { TransformStep } from '../src/runtime/transform-step.js';
import { getStage } from '../src/stages/registry.js';
import { preloadSynonyms } from '../src/stages/wordnet-synonyms.js';
import type { StageConfig } from '../src/topology/schema.js';
import { packageRoot } from '../src/util/paths.js';

export interface KafkaThroughputOptions {
  brokers: string[];
  records: number;
  /** Records ProducerPerformance sends. */
  ceilingRecords: number;
}

export interface PassResult {
  name: string;
  records: number;
  /** From starting the consumer (group join, state restore) to the last input record done. */
  seconds: number;
  recordsPerSec: number;
  /** Raw pass-through only: from the first record received to the last (the brief's definition). */
  firstToLastRecordsPerSec?: number;
  /** recordsPerSec / raw pass-through recordsPerSec (same start-to-done definition). */
  ratioToRaw: number;
  output: number;
  /**
   * This process's CPU (user + system) over the pass, per input record: the work a record
   * costs the client, which the machine's load moves far less than records/s. The
   * broker's CPU is not in it.
   */
  cpuMicrosPerRecord: number;
  /** Set when the pass stopped making progress before reading all its input. */
  stalled?: string;
}

export type CeilingResult =
  | { status: 'ok'; command: string; recordSize: number; records: number; recordsPerSec: number; mbPerSec: number; avgLatencyMs: number; line: string }
  | { status: 'skipped' | 'failed'; reason: string };

export interface KafkaThroughputResult {
  records: number;
  meanRawRecordBytes: number;
  partitions: number;
  /** Preloaded before the stage passes, so not part of augment's figure. */
  wordnetLoadMs: number;
  passes: PassResult[];
  /** The raw pass over a cold broker and client (the warm-up; the baseline is the pass after it). */
  coldRawRecordsPerSec: number;
  ceiling: CeilingResult;
  peakRssMb: number;
}

const PARTITIONS = 3;
const PRODUCE_CHUNK = 5_000;
const POLL_MS = 5;
const PASS_TIMEOUT_MS = 600_000;
const STALL_MS = 60_000;
const COMPACTED = { 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.1', 'segment.ms': '600000' };

/** N valid generated reviews (deliberately invalid ones are skipped, as `produce` would), encoded. */
function buildMessages(count: number): OutgoingMessage[] {
  const mix = resolveMix();
  const now = Date.now();
  const out: OutgoingMessage[] = [];
  for (let index = 0; out.length < count; index++) {
    const checked = validateReview(buildReview({ seed: 42, index, mix }), { line: index + 1, limits: DEFAULT_INGEST_LIMITS, now, defaultSource: 'bench' });
    if (!checked.ok) continue;
    out.push({ key: contentKey(checked.record.text), value: encode('review-raw', checked.record) });
  }
  return out;
}

async function topicSize(kafka: KafkaPort, topic: string): Promise<number> {
  const offsets = await kafka.withAdmin((a) => a.topicOffsets(topic));
  return offsets.reduce((n, o) => n + o.high - o.low, 0);
}

async function waitFor(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + PASS_TIMEOUT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`bench: ${what} did not finish within ${PASS_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Microseconds of this process's CPU since `from` (a process.cpuUsage()), per record. */
function cpuMicrosPerRecord(from: NodeJS.CpuUsage, records: number): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / Math.max(1, records);
}

/** The baseline: consume, re-produce the same bytes, commit once the produce is acknowledged. */
export async function rawPassThrough(kafka: KafkaPort, o: { input: string; output: string; group: string; expected: number }): Promise<Omit<PassResult, 'ratioToRaw'>> {
  const producer = kafka.producer();
  await producer.connect();
  const consumer = kafka.consumer({ groupId: o.group, topics: [o.input], fromBeginning: true });
  let seen = 0;
  let first = 0;
  let last = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await consumer.run(async (batch, controls) => {
    if (seen === 0) first = performance.now();
    await producer.send([{ topic: o.output, messages: batch.messages.map((m) => ({ key: m.key, value: m.value })) }]);
    const lastMessage = batch.messages[batch.messages.length - 1];
    if (lastMessage) await controls.commit([{ topic: batch.topic, partition: batch.partition, offset: lastMessage.offset + 1 }]);
    seen += batch.messages.length;
    last = performance.now();
  });
  await waitFor(() => seen >= o.expected, 'raw pass-through');
  const cpuPerRecord = cpuMicrosPerRecord(cpu, seen);
  await consumer.stop();
  await producer.disconnect();
  const seconds = (last - started) / 1000;
  return {
    name: 'raw pass-through (kafkajs consume → produce → commit)',
    records: seen,
    seconds,
    recordsPerSec: seen / seconds,
    firstToLastRecordsPerSec: seen / ((last - first) / 1000),
    cpuMicrosPerRecord: cpuPerRecord,
    output: await topicSize(kafka, o.output),
  };
}

/**
 * The baseline as the stages meet it: the raw pass run once to warm the broker's JVM and
 * kafkajs's code paths (a cold first pass is up to 1.5× slower, which flattered every
 * ratio to it), then again to measure. The cold figure is kept for the record.
 */
export async function warmRawPassThrough(kafka: KafkaPort, o: { input: string; output: string; group: string; expected: number }): Promise<Omit<PassResult, 'ratioToRaw'> & { coldRecordsPerSec: number }> {
  const partitions = (await kafka.withAdmin((a) => a.topicOffsets(o.input))).length;
  const warmUp = { output: `${o.output}.warm-up`, group: `${o.group}.warm-up` };
  await kafka.withAdmin((a) => a.ensureTopics([{ name: warmUp.output, partitions, replicationFactor: 1 }]));
  try {
    const cold = await rawPassThrough(kafka, { ...o, ...warmUp });
    return { ...(await rawPassThrough(kafka, o)), coldRecordsPerSec: cold.recordsPerSec };
  } finally {
    await kafka.withAdmin(async (a) => {
      await a.deleteTopics([warmUp.output]);
      await a.deleteGroups([warmUp.group]);
    }).catch((err: unknown) => console.error('bench: deleting the warm-up pass topic or group failed', err));
  }
}

function stageConfig(kind: string, prefix: string, input: string): StageConfig {
  const routes = kind === 'gate' ? { quarantine: `${prefix}.quarantine`, quality: `${prefix}.quality` } : {};
  return {
    id: kind,
    kind,
    input,
    output: `${prefix}.${kind}.out`,
    deadLetter: `${prefix}.dlq`,
    ...routes,
    group: `${prefix}.${kind}`,
    instances: 1,
    sessionTimeoutMs: 30_000,
    batchSize: 2_000,
    options: getStage(kind).options.parse({}) as Record<string, unknown>,
  };
}

/** What `topics create` makes for a stage: its output plus compacted changelog and stats. */
function stageTopics(stage: StageConfig): TopicSpec[] {
  const specs: TopicSpec[] = [
    { name: stage.output, partitions: PARTITIONS, replicationFactor: 1 },
    { name: `${stage.group}.changelog`, partitions: PARTITIONS, replicationFactor: 1, config: COMPACTED },
    { name: `${stage.group}.stats`, partitions: 1, replicationFactor: 1, config: COMPACTED },
  ];
  for (const t of [stage.quarantine, stage.quality, stage.deadLetter]) if (t) specs.push({ name: t, partitions: 1, replicationFactor: 1 });
  return specs;
}

/**
 * Runs one stage until it has read `expected` records, or until it makes no progress for
 * STALL_MS: a stalled pass is reported (with its rate up to the stall), not fatal, so the
 * other figures still come out.
 */
async function stagePass(kafka: KafkaPort, stage: StageConfig, expected: number): Promise<Omit<PassResult, 'ratioToRaw'>> {
  const runner = new StageRunner({ kafka, steps: [new TransformStep(stage, getStage(stage.kind), kafka)], delivery: 'at-least-once', instance: 'bench' });
  const cpu = process.cpuUsage();
  const started = performance.now();
  let lastIn = 0;
  let lastProgress = started;
  await runner.start();
  let stalled = false;
  await waitFor(() => {
    const seen = runner.progress().session.in;
    const now = performance.now();
    if (seen !== lastIn) [lastIn, lastProgress] = [seen, now];
    stalled = now - lastProgress > STALL_MS;
    return seen >= expected || stalled;
  }, `stage ${stage.kind}`);
  const seconds = (lastProgress - started) / 1000;
  const records = runner.progress().session.in;
  const cpuPerRecord = cpuMicrosPerRecord(cpu, records);
  await runner.stop();
  const stall = stalled ? { stalled: `no progress for ${STALL_MS / 1000} s after ${records} of ${expected} records; rate is up to the stall` } : {};
  return { name: `${stage.kind} (StageRunner, at-least-once)`, records, seconds, recordsPerSec: records / seconds, cpuMicrosPerRecord: cpuPerRecord, output: await topicSize(kafka, stage.output), ...stall };
}

/** Apache Kafka's producer tool: what the broker takes from a fast client on this machine. */
function producerCeiling(o: { brokers: string[]; topic: string; records: number; recordSize: number }): CeilingResult {
  const libs = join(packageRoot(), 'kafka', 'libs');
  if (!existsSync(libs)) return { status: 'skipped', reason: `${libs} absent (the embedded broker was never provisioned)` };
  const args = ['-cp', `${libs}/*`, 'org.apache.kafka.tools.ProducerPerformance', '--topic', o.topic, '--num-records', String(o.records)];
  args.push('--record-size', String(o.recordSize), '--throughput', '-1', '--producer-props', `bootstrap.servers=${o.brokers.join(',')}`, 'acks=all');
  const run = spawnSync('java', args, { encoding: 'utf8', timeout: 300_000 });
  if (run.error) return { status: 'skipped', reason: `java not runnable: ${run.error.message}` };
  const line = run.stdout.trim().split('\n').reverse().find((l) => l.includes('records sent'));
  // "200000 records sent, 95011.8 records/sec (21.38 MB/sec), 1024.5 ms avg latency, ..."
  const match = line ? /([0-9.]+) records\/sec \(([0-9.]+) MB\/sec\), ([0-9.]+) ms avg latency/.exec(line) : null;
  if (run.status !== 0 || !line || !match) return { status: 'failed', reason: `ProducerPerformance exited ${run.status}: ${(run.stderr || run.stdout).slice(-300)}` };
  return {
    status: 'ok',
    command: `java -cp 'kafka/libs/*' org.apache.kafka.tools.ProducerPerformance ${args.slice(3).join(' ')}`,
    recordSize: o.recordSize,
    records: o.records,
    recordsPerSec: Number(match[1]),
    mbPerSec: Number(match[2]),
    avgLatencyMs: Number(match[3]),
    line,
  };
}

export async function benchKafkaThroughput(options: KafkaThroughputOptions): Promise<KafkaThroughputResult> {
  const kafka = new KafkaPort({ brokers: options.brokers, clientId: 'reviewflow-bench', connectionTimeoutMs: 3000, requestTimeoutMs: 30000 });
  const prefix = `bench-${Date.now().toString(36)}`;
  const input = `${prefix}.raw`;
  const messages = buildMessages(options.records);
  const meanRawRecordBytes = Math.round(messages.reduce((n, m) => n + (m.value?.length ?? 0), 0) / messages.length);
  const stages = [stageConfig('clean', prefix, input)];
  stages.push(stageConfig('augment', prefix, stages[0]!.output));
  stages.push(stageConfig('gate', prefix, stages[1]!.output));
  const specs: TopicSpec[] = [input, `${prefix}.raw.out`, `${prefix}.ceiling`].map((name) => ({ name, partitions: PARTITIONS, replicationFactor: 1 }));
  for (const s of stages) specs.push(...stageTopics(s));
  const unique = [...new Map(specs.map((s) => [s.name, s])).values()];
  await kafka.withAdmin((a) => a.ensureTopics(unique));
  try {
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < messages.length; i += PRODUCE_CHUNK) await producer.send([{ topic: input, messages: messages.slice(i, i + PRODUCE_CHUNK) }]);
    await producer.disconnect();

    const raw = await warmRawPassThrough(kafka, { input, output: `${prefix}.raw.out`, group: `${prefix}.raw`, expected: options.records });
    const { coldRecordsPerSec: coldRawRecordsPerSec, ...rawPass } = raw;
    const passes: PassResult[] = [{ ...rawPass, ratioToRaw: 1 }];
    let expected = options.records;
    const wordnetStarted = performance.now();
    preloadSynonyms(); // a one-time start-up cost (see benchWordnetLoad), kept out of augment's rate
    const wordnetLoadMs = Math.round(performance.now() - wordnetStarted);
    for (const stage of stages) {
      const pass = await stagePass(kafka, stage, expected);
      passes.push({ ...pass, ratioToRaw: pass.recordsPerSec / raw.recordsPerSec });
      expected = pass.output; // the next stage reads this stage's output
    }
    const ceiling = producerCeiling({ brokers: options.brokers, topic: `${prefix}.ceiling`, records: options.ceilingRecords, recordSize: meanRawRecordBytes });
    return { records: options.records, meanRawRecordBytes, partitions: PARTITIONS, wordnetLoadMs, passes, coldRawRecordsPerSec, ceiling, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    // a failed clean-up is reported, never allowed to hide the error that ended the run
    await kafka.withAdmin((a) => a.deleteTopics(unique.map((s) => s.name))).catch((err: unknown) => console.error('bench: deleting topics failed', err));
    for (const group of [`${prefix}.raw`, ...stages.map((s) => s.group)]) {
      await kafka.withAdmin((a) => a.deleteGroups([group])).catch((err: unknown) => console.error(`bench: deleting group ${group} failed (it may never have been created)`, err));
    }
  }
}
