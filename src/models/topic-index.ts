import type { ModelLabel, ModelVersion } from '../records/types.js';
import type { ModelUpdateRecord } from './assembler.js';
import { parseModelKey } from './topic-keys.js';

interface ModelEntry {
  manifests: Map<number, ModelVersion>;
  /** Versions whose chunks or manifest were tombstoned: no longer loadable. */
  dropped: Set<number>;
  labels: Map<string, ModelLabel>;
}

/**
 * What a model topic holds, read in order: each model's manifests, the versions the
 * trainer tombstoned, and where each label points. Before compaction runs, a dropped
 * version's records are still in the log ahead of their tombstones, so retention is
 * learnt from the tombstones' keys, not from what was read.
 */
export class ModelTopicIndex {
  private readonly byModel = new Map<string, ModelEntry>();

  /** `record` is undefined for a tombstone (or a value of no model kind). */
  add(key: Buffer | string | null, record: ModelUpdateRecord | undefined): void {
    if (record?.kind === 'manifest') {
      this.entry(record.value.model).manifests.set(record.value.version, record.value);
      return;
    }
    if (record?.kind === 'label') {
      this.entry(record.value.model).labels.set(record.value.label, record.value);
      return;
    }
    if (record) return;
    const parsed = parseModelKey(key);
    if (!parsed) return;
    if (parsed.kind === 'label') this.entry(parsed.model).labels.delete(parsed.label);
    else this.entry(parsed.model).dropped.add(parsed.version);
  }

  /** Versions with a manifest that were not tombstoned, oldest first. */
  retained(model: string): number[] {
    const entry = this.byModel.get(model);
    if (!entry) return [];
    return [...entry.manifests.keys()].filter((v) => !entry.dropped.has(v)).sort((a, b) => a - b);
  }

  manifestsOf(model: string): ReadonlyMap<number, ModelVersion> {
    return this.byModel.get(model)?.manifests ?? new Map();
  }

  isDropped(model: string, version: number): boolean {
    return this.byModel.get(model)?.dropped.has(version) ?? false;
  }

  labels(model: string): Map<string, ModelLabel> {
    return this.byModel.get(model)?.labels ?? new Map();
  }

  /** The snapshot a version's chain of deltas starts from; undefined for a snapshot or an unknown version. */
  snapshotOf(model: string, version: number): number | undefined {
    return this.manifestsOf(model).get(version)?.weights.delta?.snapshot ?? undefined;
  }

  /** The versions some label points to: the trainer keeps them past its retention. */
  labelled(model: string): Set<number> {
    return new Set([...this.labels(model).values()].map((l) => l.version));
  }

  private entry(model: string): ModelEntry {
    let entry = this.byModel.get(model);
    if (!entry) {
      entry = { manifests: new Map(), dropped: new Set(), labels: new Map() };
      this.byModel.set(model, entry);
    }
    return entry;
  }
}

export interface RetentionInput {
  /** Versions still on the topic (not tombstoned). */
  retained: readonly number[];
  /** Newest versions kept loadable. */
  keepVersions: number;
  /** Versions kept besides the newest: those a label points to, and any the caller needs. */
  kept: ReadonlySet<number>;
  /** The snapshot a delta version's chain starts from; undefined for a snapshot. */
  snapshotOf(version: number): number | undefined;
}

/**
 * Versions the trainer may tombstone: all retained ones but the newest `keepVersions`,
 * those in `kept`, and every version a kept delta version is built on (from its snapshot
 * on), so each version kept stays loadable by a reader that starts from the beginning.
 */
export function versionsToDrop(input: RetentionInput): number[] {
  const { retained, keepVersions, kept, snapshotOf } = input;
  const newestFirst = [...retained].sort((a, b) => b - a);
  const needed = [...newestFirst.slice(0, keepVersions), ...[...kept].filter((v) => retained.includes(v))];
  // a chain is the run of versions from its snapshot to the version (a failed publish may
  // leave a version in it that is not on the chain: kept as well, which costs only space)
  const chains = needed.map((v) => [snapshotOf(v) ?? v, v] as const);
  return newestFirst.filter((v) => !chains.some(([from, to]) => from <= v && v <= to)).sort((a, b) => a - b);
}
