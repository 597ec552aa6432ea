/**
 * Fast non-cryptographic hashes over UTF-16 code units and a tiny seeded PRNG.
 * Dedup keys, SimHash features, vocabulary sets and per-record seeds all use these, so
 * they must be deterministic across processes and cheap enough for hot loops.
 */
import { fmix32, mulberry32 } from '../util/hash.js';

export { fmix32, mulberry32 };

/** 64-bit hash (cyrb53 construction widened to two full 32-bit lanes) as 16 hex chars. */
export function hash64Hex(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return hex32(h2) + hex32(h1);
}

/** 32-bit FNV-1a with a murmur3 finaliser, so nearby strings spread over all bits. */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

export function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

