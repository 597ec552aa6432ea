import { recordDecision } from '../telemetry/index.js';

/**
 * Counts stage decisions the runtime cannot see from emissions alone (a truncated text,
 * a redacted e-mail). Through telemetry, over `@opentelemetry/api` only: a no-op until the
 * CLI registers an SDK, and a stage never depends on which exporter is wired.
 */
export function countDecision(stage: string, decision: string, amount = 1): void {
  if (amount > 0) recordDecision(stage, decision, amount);
}
