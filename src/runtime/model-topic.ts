import type { Logger } from 'pino';
import type { KafkaPort, OutgoingMessage, ProducerPort } from '../kafka/index.js';
import { ModelAssembler, toUpdateRecord } from '../models/index.js';
import { encode } from '../records/index.js';
import type { ModelChunk, ModelVersion } from '../records/types.js';
import { withRetry } from '../util/retry.js';
import { DELIVERY_RETRY } from './delivery.js';

/** Reads a model topic to its end and returns the newest verified version of `model`. */
export async function latestVersion(kafka: KafkaPort, topic: string, model: string, log: Logger): Promise<{ manifest: ModelVersion; weights: Buffer } | undefined> {
  const assembler = new ModelAssembler({ model });
  let latest: { manifest: ModelVersion; weights: Buffer } | undefined;
  await kafka.readToEnd({ topic, readCommitted: true }, (m) => {
    const record = toUpdateRecord(m.value);
    if (!record) return;
    const result = assembler.add(record);
    if (result.kind === 'ignored') log.warn({ version: result.version, reason: result.reason }, 'ignoring an unusable published version');
    if (result.kind === 'loaded') latest = { manifest: result.model.manifest, weights: Buffer.from(result.model.bytes) };
  });
  return latest;
}

/**
 * Writes versions of one model to its compacted topic: chunks first, then the manifest,
 * all on partition 0 so readers see them in order. Chunks of the version before the
 * previous one are tombstoned, so the topic keeps the last two complete versions.
 */
export class ModelTopicWriter {
  private readonly history: ModelVersion[] = [];

  constructor(
    private readonly producer: ProducerPort,
    private readonly topic: string,
    private readonly log: Logger,
  ) {}

  async publish(manifest: ModelVersion, chunks: ModelChunk[]): Promise<void> {
    const chunkKey = (version: number, index: number): string => `${manifest.model}/v${version}/chunk/${index}`;
    const messages: OutgoingMessage[] = chunks.map((c) => ({ key: chunkKey(c.version, c.index), value: encode('model-chunk', c), partition: 0 }));
    messages.push({ key: manifest.model, value: encode('model-version', manifest), partition: 0 });
    // one request per record: kafkajs puts a request's records for a partition in one
    // record batch, and the broker bounds a batch by max.message.bytes
    for (const message of messages) await withRetry(() => this.producer.send([{ topic: this.topic, messages: [message] }]), DELIVERY_RETRY);
    const older = this.history.filter((v) => v.version < manifest.version);
    const old = older.length >= 2 ? older[older.length - 2] : undefined;
    if (old) {
      const tombstones = Array.from({ length: old.weights.chunks }, (_, i) => ({ key: chunkKey(old.version, i), value: null, partition: 0 }));
      await this.producer.send([{ topic: this.topic, messages: tombstones }]).catch((err: unknown) => this.log.warn({ err }, 'pruning old chunks failed; they stay until the next version'));
    }
    this.history.push(manifest);
  }
}
