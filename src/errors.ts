/**
 * The one errors module. Every failure reviewflow raises carries a closed code and a
 * `retriable` verdict, so callers branch on type guards, never on message strings.
 */

export const ErrorCode = {
  // records and schemas
  UNKNOWN_FINGERPRINT: 'UNKNOWN_FINGERPRINT',
  NOT_SINGLE_OBJECT: 'NOT_SINGLE_OBJECT',
  CORRUPT_BODY: 'CORRUPT_BODY',
  INVALID_RECORD: 'INVALID_RECORD',
  SCHEMA_INCOMPATIBLE: 'SCHEMA_INCOMPATIBLE',
  // Confluent wire format: a schema id the registry does not know, a registry that does not answer, none configured
  UNKNOWN_SCHEMA_ID: 'UNKNOWN_SCHEMA_ID',
  SCHEMA_REGISTRY_UNAVAILABLE: 'SCHEMA_REGISTRY_UNAVAILABLE',
  NO_SCHEMA_REGISTRY: 'NO_SCHEMA_REGISTRY',
  // ingest
  INVALID_INPUT: 'INVALID_INPUT',
  TOO_LARGE: 'TOO_LARGE',
  // configuration and topology
  INVALID_CONFIG: 'INVALID_CONFIG',
  INVALID_TOPOLOGY: 'INVALID_TOPOLOGY',
  // kafka
  KAFKA_RETRIABLE: 'KAFKA_RETRIABLE',
  KAFKA_FATAL: 'KAFKA_FATAL',
  KAFKA_AUTH: 'KAFKA_AUTH',
  BROKER_UNREACHABLE: 'BROKER_UNREACHABLE',
  // embedded broker
  BROKER_PROVISION: 'BROKER_PROVISION',
  BROKER_START: 'BROKER_START',
  // local schema registry (tests and development)
  REGISTRY_PROVISION: 'REGISTRY_PROVISION',
  REGISTRY_START: 'REGISTRY_START',
  // stages and training
  TRANSFORM_FAILED: 'TRANSFORM_FAILED',
  MODEL_CORRUPT: 'MODEL_CORRUPT',
  MODEL_NOT_FOUND: 'MODEL_NOT_FOUND',
  // retrain: a window that cannot be read, holds nothing, a topic that is not there, a model name already taken
  INVALID_WINDOW: 'INVALID_WINDOW',
  EMPTY_WINDOW: 'EMPTY_WINDOW',
  TOPIC_NOT_FOUND: 'TOPIC_NOT_FOUND',
  MODEL_EXISTS: 'MODEL_EXISTS',
  BACKEND_UNAVAILABLE: 'BACKEND_UNAVAILABLE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ReviewflowErrorOptions {
  retriable: boolean;
  cause?: unknown;
  /** What the user can do about it; printed by the CLI after the message. */
  hint?: string;
  details?: Record<string, unknown>;
}

export class ReviewflowError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: ReviewflowErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ReviewflowError';
    this.code = code;
    this.retriable = options.retriable;
    this.hint = options.hint;
    this.details = options.details;
  }
}

export function isReviewflowError(err: unknown): err is ReviewflowError {
  return err instanceof ReviewflowError;
}

export function hasCode(err: unknown, code: ErrorCode): err is ReviewflowError {
  return isReviewflowError(err) && err.code === code;
}

export function isRetriable(err: unknown): boolean {
  return isReviewflowError(err) && err.retriable;
}

/** A non-retriable error: the shorthand for bad data and bad configuration. */
export function fatal(code: ErrorCode, message: string, extra: Omit<ReviewflowErrorOptions, 'retriable'> = {}): ReviewflowError {
  return new ReviewflowError(code, message, { ...extra, retriable: false });
}

/** One line for logs and stderr: the message, then the hint if there is one. */
export function describeError(err: unknown): string {
  if (isReviewflowError(err)) return err.hint ? `${err.message}\n  hint: ${err.hint}` : err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
