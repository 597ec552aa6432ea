/**
 * Stage fusion: consecutive stages that run in the same process can pass records to each
 * other in memory instead of through their Kafka topic, as Kafka Streams does within a
 * sub-topology. One consumer reads the first stage's input; every fused stage still
 * keeps its own state, changelog, counters and side outputs, and the chain commits the
 * first stage's input offset once everything it produced is acknowledged. The topics
 * between fused stages are not written.
 */
import type { ConsumedBatch, KafkaPort, OutgoingMessage, TopicMessages } from '../kafka/index.js';
import type { Review } from '../records/types.js';
import type { StageConfig, Topology } from '../topology/index.js';
import type { OriginOf } from './batch-outcome.js';
import type { StageCounters } from './counters.js';
import type { HandedMessage } from './handed-record.js';
import { nextOffsetAfter } from './process-batch.js';
import type { Step } from './step.js';
import { takeTopic } from './transform-step.js';

/**
 * A record handed to a fused stage gets a position that a replay reproduces: its origin
 * record's offset × FANOUT + its index among that origin's records at this stage. Stages
 * key replay-safe state by position, so the same input must get the same position again.
 */
export const FANOUT = 2 ** 20;

export type Chain = [StageConfig, ...StageConfig[]];

export interface FusionPlan {
  /** Stages in the order records pass them; a chain of one is an ordinary stage. */
  chains: Chain[];
  /** Why a stage that could have joined its upstream's chain did not. */
  unfused: Array<{ stage: string; reason: string }>;
}

export interface FusionOptions {
  fuse: boolean;
  /** Whether a stage's kind can take records in memory (the kind registry says). */
  fusable: (stage: StageConfig) => boolean;
  /** Stages that must keep reading their topic, with the reason. */
  held?: ReadonlyMap<string, string>;
}

/**
 * Groups the selected stages into chains. A stage joins the chain of the stage whose
 * output it reads when fusion is on, both run here, both kinds can be fused, nobody
 * else in the topology reads that topic (it will stay empty), the two inputs have as
 * many partitions (state is kept per partition) and both stages run as many instances
 * (a chain scales as one).
 */
export function planChains(topology: Topology, selected: StageConfig[], o: FusionOptions): FusionPlan {
  const order = (s: StageConfig): number => topology.stages.indexOf(s);
  const stages = [...selected].sort((a, b) => order(a) - order(b));
  const chains: Chain[] = [];
  const unfused: FusionPlan['unfused'] = [];
  for (const stage of stages) {
    const upstream = o.fuse ? chains.find((c) => c[c.length - 1]!.output === stage.input) : undefined;
    const last = upstream?.[upstream.length - 1];
    const reason = upstream && last ? (o.held?.get(stage.id) ?? whyNotFused(topology, last, stage, o.fusable)) : undefined;
    if (upstream && reason === undefined) {
      upstream.push(stage);
      continue;
    }
    if (reason !== undefined) unfused.push({ stage: stage.id, reason });
    chains.push([stage]);
  }
  return { chains, unfused };
}

function whyNotFused(topology: Topology, upstream: StageConfig, stage: StageConfig, fusable: (stage: StageConfig) => boolean): string | undefined {
  for (const s of [upstream, stage]) if (!fusable(s)) return `a ${s.kind} stage reads its own topic (it cannot be fused)`;
  const readers = topology.stages.filter((s) => s.input === upstream.output).map((s) => s.id);
  if (readers.length > 1) return `${upstream.output} has other readers (${readers.filter((id) => id !== stage.id).join(', ')}), so it must be written`;
  const partitions = (topic: string): number | undefined => topology.topics[topic]?.partitions;
  if (partitions(upstream.input) !== partitions(stage.input)) {
    return `${upstream.input} and ${stage.input} have different partition counts; state is kept per partition`;
  }
  if (upstream.instances !== stage.instances) return `${upstream.id} and ${stage.id} run different instance counts; a chain scales as one`;
  return undefined;
}

/**
 * Stages that would be fused but whose group has not read all of its input topic yet (a
 * separate run left records there): fused, they would never read them. They run on
 * their own until that lag is 0.
 */
export async function unreadInputs(kafka: KafkaPort, candidates: StageConfig[]): Promise<Map<string, string>> {
  const held = new Map<string, string>();
  if (candidates.length === 0) return held;
  await kafka.withAdmin(async (admin) => {
    for (const stage of candidates) {
      const { total } = await admin.groupLag(stage.group, stage.input);
      if (total > 0) held.set(stage.id, `${total} records on ${stage.input} are still unread by its group ${stage.group}; it reads them on its own first`);
    }
  });
  return held;
}

/** The input offset a record of a fused stage traces back to, in the chain's first topic. */
export function originOffset(offset: number): number {
  return Math.floor(offset / FANOUT);
}

/** Dead letters of a fused stage name the chain's input topic and the origin record's offset. */
export function fusedOrigin(chainInput: string): OriginOf {
  return (_topic, offset) => ({ topic: chainInput, offset: originOffset(offset) });
}

/**
 * Turns what one stage routed to its output topic into the batch the next fused stage
 * reads. `sources` holds the input offset each output came from; `fromHead` says whether
 * those are offsets of the chain's input (first stage) or positions made here. With
 * `reviews` (the decoded record of each output), each message carries its review, so the
 * next stage skips the Avro decode, and outputs may come without bytes (handed-record.ts).
 */
export function handOff(o: { outputs: OutgoingMessage[]; sources: number[]; reviews?: Review[]; fromHead: boolean; head: ConsumedBatch; topic: string }): ConsumedBatch {
  const timestamps = new Map<number, number>();
  for (const m of o.head.messages) timestamps.set(m.offset, m.timestamp);
  const fallback = o.head.messages[o.head.messages.length - 1];
  const seen = new Map<number, number>();
  const messages: HandedMessage[] = o.outputs.map((m, i) => {
    const source = o.sources[i] ?? -1;
    // -1: emitted by a flush, not by a record; it belongs to the chunk's last record
    const origin = source < 0 ? (fallback?.offset ?? 0) : o.fromHead ? source : originOffset(source);
    const index = seen.get(origin) ?? 0;
    if (index >= FANOUT) throw new RangeError(`a fused stage emitted over ${FANOUT} records for input offset ${origin}`);
    seen.set(origin, index + 1);
    const review = o.reviews?.[i];
    return {
      key: typeof m.key === 'string' ? Buffer.from(m.key) : (m.key ?? null),
      value: m.value,
      headers: m.headers ?? {},
      offset: origin * FANOUT + index,
      timestamp: timestamps.get(origin) ?? fallback?.timestamp ?? Date.now(),
      ...(review ? { review } : {}),
    };
  });
  return { topic: o.topic, partition: o.head.partition, messages, highWatermark: 0, lastOffset: -1 };
}

export interface ChainResult {
  /** Every record and bookkeeping record the chain's steps produce, by topic. */
  outgoing: TopicMessages[];
  /** Each step's counters for the chunk, in chain order. */
  counters: StageCounters[];
  /** How many of the chunk's records, from its first, the chain took: fewer when `outputBudget` cut it. */
  consumed: number;
  /** The chain's input position once those records are done. */
  nextOffset: number;
}

/**
 * Runs one chunk through a chain of steps, as a StageRunner does: each fused step reads
 * the decoded reviews the step before it output (handOff), so only the chain's last
 * output and the side outputs are encoded. With `outputBudget`, the first step may take
 * only a first part of the chunk (process-batch.ts); the steps after it read what it made
 * of that part.
 */
export async function runChain(steps: Step[], chunk: ConsumedBatch, o: { instance: string; nextOffset: number; now: number; outputBudget?: number }): Promise<ChainResult> {
  const outgoing: TopicMessages[] = [];
  const counters: StageCounters[] = [];
  const { outputBudget, ...shared } = o;
  let input = chunk;
  let consumed = chunk.messages.length;
  for (const [i, step] of steps.entries()) {
    const next = steps[i + 1];
    const budget = i === 0 && outputBudget !== undefined ? { outputBudget } : {};
    const { routed, bookkeeping } = await step.process(input, { ...shared, ...budget, handOff: next !== undefined });
    if (i === 0) {
      consumed = routed.consumed;
      shared.nextOffset = nextOffsetAfter(chunk, consumed, o.nextOffset);
    }
    if (next) {
      const outputs = takeTopic(routed.messages, step.stage.output);
      input = handOff({ outputs, sources: routed.outputSources, reviews: routed.outputReviews, fromHead: i === 0, head: chunk, topic: next.stage.input });
    }
    for (const [topic, messages] of routed.messages) outgoing.push({ topic, messages });
    outgoing.push(...bookkeeping);
    counters.push(routed.counters);
  }
  return { outgoing, counters, consumed, nextOffset: shared.nextOffset };
}
