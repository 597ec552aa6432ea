import type { StageReport } from './types.js';

export interface StageIdentity {
  holds: boolean;
  /** in − (out + quarantined + deadLettered + duplicates): positive means records unaccounted for. */
  difference: number;
}

/**
 * The "nothing is lost silently" identity: every record a stage read has exactly one fate.
 * Augmented copies (`generated`) are extra output, so they are not part of it.
 */
export function stageIdentity(s: StageReport): StageIdentity {
  const difference = s.in - (s.out + s.quarantined + s.deadLettered + s.duplicates);
  return { holds: difference === 0, difference };
}
