import { describe, expect, it } from 'vitest';
import { DELTA_PREFIX, PackedChangelog } from '../../../src/runtime/packed-changelog.js';
import { ChangeBuffer } from '../../../src/stages/change-buffer.js';
import { ReplaySafeWindow } from '../../../src/stages/replay-safe-window.js';

interface LogRecord {
  key: string;
  value: string | null;
}

/** What a compacted topic holds once the cleaner ran: the last record of each key, tombstones gone. */
function compacted(log: LogRecord[]): LogRecord[] {
  const last = new Map<string, number>();
  log.forEach((r, i) => last.set(r.key, i));
  return log.filter((r, i) => last.get(r.key) === i && r.value !== null);
}

function windowOf(capacity: number): { window: ReplaySafeWindow; changes: ChangeBuffer } {
  const changes = new ChangeBuffer();
  return { window: new ReplaySafeWindow({ capacity, prefix: 'h:', changes }), changes };
}

function restore(log: LogRecord[], capacity: number): ReplaySafeWindow {
  const { window } = windowOf(capacity);
  const packed = new PackedChangelog();
  for (const r of log) for (const [k, v] of packed.restore(r.key, r.value)) window.apply(k, v);
  return window;
}

/** Streams `chunks` chunks of `perChunk` new keys through a window and packs each chunk's changes. */
function stream(options: { capacity: number; chunks: number; perChunk: number; extra?: (chunk: number) => Array<[string, string | null]> }) {
  const { window, changes } = windowOf(options.capacity);
  const packed = new PackedChangelog();
  const log: LogRecord[] = [];
  let offset = 0;
  for (let c = 0; c < options.chunks; c++) {
    for (let i = 0; i < options.perChunk; i++, offset++) window.insert(`k${offset}`, `0:${offset}`);
    const written = packed.write([...changes.drain(), ...(options.extra?.(c) ?? [])], offset);
    log.push(...written.deltas);
    for (const key of written.tombstones) log.push({ key, value: null });
  }
  return { window, packed, log };
}

describe('packed changelog', () => {
  it('packed changelog restores a FIFO window exactly, from the raw log and from the compacted topic', () => {
    const { window, log } = stream({ capacity: 5_000, chunks: 60, perChunk: 400 });
    for (const source of [log, compacted(log)]) {
      const restored = restore(source, 5_000);
      expect(restored.size).toBe(window.size);
      for (let offset = 24_000 - 5_000; offset < 24_000; offset++) expect(restored.positionOf(`k${offset}`)).toBe(`0:${offset}`);
      expect(restored.positionOf('k0')).toBeUndefined();
    }
  });

  it('packed changelog writes one record per chunk instead of one per key', () => {
    const { log } = stream({ capacity: 5_000, chunks: 60, perChunk: 400 });
    const deltas = log.filter((r) => r.value !== null);
    expect(deltas).toHaveLength(60);
    expect(deltas.every((r) => r.key.startsWith(DELTA_PREFIX))).toBe(true);
  });

  it('packed changelog splits a chunk that changed many keys into records below the message limit', () => {
    const { log, window } = stream({ capacity: 50_000, chunks: 2, perChunk: 12_000 });
    const deltas = log.filter((r) => r.value !== null);
    expect(deltas).toHaveLength(6); // 12,000 inserts per chunk in parts of 5,000
    expect(Math.max(...deltas.map((d) => d.value!.length))).toBeLessThan(512 * 1024);
    expect(restore(compacted(log), 50_000).size).toBe(window.size);
  });

  it('packed changelog keeps the compacted topic about as large as the window, even with a key written once and never again', () => {
    const { packed, log } = stream({ capacity: 4_000, chunks: 200, perChunk: 500, extra: (c) => (c === 0 ? [['mon:ref', 'reference']] : [['mon:cur', `window ${c}`]]) });
    // 4,000 keys in chunks of 500: about 8 deltas live, plus the one being written
    expect(packed.deltas).toBeLessThanOrEqual(10);
    const kept = compacted(log);
    expect(kept.length).toBeLessThanOrEqual(10);
    // the key written only in the first chunk survived by being copied forward
    const state = new Map<string, string | null>();
    const replay = new PackedChangelog();
    for (const r of kept) for (const [k, v] of replay.restore(r.key, r.value)) state.set(k, v);
    expect(state.get('mon:ref')).toBe('reference');
    expect(state.get('mon:cur')).toBe('window 199');
  });

  it('packed changelog passes records of the older per-key format through unchanged', () => {
    expect(new PackedChangelog().restore('h:abc', '0:12')).toEqual([['h:abc', '0:12']]);
  });

  it('packed changelog takes a key written twice in one chunk (a state that does not coalesce) as its last write', () => {
    const packed = new PackedChangelog();
    const log: LogRecord[] = [];
    const write = (changes: Array<[string, string | null]>, seq: number): void => {
      const w = packed.write(changes, seq);
      log.push(...w.deltas, ...w.tombstones.map((key) => ({ key, value: null })));
    };
    write([['a', '1'], ['a', null], ['b', '2'], ['b', '3']], 1);
    // a later chunk cleans the first delta: only b's last value is copied forward, a stays deleted
    for (let seq = 2; seq < 5; seq++) write([[`k${seq}`, 'x']], seq);
    const state = new Map<string, string>();
    for (const r of compacted(log)) for (const [k, v] of new PackedChangelog().restore(r.key, r.value)) v === null ? state.delete(k) : state.set(k, v);
    expect(state.get('a')).toBeUndefined();
    expect(state.get('b')).toBe('3');
  });
});
