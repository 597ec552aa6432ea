import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRetriable } from '../../src/errors.js';
import { collectStatus, type StageStatus } from '../../src/runtime/status.js';
import { IngestProducer } from '../../src/ingest/index.js';
import type { KafkaPort } from '../../src/kafka/index.js';
import { decode, encode } from '../../src/records/index.js';
import type { Review } from '../../src/records/types.js';
import type { StageConfig, Topology } from '../../src/topology/index.js';
import { CLI } from '../helpers/cli.js';

/** mulberry32, so every trial plan is reproducible from the file's seed. */
export { mulberry32 as seededRandom } from '../../src/util/hash.js';

const WORDS = ['battery', 'screen', 'plot', 'waiter', 'pasta', 'camera', 'hotel', 'chapter', 'sound', 'price', 'delivery', 'actor', 'charger', 'soundtrack', 'lobby', 'sauce'];
const GOOD = ['great', 'lovely', 'superb', 'fine', 'excellent', 'wonderful'];
const BAD = ['awful', 'poor', 'broken', 'dull', 'terrible', 'disappointing'];

/** A unique, labeled, gate-worthy text: no record of a trial is a legitimate duplicate. */
export function uniqueText(i: number, tag: string, padWords = 0): string {
  const label = i % 2;
  const words = label ? GOOD : BAD;
  const base = `review ${i} of ${tag}: the ${WORDS[i % WORDS.length]} was ${words[i % words.length]} and the ${WORDS[(i * 7) % WORDS.length]} felt ${words[(i * 3) % words.length]}, item number ${i * 31} overall`;
  if (padWords === 0) return base;
  const pad = Array.from({ length: padWords }, (_, k) => `${WORDS[(i + k * 5) % WORDS.length]}${(i * 13 + k) % 97}`);
  return `${base}. ${pad.join(' ')}`;
}

/** A processed review, as clean would write it: the input of augment, gate and train. */
export function reviewRecord(i: number, tag: string, padWords = 0): Review {
  return {
    id: `${tag}-${i}`,
    text: uniqueText(i, tag, padWords),
    label: i % 2,
    source: 'faults',
    ingestedAt: 0,
    augmented: false,
    parentId: null,
    lineage: { sourceTopic: 'raw', sourcePartition: 0, sourceOffset: i, stages: ['clean'] },
    redactions: { email: 0, phone: 0, url: 0, card: 0, iban: 0, ip: 0 },
  };
}

/**
 * Keeps only one stage of a (namespaced) topology and the topics it touches, with its
 * input as the ingest topic: fewer topics per trial on a shared broker.
 */
export function onlyStage(topology: Topology, stageId: string, change: (s: StageConfig) => StageConfig = (s) => s): Topology {
  const stage = change(topology.stages.find((s) => s.id === stageId)!);
  const used = new Set([stage.input, stage.output, stage.quarantine, stage.deadLetter, stage.quality].filter((t): t is string => t !== undefined));
  const topics = Object.fromEntries(Object.entries(topology.topics).filter(([name]) => used.has(name)));
  return { ...topology, ingest: stage.input, topics, stages: [stage] };
}

/** Produces records 0..count-1 of `tag` to the stage's input, raw or processed as it reads. */
export async function produceInputs(options: { kafka: KafkaPort; stage: StageConfig; count: number; tag: string; from?: number; padWords?: number }): Promise<void> {
  const { kafka, stage, count, tag } = options;
  const from = options.from ?? 0;
  const chunk = 5_000;
  if (stage.kind === 'clean') {
    const producer = new IngestProducer({ kafka, topic: stage.input });
    await producer.connect();
    for (let start = from; start < from + count; start += chunk) {
      const n = Math.min(chunk, from + count - start);
      await producer.send(Array.from({ length: n }, (_, k) => ({ id: `${tag}-${start + k}`, text: uniqueText(start + k, tag, options.padWords), label: (start + k) % 2 })));
    }
    await producer.close();
    return;
  }
  const producer = kafka.producer();
  await producer.connect();
  for (let start = from; start < from + count; start += chunk) {
    const n = Math.min(chunk, from + count - start);
    const messages = Array.from({ length: n }, (_, k) => ({ key: `${tag}-${start + k}`, value: encode('review', reviewRecord(start + k, tag, options.padWords)) }));
    await producer.send([{ topic: stage.input, messages }]);
  }
  await producer.disconnect();
}

export interface StageProcess {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `reviewflow run --stages ...` as a user starts it, against the given brokers. */
export function startStages(options: { topologyFile: string; stages: string; brokers: string; logLevel?: string }): StageProcess {
  const child = spawn(process.execPath, [CLI, '--topology', options.topologyFile, 'run', '--stages', options.stages], {
    env: { ...process.env, KAFKA_BROKERS: options.brokers, REVIEWFLOW_LOG_LEVEL: options.logLevel ?? 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000); // keep the tail only
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => stderr, exited };
}

export function isRunning(p: StageProcess): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}

/** SIGTERM, then SIGKILL if the drain takes longer than `graceMs`. */
export async function stopProcess(p: StageProcess, graceMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (isRunning(p)) p.child.kill('SIGTERM');
  const outcome = await Promise.race([p.exited, sleep(graceMs).then(() => undefined)]);
  if (outcome) return outcome;
  p.child.kill('SIGKILL');
  return p.exited;
}

/**
 * Polls `probe` until it returns a value, or fails with what it waited for. A retriable
 * error counts as "not yet": a cluster that just started or is failing over answers some
 * requests with NOT_COORDINATOR and the like for a while.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve()
      .then(probe)
      .catch((err: unknown) => {
        if (isRetriable(err) && Date.now() <= deadline) return undefined;
        throw err;
      });
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Committed progress of a stage's group over its input: records done and lag. */
export async function committed(kafka: KafkaPort, stage: StageConfig): Promise<{ done: number; lag: number }> {
  const lag = await kafka.withAdmin((a) => a.groupLag(stage.group, stage.input));
  return { done: lag.partitions.reduce((n, p) => n + Math.max(0, p.committed), 0), lag: lag.total };
}

/** Ids of every record on a topic (review, raw review or quarantine record), in topic order. */
export async function topicIds(kafka: KafkaPort, topic: string, kind: 'review' | 'review-raw' | 'quarantine', readCommitted = false): Promise<string[]> {
  const ids: string[] = [];
  await kafka.readToEnd({ topic, readCommitted, timeoutMs: 180_000 }, (m) => {
    if (!m.value) return;
    if (kind === 'quarantine') ids.push(decode('quarantine', m.value).review.id);
    else ids.push(decode(kind, m.value).id);
  });
  return ids;
}

/** Ids that appear more than once. */
export function repeated(ids: string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) (seen.has(id) ? twice : seen).add(id);
  return [...twice];
}

/** Waits until every listed stage's group has committed its whole input. */
export async function untilDrained(kafka: KafkaPort, stages: StageConfig[], timeoutMs: number, guard?: () => void): Promise<void> {
  await until(`stages ${stages.map((s) => s.id).join(', ')} to reach lag 0`, async () => {
    guard?.();
    for (const s of stages) {
      const { lag, done } = await committed(kafka, s);
      if (lag > 0 || done === 0) return undefined;
    }
    return true;
  }, timeoutMs, 1_000);
}

export interface PipelineCheck {
  /** Input ids that reached neither the gate's accepted nor its quarantine topic. */
  lost: string[];
  stages: StageStatus[];
}

/** clean → augment → gate: where every ingested id ended, and each stage's counters. */
export async function checkCleanAugmentGate(kafka: KafkaPort, topology: Topology): Promise<PipelineCheck> {
  const gate = topology.stages.find((s) => s.id === 'gate')!;
  const inputIds = await topicIds(kafka, topology.ingest, 'review-raw');
  const reached = new Set([...(await topicIds(kafka, gate.output, 'review')), ...(await topicIds(kafka, gate.quarantine!, 'quarantine'))]);
  const { stages } = await collectStatus(kafka, topology);
  const wanted = new Set(['clean', 'augment', 'gate']);
  return { lost: inputIds.filter((id) => !reached.has(id)), stages: stages.filter((s) => wanted.has(s.stage)) };
}

/** Distinct pino messages of a process's stderr (with their error's message), counted: what it kept doing. */
export function summarizeLog(stderr: string): string {
  const counts = new Map<string, number>();
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { msg?: string; err?: { message?: string } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch (err) {
      if (err instanceof SyntaxError) continue; // a line cut by the tail window
      throw err;
    }
    const key = `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message.slice(0, 240)}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n}× ${k}`).join('\n');
}
