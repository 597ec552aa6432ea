import type { ModelVersion } from '../records/types.js';
import { ModelAssembler, type ModelUpdateRecord } from './assembler.js';
import type { Follow } from './labels.js';
import type { LoadedModel } from './loaded-model.js';
import { Predictor } from './predictor.js';
import type { ModelSlot } from './slot.js';
import { parseModelKey } from './topic-keys.js';

/** Verified versions a label follower keeps at most, should tombstones never come. */
const MAX_KEPT_VERSIONS = 64;

export interface FollowerOptions {
  follow: Follow;
  /** Required to follow a label: labels belong to one model. */
  model?: string;
  slot: ModelSlot;
  /** A version went into the slot. */
  onInstall(manifest: ModelVersion, why: 'newer' | 'label'): void;
  /** A version that will never load, or a label pointing to a version not on the topic. */
  onWarning(details: Record<string, unknown>, message: string): void;
}

/**
 * Decides, record by record of a model topic read in order, which verified version the
 * slot holds: the newest (refusing stale ones), one pinned version, or the one a label
 * points to. A label may move back (a rollback), so a label follower keeps every version
 * still on the topic, prediction weights only, and forgets one when its tombstone passes.
 */
export class ModelFollower {
  private readonly assembler: ModelAssembler;
  private readonly kept = new Map<number, LoadedModel>();
  private target: number | undefined;

  constructor(private readonly o: FollowerOptions) {
    const byLabel = o.follow.kind === 'label';
    this.assembler = new ModelAssembler({ ...(o.model ? { model: o.model } : {}), everyVersion: byLabel });
  }

  /** `record` is undefined for a tombstone. */
  accept(key: Buffer | string | null, record: ModelUpdateRecord | undefined): void {
    const { follow } = this.o;
    if (!record) return this.forget(key);
    if (this.o.model !== undefined && record.value.model !== this.o.model) return;
    if (record.kind === 'label') return this.labelMoved(record.value.label, record.value.version);
    // versions before the one followed may be the snapshot and deltas it is built on
    if (follow.kind === 'version' && record.value.version > follow.version) return;
    const result = this.assembler.add(record);
    if (result.kind === 'ignored') this.o.onWarning({ model: result.model, version: result.version, reason: result.reason }, 'model version ignored');
    if (result.kind !== 'loaded') return;
    if (follow.kind === 'version' && result.model.manifest.version !== follow.version) return;
    if (follow.kind !== 'label') {
      const predictor = Predictor.fromLoaded(result.model);
      if (this.o.slot.offer(predictor)) this.o.onInstall(predictor.manifest, 'newer');
      return;
    }
    this.keep(result.model);
    if (result.model.manifest.version === this.target) this.install();
  }

  private labelMoved(label: string, version: number): void {
    if (this.o.follow.kind !== 'label' || this.o.follow.label !== label) return;
    this.target = version;
    this.install();
  }

  private install(): void {
    const target = this.target;
    if (target === undefined || this.o.slot.current()?.version === target) return;
    const loaded = this.kept.get(target);
    if (!loaded) {
      this.o.onWarning({ model: this.o.model, version: target }, 'the label points to a version that is not (or no longer) on the topic; keeping the current one');
      return;
    }
    const predictor = Predictor.fromLoaded(loaded);
    this.o.slot.moveTo(predictor);
    this.o.onInstall(predictor.manifest, 'label');
  }

  /** Only the scoring weights: the training state is for the trainer. */
  private keep(loaded: LoadedModel): void {
    this.kept.set(loaded.manifest.version, { manifest: loaded.manifest, weights: { ...loaded.weights, training: undefined }, bytes: new Uint8Array(0) });
    while (this.kept.size > MAX_KEPT_VERSIONS) {
      const oldest = Math.min(...[...this.kept.keys()].filter((v) => v !== this.target));
      this.kept.delete(oldest);
    }
  }

  private forget(key: Buffer | string | null): void {
    const parsed = parseModelKey(key);
    if (parsed && parsed.kind !== 'label' && (this.o.model === undefined || parsed.model === this.o.model)) this.kept.delete(parsed.version);
  }
}
