import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmix32, hash32 } from '../../../src/util/hash.js';
import { bands, fingerprintKey, hammingDistance, parseFingerprintKey, simhash } from '../../../src/stages/simhash.js';
import { profileText, wordKey } from '../../../src/stages/text-profile.js';

/** The textbook SimHash: ±1 per feature bit, summed, sign per bit. */
function naiveSimhash(tokens: number[]): { hi: number; lo: number } {
  const sums = new Array<number>(64).fill(0);
  const add = (feature: number): void => {
    const lo = fmix32(feature ^ 0x7f4a7c15);
    const hi = fmix32(feature ^ 0x9e3779b9);
    for (let b = 0; b < 32; b++) {
      sums[b] = (sums[b] ?? 0) + ((lo >>> b) & 1 ? 1 : -1);
      sums[b + 32] = (sums[b + 32] ?? 0) + ((hi >>> b) & 1 ? 1 : -1);
    }
  };
  tokens.forEach((token, i) => {
    add(token);
    const previous = tokens[i - 1];
    if (previous !== undefined) add(fmix32(Math.imul(previous, 31) ^ token ^ 0x2545f491));
  });
  let hi = 0;
  let lo = 0;
  for (let b = 0; b < 32; b++) {
    if ((sums[b] ?? 0) > 0) lo |= 1 << b;
    if ((sums[b + 32] ?? 0) > 0) hi |= 1 << b;
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

describe('simhash', () => {
  it('simhash with bit-sliced counters equals the textbook per-bit sums', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0x3fffffff }), { maxLength: 300 }), (tokens) => {
        expect(simhash(tokens)).toEqual(naiveSimhash(tokens));
      }),
      { numRuns: 500 },
    );
  });

  it('simhash ignores case and punctuation but not word order', () => {
    const fp = (text: string) => simhash(profileText(text).tokenHashes);
    expect(fp('Great phone, works well!')).toEqual(fp('great phone works well'));
    expect(hammingDistance(fp('the acting was good and the plot was bad'), fp('the acting was bad and the plot was good'))).toBeGreaterThan(3);
  });

  it('hammingDistance counts differing bits over both halves', () => {
    expect(hammingDistance({ hi: 0, lo: 0 }, { hi: 0x80000001, lo: 0xffffffff })).toBe(34);
    expect(hammingDistance({ hi: 5, lo: 9 }, { hi: 5, lo: 9 })).toBe(0);
  });

  it('fingerprint keys round-trip and bands split the 64 bits into four tagged 16-bit parts', () => {
    const fp = { hi: 0xdeadbeef, lo: 0x0badf00d };
    expect(fingerprintKey(fp)).toBe('deadbeef0badf00d');
    expect(parseFingerprintKey('deadbeef0badf00d')).toEqual(fp);
    expect(bands(fp)).toEqual([0xdead, 0x1beef, 0x20bad, 0x3f00d]);
  });
});

describe('profileText', () => {
  it('profileText counts characters, tokens, runs and URLs in one pass', () => {
    const p = profileText("Don't buy!!! see [url] now, ok? Café 10/10");
    expect(p.length).toBe(42);
    expect(p.nonSpace).toBe(35);
    expect(p.letters).toBe(22);
    expect(p.punctuation).toBe(9); // ' !!! [ ] , ? /
    expect(p.maxRun).toBe(3);
    expect(p.tokenHashes).toEqual(["don't", 'buy', 'see', 'url', 'now', 'ok', 'café', '10', '10'].map(wordKey));
    expect(p.urls).toBe(1);
    expect(p.stopwordTokens).toBe(2); // don't, now
  });

  it('profileText hashes a token like hash32 of its lower-cased text', () => {
    expect(profileText('MOVIE').tokenHashes).toEqual([hash32('movie') & 0x3fffffff]);
  });

  it('profileText marks vowel-less and consonant-cluster words as unpronounceable, not real ones', () => {
    expect(profileText('rhythm strengths xkcd bcdfghk gym').unpronounceableTokens).toBe(2);
    expect(profileText('rhythm strengths xkcd bcdfghk gym').alphaTokens).toBe(5);
  });
});
