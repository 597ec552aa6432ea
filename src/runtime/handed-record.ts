import type { ConsumedMessage } from '../kafka/index.js';
import { encode } from '../records/index.js';
import type { Review } from '../records/types.js';

/**
 * A record one fused stage hands the next in memory (fusion.ts). It keeps the review the
 * upstream stage emitted, so the next stage neither encodes nor decodes it: its `value` is
 * null until something needs the bytes the topic would have carried (a dead letter, or a
 * stage that reads raw records), and `withBytes` makes exactly those bytes then.
 */
export interface HandedMessage extends ConsumedMessage {
  review?: Review;
}

/** The decoded review a fused upstream stage handed over with this message, if any. */
export function handedReview(message: ConsumedMessage): Review | undefined {
  return (message as HandedMessage).review;
}

/** The message with the Avro bytes of its handed-over review, as the topic would hold them. */
export function withBytes(message: ConsumedMessage): ConsumedMessage {
  const review = handedReview(message);
  if (message.value !== null || review === undefined) return message;
  return { ...message, value: encode('review', review) };
}
