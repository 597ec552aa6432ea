import pino, { type Logger } from 'pino';

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

export interface LogOptions {
  level?: string;
  /** Where logs go; defaults to stderr so stdout stays machine-readable JSONL. */
  destination?: number | NodeJS.WritableStream;
}

export function configureLogging(options: LogOptions = {}): Logger {
  const destination = options.destination ?? 2;
  root = pino(
    {
      level: options.level ?? 'info',
      base: { app: 'reviewflow' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    typeof destination === 'number' ? pino.destination({ dest: destination, sync: true }) : (destination as NodeJS.WritableStream & { write: (s: string) => boolean }),
  );
  return root;
}

export function rootLogger(): Logger {
  return root ?? configureLogging({ level: 'silent' });
}

export function childLogger(bindings: Record<string, unknown>): Logger {
  return rootLogger().child(bindings);
}

export type { Logger };
