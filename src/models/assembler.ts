import { ErrorCode, hasCode } from '../errors.js';
import { decodeAny } from '../records/index.js';
import type { ModelChunk, ModelLabel, ModelVersion } from '../records/types.js';
import { assembleWeights } from './chunks.js';
import { baseOf, publishedBlob, rebuildFromDelta } from './delta-version.js';
import { loadModel, type LoadedModel } from './loaded-model.js';

export type ModelUpdateRecord = { kind: 'manifest'; value: ModelVersion } | { kind: 'chunk'; value: ModelChunk } | { kind: 'label'; value: ModelLabel };

/** Decodes one model-topic record's value into what the assembler takes; undefined for tombstones. */
export function toUpdateRecord(value: Buffer | null): ModelUpdateRecord | undefined {
  if (value === null) return undefined;
  const decoded = decodeAny(value);
  if (decoded.name === 'model-version') return { kind: 'manifest', value: decoded.value };
  if (decoded.name === 'model-chunk') return { kind: 'chunk', value: decoded.value };
  if (decoded.name === 'model-label') return { kind: 'label', value: decoded.value };
  return undefined;
}

export type AssembleResult =
  /** A complete, verified version: hand it to a `ModelSlot`. */
  | { kind: 'loaded'; model: LoadedModel }
  /** A version that will never load (incomplete or corrupt): the caller should warn. */
  | { kind: 'ignored'; model: string; version: number; reason: string }
  /** A chunk kept until its manifest arrives. */
  | { kind: 'buffered'; model: string; version: number }
  /** Nothing to do: another model, or a version not newer than the loaded one. */
  | { kind: 'skipped'; model: string; version: number; reason: string };

export interface AssemblerOptions {
  /** Only assemble this model; records of other models are skipped. Default: every model. */
  model?: string;
  /** Incomplete versions kept per model before the oldest is dropped. Default 4. */
  maxPendingVersions?: number;
  /**
   * Assemble every complete version, not only those newer than the latest loaded one:
   * a subscriber following a label may have to go back to an older version.
   */
  everyVersion?: boolean;
  /** Verified versions kept, with their training state, as bases for the deltas after them. Default 3. */
  maxBases?: number;
}

interface PendingVersion {
  count: number;
  chunks: Array<ModelChunk | undefined>;
}

interface ModelState {
  latestLoaded: number;
  pending: Map<number, PendingVersion>;
  /** The newest verified versions, which a delta version may apply to. */
  bases: Map<number, LoadedModel>;
}

/**
 * Rebuilds model versions from the `models.updates` stream, read in topic order: chunks of
 * a version come before its manifest, possibly interleaved with other models' records.
 * A delta version is applied to its base, one of the last `maxBases` versions verified
 * here (a trainer bases each delta on the version before it), and the result is verified
 * against the manifest's SHA-256 of the full weights; a delta whose base is not held
 * (read from the middle of a chain) is ignored. Memory stays bounded: chunks of versions
 * not newer than the latest loaded one are dropped, and at most `maxPendingVersions`
 * incomplete versions and `maxBases` bases are kept per model.
 */
export class ModelAssembler {
  private readonly only: string | undefined;
  private readonly maxPending: number;
  private readonly everyVersion: boolean;
  private readonly maxBases: number;
  private readonly models = new Map<string, ModelState>();

  constructor(options: AssemblerOptions = {}) {
    this.only = options.model;
    this.maxPending = options.maxPendingVersions ?? 4;
    this.everyVersion = options.everyVersion ?? false;
    this.maxBases = options.maxBases ?? 3;
  }

  add(record: ModelUpdateRecord): AssembleResult {
    const { model, version } = record.value;
    if (record.kind === 'label') return { kind: 'skipped', model, version, reason: 'a label record, not part of a version' };
    if (this.only !== undefined && model !== this.only) return { kind: 'skipped', model, version, reason: `not model ${this.only}` };
    const state = this.stateOf(model);
    if (!this.everyVersion && version <= state.latestLoaded) {
      return { kind: 'skipped', model, version, reason: `version ${version} is not newer than loaded version ${state.latestLoaded}` };
    }
    return record.kind === 'chunk' ? this.addChunk(state, record.value) : this.addManifest(state, record.value);
  }

  private stateOf(model: string): ModelState {
    let state = this.models.get(model);
    if (!state) {
      state = { latestLoaded: -Infinity, pending: new Map(), bases: new Map() };
      this.models.set(model, state);
    }
    return state;
  }

  private addChunk(state: ModelState, chunk: ModelChunk): AssembleResult {
    const { model, version } = chunk;
    if (!Number.isInteger(chunk.count) || chunk.count < 1 || chunk.index < 0 || chunk.index >= chunk.count) {
      return { kind: 'ignored', model, version, reason: `chunk ${chunk.index} of ${chunk.count} is malformed` };
    }
    let pending = state.pending.get(version);
    // A different count means a new attempt at this version (the trainer restarted mid-publish).
    if (!pending || pending.count !== chunk.count) {
      pending = { count: chunk.count, chunks: new Array<ModelChunk | undefined>(chunk.count) };
      state.pending.set(version, pending);
      this.evictOldest(state);
    }
    pending.chunks[chunk.index] = chunk;
    return { kind: 'buffered', model, version };
  }

  private addManifest(state: ModelState, manifest: ModelVersion): AssembleResult {
    const { model, version } = manifest;
    const pending = state.pending.get(version);
    state.pending.delete(version);
    if (!pending) return { kind: 'ignored', model, version, reason: 'incomplete: no chunks received before the manifest' };
    const assembled = assembleWeights(pending.chunks, publishedBlob(manifest));
    if (!assembled.ok) return { kind: 'ignored', model, version, reason: assembled.reason };
    const base = baseOf(manifest);
    const held = base === undefined ? undefined : state.bases.get(base);
    if (base !== undefined && !held) return { kind: 'ignored', model, version, reason: `a delta on v${base}, which this reader does not hold (it loads again from the next snapshot)` };
    let loaded: LoadedModel;
    try {
      loaded = loadModel(manifest, held ? rebuildFromDelta(held, manifest, assembled.bytes) : assembled.bytes);
    } catch (err) {
      if (!hasCode(err, ErrorCode.MODEL_CORRUPT)) throw err;
      return { kind: 'ignored', model, version, reason: err.message };
    }
    state.latestLoaded = Math.max(state.latestLoaded, version);
    if (!this.everyVersion) for (const v of state.pending.keys()) if (v <= version) state.pending.delete(v);
    this.keepBase(state, loaded);
    return { kind: 'loaded', model: loaded };
  }

  private keepBase(state: ModelState, loaded: LoadedModel): void {
    if (!loaded.weights.training) return;
    state.bases.set(loaded.manifest.version, loaded);
    while (state.bases.size > this.maxBases) state.bases.delete(Math.min(...state.bases.keys()));
  }

  private evictOldest(state: ModelState): void {
    while (state.pending.size > this.maxPending) {
      const oldest = Math.min(...state.pending.keys());
      state.pending.delete(oldest);
    }
  }
}
