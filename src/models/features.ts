import { combineHashes, fmix32, fnvStart, HASH_PRIME } from '../util/hash.js';
import { scanTokens } from './tokenizer.js';

/** Feature-hashing parameters; recorded in every model version (`ModelVersion.hashing`). */
export interface HashingParams {
  /** Number of hash buckets; a power of two so a bucket is `hash & (buckets - 1)`. */
  buckets: number;
  /** Longest word n-gram hashed: 1 = unigrams, 2 = + bigrams, 3 = + trigrams. */
  ngrams: number;
  seed: number;
}

/** Whether two sets of hashing parameters hash every text to the same buckets. */
export function sameHashing(a: HashingParams, b: HashingParams): boolean {
  return a.buckets === b.buckets && a.ngrams === b.ngrams && a.seed === b.seed;
}

/** A growable Int32Array of bucket ids: features of many documents, back to back. */
export class FeatureBuffer {
  data: Int32Array;
  length = 0;

  constructor(initialCapacity = 1 << 16) {
    this.data = new Int32Array(initialCapacity);
  }

  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.data.length) return;
    let capacity = this.data.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Int32Array(capacity);
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }

  clear(): void {
    this.length = 0;
  }
}

const NGRAM_SALTS = [0, 0, 0x2545f491, 0x6c8e9cf5] as const;

/**
 * Turns text into hashed unigram (+ n-gram) bucket ids. A bigram's hash is combined from
 * its two token hashes, so no n-gram string is ever built. Not thread-safe (reuses a
 * scratch buffer); one instance per trainer or predictor.
 */
export class Featurizer {
  readonly params: HashingParams;
  private readonly mask: number;
  private readonly start: number;
  private ranges = new Int32Array(4096);

  constructor(params: HashingParams) {
    this.params = params;
    this.mask = params.buckets - 1;
    this.start = fnvStart(params.seed);
  }

  /** Appends the bucket ids of `text` to `out`; returns the number of tokens. */
  featurize(text: string, out: FeatureBuffer): number {
    const s = text.toLowerCase();
    if (this.ranges.length < 2 * s.length + 2) this.ranges = new Int32Array(4 * s.length + 2);
    const ranges = this.ranges;
    const tokens = scanTokens(s, ranges);
    const ngrams = this.params.ngrams;
    out.ensure(tokens * ngrams);
    const data = out.data;
    const mask = this.mask;
    const salt2 = NGRAM_SALTS[2];
    const salt3 = NGRAM_SALTS[3];
    let n = out.length;
    let previous = 0;
    let previousBigram = 0;
    for (let t = 0; t < tokens; t++) {
      const end = ranges[t * 2 + 1]!;
      let h = this.start;
      for (let k = ranges[t * 2]!; k < end; k++) {
        let c = s.charCodeAt(k);
        if (c === 0x2019) c = 0x27; // typographic apostrophe hashes like ASCII
        h ^= c;
        h = Math.imul(h, HASH_PRIME);
      }
      h = fmix32(h);
      data[n++] = h & mask;
      if (ngrams >= 2 && t >= 1) {
        const bigram = combineHashes(previous, h, salt2);
        data[n++] = bigram & mask;
        if (ngrams >= 3 && t >= 2) data[n++] = combineHashes(previousBigram, h, salt3) & mask;
        previousBigram = bigram;
      }
      previous = h;
    }
    out.length = n;
    return tokens;
  }

  /**
   * Appends the distinct bucket ids of `text` to `out`, sorted: the binarized features the
   * model sees (a word said twice counts once). Returns the number of tokens.
   */
  featurizeDistinct(text: string, out: FeatureBuffer): number {
    const from = out.length;
    const tokens = this.featurize(text, out);
    out.length = distinctSorted(out.data, from, out.length);
    return tokens;
  }

  /** The distinct, sorted bucket ids of one text, as a fresh array (holdout storage, tests). */
  features(text: string): Int32Array {
    const buffer = new FeatureBuffer(64);
    this.featurizeDistinct(text, buffer);
    return buffer.data.slice(0, buffer.length);
  }
}

/** Up to this many ids an insertion sort beats TypedArray.prototype.sort (a runtime call and a subarray per document). */
const INSERTION_SORT_MAX = 64;

/**
 * Sorts `data[from..to)` in place, removes repeats, and returns the new end. Sorting a
 * document's few hundred ids costs less than a bucket-sized "seen" table would in memory.
 */
export function distinctSorted(data: Int32Array, from: number, to: number): number {
  if (to - from < 2) return to;
  if (to - from <= INSERTION_SORT_MAX) insertionSort(data, from, to);
  else data.subarray(from, to).sort();
  let end = from + 1;
  for (let i = from + 1; i < to; i++) {
    const id = data[i]!;
    if (id !== data[end - 1]) data[end++] = id;
  }
  return end;
}

function insertionSort(data: Int32Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const id = data[i]!;
    let j = i - 1;
    while (j >= from && data[j]! > id) {
      data[j + 1] = data[j]!;
      j--;
    }
    data[j + 1] = id;
  }
}
