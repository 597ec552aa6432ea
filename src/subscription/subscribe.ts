import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ErrorCode, ReviewflowError, describeError } from '../errors.js';
import type { ConsumedMessage, ConsumerPort, KafkaPort } from '../kafka/index.js';
import { childLogger } from '../log.js';
import type { ModelVersion } from '../records/types.js';
import { ModelAssembler, toUpdateRecord, type ModelUpdateRecord } from '../models/assembler.js';
import { Predictor } from '../models/predictor.js';
import { ModelSlot, type SlotPredictions } from '../models/slot.js';
import { prepareForPrediction } from '../models/prepare.js';

export interface SubscribeOptions {
  kafka: KafkaPort;
  /** The model-update topic, `models.updates` in the default topology. */
  topic: string;
  /** Only this model's versions; every model when omitted. */
  model?: string;
  /** Pin one version instead of following the newest. */
  version?: number;
  logger?: Logger;
}

export interface ModelSubscription {
  /** Predicts with the newest verified version (texts cleaned as in training); one call never mixes versions. */
  predict(texts: readonly string[]): SlotPredictions;
  current(): ModelVersion | undefined;
  /** Resolves with the first version loaded (or the pinned one). */
  ready(timeoutMs?: number): Promise<ModelVersion>;
  close(): Promise<void>;
}


/**
 * Follows the model-update topic from its beginning (it is compacted, so the latest
 * version is always there), assembles and verifies versions, and swaps each verified
 * one in atomically. Incomplete or corrupt versions are skipped with a warning.
 */
export async function subscribeModels(options: SubscribeOptions, onModel?: (manifest: ModelVersion) => void): Promise<ModelSubscription> {
  const log = options.logger ?? childLogger({ component: 'subscriber', topic: options.topic });
  const assembler = new ModelAssembler(options.model ? { model: options.model } : {});
  const slot = new ModelSlot();
  const waiters: Array<(m: ModelVersion) => void> = [];
  const consumer: ConsumerPort = options.kafka.consumer({ groupId: `reviewflow-subscriber-${randomUUID()}`, topics: [options.topic], fromBeginning: true, maxWaitTimeMs: 100 });

  const accept = (m: ConsumedMessage): void => {
    let record: ModelUpdateRecord | undefined;
    try {
      record = toUpdateRecord(m.value);
    } catch (err) {
      log.warn({ offset: m.offset, err: describeError(err) }, 'undecodable record on the model topic; skipped');
      return;
    }
    if (!record) return;
    if (options.version !== undefined && record.value.version !== options.version) return;
    const result = assembler.add(record);
    if (result.kind === 'ignored') log.warn({ model: result.model, version: result.version, reason: result.reason }, 'model version ignored');
    if (result.kind !== 'loaded') return;
    const predictor = Predictor.fromLoaded(result.model);
    if (!slot.offer(predictor)) return;
    log.info({ model: predictor.manifest.model, version: predictor.version }, 'model version loaded');
    onModel?.(predictor.manifest);
    for (const w of waiters.splice(0)) w(predictor.manifest);
  };

  await consumer.run(async (batch) => {
    for (const m of batch.messages) accept(m);
  });

  return {
    predict: (texts) => slot.predict(prepareForPrediction(texts)),
    current: () => slot.current()?.manifest,
    ready: (timeoutMs = 30_000) => {
      const now = slot.current()?.manifest;
      if (now) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new ReviewflowError(ErrorCode.MODEL_NOT_FOUND, `no model version on ${options.topic} within ${timeoutMs} ms`, { retriable: true, hint: 'is the train stage running and publishing?' })),
          timeoutMs,
        );
        waiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      });
    },
    close: async () => {
      await consumer.stop();
      const groupId = consumer.options.groupId;
      await options.kafka.withAdmin((a) => a.deleteGroups([groupId])).catch((err: unknown) => log.debug({ err }, 'could not delete the subscriber group'));
    },
  };
}
