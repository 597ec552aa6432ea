import { describe, expect, it } from 'vitest';
import { modelKeys, moveLabel, ModelTopicIndex, parseModelKey, versionsToDrop, type ModelUpdateRecord } from '../../../src/models/index.js';
import { makeVersion } from './fixtures.js';

const manifest = (version: number, model = 'sentiment'): ModelUpdateRecord => ({ kind: 'manifest', value: makeVersion({ model, version }).manifest });
const label = (version: number, name = 'stable'): ModelUpdateRecord => ({ kind: 'label', value: moveLabel(undefined, { model: 'sentiment', label: name, version, action: 'label', by: 'ana', at: 1 }) });

describe('model topic keys', () => {
  it('parseModelKey reads back every key modelKeys makes, model names with slashes included', () => {
    expect(parseModelKey(modelKeys.chunk('team/sentiment', 12, 3))).toEqual({ kind: 'chunk', model: 'team/sentiment', version: 12, index: 3 });
    expect(parseModelKey(Buffer.from(modelKeys.manifest('sentiment', 4)))).toEqual({ kind: 'manifest', model: 'sentiment', version: 4 });
    expect(parseModelKey(modelKeys.label('sentiment', 'stable'))).toEqual({ kind: 'label', model: 'sentiment', label: 'stable' });
    expect(parseModelKey('sentiment')).toBeUndefined();
    expect(parseModelKey(null)).toBeUndefined();
  });
});

describe('ModelTopicIndex', () => {
  it('ModelTopicIndex learns retention from tombstones and labels from the newest move', () => {
    const index = new ModelTopicIndex();
    for (const v of [1, 2, 3, 4]) index.add(modelKeys.manifest('sentiment', v), manifest(v));
    index.add(modelKeys.manifest('spam', 9), manifest(9, 'spam'));
    index.add(modelKeys.label('sentiment', 'stable'), label(2));
    index.add(modelKeys.label('sentiment', 'stable'), label(3));
    index.add(modelKeys.label('sentiment', 'canary'), label(4, 'canary'));
    index.add(modelKeys.chunk('sentiment', 1, 0), undefined);
    index.add(modelKeys.label('sentiment', 'canary'), undefined);
    expect(index.retained('sentiment')).toEqual([2, 3, 4]);
    expect(index.retained('spam')).toEqual([9]);
    expect(index.isDropped('sentiment', 1)).toBe(true);
    expect([...index.labels('sentiment').keys()]).toEqual(['stable']);
    expect([...index.labelled('sentiment')]).toEqual([3]);
  });

  const snapshotsOnly = (): undefined => undefined;

  it('versionsToDrop keeps the newest keepVersions and every labelled version', () => {
    expect(versionsToDrop({ retained: [1, 2, 3, 4, 5, 6, 7], keepVersions: 3, kept: new Set([2]), snapshotOf: snapshotsOnly })).toEqual([1, 3, 4]);
    expect(versionsToDrop({ retained: [1, 2], keepVersions: 5, kept: new Set(), snapshotOf: snapshotsOnly })).toEqual([]);
  });

  it('versionsToDrop keeps the snapshot and every delta a kept version is built on, and nothing else', () => {
    // a snapshot every 4 versions: 1, 5, 9, 13; the others are deltas on the version before
    const snapshotOf = (v: number): number | undefined => (v % 4 === 1 ? undefined : v - ((v - 1) % 4));
    const retained = Array.from({ length: 14 }, (_, i) => i + 1);
    // newest 2 are 13 (snapshot) and 14 (delta on 13): everything before 13 may go
    expect(versionsToDrop({ retained, keepVersions: 2, kept: new Set(), snapshotOf })).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // newest 3 reach back to 12, a delta whose chain starts at 9
    expect(versionsToDrop({ retained, keepVersions: 3, kept: new Set(), snapshotOf })).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // a label on delta 7 keeps 5, 6 and 7, but not 8 (built on 7, not needed by it)
    expect(versionsToDrop({ retained, keepVersions: 2, kept: new Set([7]), snapshotOf })).toEqual([1, 2, 3, 4, 8, 9, 10, 11, 12]);
    // a label on a version already tombstoned keeps nothing of its chain
    expect(versionsToDrop({ retained: [9, 10, 11, 12, 13, 14], keepVersions: 1, kept: new Set([7]), snapshotOf })).toEqual([9, 10, 11, 12]);
  });
});
