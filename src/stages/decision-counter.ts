import { metrics, type Counter } from '@opentelemetry/api';

/**
 * Counts stage decisions the runtime cannot see from emissions alone (a truncated text,
 * a redacted e-mail). Through `@opentelemetry/api` only: a no-op until the CLI registers
 * an SDK, and a stage never depends on which exporter is wired.
 */
let counter: Counter | undefined;

export function countDecision(stage: string, decision: string, amount = 1): void {
  if (amount <= 0) return;
  counter ??= metrics.getMeter('reviewflow').createCounter('reviewflow.stage.decisions', {
    description: 'Per-record decisions of the pure stages, by stage and decision',
  });
  counter.add(amount, { stage, decision });
}
