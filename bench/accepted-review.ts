import type { Review } from '../src/records/types.js';

/** Review `i` as the gate would accept it, for benches that feed a trainer directly; ids `${prefix}-${i}`. */
export function acceptedReview(i: number, prefix: string): Review {
  const label = i % 2;
  return {
    id: `${prefix}-${i}`,
    text: `item ${i} was ${label ? 'wonderful and sturdy' : 'awful and flimsy'} after ${i % 17} weeks`,
    label,
    source: 'bench',
    ingestedAt: Date.now(),
    augmented: false,
    parentId: null,
    lineage: { sourceTopic: 'raw', sourcePartition: 0, sourceOffset: i, stages: [] },
    redactions: { email: 0, phone: 0, url: 0, card: 0, iban: 0, ip: 0 },
  };
}
