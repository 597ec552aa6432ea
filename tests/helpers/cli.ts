import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { inject } from 'vitest';
import type { Topology } from '../../src/topology/index.js';

export const CLI = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON Lines. */
  json: Array<Record<string, unknown>>;
}

export interface ProcessOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its exit (SIGKILL after the timeout) and collects what it printed. */
export function collectOutput(command: string, args: string[], o: { env: NodeJS.ProcessEnv; cwd?: string; input?: string | Buffer; timeoutMs?: number }): Promise<ProcessOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: o.env, ...(o.cwd ? { cwd: o.cwd } : {}), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (o.input !== undefined) child.stdin.end(o.input);
    else child.stdin.end();
  });
}

/** Runs the built CLI against the test broker, as a user would. */
export async function runCli(args: string[], options: { input?: string | Buffer; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  const env = { ...process.env, KAFKA_BROKERS: inject('kafkaBrokers'), REVIEWFLOW_LOG_LEVEL: 'warn', ...options.env };
  const { code, stdout, stderr } = await collectOutput(process.execPath, [CLI, ...args], { env, ...(options.input !== undefined ? { input: options.input } : {}), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
  const json = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, stdout, stderr, json };
}

/** Writes a (namespaced) topology to a temp YAML file the CLI can load with --topology. */
export function writeTopologyFile(topology: Topology): string {
  const dir = mkdtempSync(join(tmpdir(), 'reviewflow-topology-'));
  const path = join(dir, 'topology.yaml');
  const { file: _file, ...rest } = topology;
  writeFileSync(path, stringify(JSON.parse(JSON.stringify(rest))));
  return path;
}
