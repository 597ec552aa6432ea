import kafkajs from './kafkajs.js';

const { logLevel } = kafkajs;

export interface KafkajsLogLine {
  /** kafkajs's logger namespace: Connection, BrokerPool, Consumer, Runner, Producer, ... */
  namespace: string;
  level: number;
  message: string;
  fields: Record<string, unknown>;
}

export type PinoLevel = 'warn' | 'debug' | 'trace';

/**
 * Namespaces whose warnings and errors kafkajs handles itself or passes on to us:
 * a failed connection (the request on it is retried, or fails as an error we receive) and
 * the consume loop (it re-joins a rebalancing group; a handler's error becomes the crash
 * event the stage runner logs).
 */
const HANDLED_NAMESPACES = new Set(['Connection', 'Runner']);

/**
 * The pino level of a kafkajs log line. kafkajs logs at ERROR each attempt it is about to
 * retry and each connection that failed, which is all it does while a broker starts up or
 * a leader moves; what fails for good reaches us as a thrown error or a crash event that
 * our code logs with its context. So the retry chatter is debug, and a warning is left for
 * what kafkajs does not retry.
 */
export function kafkajsLogLevel(line: KafkajsLogLine): PinoLevel {
  if (line.level === logLevel.INFO) return 'debug'; // joins, commits: chatty
  if (line.level !== logLevel.ERROR && line.level !== logLevel.WARN) return 'trace';
  const retried = line.fields.retryCount !== undefined || line.fields.retryTime !== undefined;
  if (retried || HANDLED_NAMESPACES.has(line.namespace)) return 'debug';
  // kafkajs warns on every idempotent producer with bounded retries (our choice, see producer.ts)
  if (line.message.startsWith('Limiting retries for the idempotent producer')) return 'debug';
  return 'warn';
}
