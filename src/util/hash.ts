/**
 * The one hash module: small, fast, non-cryptographic hashes over UTF-16 code units and a
 * seeded PRNG. Dedup keys, SimHash features, per-record seeds (stages), the featurizer's
 * buckets and holdout membership (trainer and every subscriber) all use these, so they
 * must be deterministic across processes and versions, and cheap enough for hot loops:
 * changing one changes published models and dedup windows.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** murmur3's 32-bit finaliser: full avalanche of an already-accumulated hash. */
export function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: a 32-bit-state seeded PRNG returning floats in [0, 1); the same seed gives the same stream. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  return hex64(h2, h1);
}

/** 32-bit FNV-1a with a murmur3 finaliser, so nearby strings spread over all bits. */
export function hash32(text: string, seed = 0): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return fmix32(h);
}

const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/**
 * Two 32-bit lanes as 16 lower-case hex digits, high lane first: one string built from
 * char codes, where `toString(16).padStart` per lane made four (a dedup key per record).
 */
export function hex64(hi: number, lo: number): string {
  const d = HEX_DIGITS;
  return String.fromCharCode(
    d[(hi >>> 28) & 15]!, d[(hi >>> 24) & 15]!, d[(hi >>> 20) & 15]!, d[(hi >>> 16) & 15]!,
    d[(hi >>> 12) & 15]!, d[(hi >>> 8) & 15]!, d[(hi >>> 4) & 15]!, d[hi & 15]!,
    d[(lo >>> 28) & 15]!, d[(lo >>> 24) & 15]!, d[(lo >>> 20) & 15]!, d[(lo >>> 16) & 15]!,
    d[(lo >>> 12) & 15]!, d[(lo >>> 8) & 15]!, d[(lo >>> 4) & 15]!, d[lo & 15]!,
  );
}

// The featurizer's hashing: seeded FNV-1a finished with fmix32, so the low bits (the bucket) are well mixed.

/** Odd constant (2^32 / golden ratio) that makes n-gram combination order-sensitive. */
const GOLDEN = 0x9e3779b1;

/** The starting state for a seeded FNV-1a pass. */
export function fnvStart(seed: number): number {
  return (FNV_OFFSET ^ fmix32(seed)) >>> 0;
}

/** Hashes a whole string with a seed; used for ids (holdout membership), not tokens. */
export function hashString(text: string, seed: number): number {
  let h = fnvStart(seed);
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return fmix32(h);
}

/**
 * Combines the hash of the n-gram ending at the previous token with the current token's
 * hash: "a b" and "b a" differ, and no string is built.
 */
export function combineHashes(previous: number, current: number, salt: number): number {
  return fmix32((Math.imul(previous, GOLDEN) ^ current ^ salt) >>> 0);
}

export const HASH_PRIME = FNV_PRIME;

/** A uniform number in [0, 1) from a string and seed: holdout membership by id. */
export function unitInterval(text: string, seed: number): number {
  return hashString(text, seed) / 4294967296;
}
