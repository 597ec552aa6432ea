import { fmix32, hex64 } from '../util/hash.js';

/**
 * 64-bit SimHash (Charikar 2002) over word unigrams and bigrams, as two 32-bit halves.
 * Texts that share most of their shingles get fingerprints a few bits apart.
 */
export interface Fingerprint {
  hi: number;
  lo: number;
}

/**
 * Per-bit counts of one-bits over all features, kept bit-sliced: plane j holds bit j of
 * every bit position's count, so adding a feature is a ripple-carry add of one 32-bit
 * word (a few operations) instead of 64 separate increments.
 */
const loPlanes = new Int32Array(32);
const hiPlanes = new Int32Array(32);

export function simhash(tokenHashes: readonly number[]): Fingerprint {
  loPlanes.fill(0);
  hiPlanes.fill(0);
  let features = 0;
  let previous: number | undefined;
  for (const token of tokenHashes) {
    addFeature(token);
    features++;
    if (previous !== undefined) {
      addFeature(fmix32(Math.imul(previous, 31) ^ token ^ 0x2545f491));
      features++;
    }
    previous = token;
  }
  // A bit is set where most features have it set (the sign of the ±1 sum).
  return { hi: majority(hiPlanes, features), lo: majority(loPlanes, features) };
}

/** A feature's 64 bits: two independent 32-bit mixes of it. */
function addFeature(feature: number): void {
  addToPlanes(loPlanes, fmix32(feature ^ 0x7f4a7c15));
  addToPlanes(hiPlanes, fmix32(feature ^ 0x9e3779b9));
}

function addToPlanes(planes: Int32Array, word: number): void {
  let carry = word | 0;
  for (let j = 0; carry !== 0 && j < 32; j++) {
    const plane = planes[j] ?? 0;
    planes[j] = plane ^ carry;
    carry &= plane;
  }
}

/**
 * The bits whose one-count exceeds half the features, for all 32 positions at once: a
 * bit-sliced comparison of the counters against floor(features / 2), high plane first.
 */
function majority(planes: Int32Array, features: number): number {
  const half = Math.floor(features / 2);
  let greater = 0;
  let equal = -1;
  for (let j = 31; j >= 0; j--) {
    const plane = planes[j] ?? 0;
    if ((half >>> j) & 1) {
      equal &= plane;
    } else {
      greater |= equal & plane;
      equal &= ~plane;
    }
  }
  return greater >>> 0;
}

export function hammingDistance(a: Fingerprint, b: Fingerprint): number {
  return popcount32(a.hi ^ b.hi) + popcount32(a.lo ^ b.lo);
}

function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export function fingerprintKey(fp: Fingerprint): string {
  return hex64(fp.hi, fp.lo);
}

export function parseFingerprintKey(key: string): Fingerprint {
  return { hi: parseInt(key.slice(0, 8), 16) >>> 0, lo: parseInt(key.slice(8, 16), 16) >>> 0 };
}

/** The four 16-bit bands; within distance 3, at least one band of two fingerprints is equal. */
export function bands(fp: Fingerprint): [number, number, number, number] {
  return [fp.hi >>> 16, (fp.hi & 0xffff) | 0x10000, (fp.lo >>> 16) | 0x20000, (fp.lo & 0xffff) | 0x30000];
}
