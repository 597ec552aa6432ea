/**
 * Runs the local schema registry: a Confluent-compatible API (Apicurio's ccompat) with
 * in-memory storage on a free loopback port, for tests and trying `produce --registry`.
 * Every start is a fresh, empty registry; stop() ends the process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../broker/ports.js';
import { ErrorCode, ReviewflowError } from '../errors.js';
import { provisionRegistry, registryCacheDir } from './provision.js';

/** Where Apicurio serves the Confluent schema-registry API. */
export const CCOMPAT_PATH = '/apis/ccompat/v7';

const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 15_000;

export interface LocalRegistry {
  /** Base URL of the Confluent-compatible API: what a topology's schemaRegistry.url and `produce --registry` take. */
  url: string;
  port: number;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false; // not listening yet: the caller polls again
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Builds (once, cached) and starts a registry; resolves when its API answers. */
export async function startLocalRegistry(o: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  const { runJar } = await provisionRegistry(o.log);
  const port = await freePort();
  const logDir = join(registryCacheDir(), 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `registry-${port}.log`);
  const out = openSync(logFile, 'w');
  const child = spawn('java', ['-Xmx512m', `-Dquarkus.http.port=${port}`, '-Dquarkus.http.host=127.0.0.1', '-jar', runJar], { stdio: ['ignore', out, out] });
  closeSync(out);
  const url = `http://127.0.0.1:${port}${CCOMPAT_PATH}`;
  const stop = async (): Promise<void> => {
    if (exited(child)) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    if (await Promise.race([gone.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)])) return;
    child.kill('SIGKILL');
    await gone;
  };

  const deadline = Date.now() + (o.readyTimeoutMs ?? READY_TIMEOUT_MS);
  while (!(await answers(url))) {
    if (exited(child) || Date.now() > deadline) {
      const what = exited(child) ? 'exited' : 'did not answer in time';
      await stop();
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
      throw new ReviewflowError(ErrorCode.REGISTRY_START, `the local schema registry ${what} (log ${logFile}):\n${tail}`, {
        retriable: true,
        hint: 'check that Java 17 is on the PATH and that the build under .reviewflow/registry/build is complete (delete it to rebuild)',
      });
    }
    await sleep(500);
  }
  o.log?.(`local schema registry at ${url} (pid ${child.pid})`);
  return { url, port, pid: child.pid ?? -1, logFile, stop };
}
