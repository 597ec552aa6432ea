import pino, { type DestinationStream, type Logger } from 'pino';
import { plainLogLine } from './log-lines.js';
import { writeStderrLine } from './stderr-lines.js';

/**
 * The one root logger. Components take a child with bound context
 * (`stage`, `topic`, `partition`) rather than creating loggers of their own.
 * Secrets are redacted wherever they appear under these paths.
 */
export const REDACT_PATHS = [
  // SASL passwords: KafkaSettings at the top, under a key, or inside a topology (topology.broker.sasl)
  'password',
  '*.password',
  '*.*.password',
  '*.*.*.password',
  // TLS private keys: our TlsSettings (`tls.key`) and kafkajs' config (`ssl.key`)
  'tls.key',
  '*.tls.key',
  '*.*.tls.key',
  'ssl.key',
  '*.ssl.key',
  '*.*.ssl.key',
  'secret',
  '*.secret',
];

let root: Logger | undefined;

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogOptions {
  level?: string;
  /** `json`: one pino object per line (the default); `pretty`: one line in plain words. */
  format?: LogFormat;
  /** Where logs go; defaults to stderr (through stderr-lines.ts) so stdout stays machine-readable JSONL. */
  destination?: NodeJS.WritableStream;
}

/** pino writes one JSON line per record; the pretty format reads it back and rewords it. */
function destinationFor(options: LogOptions): DestinationStream {
  const { destination } = options;
  const write = destination ? (line: string) => void destination.write(line) : writeStderrLine;
  if (options.format === 'pretty') return { write: (line: string) => write(`${plainLogLine(JSON.parse(line) as Record<string, unknown>)}\n`) };
  return { write };
}

export function configureLogging(options: LogOptions = {}): Logger {
  root = pino(
    {
      level: options.level ?? 'info',
      base: { app: 'reviewflow' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destinationFor(options),
  );
  return root;
}

export function rootLogger(): Logger {
  return root ?? configureLogging({ level: 'silent' });
}

export function childLogger(bindings: Record<string, unknown>): Logger {
  return rootLogger().child(bindings);
}

/**
 * A child for a module-level constant. A child taken at import time belongs to the root of
 * that moment, which is the silent default: ES modules are imported before the CLI
 * configures logging, so such a child never printed. This one is taken from the root
 * of each call's time, and kept until the root changes.
 */
export function moduleLogger(bindings: Record<string, unknown>): () => Logger {
  let parent: Logger | undefined;
  let child: Logger | undefined;
  return () => {
    const current = rootLogger();
    if (current !== parent || child === undefined) [parent, child] = [current, current.child(bindings)];
    return child;
  };
}

export type { Logger };
