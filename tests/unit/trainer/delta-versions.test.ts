import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleWeights, ModelAssembler, ModelFollower, ModelSlot, parseFollow, sha256Hex, splitIntoChunks, type AssembleResult, type ModelUpdateRecord } from '../../../src/models/index.js';
import type { ModelChunk, ModelVersion } from '../../../src/records/types.js';
import { loadBackend, Trainer, trainerOptions, type BackendInfo, type TrainerOptions } from '../../../src/trainer/index.js';
import { batches, positioned, syntheticReviews } from './fixtures.js';

let backend: BackendInfo;
const trainers: Trainer[] = [];
beforeAll(async () => {
  backend = await loadBackend('cpu');
});
afterAll(() => trainers.forEach((t) => t.dispose()));

interface Published {
  manifest: ModelVersion;
  chunks: ModelChunk[];
}

/** Trains on the same stream and publishes a candidate after every batch (each one acked). */
async function publishAll(overrides: Partial<TrainerOptions>, count = 12): Promise<Published[]> {
  const t = await Trainer.create(trainerOptions.parse({ buckets: 2 ** 14, publishEveryExamples: 1, publishEveryMs: 1e12, holdoutFraction: 0, maxChunkBytes: 4096, ...overrides }), backend);
  trainers.push(t);
  const out: Published[] = [];
  for (const [i, batch] of batches(positioned(syntheticReviews(count * 150, 21)), 150).entries()) {
    await t.trainBatch(batch);
    const c = await t.maybeCandidate(i + 1);
    if (c?.kind !== 'publish') throw new Error('expected a candidate after every batch');
    t.markPublished(c.manifest);
    out.push(c);
  }
  return out;
}

const recordsOf = (versions: readonly Published[]): ModelUpdateRecord[] =>
  versions.flatMap((v) => [...v.chunks.map((value): ModelUpdateRecord => ({ kind: 'chunk', value })), { kind: 'manifest', value: v.manifest }]);
const loaded = (results: AssembleResult[]) => results.flatMap((r) => (r.kind === 'loaded' ? [r.model] : []));
const ignored = (results: AssembleResult[]) => results.flatMap((r) => (r.kind === 'ignored' ? [`v${r.version}: ${r.reason}`] : []));

let full: Published[];
let deltas: Published[];
beforeAll(async () => {
  full = await publishAll({ snapshotEvery: 1 });
  deltas = await publishAll({ snapshotEvery: 4 });
});

describe('Trainer delta versions', () => {
  it('snapshotEvery 1 publishes every version as the full weights, as before deltas existed', () => {
    for (const v of full) {
      expect(v.manifest.weights.delta).toBeNull();
      const assembled = assembleWeights(v.chunks, v.manifest.weights);
      expect(assembled.ok && sha256Hex(assembled.bytes)).toBe(v.manifest.weights.sha256);
    }
  });

  it('snapshotEvery 4 publishes a snapshot every 4 versions and deltas on the version before in between, each smaller than the full weights', () => {
    const kinds = deltas.map((v) => (v.manifest.weights.delta ? `d${v.manifest.weights.delta.base}/${v.manifest.weights.delta.snapshot}` : 's'));
    expect(kinds).toEqual(['s', 'd1/1', 'd2/1', 'd3/1', 's', 'd5/5', 'd6/5', 'd7/5', 's', 'd9/9', 'd10/9', 'd11/9']);
    for (const v of deltas) {
      const delta = v.manifest.weights.delta;
      // this stream's vocabulary is tiny, so most rows change every version: the saving on real text is in docs/PERFORMANCE.md
      if (delta) expect(delta.bytes).toBeLessThan(v.manifest.weights.bytes);
    }
  });

  it('weights rebuilt from deltas are bit-identical to the full versions (same SHA-256, same bytes)', () => {
    const assembler = new ModelAssembler();
    const results = recordsOf(deltas).map((r) => assembler.add(r));
    expect(ignored(results)).toEqual([]);
    const versions = loaded(results);
    expect(versions.map((l) => l.manifest.version)).toEqual(full.map((v) => v.manifest.version));
    versions.forEach((l, i) => {
      const reference = assembleWeights(full[i]!.chunks, full[i]!.manifest.weights);
      if (!reference.ok) throw new Error(reference.reason);
      expect(Buffer.from(l.bytes).equals(reference.bytes)).toBe(true);
      expect(l.manifest.weights.sha256).toBe(full[i]!.manifest.weights.sha256);
    });
  });

  it('a reader that starts at the last snapshot loads the newest version; one that starts after it ignores the deltas until the next snapshot', () => {
    const late = new ModelAssembler();
    const lateResults = recordsOf(deltas.slice(8)).map((r) => late.add(r));
    expect(loaded(lateResults).at(-1)?.manifest.weights.sha256).toBe(full.at(-1)!.manifest.weights.sha256);
    const mid = new ModelAssembler();
    const midResults = recordsOf(deltas.slice(5)).map((r) => mid.add(r));
    expect(ignored(midResults)).toEqual([6, 7, 8].map((v) => `v${v}: a delta on v${v - 1}, which this reader does not hold (it loads again from the next snapshot)`));
    expect(loaded(midResults).map((l) => l.manifest.version)).toEqual([9, 10, 11, 12]);
  });

  it('a corrupt or truncated delta (whose own checksum matches) is ignored with a reason, and so are the deltas built on it', () => {
    const v6 = deltas[5]!;
    const bytes = assembleWeights(v6.chunks, { chunks: v6.manifest.weights.chunks, bytes: v6.manifest.weights.delta!.bytes, sha256: v6.manifest.weights.delta!.sha256 });
    if (!bytes.ok) throw new Error(bytes.reason);
    const republish = (data: Buffer): Published => {
      const chunks = splitIntoChunks({ model: v6.manifest.model, version: 6, bytes: data, maxChunkBytes: 4096 });
      const manifest = { ...v6.manifest, weights: { ...v6.manifest.weights, chunks: chunks.length, delta: { ...v6.manifest.weights.delta!, bytes: data.length, sha256: sha256Hex(data) } } };
      return { manifest, chunks };
    };
    const flipped = Buffer.from(bytes.bytes);
    flipped[flipped.length - 20]! ^= 0x40; // a class count (the last bytes may be padding): the rebuilt weights no longer match the full SHA-256
    const truncated = bytes.bytes.subarray(0, bytes.bytes.length - 100);
    for (const [bad, reason] of [
      [flipped, /v6: weights do not match the manifest's SHA-256/],
      [truncated, /model delta: section .* out of bounds/],
    ] as const) {
      const assembler = new ModelAssembler();
      const results = recordsOf([...deltas.slice(0, 5), republish(bad), ...deltas.slice(6)]).map((r) => assembler.add(r));
      const warnings = ignored(results);
      expect(warnings[0]).toMatch(reason);
      expect(warnings.slice(1)).toEqual([7, 8].map((v) => `v${v}: a delta on v${v - 1}, which this reader does not hold (it loads again from the next snapshot)`));
      expect(loaded(results).map((l) => l.manifest.version)).toEqual([1, 2, 3, 4, 5, 9, 10, 11, 12]);
    }
  });

  it('a delta whose base version this reader holds with other weights (another lineage under the same number) is ignored', async () => {
    const other = await publishAll({ snapshotEvery: 4, seed: 5 }, 1);
    expect(other[0]!.manifest.weights.sha256).not.toBe(deltas[0]!.manifest.weights.sha256);
    const assembler = new ModelAssembler();
    const results = recordsOf([other[0]!, deltas[1]!]).map((r) => assembler.add(r));
    expect(ignored(results)).toEqual(['v2: sentiment v2: its delta applies to other weights than v1 as this reader holds them']);
  });

  it('a follower pinned to a delta version loads it from its snapshot and the deltas before it', () => {
    const slot = new ModelSlot();
    const installs: number[] = [];
    const warnings: string[] = [];
    const follower = new ModelFollower({ follow: parseFollow(7), model: 'sentiment', slot, onInstall: (m) => installs.push(m.version), onWarning: (_d, message) => warnings.push(message) });
    for (const r of recordsOf(deltas)) follower.accept(null, r);
    expect(warnings).toEqual([]);
    expect(installs).toEqual([7]);
    expect(slot.current()?.manifest.weights.sha256).toBe(full[6]!.manifest.weights.sha256);
  });
});
