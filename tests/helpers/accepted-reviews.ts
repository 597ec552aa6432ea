import type { Review } from '../../src/records/types.js';

const GOOD = ['great', 'lovely', 'superb', 'fine', 'excellent'];
const BAD = ['awful', 'poor', 'broken', 'dull', 'terrible'];

/** Review `i` as the gate would accept it: odd ones positive, easy to separate, ids `${prefix}-${i}`. */
export function acceptedReview(i: number, prefix: string): Review {
  const label = i % 2;
  const words = label ? GOOD : BAD;
  return {
    id: `${prefix}-${i}`,
    text: `item ${i} felt ${words[i % 5]} and ${words[(i * 3) % 5]} overall`,
    label,
    source: 'test',
    ingestedAt: 0,
    augmented: false,
    parentId: null,
    lineage: { sourceTopic: 'raw', sourcePartition: 0, sourceOffset: i, stages: ['clean', 'gate'] },
    redactions: { email: 0, phone: 0, url: 0, card: 0, iban: 0, ip: 0 },
  };
}
