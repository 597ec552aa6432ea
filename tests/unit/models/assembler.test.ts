import { describe, expect, it } from 'vitest';
import { assembleWeights, ModelAssembler, ModelSlot, Predictor, splitIntoChunks, type AssembleResult, type ModelUpdateRecord } from '../../../src/models/index.js';
import type { ModelChunk } from '../../../src/records/types.js';
import { makeVersion } from './fixtures.js';

const chunk = (value: ModelChunk): ModelUpdateRecord => ({ kind: 'chunk', value });
const feed = (assembler: ModelAssembler, records: ModelUpdateRecord[]): AssembleResult[] => records.map((r) => assembler.add(r));
const loadedVersions = (results: AssembleResult[]): string[] => results.flatMap((r) => (r.kind === 'loaded' ? [`${r.model.manifest.model}@${r.model.manifest.version}`] : []));

describe('splitIntoChunks', () => {
  it('cuts at maxChunkBytes and reassembles to the same bytes', () => {
    const { bytes, manifest, chunks } = makeVersion({ version: 1, maxChunkBytes: 1000 });
    expect(chunks.length).toBe(Math.ceil(bytes.length / 1000));
    for (const c of chunks) expect(c.data.length).toBeLessThanOrEqual(1000);
    const assembled = assembleWeights([...chunks].reverse(), manifest.weights);
    expect(assembled.ok && assembled.bytes.equals(bytes)).toBe(true);
    expect(splitIntoChunks({ model: 'm', version: 1, bytes: Buffer.alloc(0), maxChunkBytes: 10 })).toHaveLength(1);
  });
});

describe('ModelAssembler', () => {
  it('yields a version whose chunks came out of order and interleaved with another model', () => {
    const a = makeVersion({ model: 'sentiment', version: 1 });
    const b = makeVersion({ model: 'spam', version: 7, seed: 99 });
    expect(a.chunks.length).toBeGreaterThan(2);
    const records: ModelUpdateRecord[] = [];
    const aChunks = [...a.chunks].reverse();
    for (let i = 0; i < Math.max(aChunks.length, b.chunks.length); i++) {
      if (aChunks[i]) records.push(chunk(aChunks[i]!));
      if (b.chunks[i]) records.push(chunk(b.chunks[i]!));
    }
    records.push({ kind: 'manifest', value: b.manifest }, { kind: 'manifest', value: a.manifest });
    const results = feed(new ModelAssembler(), records);
    expect(loadedVersions(results)).toEqual(['spam@7', 'sentiment@1']);
    const loaded = results.at(-1);
    if (loaded?.kind !== 'loaded') throw new Error('expected loaded');
    expect(loaded.model.weights.rowIds.length).toBe(500);
    // a filtered assembler only assembles its model
    const only = feed(new ModelAssembler({ model: 'sentiment' }), records);
    expect(loadedVersions(only)).toEqual(['sentiment@1']);
    expect(only.filter((r) => r.kind === 'skipped').length).toBe(b.chunks.length + 1);
  });

  it('ignores a version with a corrupt chunk and the previous version stays current', () => {
    const v1 = makeVersion({ version: 1 });
    const v2 = makeVersion({ version: 2 });
    const slot = new ModelSlot();
    const assembler = new ModelAssembler();
    const apply = (r: AssembleResult): void => {
      if (r.kind === 'loaded') slot.offer(Predictor.fromLoaded(r.model));
    };
    [...v1.chunks.map(chunk), { kind: 'manifest', value: v1.manifest } as const].forEach((r) => apply(assembler.add(r)));
    expect(slot.current()?.version).toBe(1);

    const flippedData = Buffer.from(v2.chunks[1]!.data);
    flippedData[10]! ^= 0x01;
    const corrupt = v2.chunks.map((c, i) => (i === 1 ? { ...c, data: flippedData } : c));
    const results = feed(assembler, [...corrupt.map(chunk), { kind: 'manifest', value: v2.manifest }]);
    results.forEach(apply);
    const last = results.at(-1);
    expect(last).toMatchObject({ kind: 'ignored', version: 2, reason: expect.stringMatching(/SHA-256/) });
    expect(slot.current()?.version).toBe(1);
  });

  it('does not yield a version with a missing chunk', () => {
    const v1 = makeVersion({ version: 1 });
    const results = feed(new ModelAssembler(), [...v1.chunks.slice(1).map(chunk), { kind: 'manifest', value: v1.manifest }]);
    expect(loadedVersions(results)).toEqual([]);
    expect(results.at(-1)).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/missing chunk\(s\) 0 of/) });
    const none = new ModelAssembler().add({ kind: 'manifest', value: v1.manifest });
    expect(none).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/no chunks/) });
  });

  it('keeps memory bounded: skips chunks of versions older than the loaded one, and caps pending versions', () => {
    const assembler = new ModelAssembler({ maxPendingVersions: 2 });
    const [v1, v2, v3, v4, v5] = [1, 2, 3, 4, 5].map((version) => makeVersion({ version }));
    feed(assembler, v1!.chunks.slice(0, 2).map(chunk)); // v1 never completes
    feed(assembler, v2!.chunks.map(chunk));
    expect(loadedVersions(feed(assembler, [{ kind: 'manifest', value: v2!.manifest }]))).toEqual(['sentiment@2']);
    expect(assembler.add(chunk(v1!.chunks[2]!))).toMatchObject({ kind: 'skipped' });
    // three incomplete versions with room for two: the oldest (v3) is dropped
    feed(assembler, [v3!, v4!, v5!].map((v) => chunk(v.chunks[0]!)));
    const rest = (v: ReturnType<typeof makeVersion>): ModelUpdateRecord[] => [...v.chunks.slice(1).map(chunk), { kind: 'manifest', value: v.manifest }];
    const v3Results = feed(assembler, rest(v3!));
    expect(loadedVersions(v3Results)).toEqual([]);
    expect(v3Results.at(-1)).toMatchObject({ kind: 'ignored', version: 3 });
    expect(loadedVersions(feed(assembler, [...rest(v4!), ...rest(v5!)]))).toEqual(['sentiment@4', 'sentiment@5']);
  });

  it('restarts a version whose chunk count changed (a trainer that crashed mid-publish and retried)', () => {
    const first = makeVersion({ version: 3, maxChunkBytes: 1000 });
    const retry = makeVersion({ version: 3, seed: 42, maxChunkBytes: 3000 });
    const results = feed(new ModelAssembler(), [...first.chunks.slice(0, 2).map(chunk), ...retry.chunks.map(chunk), { kind: 'manifest', value: retry.manifest }]);
    expect(loadedVersions(results)).toEqual(['sentiment@3']);
  });
});
