import type { Review } from '../../src/records/types.js';
import { seededRandom } from '../../src/trainer/random.js';

/**
 * Synthetic long reviews (~300 words) for throughput at realistic document length and
 * vocabulary size: Zipf-distributed neutral words from a 30,000-word vocabulary, 12%
 * sentiment words (75% from the review's class), and "not" flipping some of them, so
 * bigrams matter and accuracy is high but not perfect. (At 6% sentiment words one pass
 * of fastText or of our trainer stays near chance: the mean embedding is all noise.)
 */
/** Share of words that carry sentiment, and how many of those agree with the label. */
const SENTIMENT_DENSITY = 0.12;
const AGREEMENT = 0.75;
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'do', 'fi', 'gu', 'he', 'ja', 'ku'];

function word(index: number, prefix: string): string {
  let w = prefix;
  let n = index;
  do {
    w += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  } while (n > 0);
  return w;
}

export interface LongReviewOptions {
  count: number;
  seed: number;
  words?: number;
}

export function longReviews(options: LongReviewOptions): Review[] {
  const random = seededRandom(options.seed);
  const length = options.words ?? 300;
  const vocabulary = Array.from({ length: 30_000 }, (_, i) => word(i, ''));
  const positive = Array.from({ length: 300 }, (_, i) => word(i, 'bo'));
  const negative = Array.from({ length: 300 }, (_, i) => word(i, 'ma'));
  // Zipf(s = 1.1) cumulative weights for the neutral vocabulary.
  const cdf = new Float64Array(vocabulary.length);
  let total = 0;
  for (let i = 0; i < vocabulary.length; i++) cdf[i] = total += 1 / (i + 1) ** 1.1;
  const zipf = (): string => {
    const x = random() * total;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo]!;
  };
  const pick = (xs: readonly string[]): string => xs[Math.floor(random() * xs.length)]!;
  const reviews: Review[] = [];
  for (let r = 0; r < options.count; r++) {
    const label = random() < 0.5 ? 0 : 1;
    const words: string[] = [];
    while (words.length < length) {
      if (random() >= SENTIMENT_DENSITY) {
        words.push(zipf());
        continue;
      }
      const agrees = random() < AGREEMENT;
      const negated = random() < 0.15;
      const positiveWord = (label === 1) === agrees !== negated;
      if (negated) words.push('not');
      words.push(pick(positiveWord ? positive : negative));
    }
    reviews.push({
      id: `long-${options.seed}-${r}`,
      text: words.join(' '),
      label,
      source: 'bench-long',
      ingestedAt: 0,
      augmented: false,
      parentId: null,
      lineage: { sourceTopic: 'bench', sourcePartition: 0, sourceOffset: r, stages: [] },
      redactions: { email: 0, phone: 0, url: 0, card: 0, iban: 0, ip: 0 },
    });
  }
  return reviews;
}
