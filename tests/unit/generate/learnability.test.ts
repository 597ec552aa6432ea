import { describe, expect, it } from 'vitest';
import { generateReviews, isDeliberatelyInvalid } from '../../../src/generate/generator.js';
import { labelFromRating } from '../../../src/ingest/validate.js';

/** Labeled texts of a generated stream, as ingest would label them. */
function labeled(seed: number, count: number): { text: string; label: number }[] {
  const out: { text: string; label: number }[] = [];
  for (const review of generateReviews({ count, seed })) {
    if (isDeliberatelyInvalid(review) || typeof review.text !== 'string') continue;
    const label = review.label ?? labelFromRating(review.rating ?? null);
    if (label === 0 || label === 1) out.push({ text: review.text, label });
  }
  return out;
}

const tokens = (text: string) => text.toLowerCase().match(/[a-z']+/g) ?? [];

/** Multinomial naive Bayes over unigrams with add-one smoothing: the plain bag-of-words baseline. */
function naiveBayesAccuracy(train: { text: string; label: number }[], test: { text: string; label: number }[]): number {
  const counts = [new Map<string, number>(), new Map<string, number>()];
  const totals = [0, 0];
  const docs = [0, 0];
  const vocabulary = new Set<string>();
  for (const { text, label } of train) {
    docs[label]! += 1;
    for (const word of tokens(text)) {
      counts[label]!.set(word, (counts[label]!.get(word) ?? 0) + 1);
      totals[label]! += 1;
      vocabulary.add(word);
    }
  }
  let correct = 0;
  for (const { text, label } of test) {
    const score = [0, 1].map((c) => tokens(text).reduce((sum, w) => sum + Math.log(((counts[c]!.get(w) ?? 0) + 1) / (totals[c]! + vocabulary.size)), Math.log(docs[c]!)));
    if ((score[1]! > score[0]! ? 1 : 0) === label) correct++;
  }
  return correct / test.length;
}

describe('generateReviews sentiment signal', () => {
  it('generateReviews is learnable by bag-of-words to over 90% but not perfectly', () => {
    const accuracy = naiveBayesAccuracy(labeled(1, 6000), labeled(2, 3000));
    expect(accuracy).toBeGreaterThan(0.9);
    expect(accuracy).toBeLessThan(0.985);
  });
});
