import { describe, expect, it } from 'vitest';
import { FeatureBuffer, Featurizer, tokenize } from '../../../src/models/index.js';

describe('tokenize', () => {
  it('lower-cases, splits on non-letters/digits and splits contractions like the Penn Treebank', () => {
    expect(tokenize("It's GREAT -- I don't care, can't stop!")).toEqual(['it', "'s", 'great', 'i', 'do', "n't", 'care', 'ca', "n't", 'stop']);
  });

  it('reads pre-tokenized text ("does n\'t", "it \'s") the same way as contracted text', () => {
    expect(tokenize("it 's good , does n't it ?")).toEqual(tokenize("it's good, doesn't it?"));
    expect(tokenize('don\u2019t')).toEqual(['do', "n't"]);
  });

  it('keeps accented letters and digits inside words and drops quotes around words', () => {
    expect(tokenize("Café 2049 'quoted' naïve")).toEqual(['café', '2049', 'quoted', 'naïve']);
    expect(tokenize('  ...  ')).toEqual([]);
  });
});

describe('Featurizer', () => {
  const featurizer = new Featurizer({ buckets: 2 ** 20, ngrams: 2, seed: 1 });

  /** Bucket ids in emission order, repeats kept. */
  const raw = (f: Featurizer, text: string): number[] => {
    const buffer = new FeatureBuffer(16);
    f.featurize(text, buffer);
    return [...buffer.data.subarray(0, buffer.length)];
  };

  it('emits one unigram per token and one bigram per adjacent pair, all inside the bucket range', () => {
    const f = raw(featurizer, 'a good film today');
    expect(f.length).toBe(4 + 3);
    for (const b of f) expect(b >= 0 && b < 2 ** 20).toBe(true);
  });

  it('gives the model each distinct feature once, sorted (binarized)', () => {
    const f = [...featurizer.features('good good good film')];
    expect(f).toEqual([...new Set(raw(featurizer, 'good good good film'))].sort((a, b) => a - b));
    expect(f.length).toBe(2 + 2); // good, film, "good good", "good film"
  });

  it('gives distinct sorted features for short and long texts alike (insertion sort up to 64 ids, then the built-in sort)', () => {
    const words = Array.from({ length: 120 }, (_, i) => `w${i % 45}`);
    for (const n of [3, 20, 40, 120]) {
      const text = words.slice(0, n).join(' ');
      expect([...featurizer.features(text)]).toEqual([...new Set(raw(featurizer, text))].sort((a, b) => a - b));
    }
  });

  it('hashes bigrams order-sensitively and the same words to the same buckets', () => {
    const ab = raw(featurizer, 'not good');
    const ba = raw(featurizer, 'good not');
    // features come as: not, good, "not good"  /  good, not, "good not"
    expect(ab[0]).toBe(ba[1]);
    expect(ab[1]).toBe(ba[0]);
    expect(ab[2]).not.toBe(ba[2]);
    expect(raw(featurizer, 'NOT GOOD')).toEqual(ab);
  });

  it('changes buckets with the seed and supports trigrams', () => {
    const other = new Featurizer({ buckets: 2 ** 20, ngrams: 2, seed: 2 });
    expect([...other.features('not good')]).not.toEqual([...featurizer.features('not good')]);
    const tri = new Featurizer({ buckets: 2 ** 20, ngrams: 3, seed: 1 });
    expect(raw(tri, 'one two three').length).toBe(3 + 2 + 1);
  });
});
