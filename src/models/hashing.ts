/**
 * Seeded 32-bit hashing shared by the trainer and every subscriber: FNV-1a over UTF-16
 * code units, finished with murmur3's fmix32 so the low bits (used as the bucket) are
 * well mixed. Pure integer math, no allocation.
 */
import { fmix32 } from '../util/hash.js';

export { fmix32 };

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
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
