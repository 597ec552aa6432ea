/**
 * When to form a candidate version and whether to publish it. Pure: no clock, no Kafka.
 *
 * Decisions (documented for operators):
 * - A candidate is due after `everyExamples` trained examples, or after `everyMs` since
 *   the last candidate if anything was trained since (the clock starts at the first check).
 * - With a holdout configured, no candidate is formed while the holdout is still empty:
 *   a version nobody can judge is not published (the check repeats on the next call).
 * - The first candidate is always published (nothing to compare with). Later ones are
 *   published when holdout accuracy (of the weights as published, i.e. compressed) ≥ the
 *   last published version's − `acceptMargin`, both on the *current* holdout records, so
 *   the comparison is like for like.
 * - With `holdoutFraction` 0 there is no gate: every candidate is published.
 * - A rejected candidate restarts the schedule; the trainer keeps training from its own
 *   weights (it does not roll back to the published version), and the next candidate is
 *   judged again. Version numbers are only consumed by published candidates.
 */

export interface PublishPolicy {
  everyExamples: number;
  everyMs: number;
  acceptMargin: number;
}

export class PublishSchedule {
  private readonly policy: PublishPolicy;
  private examplesSince = 0;
  private lastAt: number | undefined;

  constructor(policy: PublishPolicy) {
    this.policy = policy;
  }

  noteTrained(examples: number): void {
    this.examplesSince += examples;
  }

  /** Whether anything was trained since the last candidate. */
  pending(): boolean {
    return this.examplesSince > 0;
  }

  due(now: number): boolean {
    if (this.lastAt === undefined) this.lastAt = now;
    if (this.examplesSince >= this.policy.everyExamples) return true;
    return this.examplesSince > 0 && now - this.lastAt >= this.policy.everyMs;
  }

  /** After a candidate was formed (published or rejected). `undefined` restarts the clock at the next check. */
  restart(now: number | undefined): void {
    this.examplesSince = 0;
    this.lastAt = now;
  }
}

export type GateDecision = { accept: true; reason: string } | { accept: false; reason: string };

export interface GateInput {
  /** Holdout accuracy of the candidate as it would be published (compressed); null without holdout. */
  candidate: number | null;
  /** The last published version's accuracy on the same holdout; undefined if none published. */
  baseline: number | null | undefined;
  holdoutSize: number;
  acceptMargin: number;
}

export function judgeCandidate(input: GateInput): GateDecision {
  const { candidate, baseline, holdoutSize, acceptMargin } = input;
  if (candidate === null) return { accept: true, reason: 'no holdout configured: published without a gate' };
  if (baseline === undefined || baseline === null) return { accept: true, reason: 'first version: nothing to compare with' };
  const floor = baseline - acceptMargin;
  const fmt = (x: number): string => x.toFixed(4);
  if (candidate >= floor) {
    return { accept: true, reason: `holdout accuracy ${fmt(candidate)} ≥ ${fmt(baseline)} − ${acceptMargin} on ${holdoutSize} records` };
  }
  return {
    accept: false,
    reason: `holdout accuracy ${fmt(candidate)} < last published ${fmt(baseline)} − margin ${acceptMargin} on ${holdoutSize} holdout records`,
  };
}
