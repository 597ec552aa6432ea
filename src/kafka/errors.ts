import kafkajs from './kafkajs.js';
import { ErrorCode, ReviewflowError, isRetriable, isReviewflowError } from '../errors.js';

const { KafkaJSError, KafkaJSSASLAuthenticationError, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSBrokerNotFound, KafkaJSNonRetriableError, KafkaJSProtocolError, KafkaJSGroupCoordinatorNotFound } =
  kafkajs;
// exported by kafkajs at run time but missing from its type declarations
const { KafkaJSConnectionClosedError } = kafkajs as unknown as { KafkaJSConnectionClosedError: typeof KafkaJSConnectionError };

/** Node's codes for a broker certificate the client does not trust: retrying cannot help. */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function untrustedCertificate(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && UNTRUSTED_CERTIFICATE.has(code);
}

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
  if (root instanceof KafkaJSProtocolError && root.type === 'UNSUPPORTED_SASL_MECHANISM') {
    return new ReviewflowError(ErrorCode.KAFKA_AUTH, `${action}: the broker does not offer this SASL mechanism`, {
      retriable: false,
      cause: err,
      hint: 'set the mechanism the cluster enables (plain, scram-sha-256 or scram-sha-512) in broker.sasl or KAFKA_SASL_MECHANISM',
    });
  }
  if (root instanceof KafkaJSProtocolError && root.type.endsWith('_AUTHORIZATION_FAILED')) {
    return new ReviewflowError(ErrorCode.KAFKA_AUTH, `${action}: not authorized (${root.type})`, {
      retriable: false,
      cause: err,
      hint: 'this principal has no ACL for it: `npx reviewflow acls plan` lists what each principal of a topology needs and `acls apply` grants it (docs/SECURITY.md)',
    });
  }
  if (root instanceof KafkaJSConnectionError && untrustedCertificate(root)) {
    return new ReviewflowError(ErrorCode.KAFKA_AUTH, `${action}: the broker's TLS certificate is not trusted (${root.message})`, {
      retriable: false,
      cause: err,
      hint: 'set broker.tls.caFile (or KAFKA_TLS_CA_FILE) to the CA that signed the broker certificate, and dial a host name the certificate names',
    });
  }
  if (root instanceof KafkaJSConnectionError || root instanceof KafkaJSBrokerNotFound) {
    // a TLS or SASL listener hangs up on a client that speaks neither: name that cause too
    const closed = root instanceof KafkaJSConnectionClosedError;
    return new ReviewflowError(ErrorCode.BROKER_UNREACHABLE, `${action}: ${closed ? 'the broker closed the connection' : 'no broker answered'} (${root.message})`, {
      retriable: true,
      cause: err,
      hint: closed
        ? 'if the listener requires TLS or SASL, configure them (broker.tls / broker.sasl, or KAFKA_TLS_CA_FILE / KAFKA_SASL_*); otherwise the broker is shutting down'
        : 'start one with `npx reviewflow broker start`, or set KAFKA_BROKERS=host:port to an existing cluster',
    });
  }
  if (root instanceof KafkaJSGroupCoordinatorNotFound) {
    // kafkajs calls this final, but it means no broker it asked could answer: while a
    // broker restarts and loads the group's offsets partition, only time fixes it
    return new ReviewflowError(ErrorCode.KAFKA_RETRIABLE, `${action}: no broker could name the group coordinator yet`, {
      retriable: true,
      cause: err,
      hint: 'a broker is restarting, or the partition of __consumer_offsets that holds this group has no leader',
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

/**
 * An idempotent producer whose sequence numbers the partition leader no longer accepts
 * (after a leader change lost its last request, say). kafkajs gives up on it; the Java
 * client's answer (KIP-360) is a new producer id, which is what ProducerPort does.
 */
export function isOutOfOrderSequence(err: unknown): boolean {
  let e: unknown = isReviewflowError(err) ? err.cause : err;
  while (e instanceof KafkaJSNonRetriableError || e instanceof KafkaJSNumberOfRetriesExceeded) {
    if (e.cause === undefined || e.cause === e) break;
    e = e.cause;
  }
  return e instanceof KafkaJSProtocolError && e.type === 'OUT_OF_ORDER_SEQUENCE_NUMBER';
}

/**
 * Whether a failure is worth another try later: a retriable error, or one kafkajs gave up
 * on after its own retries of a retriable cause (NOT_ENOUGH_REPLICAS while a broker is
 * down, say), which only time can fix.
 */
export function isTransient(err: unknown): boolean {
  if (isRetriable(err)) return true;
  const cause = isReviewflowError(err) ? err.cause : err;
  if (!(cause instanceof KafkaJSNumberOfRetriesExceeded)) return false;
  const root: unknown = cause.cause;
  return root instanceof KafkaJSError && root.retriable;
}

/** Whether kafkajs already retried this failure itself until its retries ran out. */
export function kafkajsGaveUp(err: unknown): boolean {
  return (isReviewflowError(err) ? err.cause : err) instanceof KafkaJSNumberOfRetriesExceeded;
}

/** Runs a Kafka call and rethrows its failure as a ReviewflowError. */
export async function kafkaCall<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapKafkaError(err, action);
  }
}

/**
 * The kafkajs error behind one of ours. The consumer hands it back to kafkajs from a
 * batch handler, because kafkajs recovers from group and coordinator errors (rejoin,
 * metadata refresh) only when it sees its own error classes.
 */
export function originalKafkaError(err: unknown): unknown {
  if (!isReviewflowError(err) || !(err.cause instanceof KafkaJSError)) return err;
  // kafkajs wraps a protocol error it gave up on (UNKNOWN_MEMBER_ID from a commit, say);
  // its runner recognises the protocol error's type, not the wrapper
  let original: Error = err.cause;
  while (original instanceof KafkaJSNonRetriableError && original.cause instanceof KafkaJSError) original = original.cause;
  return original;
}
