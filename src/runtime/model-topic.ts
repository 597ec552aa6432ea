import type { Logger } from 'pino';
import type { KafkaPort, OutgoingMessage, ProducerPort } from '../kafka/index.js';
import { ModelAssembler, modelKeys, moveLabel, toUpdateRecord, versionsToDrop, type ModelTopicIndex } from '../models/index.js';
import { encode } from '../records/index.js';
import type { ModelChunk, ModelLabel, ModelVersion } from '../records/types.js';
import { readModelHistory, readModelIndex } from '../subscription/history.js';

/** Reads a model topic to its end and returns the newest verified version of `model`. */
export async function latestVersion(kafka: KafkaPort, topic: string, model: string, log: Logger): Promise<{ manifest: ModelVersion; weights: Buffer } | undefined> {
  const assembler = new ModelAssembler({ model });
  let latest: { manifest: ModelVersion; weights: Buffer } | undefined;
  await kafka.readToEnd({ topic, readCommitted: true }, (m) => {
    const record = toUpdateRecord(m.value);
    if (!record || record.kind === 'label') return;
    const result = assembler.add(record);
    if (result.kind === 'ignored') log.warn({ version: result.version, reason: result.reason }, 'ignoring an unusable published version');
    if (result.kind === 'loaded') latest = { manifest: result.model.manifest, weights: Buffer.from(result.model.bytes) };
  });
  return latest;
}

/** Publishes a label move; all records of a model topic go to partition 0, so readers see them in order. */
export async function publishLabel(kafka: KafkaPort, topic: string, label: ModelLabel): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send([{ topic, messages: [{ key: modelKeys.label(label.model, label.label), value: encode('model-label', label), partition: 0 }] }]);
  } finally {
    await producer.disconnect();
  }
}

export interface LabelMoveRequest {
  model: string;
  label: string;
  action: 'label' | 'rollback';
  by: string;
  reason?: string | null;
  /**
   * The version to move the label to, from the versions still loadable and the label's
   * current record; undefined publishes nothing (the label is no longer where the caller
   * expected). Throws to refuse with a reason.
   */
  choose(o: { retained: number[]; current: ModelLabel | undefined }): number | undefined;
}

export interface LabelMoved {
  record: ModelLabel;
  previous: ModelLabel | undefined;
  retained: number[];
}

/**
 * Moves a label: reads the model topic, lets `choose` pick the version, and publishes the
 * label record. `models label`, `models rollback` and automatic rollback all move labels
 * through here.
 */
export async function moveModelLabel(kafka: KafkaPort, topic: string, request: LabelMoveRequest): Promise<LabelMoved | undefined> {
  const { loaded, index } = await readModelHistory(kafka, topic, request.model);
  const retained = (loaded.get(request.model) ?? []).map((l) => l.manifest.version);
  const previous = index.labels(request.model).get(request.label);
  const version = request.choose({ retained, current: previous });
  if (version === undefined) return undefined;
  const record = moveLabel(previous, { model: request.model, label: request.label, version, action: request.action, by: request.by, at: Date.now(), reason: request.reason ?? null });
  await publishLabel(kafka, topic, record);
  return { record, previous, retained };
}

export interface ModelTopicWriterOptions {
  producer: ProducerPort;
  kafka: KafkaPort;
  topic: string;
  log: Logger;
  /** Newest versions kept loadable; older ones are tombstoned unless a label points to them or a kept delta needs them. */
  keepVersions: number;
  /** Versions kept besides the newest and the labelled ones (automatic rollback's comparison), from the same read of the topic. */
  alsoKeep?: (index: ModelTopicIndex, model: string) => Iterable<number>;
}

/**
 * Writes versions of one model to its compacted topic: chunks first, then the manifest,
 * all on partition 0 so readers see them in order. After each version it tombstones the
 * versions past `keepVersions` that no label points to and no kept version is built on (a
 * delta version needs its snapshot and the deltas between). Which versions are on the topic
 * and where labels point is read from the topic itself, so retention holds across
 * restarts and sees labels moved by any process.
 */
export class ModelTopicWriter {
  private pruning: Promise<void> = Promise.resolve();

  constructor(private readonly o: ModelTopicWriterOptions) {}

  async publish(manifest: ModelVersion, chunks: ModelChunk[]): Promise<void> {
    const { model } = manifest;
    const messages: OutgoingMessage[] = chunks.map((c) => ({ key: modelKeys.chunk(model, c.version, c.index), value: encode('model-chunk', c), partition: 0 }));
    messages.push({ key: modelKeys.manifest(model, manifest.version), value: encode('model-version', manifest), partition: 0 });
    // one request per record: kafkajs puts a request's records for a partition in one
    // record batch, and the broker bounds a batch by max.message.bytes
    // send retries a transient failure itself, up to its delivery timeout
    for (const message of messages) await this.o.producer.send([{ topic: this.o.topic, messages: [message] }]);
    // in the background: reading the topic must not hold up training
    this.pruning = this.pruning
      .then(() => this.prune(model))
      .catch((err: unknown) => this.o.log.warn({ err }, 'pruning old versions failed; the next version retries'));
  }

  /** Waits for the pruning in progress (before the producer disconnects). */
  settled(): Promise<void> {
    return this.pruning;
  }

  private async prune(model: string): Promise<void> {
    const index: ModelTopicIndex = await readModelIndex(this.o.kafka, this.o.topic);
    const kept = index.labelled(model);
    for (const v of this.o.alsoKeep?.(index, model) ?? []) kept.add(v);
    const drop = versionsToDrop({ retained: index.retained(model), keepVersions: this.o.keepVersions, kept, snapshotOf: (v) => index.snapshotOf(model, v) });
    if (drop.length === 0) return;
    const manifests = index.manifestsOf(model);
    const tombstones: OutgoingMessage[] = [];
    for (const version of drop) {
      const chunks = manifests.get(version)?.weights.chunks ?? 0;
      for (let i = 0; i < chunks; i++) tombstones.push({ key: modelKeys.chunk(model, version, i), value: null, partition: 0 });
      tombstones.push({ key: modelKeys.manifest(model, version), value: null, partition: 0 });
    }
    await this.o.producer.send([{ topic: this.o.topic, messages: tombstones }]);
    this.o.log.info({ model, dropped: drop, keepVersions: this.o.keepVersions }, 'old model versions tombstoned');
  }
}
