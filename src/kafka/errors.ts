import kafkajs from 'kafkajs';
import { ErrorCode, ReviewflowError, isReviewflowError } from '../errors.js';

const { KafkaJSError, KafkaJSSASLAuthenticationError, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSBrokerNotFound, KafkaJSNonRetriableError } = kafkajs;

/**
 * Maps whatever kafkajs throws into our closed error codes, keeping its retriable
 * verdict. This is the one place that knows kafkajs error classes.
 */
export function mapKafkaError(err: unknown, action: string): ReviewflowError {
  if (isReviewflowError(err)) return err;
  if (err instanceof KafkaJSSASLAuthenticationError) {
    return new ReviewflowError(ErrorCode.KAFKA_AUTH, `${action}: the broker refused the credentials (${err.message})`, {
      retriable: false,
      cause: err,
      hint: 'check the SASL mechanism, username and password in the topology or KAFKA_SASL_* variables',
    });
  }
  const root = err instanceof KafkaJSNumberOfRetriesExceeded || err instanceof KafkaJSNonRetriableError ? (err.cause ?? err) : err;
  if (root instanceof KafkaJSSASLAuthenticationError) return mapKafkaError(root, action);
  if (root instanceof KafkaJSConnectionError || root instanceof KafkaJSBrokerNotFound) {
    return new ReviewflowError(ErrorCode.BROKER_UNREACHABLE, `${action}: no broker answered (${root.message})`, {
      retriable: true,
      cause: err,
      hint: 'start one with `npx reviewflow broker start`, or set KAFKA_BROKERS=host:port to an existing cluster',
    });
  }
  if (err instanceof KafkaJSError) {
    const retriable = err.retriable && !(err instanceof KafkaJSNumberOfRetriesExceeded);
    return new ReviewflowError(retriable ? ErrorCode.KAFKA_RETRIABLE : ErrorCode.KAFKA_FATAL, `${action}: ${err.message}`, {
      retriable,
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ReviewflowError(ErrorCode.KAFKA_FATAL, `${action}: ${message}`, { retriable: false, cause: err });
}

/** Runs a Kafka call and rethrows its failure as a ReviewflowError. */
export async function kafkaCall<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapKafkaError(err, action);
  }
}
