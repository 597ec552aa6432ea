import type { Logger } from 'pino';
import type { KafkaPort, OutgoingMessage, ProducerPort } from '../kafka/index.js';
import { ModelAssembler, modelKeys, toUpdateRecord, versionsToDrop, type ModelTopicIndex } from '../models/index.js';
import { encode } from '../records/index.js';
import type { ModelChunk, ModelLabel, ModelVersion } from '../records/types.js';
import { readModelIndex } from '../subscription/history.js';
import { withRetry } from '../util/retry.js';
import { DELIVERY_RETRY } from './delivery.js';

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
    await withRetry(() => producer.send([{ topic, messages: [{ key: modelKeys.label(label.model, label.label), value: encode('model-label', label), partition: 0 }] }]), DELIVERY_RETRY);
  } finally {
    await producer.disconnect();
  }
}

export interface ModelTopicWriterOptions {
  producer: ProducerPort;
  kafka: KafkaPort;
  topic: string;
  log: Logger;
  /** Newest versions kept loadable; older ones are tombstoned unless a label points to them. */
  keepVersions: number;
}

/**
 * Writes versions of one model to its compacted topic: chunks first, then the manifest,
 * all on partition 0 so readers see them in order. After each version it tombstones the
 * versions past `keepVersions` that no label points to. Which versions are on the topic
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
    for (const message of messages) await withRetry(() => this.o.producer.send([{ topic: this.o.topic, messages: [message] }]), DELIVERY_RETRY);
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
    const drop = versionsToDrop(index.retained(model), this.o.keepVersions, index.labelled(model));
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
