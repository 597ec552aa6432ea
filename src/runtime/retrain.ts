import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ErrorCode, fatal } from '../errors.js';
import { RETRAIN_GROUP_PREFIX, type ConsumedBatch, type KafkaPort } from '../kafka/index.js';
import type { ModelVersion, PartitionOffset, Review, TrainingWindow } from '../records/types.js';
import { readModelIndex } from '../subscription/history.js';
import type { StageConfig } from '../topology/index.js';
import { loadBackend, Trainer, trainerOptions, type BatchReport, type TrainRecord } from '../trainer/index.js';
import { BatchOutcome } from './batch-outcome.js';
import { ModelTopicWriter } from './model-topic.js';
import { resolveWindow, type ResolvedWindow, type WindowBound } from './retrain-window.js';

export interface RetrainOptions {
  kafka: KafkaPort;
  /** The topology's train stage: its input is read, its options train, its output gets the versions. */
  stage: StageConfig;
  /** The new lineage's name; by default `<stage's model>@retrain-<UTC time>`. */
  model?: string | undefined;
  from: WindowBound;
  to?: WindowBound | undefined;
  /** Reviews never trained on, nor their augmented copies. */
  excludeIds: ReadonlySet<string>;
  readCommitted: boolean;
  log: Logger;
  now?: () => number;
}

export interface RetrainSummary {
  model: string;
  baseModel: string;
  modelTopic: string;
  group: string;
  window: TrainingWindow;
  /** Records of the window read. */
  read: number;
  /** Examples trained on (augmented copies included). */
  trained: number;
  /** Original records kept aside to judge candidates, never trained on. */
  holdout: number;
  skipped: { excluded: number; unlabeled: number; undecodable: number; holdoutCopies: number };
  versions: number[];
  rejected: string[];
}

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

/**
 * Trains a new lineage from a window of the train stage's input topic, with the stage's
 * trainer options, and publishes its versions under a name of its own on the stage's
 * model topic. It reads in a consumer group of its own (deleted after) and writes only
 * its own model's records: the running trainer's group, offsets, counters and versions
 * are not touched. The trainer and the model-topic writer are the ones the train stage
 * uses, so the versions are built, gated, chunked and retained the same way.
 */
export async function retrain(o: RetrainOptions): Promise<RetrainSummary> {
  const { kafka, stage, log } = o;
  const now = o.now ?? Date.now;
  const baseOptions = trainerOptions.parse(stage.options);
  const model = o.model ?? `${baseOptions.model}@retrain-${new Date(now()).toISOString().replace(/[-:]|\.\d+/g, '')}`;
  await checkTopics(kafka, [stage.input, stage.output]);
  await checkNewModel(kafka, stage.output, model, baseOptions.model);
  const resolved = await resolveWindow({ topic: stage.input, from: o.from, to: o.to, lookups: { ends: () => kafka.withAdmin((a) => a.topicOffsets(stage.input)), offsetsAt: (t) => kafka.withAdmin((a) => a.offsetsForTime(stage.input, t)) } });
  if (resolved.offsets === 0) throw emptyWindow(`the window holds no records of ${stage.input} (${describeRanges(resolved)})`);

  const options = trainerOptions.parse({ ...stage.options, model });
  const trainer = await Trainer.create(options, await loadBackend(options.backend));
  const producer = kafka.producer();
  await producer.connect();
  const writer = new ModelTopicWriter({ producer, kafka, topic: stage.output, log, keepVersions: options.keepVersions });
  const group = `${RETRAIN_GROUP_PREFIX}${model}-${randomUUID().slice(0, 8)}`;
  const summary: RetrainSummary = {
    model,
    baseModel: baseOptions.model,
    modelTopic: stage.output,
    group,
    window: trainingWindow(resolved, baseOptions.model, o.excludeIds.size, 0),
    read: 0,
    trained: 0,
    holdout: 0,
    skipped: { excluded: 0, unlabeled: 0, undecodable: 0, holdoutCopies: 0 },
    versions: [],
    rejected: [],
  };
  /** Per partition, one past the last record of the window read. */
  const readThrough = new Map<number, PartitionOffset>();
  // what the train stage does after each chunk and on close, with the window in the manifest
  const publish = async (final: boolean): Promise<void> => {
    const candidate = await trainer.maybeCandidate(now(), { final });
    if (!candidate) return;
    if (candidate.kind === 'rejected') {
      summary.rejected.push(candidate.reason);
      log.info({ model, reason: candidate.reason }, 'candidate rejected');
      return;
    }
    summary.window.excludedRecords = summary.skipped.excluded;
    // every record read is in the model or was left out on purpose (excluded ones at a
    // partition's tail too), and once the window is done, everything below its end: a
    // trainer that resumes from this version must not read them again
    const offsets = mergeOffsets(candidate.manifest.offsets, final ? summary.window.to : [...readThrough.values()]);
    const manifest: ModelVersion = { ...candidate.manifest, offsets, window: { ...summary.window } };
    await writer.publish(manifest, candidate.chunks);
    trainer.markPublished(manifest);
    summary.versions.push(manifest.version);
    log.info({ model, version: manifest.version, holdoutAccuracy: manifest.metrics.holdoutAccuracy }, 'retrained version published');
  };
  try {
    await kafka.readRange({ topic: stage.input, ranges: resolved.ranges, readCommitted: o.readCommitted, groupId: group }, async (batch, controls) => {
      tally(summary, await trainer.trainBatch(examplesOf(batch, o.excludeIds, summary)));
      readThrough.set(batch.partition, { topic: batch.topic, partition: batch.partition, offset: batch.messages.at(-1)!.offset + 1 });
      await controls.heartbeat();
      await publish(false);
    });
    await publish(true);
    await writer.settled();
  } finally {
    await producer.disconnect();
    trainer.dispose();
  }
  if (summary.versions.length === 0) throw emptyWindow(nothingPublished(summary, options.holdoutFraction));
  return summary;
}

/** The batch's reviews to train on; undecodable and excluded ones are counted (the train stage already dead-lettered the former). */
function examplesOf(batch: ConsumedBatch, excludeIds: ReadonlySet<string>, summary: RetrainSummary): TrainRecord[] {
  const outcome = new BatchOutcome(batch, { stageId: 'retrain', output: '' });
  const examples: TrainRecord[] = [];
  for (const m of batch.messages) {
    summary.read++;
    const review = outcome.decode(m, 'review');
    if (!review) continue;
    if (isExcluded(review, excludeIds)) summary.skipped.excluded++;
    else examples.push({ review, topic: batch.topic, partition: batch.partition, offset: m.offset });
  }
  summary.skipped.undecodable += outcome.counters.deadLettered;
  return examples;
}

/** An excluded review, or an augmented copy of one. */
export function isExcluded(review: Pick<Review, 'id' | 'parentId'>, excludeIds: ReadonlySet<string>): boolean {
  return excludeIds.has(review.id) || (review.parentId !== null && excludeIds.has(review.parentId));
}

function tally(summary: RetrainSummary, report: BatchReport): void {
  summary.trained += report.trained;
  summary.holdout += report.holdout;
  summary.skipped.unlabeled += report.skippedNoLabel;
  summary.skipped.holdoutCopies += report.holdoutCopiesDropped;
}

function trainingWindow(w: ResolvedWindow, baseModel: string, excludedIds: number, excludedRecords: number): TrainingWindow {
  const at = (offset: (r: ResolvedWindow['ranges'][number]) => number) => w.ranges.map((r) => ({ topic: w.topic, partition: r.partition, offset: offset(r) }));
  return { topic: w.topic, from: at((r) => r.from), to: at((r) => r.to), fromTime: w.fromTime, toTime: w.toTime, baseModel, excludedIds, excludedRecords };
}

/** The trainer's offsets, moved up to where the window was read through. */
function mergeOffsets(trained: readonly PartitionOffset[], windowEnd: readonly PartitionOffset[]): PartitionOffset[] {
  const merged = new Map(trained.map((p) => [`${p.topic}\u0000${p.partition}`, { ...p }]));
  for (const end of windowEnd) {
    const key = `${end.topic}\u0000${end.partition}`;
    const at = merged.get(key);
    if (!at || at.offset < end.offset) merged.set(key, { ...end });
  }
  return [...merged.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

function describeRanges(w: ResolvedWindow): string {
  return w.ranges.map((r) => `${r.partition}:${r.from}-${r.to}`).join(', ') || 'no partition';
}

function emptyWindow(message: string): Error {
  return fatal(ErrorCode.EMPTY_WINDOW, message, { hint: 'widen the window (an earlier --from, a later --to); `npx reviewflow status` shows what the topic holds' });
}

function nothingPublished(s: RetrainSummary, holdoutFraction: number): string {
  const skipped = `${s.skipped.excluded} excluded, ${s.skipped.unlabeled} unlabeled, ${s.skipped.undecodable} undecodable`;
  if (s.trained === 0) return `no record of the window could be trained on (${s.read} read: ${skipped}, ${s.holdout} held out)`;
  if (holdoutFraction > 0 && s.holdout === 0) return `the window fell entirely outside the holdout (${s.trained} trained), so no version could be judged and none was published`;
  return `every candidate was rejected by the publish gate: ${s.rejected.join('; ')}`;
}

async function checkTopics(kafka: KafkaPort, topics: string[]): Promise<void> {
  const existing = new Set(await kafka.withAdmin((a) => a.listTopics()));
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    throw fatal(ErrorCode.TOPIC_NOT_FOUND, `topic ${missing.join(', ')} does not exist on the cluster`, { hint: 'create the topology\'s topics (`npx reviewflow topics create`), or check --topology and KAFKA_BROKERS' });
  }
}

/** A retrain starts a lineage: its name must be free, and never the running trainer's. */
async function checkNewModel(kafka: KafkaPort, topic: string, model: string, baseModel: string): Promise<void> {
  if (!MODEL_NAME.test(model)) {
    throw fatal(ErrorCode.INVALID_INPUT, `"${model}" is not a usable model name`, { hint: 'a model name has at most 128 letters, digits, ".", "_", "@" or "-", and starts with a letter or digit' });
  }
  const index = await readModelIndex(kafka, topic);
  const taken = model === baseModel || index.manifestsOf(model).size > 0 || index.labels(model).size > 0;
  if (taken) {
    throw fatal(ErrorCode.MODEL_EXISTS, `model ${model} already has versions on ${topic}${model === baseModel ? ' (it is the trainer\'s own model)' : ''}`, {
      hint: 'a retrain starts a new lineage: give --model a new name, or leave --model out for a new branch named after the trainer\'s model',
    });
  }
}
