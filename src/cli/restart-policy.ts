/**
 * When a supervised worker that exited on its own is started again. Restarts back off
 * exponentially (1 s, 2 s, 4 s … up to `maxDelayMs`); a worker that stayed up for
 * `stableMs` is healthy again and its count starts over. After `maxRestarts` restarts in a
 * row without such a stable run, it is given up on. Pure: the caller brings the clock.
 */
export interface RestartPolicyOptions {
  maxRestarts: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  stableMs?: number;
}

export type RestartDecision = { action: 'restart'; delayMs: number; attempt: number } | { action: 'give-up'; restarts: number };

export class RestartPolicy {
  private restarts = 0;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly stableMs: number;

  constructor(private readonly o: RestartPolicyOptions) {
    this.baseDelayMs = o.baseDelayMs ?? 1_000;
    this.maxDelayMs = o.maxDelayMs ?? 30_000;
    this.stableMs = o.stableMs ?? 60_000;
  }

  /** Decides after a worker exited on its own, having run for `uptimeMs`. */
  onExit(uptimeMs: number): RestartDecision {
    if (uptimeMs >= this.stableMs) this.restarts = 0;
    if (this.restarts >= this.o.maxRestarts) return { action: 'give-up', restarts: this.restarts };
    const delayMs = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** this.restarts);
    this.restarts++;
    return { action: 'restart', delayMs, attempt: this.restarts };
  }
}
