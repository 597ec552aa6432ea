/**
 * Per stage and input partition: what happened to every record read. The identity
 * `in = out + quarantined + deadLettered + duplicates` holds for every batch, because
 * each input record gets exactly one fate; `generated` counts extra records a stage
 * adds (augmented copies) and `metrics` the quality records it emits.
 */
export interface StageCounters {
  in: number;
  out: number;
  quarantined: number;
  deadLettered: number;
  duplicates: number;
  generated: number;
  metrics: number;
  /** Quarantine and dead-letter reason codes, counted. */
  reasons: Record<string, number>;
}

export function emptyCounters(): StageCounters {
  return { in: 0, out: 0, quarantined: 0, deadLettered: 0, duplicates: 0, generated: 0, metrics: 0, reasons: {} };
}

export function addCounters(a: StageCounters, b: StageCounters): StageCounters {
  const reasons = { ...a.reasons };
  for (const [k, v] of Object.entries(b.reasons)) reasons[k] = (reasons[k] ?? 0) + v;
  return {
    in: a.in + b.in,
    out: a.out + b.out,
    quarantined: a.quarantined + b.quarantined,
    deadLettered: a.deadLettered + b.deadLettered,
    duplicates: a.duplicates + b.duplicates,
    generated: a.generated + b.generated,
    metrics: a.metrics + b.metrics,
    reasons,
  };
}

export function countReason(c: StageCounters, reason: string, times = 1): void {
  c.reasons[reason] = (c.reasons[reason] ?? 0) + times;
}

/** True when every input record is accounted for. */
export function identityHolds(c: StageCounters): boolean {
  return c.in === c.out + c.quarantined + c.deadLettered + c.duplicates;
}
