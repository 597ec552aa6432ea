/** The closed set of record kinds on our topics, and the in-memory type of each. */
import type { DeadLetter, ModelChunk, ModelLabel, ModelVersion, QualityMetrics, QuarantineRecord, RawReview, Review } from './types.js';

/** Each name is a folder under `schemas/` holding `v<N>.avsc` files. */
export const RECORD_NAMES = ['review-raw', 'review', 'quarantine', 'dead-letter', 'quality', 'model-version', 'model-chunk', 'model-label'] as const;

export type RecordName = (typeof RECORD_NAMES)[number];

export interface RecordTypes {
  'review-raw': RawReview;
  review: Review;
  quarantine: QuarantineRecord;
  'dead-letter': DeadLetter;
  quality: QualityMetrics;
  'model-version': ModelVersion;
  'model-chunk': ModelChunk;
  'model-label': ModelLabel;
}

export function isRecordName(value: string): value is RecordName {
  return (RECORD_NAMES as readonly string[]).includes(value);
}
