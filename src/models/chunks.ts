import { createHash } from 'node:crypto';
import type { ModelChunk } from '../records/types.js';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function verifySha256(bytes: Uint8Array, expectedHex: string): boolean {
  return sha256Hex(bytes) === expectedHex.toLowerCase();
}

export interface SplitOptions {
  model: string;
  version: number;
  bytes: Buffer;
  maxChunkBytes: number;
}

/** Splits a weights blob into chunks of at most `maxChunkBytes` (views, no copy); at least one chunk. */
export function splitIntoChunks(options: SplitOptions): ModelChunk[] {
  const { model, version, bytes, maxChunkBytes } = options;
  const count = Math.max(1, Math.ceil(bytes.length / maxChunkBytes));
  const chunks: ModelChunk[] = [];
  for (let index = 0; index < count; index++) {
    const data = bytes.subarray(index * maxChunkBytes, Math.min(bytes.length, (index + 1) * maxChunkBytes));
    chunks.push({ model, version, index, count, data });
  }
  return chunks;
}

export type AssembleWeightsResult = { ok: true; bytes: Buffer } | { ok: false; reason: string };

/**
 * Joins a version's chunks in index order and checks they are all there, agree on the
 * count, add up to the manifest's byte length and hash to its SHA-256.
 */
export function assembleWeights(chunks: Iterable<ModelChunk | undefined>, expected: { chunks: number; bytes: number; sha256: string }): AssembleWeightsResult {
  const ordered: Array<ModelChunk | undefined> = new Array<ModelChunk | undefined>(expected.chunks);
  for (const chunk of chunks) {
    if (!chunk) continue;
    if (chunk.count !== expected.chunks) return { ok: false, reason: `chunk ${chunk.index} says ${chunk.count} chunks, manifest says ${expected.chunks}` };
    if (chunk.index < 0 || chunk.index >= expected.chunks) return { ok: false, reason: `chunk index ${chunk.index} out of range` };
    ordered[chunk.index] = chunk;
  }
  const missing: number[] = [];
  for (let i = 0; i < expected.chunks; i++) if (!ordered[i]) missing.push(i);
  if (missing.length > 0) return { ok: false, reason: `incomplete: missing chunk(s) ${missing.slice(0, 10).join(', ')} of ${expected.chunks}` };
  const bytes = Buffer.concat(ordered.map((c) => c!.data));
  if (bytes.length !== expected.bytes) return { ok: false, reason: `assembled ${bytes.length} bytes, manifest says ${expected.bytes}` };
  if (!verifySha256(bytes, expected.sha256)) return { ok: false, reason: 'corrupt: SHA-256 of the assembled weights does not match the manifest' };
  return { ok: true, bytes };
}
