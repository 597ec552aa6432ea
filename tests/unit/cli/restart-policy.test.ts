import { describe, expect, it } from 'vitest';
import { RestartPolicy } from '../../../src/cli/restart-policy.js';

describe('RestartPolicy', () => {
  it('RestartPolicy backs off exponentially up to the cap, then gives up after maxRestarts restarts in a row', () => {
    const policy = new RestartPolicy({ maxRestarts: 4, baseDelayMs: 1_000, maxDelayMs: 5_000 });
    expect([1, 2, 3, 4].map(() => policy.onExit(10))).toEqual([
      { action: 'restart', delayMs: 1_000, attempt: 1 },
      { action: 'restart', delayMs: 2_000, attempt: 2 },
      { action: 'restart', delayMs: 4_000, attempt: 3 },
      { action: 'restart', delayMs: 5_000, attempt: 4 },
    ]);
    expect(policy.onExit(10)).toEqual({ action: 'give-up', restarts: 4 });
  });

  it('RestartPolicy starts counting over once a worker stayed up for stableMs', () => {
    const policy = new RestartPolicy({ maxRestarts: 2, stableMs: 60_000 });
    policy.onExit(100);
    policy.onExit(100);
    expect(policy.onExit(60_000)).toEqual({ action: 'restart', delayMs: 1_000, attempt: 1 });
  });

  it('RestartPolicy with maxRestarts 0 never restarts', () => {
    expect(new RestartPolicy({ maxRestarts: 0 }).onExit(1e9)).toEqual({ action: 'give-up', restarts: 0 });
  });
});
