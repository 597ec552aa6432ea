import type { ChangeBuffer } from './change-buffer.js';
import { ReplaySafeWindow } from './replay-safe-window.js';
import { bands, fingerprintKey, hammingDistance, parseFingerprintKey, type Fingerprint } from './simhash.js';

/**
 * A bounded FIFO window of SimHash fingerprints with a band index: each fingerprint is
 * listed under its four 16-bit bands, so a lookup compares only against fingerprints
 * that share a band — by pigeonhole, every one within Hamming distance 3.
 */
export interface NearDuplicateIndexOptions {
  capacity: number;
  prefix: string;
  changes: ChangeBuffer;
}

/** One fingerprint in the index: parsed once, shared by its four band lists. */
interface Posting {
  key: string;
  fp: Fingerprint;
}

export class NearDuplicateIndex {
  private readonly window: ReplaySafeWindow;
  /** (band number << 16 | band value) → fingerprints with that band. */
  private readonly postings = new Map<number, Posting[]>();

  constructor(options: NearDuplicateIndexOptions) {
    this.window = new ReplaySafeWindow({
      ...options,
      onInsert: (key) => this.index(key),
      onEvict: (key) => this.unindex(key),
    });
  }

  get size(): number {
    return this.window.size;
  }

  /**
   * True when a fingerprint within `maxDistance` was first seen at another position.
   * The record's own entry (same position: a replay) does not count.
   */
  hasNearDuplicate(fp: Fingerprint, position: string, maxDistance: number): boolean {
    for (const band of bands(fp)) {
      for (const posting of this.postings.get(band) ?? []) {
        if (hammingDistance(fp, posting.fp) > maxDistance) continue;
        if (this.window.positionOf(posting.key) !== position) return true;
      }
    }
    return false;
  }

  insert(fp: Fingerprint, position: string): void {
    this.window.insert(fingerprintKey(fp), position);
  }

  apply(prefixedKey: string, value: string | null): void {
    this.window.apply(prefixedKey, value);
  }

  private index(key: string): void {
    const posting: Posting = { key, fp: parseFingerprintKey(key) };
    for (const band of bands(posting.fp)) {
      const list = this.postings.get(band);
      if (list === undefined) this.postings.set(band, [posting]);
      else list.push(posting);
    }
  }

  private unindex(key: string): void {
    for (const band of bands(parseFingerprintKey(key))) {
      const list = this.postings.get(band);
      if (list === undefined) continue;
      const at = list.findIndex((p) => p.key === key);
      if (at >= 0) {
        list[at] = list[list.length - 1] as Posting;
        list.pop();
      }
      if (list.length === 0) this.postings.delete(band);
    }
  }
}
