import { describe, expect, it } from 'vitest';
import { hasCode } from '../../../src/errors.js';
import { countDeliberatelyInvalid, generateReviews, isDeliberatelyInvalid, type GeneratedReview } from '../../../src/generate/generator.js';
import { DEFAULT_INGEST_LIMITS } from '../../../src/ingest/limits.js';
import { validateReview } from '../../../src/ingest/validate.js';

const COUNT = 20_000;
const sample: GeneratedReview[] = [...generateReviews({ count: COUNT, seed: 7 })];
const texts = sample.flatMap((r) => (typeof r.text === 'string' ? [r.text] : []));
const share = (test: (text: string) => boolean) => texts.filter(test).length / COUNT;

describe('generateReviews', () => {
  it('generateReviews gives identical output for a seed and different output for another seed', () => {
    const a = [...generateReviews({ count: 500, seed: 11 })].map((r) => JSON.stringify(r)).join('\n');
    const b = [...generateReviews({ count: 500, seed: 11 })].map((r) => JSON.stringify(r)).join('\n');
    const c = [...generateReviews({ count: 500, seed: 12 })].map((r) => JSON.stringify(r)).join('\n');
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(a.length).toBeGreaterThan(50_000);
  });

  it('generateReviews gives review i the same content whatever the count', () => {
    const short = [...generateReviews({ count: 50, seed: 3 })];
    const long = [...generateReviews({ count: 200, seed: 3 })].slice(0, 50);
    expect(long).toEqual(short);
  });

  it('generateReviews numbers ids gen-<seed>-<index>, all unique', () => {
    expect(sample[0]?.id).toBe('gen-7-0');
    expect(sample[COUNT - 1]?.id).toBe(`gen-7-${COUNT - 1}`);
    expect(new Set(sample.map((r) => r.id)).size).toBe(COUNT);
  });

  it('generateReviews writes only the fields a user would', () => {
    const keys = new Set(sample.flatMap((r) => Object.keys(r)));
    expect([...keys].sort()).toEqual(['id', 'label', 'rating', 'source', 'text']);
    expect(new Set(sample.map((r) => r.source))).toEqual(
      new Set(['synthetic/movies', 'synthetic/restaurants', 'synthetic/gadgets', 'synthetic/hotels', 'synthetic/books']),
    );
  });

  it('generateReviews balances labels and varies lengths from one word to several paragraphs', () => {
    const labeled = sample.filter((r) => r.label === 0 || r.label === 1);
    const positive = labeled.filter((r) => r.label === 1).length / labeled.length;
    expect(positive).toBeGreaterThan(0.46);
    expect(positive).toBeLessThan(0.54);
    const lengths = texts.map((t) => t.length).sort((x, y) => x - y);
    expect(lengths[0]).toBeLessThan(10);
    expect(lengths[lengths.length - 1]).toBeGreaterThan(1500);
    expect(share((t) => t.includes('\n\n') || t.includes('<br /><br />'))).toBeGreaterThan(0.05);
  });

  it('generateReviews carries the mess of real data at its configured rates', () => {
    expect(share((t) => /[\u0085\u0092\u0093\u0094\u0096]/.test(t))).toBeGreaterThan(0.01);
    expect(share((t) => t.includes('<br /><br />'))).toBeGreaterThan(0.05);
    expect(share((t) => /&amp;|&quot;|<i>/.test(t))).toBeGreaterThan(0.05);
    expect(share((t) => /[\w.]+@[\w.]+\.\w+/.test(t))).toBeGreaterThan(0.003);
    expect(share((t) => /\(555\)|555[-. ]\d{3}[-. ]\d{4}/.test(t))).toBeGreaterThan(0.003);
    expect(share((t) => /https?:\/\/\S+\.(example|org|com)/.test(t))).toBeGreaterThan(0.005);
    expect(share((t) => /\b4\d{3} ?\d{4} ?\d{4} ?\d{4}\b/.test(t))).toBeGreaterThan(0.003);
    expect(share((t) => t.startsWith('BUY NOW!!!'))).toBeGreaterThan(0.005);
    expect(share((t) => /o{4,}/.test(t) && /!{3,}/.test(t))).toBeGreaterThan(0.01);
    expect(share((t) => /^[a-z]{3,7}( [a-z]{3,7}){2,7}$/.test(t) && !/\b(the|it|is|was)\b/.test(t))).toBeGreaterThan(0.002);
    expect(sample.filter((r) => r.label === undefined && r.rating === undefined).length / COUNT).toBeGreaterThan(0.005);
    expect(sample.filter((r) => r.rating !== undefined).length / COUNT).toBeGreaterThan(0.02);
    expect(sample.every((r) => r.rating === undefined || (Number.isInteger(r.rating) && r.rating >= 1 && r.rating <= 10))).toBe(true);
  });

  it('generateReviews writes card numbers that pass the Luhn check, as real ones do', () => {
    const luhn = (digits: string) =>
      [...digits.replace(/\D/g, '')].reverse().map(Number).reduce((sum, d, i) => sum + (i % 2 === 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0) % 10 === 0;
    const cards = texts.flatMap((t) => t.match(/card ([\d ]+) twice/)?.[1] ?? []);
    expect(cards.length).toBeGreaterThan(50);
    expect(cards.filter(luhn)).toEqual(cards);
  });

  it('generateReviews repeats earlier texts exactly and with one word changed', () => {
    const seen = new Map<string, number>();
    let exact = 0;
    for (const text of texts) {
      if (seen.has(text)) exact++;
      seen.set(text, 1);
    }
    expect(exact / COUNT).toBeGreaterThan(0.015);
    // Near duplicates: same word count, exactly one word differs from a text seen shortly before.
    let near = 0;
    const recent: string[][] = [];
    for (const text of texts) {
      const words = text.split(' ');
      if (words.length >= 6 && recent.some((other) => other.length === words.length && other.filter((w, i) => w !== words[i]).length === 1)) near++;
      recent.push(words);
      if (recent.length > 200) recent.shift();
    }
    expect(near / COUNT).toBeGreaterThan(0.01);
  });

  it('generateReviews makes a countable set of invalid records that validateReview rejects exactly', () => {
    const context = { line: 1, limits: DEFAULT_INGEST_LIMITS, now: 0, defaultSource: 'gen' };
    const rejected = sample.filter((r) => !validateReview(r, context).ok);
    const invalid = sample.filter(isDeliberatelyInvalid);
    expect(rejected.map((r) => r.id)).toEqual(invalid.map((r) => r.id));
    expect(invalid.length).toBe(countDeliberatelyInvalid({ count: COUNT, seed: 7 }));
    expect(invalid.length / COUNT).toBeGreaterThan(0.003);
    expect(invalid.length / COUNT).toBeLessThan(0.008);
    const reasons = new Set(invalid.map((r) => (validateReview(r, context) as { reason: string }).reason.replace(/got .*/, 'got')));
    expect(reasons).toEqual(new Set(['missing "text"', '"text" must be a string, got', '"label" must be 0 or 1, got', 'text is empty']));
  });

  it('generateReviews follows the mix knobs: zero rates give clean labeled reviews', () => {
    const noKinds = { invalidRate: 0, spamRate: 0, gibberishRate: 0, exactDuplicateRate: 0, nearDuplicateRate: 0, veryShortRate: 0 };
    const noMess = { unlabeledRate: 0, ratingRate: 0, htmlRate: 0, piiRate: 0, c1Rate: 0, repetitionRate: 0 };
    const clean = [...generateReviews({ count: 2000, seed: 5, ...noKinds, ...noMess })];
    expect(clean.every((r) => (r.label === 0 || r.label === 1) && typeof r.text === 'string' && r.rating === undefined)).toBe(true);
    expect(clean.some((r) => /[<@\u0080-\u009f]|https?:/.test(String(r.text)))).toBe(false);
    expect(new Set(clean.map((r) => r.text)).size).toBeGreaterThan(1900);
    expect(countDeliberatelyInvalid({ count: 2000, seed: 5, ...noKinds })).toBe(0);
    const allInvalid = [...generateReviews({ count: 100, seed: 5, ...noKinds, invalidRate: 1 })];
    expect(allInvalid.every(isDeliberatelyInvalid)).toBe(true);
    expect(countDeliberatelyInvalid({ count: 100, seed: 5, ...noKinds, invalidRate: 1 })).toBe(100);
  });

  it('generateReviews rejects bad counts, seeds and rates instead of clamping them', () => {
    const run = (options: Parameters<typeof generateReviews>[0]) => () => [...generateReviews(options)];
    for (const bad of [run({ count: -1, seed: 1 }), run({ count: 1.5, seed: 1 }), run({ count: 1, seed: Number.NaN }), run({ count: 1, seed: 1, spamRate: 2 }), run({ count: 1, seed: 1, spamRate: 0.6, invalidRate: 0.6 })]) {
      expect(bad).toThrow();
      try {
        bad();
      } catch (err) {
        expect(hasCode(err, 'INVALID_CONFIG')).toBe(true);
      }
    }
  });
});
