import { spawn, type ChildProcess } from 'node:child_process';
import { note } from './output.js';
import { RestartPolicy } from './restart-policy.js';

export interface SuperviseOptions {
  count: number;
  /** The node arguments of worker i. */
  args: (index: number) => string[];
  /** Restarts in a row before a crashing worker is given up on. */
  maxRestarts: number;
  /** Resolves with the signal that asks every worker to drain and stop. */
  stop: Promise<NodeJS.Signals>;
}

export interface SuperviseResult {
  /** The signal that stopped the workers; undefined when every worker was given up on. */
  signal: NodeJS.Signals | undefined;
  restarts: number;
  gaveUp: number[];
}

/**
 * Runs `count` worker processes and keeps them running: a worker that exits on its own
 * (crash, SIGKILL, a stage that failed for good) is started again after a backoff, with
 * the same index, so it rejoins its consumer group and gets partitions back; one that
 * keeps crashing is given up on (RestartPolicy). The stop signal is forwarded to every
 * live worker and the result waits until all of them exited.
 */
export function superviseWorkers(o: SuperviseOptions): Promise<SuperviseResult> {
  const live = new Map<number, ChildProcess>();
  const gaveUp: number[] = [];
  let restarts = 0;
  let stopping: NodeJS.Signals | undefined;
  let finish: (result: SuperviseResult) => void = () => {};
  const done = new Promise<SuperviseResult>((resolve) => (finish = resolve));
  const settleIfIdle = (): void => {
    if (live.size > 0) return;
    if (stopping || gaveUp.length === o.count) finish({ signal: stopping, restarts, gaveUp });
  };

  const start = (index: number, policy: RestartPolicy): ChildProcess => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, o.args(index), { stdio: ['ignore', 'inherit', 'inherit'] });
    live.set(index, child);
    child.on('exit', (code, signal) => {
      live.delete(index);
      const how = signal ?? `with code ${code}`;
      if (stopping) {
        note(`worker ${index} (pid ${child.pid}) exited ${signal ?? code}`);
        return settleIfIdle();
      }
      const decision = policy.onExit(Date.now() - startedAt);
      if (decision.action === 'give-up') {
        gaveUp.push(index);
        note(`worker ${index} (pid ${child.pid}) exited ${how} and keeps crashing: gave up after ${decision.restarts} restarts`);
        return settleIfIdle();
      }
      note(`worker ${index} (pid ${child.pid}) exited ${how}; restarting in ${decision.delayMs / 1_000} s (restart ${decision.attempt} of at most ${o.maxRestarts} in a row)`);
      setTimeout(() => {
        if (stopping) return settleIfIdle();
        restarts++;
        const again = start(index, policy);
        note(`worker ${index} restarted (pid ${again.pid})`);
      }, decision.delayMs);
    });
    return child;
  };

  const first = Array.from({ length: o.count }, (_, i) => start(i, new RestartPolicy({ maxRestarts: o.maxRestarts })));
  note(`started ${o.count} workers: ${first.map((c) => c.pid).join(', ')}`);
  void o.stop.then((signal) => {
    stopping = signal;
    for (const child of live.values()) child.kill(signal);
    settleIfIdle();
  });
  return done;
}
