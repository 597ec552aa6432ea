/**
 * The compute ceiling of the whole topology: no Kafka at all, one process, one core. The
 * e2e bench's records (same generator, seed and ingest validation, Avro-encoded as
 * `review-raw`) go through clean → augment → gate exactly as a StageRunner runs each
 * chunk (TransformStep: decode, transform, route, encode, flush, changelog, stats), each
 * stage's output-topic records becoming the next stage's input, then through the
 * trainer's per-chunk work as the train step does it (decode, trainBatch, candidates).
 * What Kafka would add (fetch, produce, commit, the wire) is left out, so the result is an
 * upper bound on records/s — a lower bound on the cost per record.
 *
 *   npm run build && node dist/bench/compute-ceiling.js [--records N]   (prints JSON)
 */
import { join } from 'node:path';
import { builtinKinds } from '../src/runtime/kinds.js';
import { pathToFileURL } from 'node:url';
import { generateReviews } from '../src/generate/index.js';
import { contentKey, resolveLimits, validateReview } from '../src/ingest/index.js';
import type { ConsumedBatch, ConsumedMessage, KafkaPort, OutgoingMessage } from '../src/kafka/index.js';
import { decode, encode } from '../src/records/index.js';
import type { RawReview } from '../src/records/types.js';
import type { StageConfig, Topology } from '../src/topology/index.js';
import { loadTopology } from '../src/topology/index.js';
import { TransformStep, takeTopic } from '../src/runtime/transform-step.js';
import { fusedOrigin, runChain } from '../src/runtime/fusion.js';
import { getStage } from '../src/stages/registry.js';
import { preloadSynonyms } from '../src/stages/wordnet-synonyms.js';
import { loadBackend, Trainer, trainerOptions, type BackendInfo, type TrainRecord } from '../src/trainer/index.js';
import { traceStep } from '../src/telemetry/index.js';
import { packageRoot } from '../src/util/paths.js';

export interface ComputeCeilingOptions {
  /** Raw records (default 50,000). */
  records?: number;
  /** Timed repetitions, each with fresh stage state and a fresh trainer (default 3). */
  repetitions?: number;
}

type Phase = 'clean' | 'augment' | 'gate' | 'train' | 'candidates';
const PHASES: readonly Phase[] = ['clean', 'augment', 'gate', 'train', 'candidates'];

export interface Repetition {
  seconds: Record<Phase, number>;
  /** clean+augment+gate as one fused chain (runChain: decoded reviews handed over in memory). */
  fusedSeconds: number;
  /** Records each stage routed to its output topic; the trainer's: examples it took in. */
  out: Record<'clean' | 'augment' | 'gate' | 'trained', number>;
  candidates: { published: number; rejected: number };
}

export interface ComputeCeilingResult {
  records: number;
  partitions: number;
  chunk: number;
  trainChunk: number;
  backend: string;
  /** Median over repetitions of records ÷ (clean + augment + gate seconds). */
  stagesOnly: { recordsPerSec: number; seconds: number };
  /** The same with the trainer's decode + trainBatch and candidate forming added. */
  withTrain: { recordsPerSec: number; seconds: number };
  /** clean+augment+gate fused (as `fuse: true` runs them), median over repetitions. */
  stagesFused: { recordsPerSec: number; seconds: number };
  /** Median µs per raw record of each phase. */
  microsPerRawRecord: Record<Phase, number>;
  repetitions: Repetition[];
  notes: string[];
}

/** The e2e bench's topology file, options parsed with defaults filled in. */
function defaultTopology(): Topology {
  return loadTopology(join(packageRoot(), 'topologies', 'sentiment.yaml'), { kinds: builtinKinds.forValidation() });
}

/** A key-hash partitioner: records with one key stay in one partition through every stage, as with Kafka's. */
function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % partitions;
}

/**
 * The e2e backlog's reviews as the ingest topic holds them: `produceBacklog` sends chunks
 * of 5,000 generated events through IngestProducer, which validates each (line = index in
 * the chunk + 1, source 'bench'). The pure-stage bench times the transforms on these too.
 */
export function backlogReviews(count: number): RawReview[] {
  const limits = resolveLimits(undefined);
  const events = generateReviews({ count: Number.MAX_SAFE_INTEGER, seed: 11 });
  const out: RawReview[] = [];
  while (out.length < count) {
    const now = Date.now();
    const size = Math.min(5_000, count - out.length);
    for (let index = 0; index < size; index++) {
      const result = validateReview(events.next().value, { line: index + 1, limits, now, defaultSource: 'bench' });
      if (result.ok) out.push(result.record);
    }
  }
  return out;
}

/** The backlog keyed by content and Avro-encoded, in the partitions its keys hash to. */
function rawBacklog(count: number, partitions: number): ConsumedMessage[][] {
  const byPartition: ConsumedMessage[][] = Array.from({ length: partitions }, () => []);
  for (const record of backlogReviews(count)) {
    const key = contentKey(record.text);
    const list = byPartition[partitionOf(key, partitions)]!;
    list.push({ key: Buffer.from(key), value: encode('review-raw', record), headers: {}, offset: list.length, timestamp: record.ingestedAt });
  }
  return byPartition;
}

/** What a consumer of the output topic would read back: keys as bytes, offsets counting up. */
function asConsumed(outputs: OutgoingMessage[], firstOffset: number, timestamp: number): ConsumedMessage[] {
  return outputs.map((m, i) => ({
    key: typeof m.key === 'string' ? Buffer.from(m.key) : m.key,
    value: m.value,
    headers: m.headers ?? {},
    offset: firstOffset + i,
    timestamp,
  }));
}

/** Restoring from topics that do not exist yet: every partition starts from fresh state. */
const NO_TOPICS = { readToEnd: async () => 0 } as unknown as KafkaPort;

/** Every partition's records in chunks of `size`, as StageRunner.onBatch cuts a fetch. */
function* chunksOf(input: ConsumedMessage[][], size: number, topic: string): Generator<{ chunk: ConsumedBatch; nextOffset: number }> {
  for (const [partition, messages] of input.entries()) {
    for (let start = 0; start < messages.length; start += size) {
      const chunk: ConsumedBatch = { topic, partition, messages: messages.slice(start, start + size), highWatermark: messages.length, lastOffset: messages.length - 1 };
      yield { chunk, nextOffset: chunk.messages[chunk.messages.length - 1]!.offset + 1 };
    }
  }
}

/** One stage over every partition, in chunks of its batchSize. */
async function runStage(stage: StageConfig, input: ConsumedMessage[][], instance: string): Promise<{ output: ConsumedMessage[][]; seconds: number; out: number }> {
  const step = new TransformStep(stage, getStage(stage.kind), NO_TOPICS);
  await step.restore(input.map((_, p) => p));
  const output: ConsumedMessage[][] = input.map(() => []);
  let seconds = 0;
  let out = 0;
  for (const { chunk, nextOffset } of chunksOf(input, stage.batchSize, stage.input)) {
    const began = performance.now();
    const { routed } = await step.process(chunk, { instance, nextOffset, now: Date.now() });
    seconds += (performance.now() - began) / 1000;
    const produced = takeTopic(routed.messages, stage.output);
    out += produced.length;
    const list = output[chunk.partition]!;
    list.push(...asConsumed(produced, list.length, chunk.messages[0]!.timestamp));
  }
  return { output, seconds, out };
}

/**
 * clean → augment → gate fused, as a StageRunner with `fuse: true` runs them: one chunk of
 * the ingest topic at a time through runChain, each later stage reading the reviews the
 * one before handed over. Only the chain's time is counted.
 */
async function runFused(stages: [StageConfig, ...StageConfig[]], input: ConsumedMessage[][], instance: string): Promise<{ seconds: number; out: number }> {
  const [head] = stages;
  const origin = fusedOrigin(head.input);
  const steps = stages.map((stage, i) => new TransformStep(stage, getStage(stage.kind), NO_TOPICS, i > 0 ? { originOf: origin } : {}));
  for (const step of steps) await step.restore(input.map((_, p) => p));
  const last = stages[stages.length - 1]!;
  let seconds = 0;
  let out = 0;
  for (const { chunk, nextOffset } of chunksOf(input, head.batchSize, head.input)) {
    const began = performance.now();
    const { outgoing } = await runChain(steps, chunk, { instance, nextOffset, now: Date.now() });
    seconds += (performance.now() - began) / 1000;
    for (const t of outgoing) if (t.topic === last.output) out += t.messages.length;
  }
  return { seconds, out };
}

/**
 * TrainStep.process without Kafka: chunks of the trainer's batchSize, decoded and
 * trained, one span per record, then a candidate considered after every chunk. A
 * candidate is formed (holdout scoring, serialize, SHA-256) and its records Avro-encoded
 * as publish() does, and marked published; sending them is left out.
 */
async function runTrainer(stage: StageConfig, trainer: Trainer, input: ConsumedMessage[][], chunkSize: number): Promise<{ train: number; candidates: number; trained: number; published: number; rejected: number }> {
  let train = 0;
  let candidates = 0;
  let trained = 0;
  let published = 0;
  let rejected = 0;
  const cursors = input.map(() => 0);
  // kafkajs hands partitions' batches over in turn: round-robin chunks across partitions
  for (let more = true; more; ) {
    more = false;
    for (const [partition, messages] of input.entries()) {
      const start = cursors[partition]!;
      if (start >= messages.length) continue;
      more = true;
      const chunk = messages.slice(start, start + chunkSize);
      cursors[partition] = start + chunk.length;
      let began = performance.now();
      const examples: TrainRecord[] = [];
      for (const m of chunk) examples.push({ review: decode('review', m.value!), topic: stage.input, partition, offset: m.offset });
      const spans = chunk.map((m) => traceStep('reviewflow.train', m.headers, { 'reviewflow.stage': stage.id, 'messaging.kafka.partition': partition, 'messaging.kafka.offset': m.offset }).span);
      const report = await trainer.trainBatch(examples);
      for (const span of spans) span.end();
      trained += report.records - report.skippedNoLabel;
      train += (performance.now() - began) / 1000;
      began = performance.now();
      const candidate = await trainer.maybeCandidate(Date.now());
      if (candidate?.kind === 'publish') {
        for (const c of candidate.chunks) encode('model-chunk', c);
        encode('model-version', candidate.manifest);
        trainer.markPublished(candidate.manifest);
        published++;
      } else if (candidate?.kind === 'rejected') rejected++;
      candidates += (performance.now() - began) / 1000;
    }
  }
  return { train, candidates, trained, published, rejected };
}

async function repetition(topology: Topology, backlog: ConsumedMessage[][], backend: BackendInfo, index: number): Promise<Repetition> {
  const stage = (kind: string): StageConfig => topology.stages.find((s) => s.kind === kind)!;
  const instance = `ceiling-${index}`;
  const clean = await runStage(stage('clean'), backlog, instance);
  const augment = await runStage(stage('augment'), clean.output, instance);
  const gate = await runStage(stage('gate'), augment.output, instance);
  const trainStage = stage('train');
  const options = trainerOptions.parse(trainStage.options);
  const trainer = await Trainer.create(options, backend); // start-up (table allocation): not timed, as e2e leaves start() out of its after-start figure
  const t = await runTrainer(trainStage, trainer, gate.output, options.miniBatchSize);
  trainer.dispose();
  const fused = await runFused([stage('clean'), stage('augment'), stage('gate')], backlog, `${instance}-fused`);
  if (fused.out !== gate.out) throw new Error(`bench: the fused chain accepted ${fused.out} records, the separate stages ${gate.out}`);
  return {
    fusedSeconds: fused.seconds,
    seconds: { clean: clean.seconds, augment: augment.seconds, gate: gate.seconds, train: t.train, candidates: t.candidates },
    out: { clean: clean.out, augment: augment.out, gate: gate.out, trained: t.trained },
    candidates: { published: t.published, rejected: t.rejected },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchComputeCeiling(o: ComputeCeilingOptions = {}): Promise<ComputeCeilingResult> {
  const records = o.records ?? 50_000;
  const count = o.repetitions ?? 3;
  preloadSynonyms(); // one-time WordNet load, left out as the other benches do
  const topology = defaultTopology();
  const partitions = topology.topics[topology.ingest]?.partitions ?? 1;
  const backlog = rawBacklog(records, partitions);
  const backend = await loadBackend(trainerOptions.parse(topology.stages.find((s) => s.kind === "train")!.options).backend);
  const reps: Repetition[] = [];
  for (let i = 0; i < count; i++) reps.push(await repetition(topology, backlog, backend, i));
  const stagesSeconds = median(reps.map((r) => r.seconds.clean + r.seconds.augment + r.seconds.gate));
  const allSeconds = median(reps.map((r) => PHASES.reduce((sum, p) => sum + r.seconds[p], 0)));
  const fusedSeconds = median(reps.map((r) => r.fusedSeconds));
  const micros = Object.fromEntries(PHASES.map((p) => [p, (median(reps.map((r) => r.seconds[p])) * 1e6) / records])) as Record<Phase, number>;
  const trainStage = topology.stages.find((s) => s.kind === 'train')!;
  const clean = topology.stages.find((s) => s.kind === 'clean')!;
  return {
    records,
    partitions,
    chunk: clean.batchSize,
    trainChunk: trainerOptions.parse(trainStage.options).miniBatchSize,
    backend: backend.backend,
    stagesOnly: { recordsPerSec: records / stagesSeconds, seconds: stagesSeconds },
    withTrain: { recordsPerSec: records / allSeconds, seconds: allSeconds },
    stagesFused: { recordsPerSec: records / fusedSeconds, seconds: fusedSeconds },
    microsPerRawRecord: micros,
    repetitions: reps,
    notes: [
      'no Kafka: the compute ceiling of the whole topology on one core',
      `${count} repetitions over the same encoded backlog, each with fresh stage state and a fresh trainer; figures are medians, so the first (JIT-cold) repetition counts only if it is not the slowest`,
      'per stage: TransformStep.process per chunk (decode, transform, route, Avro encode, flush, changelog, stats), as StageRunner does it',
      `train: decode + trainBatch in chunks of the trainer's batchSize (as TrainStep); candidates: maybeCandidate after each chunk, Avro encode of a published version's chunks and manifest; sending them (publishing) is excluded`,
      'fused: clean+augment+gate as one chain through runChain (as `fuse: true` runs it), with fresh state, after the separate passes; its accepted count is checked against theirs',
      'excluded: WordNet load, Trainer.create, building the backlog; stage and trainer state start empty (no restore)',
    ],
  };
}

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const records = Number(argValue('--records') ?? 50_000);
  const repetitions = Number(argValue('--repetitions') ?? 3);
  console.log(JSON.stringify(await benchComputeCeiling({ records, repetitions }), null, 2));
}
