import type { KafkaPort } from '../kafka/index.js';
import type { ModelVersion } from '../records/types.js';
import { ModelAssembler, toUpdateRecord } from '../models/assembler.js';
import type { LoadedModel } from '../models/loaded-model.js';
import { ModelTopicIndex } from '../models/topic-index.js';
import { parseModelKey } from '../models/topic-keys.js';

export type VersionEntry = ModelVersion & {
  /** The weights assembled and matched the manifest's SHA-256. */
  verified: boolean;
  /** Still loadable: verified and not tombstoned by the trainer's retention. */
  retained: boolean;
  /** Labels pointing to this version. */
  labels: string[];
};

export interface ModelHistory {
  /** Every manifest on the topic, oldest first. */
  versions: VersionEntry[];
  /** The retained versions' verified weights, per model, oldest first. */
  loaded: Map<string, LoadedModel[]>;
  /** Labels and retention, per model. */
  index: ModelTopicIndex;
}

/** Every manifest and label on the model topic, with whether each version verifies and is retained. */
export async function readModelHistory(kafka: KafkaPort, topic: string, model?: string): Promise<ModelHistory> {
  const manifests: ModelVersion[] = [];
  const verified: LoadedModel[] = [];
  const index = new ModelTopicIndex();
  const assembler = new ModelAssembler({ ...(model ? { model } : {}), maxPendingVersions: 64 });
  await kafka.readToEnd({ topic }, (m) => {
    const record = toUpdateRecord(m.value);
    if (record && model && record.value.model !== model) return;
    index.add(m.key, record);
    if (!record || record.kind === 'label') return;
    if (record.kind === 'manifest') manifests.push(record.value);
    const result = assembler.add(record);
    if (result.kind === 'loaded') verified.push(result.model);
  });
  const loaded = new Map<string, LoadedModel[]>();
  for (const l of verified) {
    if (index.isDropped(l.manifest.model, l.manifest.version)) continue;
    loaded.set(l.manifest.model, [...(loaded.get(l.manifest.model) ?? []), l]);
  }
  const isVerified = new Set(verified.map((l) => `${l.manifest.model}/${l.manifest.version}`));
  const versions = manifests.map((m) => {
    const ok = isVerified.has(`${m.model}/${m.version}`);
    const labels = [...index.labels(m.model).values()].filter((l) => l.version === m.version).map((l) => l.label);
    return { ...m, verified: ok, retained: ok && !index.isDropped(m.model, m.version), labels };
  });
  return { versions, loaded, index };
}

/**
 * Manifests, labels and tombstones only: chunk values are not decoded. What the trainer
 * reads to decide which versions its retention may tombstone.
 */
export async function readModelIndex(kafka: KafkaPort, topic: string): Promise<ModelTopicIndex> {
  const index = new ModelTopicIndex();
  await kafka.readToEnd({ topic }, (m) => {
    if (m.value !== null && parseModelKey(m.key)?.kind === 'chunk') return;
    index.add(m.key, toUpdateRecord(m.value));
  });
  return index;
}
