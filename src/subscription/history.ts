import type { KafkaPort } from '../kafka/index.js';
import type { ModelVersion } from '../records/types.js';
import { ModelAssembler, toUpdateRecord } from '../models/assembler.js';
import type { LoadedModel } from '../models/loaded-model.js';

/** Every manifest on the model topic (oldest first), with whether its weights verify. */
export async function readModelHistory(kafka: KafkaPort, topic: string, model?: string): Promise<{ versions: Array<ModelVersion & { verified: boolean }>; loaded: Map<string, LoadedModel[]> }> {
  const manifests: ModelVersion[] = [];
  const loaded = new Map<string, LoadedModel[]>();
  const assembler = new ModelAssembler({ ...(model ? { model } : {}), maxPendingVersions: 64 });
  await kafka.readToEnd({ topic }, (m) => {
    const record = toUpdateRecord(m.value);
    if (!record) return;
    if (model && record.value.model !== model) return;
    if (record.kind === 'manifest') manifests.push(record.value);
    const result = assembler.add(record);
    if (result.kind === 'loaded') loaded.set(result.model.manifest.model, [...(loaded.get(result.model.manifest.model) ?? []), result.model]);
  });
  const verified = new Set([...loaded.values()].flat().map((l) => `${l.manifest.model}/${l.manifest.version}`));
  return { versions: manifests.map((m) => ({ ...m, verified: verified.has(`${m.model}/${m.version}`) })), loaded };
}
