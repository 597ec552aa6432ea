import { spawn } from 'node:child_process';
import { ReviewflowError, type ErrorCode } from '../errors.js';

/**
 * Runs Maven (the embedded broker and the local schema registry come from Maven Central)
 * and collects its output, so a failure shows Maven's own last lines.
 */
export function runMaven(args: string[], o: { code: ErrorCode; what: string; cwd?: string }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'], ...(o.cwd ? { cwd: o.cwd } : {}) });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => reject(new ReviewflowError(o.code, `cannot run Maven: ${err.message}`, { retriable: false, cause: err, hint: 'install Maven (apt-get install maven) and Java 17' })));
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new ReviewflowError(o.code, `Maven failed (exit ${code}) ${o.what}:\n${output.slice(-2000)}`, { retriable: true, hint: 'check that Maven Central is reachable' }));
    });
  });
}
