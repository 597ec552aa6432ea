/**
 * A pino record as one line in plain words, for people at a terminal:
 * `21:46:03 warning [clean reviews.raw#2] commit failed: the group rebalanced (attempt=2)`.
 * Machines get pino's JSON; this drops what only they need (pid, app, nested objects).
 */
const LEVEL_WORDS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };

/** Fields shown elsewhere in the line, or of no use to a reader. */
const NOT_DETAILS = new Set(['level', 'time', 'app', 'pid', 'hostname', 'msg', 'err', 'error', 'stage', 'component', 'topic', 'partition', 'instance', 'stack', 'timestamp', 'logger', 'clientId']);
const MAX_VALUE_CHARS = 80;
/** The reason is what a reader acts on (which broker refused, say): it gets more room than a field. */
const MAX_REASON_CHARS = 200;

type LogRecord = Record<string, unknown>;

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function clip(text: string, max = MAX_VALUE_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function clock(time: unknown): string {
  const date = typeof time === 'number' ? new Date(time) : new Date();
  return date.toTimeString().slice(0, 8);
}

/** Who speaks: the stage (or component), and the topic and partition when bound. */
function where(record: LogRecord): string {
  const who = record.stage ?? record.component;
  const topic = typeof record.topic === 'string' ? `${record.topic}${record.partition !== undefined ? `#${String(record.partition)}` : ''}` : undefined;
  const parts = [who, topic].filter((p) => p !== undefined).map(String);
  return parts.length > 0 ? `[${parts.join(' ')}] ` : '';
}

/** Why, when the record carries an error (pino's serialized `err`, an `err` already described as text, or an `error` text). */
function reason(record: LogRecord): string {
  const err = record.err as { message?: unknown } | string | undefined;
  const message = typeof err === 'string' ? err : typeof err?.message === 'string' ? err.message : typeof record.error === 'string' ? record.error : undefined;
  return message ? `: ${clip(oneLine(message), MAX_REASON_CHARS)}` : '';
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return clip(oneLine(value));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' || typeof v === 'string')) return clip(value.join(','));
  return undefined;
}

/** The other simple fields as `key=value`; nested objects are left to the JSON format. */
function details(record: LogRecord): string {
  const pairs = Object.entries(record)
    .filter(([key]) => !NOT_DETAILS.has(key))
    .map(([key, value]) => [key, scalar(value)] as const)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`);
  return pairs.length > 0 ? ` (${pairs.join(', ')})` : '';
}

export function plainLogLine(record: LogRecord): string {
  const word = LEVEL_WORDS[record.level as number] ?? 'log';
  const message = typeof record.msg === 'string' ? oneLine(record.msg) : '';
  return `${clock(record.time)} ${word} ${where(record)}${message}${reason(record)}${details(record)}`;
}
