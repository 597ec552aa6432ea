import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import { READER_GROUP_PREFIX, type ConsumedMessage, type KafkaPort } from '../kafka/index.js';
import { parseModelKey, toUpdateRecord } from '../models/index.js';
import type { ModelLabel } from '../records/types.js';

export interface LabelFeed {
  close(): Promise<void>;
}

/**
 * Follows one label of one model on a model topic, from the beginning (compaction keeps
 * its newest record): `onLabel` gets every record of the label in order, undefined when
 * it is deleted. Chunks are skipped by key, never decoded. Its group is a throwaway
 * reader group (random id, deleted on close), so the trainer's ACLs already allow it.
 */
export async function followLabel(o: { kafka: KafkaPort; topic: string; model: string; label: string; log: Logger }, onLabel: (record: ModelLabel | undefined) => void): Promise<LabelFeed> {
  const groupId = `${READER_GROUP_PREFIX}labels-${randomUUID()}`;
  const consumer = o.kafka.consumer({ groupId, topics: [o.topic], fromBeginning: true, maxWaitTimeMs: 250 });
  const accept = (m: ConsumedMessage): void => {
    const key = parseModelKey(m.key);
    if (key?.kind !== 'label' || key.model !== o.model || key.label !== o.label) return;
    if (m.value === null) return onLabel(undefined);
    try {
      const record = toUpdateRecord(m.value);
      if (record?.kind === 'label') onLabel(record.value);
    } catch (err) {
      o.log.warn({ offset: m.offset, err: describeError(err) }, 'undecodable label record on the model topic; skipped');
    }
  };
  consumer.onCrash((err, restart) => {
    if (!restart) o.log.error({ err: describeError(err) }, `the feed of label ${o.label} stopped: automatic rollback is off until the trainer restarts`);
  });
  await consumer.run(async (batch) => {
    for (const m of batch.messages) accept(m);
  });
  return {
    close: async () => {
      await consumer.stop();
      await o.kafka.withAdmin((a) => a.deleteGroups([groupId])).catch((err: unknown) => o.log.debug({ err }, 'could not delete the label feed group'));
    },
  };
}
