import { describe, expect, it } from 'vitest';
import { ChangeBuffer } from '../../../src/stages/change-buffer.js';
import { ReplaySafeWindow } from '../../../src/stages/replay-safe-window.js';

function window(capacity: number, changes = new ChangeBuffer(), events: string[] = []): ReplaySafeWindow {
  return new ReplaySafeWindow({ capacity, prefix: 'w:', changes, onInsert: (k) => events.push(`+${k}`), onEvict: (k) => events.push(`-${k}`) });
}

describe('ReplaySafeWindow', () => {
  it('ReplaySafeWindow classifies keys as new, replayed (same position) or seen', () => {
    const w = window(10);
    expect(w.verdict('a', '0:5')).toBe('new');
    w.insert('a', '0:5');
    expect(w.verdict('a', '0:5')).toBe('replayed');
    expect(w.verdict('a', '0:6')).toBe('seen');
    expect(w.verdict('a', '1:5')).toBe('seen');
    w.insert('a', '0:9');
    expect(w.positionOf('a')).toBe('0:5');
  });

  it('ReplaySafeWindow evicts first-in first and tombstones the evicted key', () => {
    const changes = new ChangeBuffer();
    const events: string[] = [];
    const w = window(2, changes, events);
    w.insert('a', '0:1');
    w.insert('b', '0:2');
    expect(changes.drain()).toEqual([['w:a', '0:1'], ['w:b', '0:2']]);
    w.insert('c', '0:3');
    expect(changes.drain()).toEqual([['w:c', '0:3'], ['w:a', null]]);
    expect(events).toEqual(['+a', '+b', '+c', '-a']);
    expect([w.verdict('a', '0:9'), w.verdict('b', '0:9'), w.size]).toEqual(['new', 'seen', 2]);
  });

  it('ReplaySafeWindow rebuilt from its changes keeps FIFO order and writes nothing while replaying', () => {
    const source = new ChangeBuffer();
    const original = window(3, source);
    ['a', 'b', 'c', 'd', 'e'].forEach((k, i) => original.insert(k, `0:${i}`));
    const replayChanges = new ChangeBuffer();
    const restored = window(3, replayChanges);
    for (const [key, value] of source.drain()) restored.apply(key, value);
    expect(replayChanges.drain()).toEqual([]);
    expect(['a', 'b', 'c', 'd', 'e'].map((k) => restored.positionOf(k))).toEqual([undefined, undefined, '0:2', '0:3', '0:4']);
    restored.insert('f', '0:5');
    expect(restored.positionOf('c')).toBeUndefined();
  });

  it('ReplaySafeWindow shrinks to a smaller configured capacity on replay, tombstoning the overflow', () => {
    const source = new ChangeBuffer();
    const big = window(5, source);
    ['a', 'b', 'c', 'd'].forEach((k, i) => big.insert(k, `0:${i}`));
    const changes = new ChangeBuffer();
    const small = window(2, changes);
    for (const [key, value] of source.drain()) small.apply(key, value);
    expect(small.size).toBe(2);
    expect(changes.drain()).toEqual([['w:a', null], ['w:b', null]]);
  });
});
