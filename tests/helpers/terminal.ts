import { join } from 'node:path';
import { inject } from 'vitest';
import { CLI, collectOutput, type ProcessOutput } from './cli.js';

const RUN_IN_TERMINAL = join(process.cwd(), 'tests', 'helpers', 'run-in-terminal.py');

export interface CliRunOptions {
  cwd: string;
  /** Through a pseudo-terminal of this size (stdout then holds all it showed), or piped when absent. */
  terminal?: { columns: number; rows: number };
  timeoutMs?: number;
}

/**
 * Runs the built CLI against the test broker as a user at a terminal would (a
 * pseudo-terminal from Python's pty module), or piped. The environment names no log level,
 * so the CLI's own defaults for a terminal or a pipe apply.
 */
export function runCliAs(args: string[], o: CliRunOptions): Promise<ProcessOutput> {
  const { REVIEWFLOW_LOG_LEVEL: _a, LOG_LEVEL: _b, ...env } = process.env;
  const cli = [process.execPath, CLI, ...args];
  const [command, ...rest] = o.terminal ? ['python3', RUN_IN_TERMINAL, String(o.terminal.columns), String(o.terminal.rows), ...cli] : cli;
  return collectOutput(command!, rest, { env: { ...env, KAFKA_BROKERS: inject('kafkaBrokers') }, cwd: o.cwd, timeoutMs: o.timeoutMs ?? 180_000 });
}

/**
 * The lines a terminal shows over time: every escape sequence (cursor moves, line clears
 * between redraws) ends a line, so each redrawn bar and each log line is a line of its own.
 */
export function terminalLines(output: string): string[] {
  return output
    .split(/\u001b\[[0-9;?]*[A-Za-z]|\r\n|\r|\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim().length > 0);
}
