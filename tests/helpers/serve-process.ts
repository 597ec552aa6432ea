import { setTimeout as sleep } from 'node:timers/promises';
import { spawnCli, type CliProcess } from './cli.js';

export interface ServeProcess extends CliProcess {
  /** http://127.0.0.1:PORT */
  base: string;
  /** SIGKILL if still running. */
  kill(): Promise<void>;
}

/** Starts `reviewflow serve --port 0 ...args` against the test broker and waits until it listens. */
export async function startServe(args: string[]): Promise<ServeProcess> {
  const serve = spawnCli(['serve', '--port', '0', ...args]);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(serve.stderr());
    if (match) {
      const kill = async (): Promise<void> => {
        if (serve.child.exitCode !== null) return;
        serve.child.kill('SIGKILL');
        await serve.exited;
      };
      return { ...serve, base: match[1]!, kill };
    }
    if (Date.now() > deadline || serve.child.exitCode !== null) throw new Error(`serve did not start: ${serve.stderr()}`);
    await sleep(100);
  }
}
