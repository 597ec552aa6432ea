import { ErrorCode, fatal } from '../errors.js';
import type { ModelVersion } from '../records/types.js';
import type { LoadedModel } from './loaded-model.js';
import { applyDelta, decodeDelta } from './weights-delta.js';
import { serializeStoredRows } from './weights-format.js';

/** What a version's chunks must add up to: the full weights, or the delta for a delta version. */
export function publishedBlob(manifest: ModelVersion): { chunks: number; bytes: number; sha256: string } {
  const { chunks, delta } = manifest.weights;
  return delta ? { chunks, bytes: delta.bytes, sha256: delta.sha256 } : manifest.weights;
}

/** Bytes a version put on the topic (chunk payloads): the full weights, or the delta. */
export function publishedBytes(manifest: ModelVersion): number {
  return publishedBlob(manifest).bytes;
}

/** How a version was published, and its bytes on the topic: what `models list` and the trainer's log show. */
export function publishedAs(manifest: ModelVersion): { as: 'snapshot' | 'delta'; bytes: number } {
  return { as: manifest.weights.delta ? 'delta' : 'snapshot', bytes: publishedBytes(manifest) };
}

/** The version a delta version's base is, or undefined for a snapshot. */
export function baseOf(manifest: ModelVersion): number | undefined {
  return manifest.weights.delta?.base ?? undefined;
}

/**
 * The full weight bytes of a delta version, rebuilt on its base: the caller verifies them
 * against the manifest (`loadModel`) like any assembled version. Throws MODEL_CORRUPT when
 * the delta does not decode or does not fit this base.
 */
export function rebuildFromDelta(base: LoadedModel, manifest: ModelVersion, deltaBytes: Uint8Array): Buffer {
  const where = `${manifest.model} v${manifest.version}`;
  const delta = decodeDelta(deltaBytes);
  if (delta.baseSha256 !== base.manifest.weights.sha256) {
    throw fatal(ErrorCode.MODEL_CORRUPT, `${where}: its delta applies to other weights than v${base.manifest.version} as this reader holds them`);
  }
  return serializeStoredRows(applyDelta(base.weights, delta));
}
