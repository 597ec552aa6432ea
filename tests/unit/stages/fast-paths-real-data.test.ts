import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeWord, STOPWORDS } from '../../../src/stages/english-words.js';
import { profileText, wordKey } from '../../../src/stages/text-profile.js';
import { collapseWhitespace } from '../../../src/text/normalize-text.js';
import { dataPath, dataPresent, readJsonl } from './helpers.js';

/**
 * The char-code fast paths of session 6 (docs/PERFORMANCE.md) against the plain code they
 * stand in for, on every real review: they must give the very same results.
 */
const FILES = [dataPath('rt-polarity/rt-polarity.jsonl'), dataPath('uci-sentiment/all.jsonl')];

/** What normalizeWord was before its fast path. */
const slowNormalizeWord = (word: string): string => word.toLowerCase().replace(/\u2019/g, "'");
/** What collapseWhitespace was before its fast path. */
const slowCollapse = (text: string): string => text.replace(/[^\S ]\s*|\s{2,}/g, ' ').trim();
const STOPWORD_KEYS = new Set([...STOPWORDS].map(wordKey));

describe.skipIf(!dataPresent(...FILES))('fast paths on the real data sets', () => {
  // read in beforeAll: a skipped describe's body still runs when the files are absent
  let texts: string[] = [];
  let variants: string[] = [];
  beforeAll(() => {
    texts = FILES.flatMap((path) => readJsonl(path).map((r) => r.text));
    // padded and spaced variants reach the slow path of collapseWhitespace too
    variants = texts.flatMap((t) => [t, ` ${t} `, t.replace(/ /g, '  '), `${t}\u00a0\u2019`]);
  });

  it('normalizeWord gives what lower-casing and folding the apostrophe give, for every token of the real reviews', () => {
    const words = variants.flatMap((t) => t.split(/\s+/));
    const differing = words.filter((w) => normalizeWord(w) !== slowNormalizeWord(w));
    expect(words.length).toBeGreaterThan(200_000);
    expect(differing).toEqual([]);
  });

  it('collapseWhitespace gives what the regex and trim gave, on every real review and spaced-out variants', () => {
    const differing = variants.filter((t) => collapseWhitespace(t) !== slowCollapse(t));
    expect(variants.filter((t) => collapseWhitespace(t) !== t).length).toBeGreaterThan(texts.length); // the slow path ran too
    expect(differing).toEqual([]);
  });

  it('profileText counts the stopword tokens a Set of stopword keys counts, on every real review', () => {
    let stopwords = 0;
    for (const text of texts) {
      const profile = profileText(text);
      const expected = profile.tokenHashes.filter((h) => STOPWORD_KEYS.has(h)).length;
      expect(profile.stopwordTokens).toBe(expected);
      stopwords += expected;
    }
    expect(stopwords).toBeGreaterThan(50_000);
  });
});
