import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Review } from '../../../src/records/types.js';
import type { TrainRecord } from '../../../src/trainer/index.js';
import { seededRandom } from '../../../src/trainer/random.js';

export const RT_POLARITY = fileURLToPath(new URL('../../../../shared/data/rt-polarity/rt-polarity.jsonl', import.meta.url));
export const hasRtPolarity = existsSync(RT_POLARITY);

export function review(id: string, text: string, label: number | null, extra: Partial<Review> = {}): Review {
  return {
    id,
    text,
    label,
    source: null,
    ingestedAt: 0,
    augmented: false,
    parentId: null,
    lineage: { sourceTopic: 'reviews.raw', sourcePartition: 0, sourceOffset: 0, stages: [] },
    redactions: { email: 0, phone: 0, url: 0, card: 0, iban: 0, ip: 0 },
    ...extra,
  };
}

export function positioned(reviews: readonly Review[], options: { topic?: string; partitions?: number; firstOffset?: number } = {}): TrainRecord[] {
  const partitions = options.partitions ?? 1;
  const first = options.firstOffset ?? 0;
  return reviews.map((r, i) => ({
    review: r,
    topic: options.topic ?? 'reviews.accepted',
    partition: i % partitions,
    offset: first + Math.floor(i / partitions),
  }));
}

const POSITIVE = ['great', 'wonderful', 'superb', 'loved', 'excellent', 'brilliant', 'delightful', 'charming', 'moving', 'fun'];
const NEGATIVE = ['awful', 'boring', 'terrible', 'hated', 'dull', 'tedious', 'clumsy', 'bland', 'mess', 'waste'];
const FILLER = ['the', 'film', 'movie', 'plot', 'actors', 'was', 'and', 'a', 'of', 'story', 'this', 'it', 'scene', 'ending', 'cast', 'director'];

/** A clearly separable stream: each review has 2-3 words of its class among filler. */
export function syntheticReviews(count: number, seed: number, prefix = 's'): Review[] {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const out: Review[] = [];
  for (let i = 0; i < count; i++) {
    const label = random() < 0.5 ? 0 : 1;
    const words: string[] = [];
    const length = 8 + Math.floor(random() * 12);
    for (let w = 0; w < length; w++) words.push(pick(FILLER));
    for (let s = 0; s < 2 + Math.floor(random() * 2); s++) {
      words.splice(Math.floor(random() * words.length), 0, pick(label === 1 ? POSITIVE : NEGATIVE));
    }
    out.push(review(`${prefix}-${seed}-${i}`, words.join(' '), label));
  }
  return out;
}

/** rt-polarity, shuffled with a fixed seed (the file is stored negatives first). */
export function rtPolarity(seed: number): Review[] {
  const rows = readFileSync(RT_POLARITY, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { id: string; text: string; label: number });
  const random = seededRandom(seed);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows.map((r) => review(r.id, r.text, r.label));
}

export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
