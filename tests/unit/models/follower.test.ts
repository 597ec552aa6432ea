import { describe, expect, it } from 'vitest';
import { modelKeys, ModelFollower, ModelSlot, moveLabel, parseFollow, type ModelUpdateRecord } from '../../../src/models/index.js';
import type { ModelLabel } from '../../../src/records/types.js';
import { makeVersion } from './fixtures.js';

type Keyed = [string | null, ModelUpdateRecord | undefined];

function published(version: number): Keyed[] {
  const { manifest, chunks } = makeVersion({ version });
  return [...chunks.map((c): Keyed => [modelKeys.chunk('sentiment', version, c.index), { kind: 'chunk', value: c }]), [modelKeys.manifest('sentiment', version), { kind: 'manifest', value: manifest }]];
}

let previous: ModelLabel | undefined;
function labelled(version: number, action: 'label' | 'rollback' = 'label'): Keyed[] {
  previous = moveLabel(previous, { model: 'sentiment', label: 'stable', version, action, by: 'ana', at: Date.now() });
  return [[modelKeys.label('sentiment', 'stable'), { kind: 'label', value: previous }]];
}

function follower(follow: string): { feed: (records: Keyed[]) => void; slot: ModelSlot; installs: string[]; warnings: string[] } {
  const slot = new ModelSlot();
  const installs: string[] = [];
  const warnings: string[] = [];
  const f = new ModelFollower({ follow: parseFollow(follow), model: 'sentiment', slot, onInstall: (m, why) => installs.push(`${m.version}:${why}`), onWarning: (_d, message) => warnings.push(message) });
  return { feed: (records) => records.forEach(([key, record]) => f.accept(key, record)), slot, installs, warnings };
}

describe('ModelFollower', () => {
  it('ModelFollower on a label loads the labelled version, stays on it as newer ones arrive, and goes back on a rollback', () => {
    previous = undefined;
    const f = follower('stable');
    f.feed([...published(1), ...published(2)]);
    expect(f.slot.current()).toBeUndefined();
    f.feed(labelled(1));
    f.feed([...published(3), ...published(4)]);
    expect(f.slot.current()?.version).toBe(1);
    f.feed(labelled(4));
    f.feed(labelled(2, 'rollback'));
    expect(f.slot.current()?.version).toBe(2);
    expect(f.installs).toEqual(['1:label', '4:label', '2:label']);
  });

  it('ModelFollower keeps serving when the label points to a version tombstoned off the topic', () => {
    previous = undefined;
    const f = follower('stable');
    f.feed([...published(1), ...published(2), ...labelled(2)]);
    f.feed([[modelKeys.chunk('sentiment', 1, 0), undefined]]);
    f.feed(labelled(1, 'rollback'));
    expect(f.slot.current()?.version).toBe(2);
    expect(f.warnings.join()).toContain('not (or no longer) on the topic');
  });

  it('ModelFollower on latest ignores labels and refuses a stale version', () => {
    previous = undefined;
    const f = follower('latest');
    f.feed([...published(2), ...labelled(2), ...published(3), ...labelled(3)]);
    f.feed(published(1));
    expect(f.slot.current()?.version).toBe(3);
    expect(f.installs).toEqual(['2:newer', '3:newer']);
  });

  it('ModelFollower on a version loads only that one', () => {
    const f = follower('2');
    f.feed([...published(1), ...published(2), ...published(3)]);
    expect(f.installs).toEqual(['2:newer']);
  });
});
