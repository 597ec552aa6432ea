import { fatal } from '../errors.js';
import type { IngestLimits } from './types.js';

export const DEFAULT_INGEST_LIMITS: Readonly<IngestLimits> = Object.freeze({
  maxLineBytes: 4 * 1024 * 1024,
  // below the broker's default message.max.bytes (1,048,588) with room for the record's
  // other fields and Kafka's batch overhead, so an accepted text always fits in one record
  maxTextBytes: 1_000_000,
});

/** Fills defaults and rejects (never clamps) limits that are not positive integers. */
export function resolveLimits(partial: Partial<IngestLimits> = {}): IngestLimits {
  const limits = { ...DEFAULT_INGEST_LIMITS, ...stripUndefined(partial) };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw fatal('INVALID_CONFIG', `ingest limit ${name} must be a positive integer number of bytes, got ${String(value)}`, {
        hint: `omit ${name} to use the default of ${DEFAULT_INGEST_LIMITS[name as keyof IngestLimits]} bytes`,
      });
    }
  }
  return Object.freeze(limits);
}

function stripUndefined(partial: Partial<IngestLimits>): Partial<IngestLimits> {
  const out: Partial<IngestLimits> = {};
  if (partial.maxLineBytes !== undefined) out.maxLineBytes = partial.maxLineBytes;
  if (partial.maxTextBytes !== undefined) out.maxTextBytes = partial.maxTextBytes;
  return out;
}
