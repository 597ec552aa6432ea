import { Option } from 'commander';
import { configureLogging, LOG_FORMATS, type LogFormat } from '../log.js';
import type { CliEnvironment } from './env.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogFlags {
  logLevel?: LogLevel;
  logFormat?: LogFormat;
}

export interface LogChoice {
  level: string;
  format: LogFormat;
}

/** The global `--log-level` and `--log-format` options. */
export function logOptions(): Option[] {
  return [
    new Option('--log-level <level>', 'least severe log lines shown (default: warn on a terminal, info otherwise; or REVIEWFLOW_LOG_LEVEL)').choices([...LOG_LEVELS]),
    new Option('--log-format <format>', 'log lines as JSON or in plain words (default: pretty on a terminal, json otherwise)').choices([...LOG_FORMATS]),
  ];
}

/**
 * On a terminal, a person reads: plain words, and only warnings and errors unless asked.
 * Piped or redirected, a machine reads: JSON from info up, as before. Flags win over the
 * environment, the environment over these defaults.
 */
export function resolveLogging(flags: LogFlags, env: Pick<CliEnvironment, 'logLevel'>, stderrIsTerminal: boolean): LogChoice {
  const format = flags.logFormat ?? (stderrIsTerminal ? 'pretty' : 'json');
  const level = flags.logLevel ?? env.logLevel ?? (format === 'pretty' ? 'warn' : 'info');
  return { level, format };
}

let applied: LogChoice | undefined;

/** Configures the root logger for this command. */
export function applyLogging(choice: LogChoice): void {
  configureLogging(choice);
  applied = choice;
}

/** The flags that give a worker process the logging of this one (its stderr is ours). */
export function workerLogArgs(): string[] {
  return applied ? ['--log-level', applied.level, '--log-format', applied.format] : [];
}
