import type { ChangeBuffer } from './change-buffer.js';

/**
 * A bounded FIFO set of keys (content hashes, fingerprints), each remembering the input
 * position it was first seen at. Remembering the position is what makes it replay-safe:
 * after a crash before the commit, the runtime feeds the same records again, and a key
 * seen at the very same partition/offset is that record replayed, not a duplicate.
 *
 * Every insert and eviction is written to the change buffer under `prefix + key`; eviction
 * writes a tombstone so the compacted changelog stays as small as the window.
 */
export interface ReplaySafeWindowOptions {
  capacity: number;
  /** Changelog key prefix, so several windows can share one state's key space. */
  prefix: string;
  changes: ChangeBuffer;
  onInsert?: (key: string) => void;
  onEvict?: (key: string) => void;
}

export type WindowVerdict = 'new' | 'replayed' | 'seen';

export function encodePosition(partition: number, offset: number): string {
  return `${partition}:${offset}`;
}

export class ReplaySafeWindow {
  /** key → encoded position; Map iteration order is insertion order, i.e. FIFO. */
  private readonly entries = new Map<string, string>();

  constructor(private readonly options: ReplaySafeWindowOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** Where a key was first seen, if it is in the window. */
  positionOf(key: string): string | undefined {
    return this.entries.get(key);
  }

  /** Classifies a key against the window without changing it. */
  verdict(key: string, position: string): WindowVerdict {
    const seenAt = this.entries.get(key);
    if (seenAt === undefined) return 'new';
    return seenAt === position ? 'replayed' : 'seen';
  }

  /** Adds a key first seen at `position`; a key already present keeps its first position. */
  insert(key: string, position: string): void {
    if (this.entries.has(key)) return;
    this.entries.set(key, position);
    this.options.onInsert?.(key);
    this.options.changes.set(this.options.prefix + key, position);
    this.evictOverflow();
  }

  /** Replays one changelog entry whose key carries this window's prefix. */
  apply(prefixedKey: string, value: string | null): void {
    const key = prefixedKey.slice(this.options.prefix.length);
    if (value === null) {
      if (this.entries.delete(key)) this.options.onEvict?.(key);
      return;
    }
    if (this.entries.has(key)) return;
    this.entries.set(key, value);
    this.options.onInsert?.(key);
    // A smaller configured capacity than the run that wrote the changelog: shrink now.
    this.evictOverflow();
  }

  private evictOverflow(): void {
    while (this.entries.size > this.options.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) return;
      this.entries.delete(oldest.value);
      this.options.onEvict?.(oldest.value);
      this.options.changes.set(this.options.prefix + oldest.value, null);
    }
  }
}
