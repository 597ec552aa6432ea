import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ErrorCode, ReviewflowError } from '../errors.js';
import type { KafkaSettings, SaslSettings } from '../kafka/index.js';
import { BrokerManager } from '../broker/manager.js';
import type { Topology } from '../topology/index.js';

/**
 * The only place that reads process.env: broker address and secrets are resolved here,
 * once, into a frozen settings object that the library receives, and a topology's
 * `${NAME}` placeholders get their values from here. (Child processes the broker module
 * starts, such as keytool, inherit the environment; that passes it on, it reads no setting.)
 */
export interface CliEnvironment {
  brokers: string[] | undefined;
  sasl: SaslSettings | undefined;
  tls: boolean;
  tlsCaFile: string | undefined;
  /** REVIEWFLOW_LOG_LEVEL (or LOG_LEVEL); unset leaves the choice to the CLI's logging defaults. */
  logLevel: string | undefined;
  /** REVIEWFLOW_METRICS: the `--metrics` exporter when the flag is not given (compose sets it). */
  metrics: string | undefined;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  const brokers = env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);
  const mechanism = env.KAFKA_SASL_MECHANISM?.toLowerCase();
  let sasl: SaslSettings | undefined;
  if (mechanism) {
    if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') {
      throw new ReviewflowError(ErrorCode.INVALID_CONFIG, `KAFKA_SASL_MECHANISM=${mechanism} is not supported`, { retriable: false, hint: 'use plain, scram-sha-256 or scram-sha-512' });
    }
    if (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD) {
      throw new ReviewflowError(ErrorCode.INVALID_CONFIG, 'KAFKA_SASL_MECHANISM is set but KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is not', { retriable: false, hint: 'set both, or unset KAFKA_SASL_MECHANISM' });
    }
    sasl = { mechanism, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD };
  }
  return Object.freeze({
    brokers: brokers && brokers.length > 0 ? brokers : undefined,
    sasl,
    tls: env.KAFKA_TLS === '1' || env.KAFKA_TLS === 'true' || Boolean(env.KAFKA_TLS_CA_FILE),
    tlsCaFile: env.KAFKA_TLS_CA_FILE,
    logLevel: env.REVIEWFLOW_LOG_LEVEL ?? env.LOG_LEVEL,
    metrics: env.REVIEWFLOW_METRICS || undefined,
  });
}

/** Values for a topology's `${NAME}` placeholders: every variable, as a shell would expand them. */
export function placeholderValues(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

function readPem(path: string, base: string, what: string): string {
  const full = resolve(base, path);
  try {
    return readFileSync(full, 'utf8');
  } catch (err) {
    throw new ReviewflowError(ErrorCode.INVALID_CONFIG, `cannot read the ${what} file ${full}: ${(err as Error).message}`, { retriable: false, cause: err });
  }
}

/**
 * Where the brokers are: KAFKA_BROKERS, else the topology's broker list, else the
 * embedded broker's state. Security settings: environment over topology.
 */
export function resolveKafkaSettings(topology: Topology, env: CliEnvironment, options: { required?: boolean } = {}): KafkaSettings | undefined {
  const sasl = env.sasl ?? topology.broker.sasl;
  let brokers = env.brokers ?? (topology.broker.brokers.length > 0 ? [...topology.broker.brokers] : undefined);
  if (!brokers) {
    const state = new BrokerManager().status();
    // a client with credentials talks to the embedded broker's SASL_SSL listener when it has one
    const bootstrap = sasl && state.saslSsl ? state.saslSsl.bootstrap : state.bootstrap;
    if (state.running && bootstrap) brokers = bootstrap.split(',');
  }
  if (!brokers) {
    if (options.required === false) return undefined;
    throw new ReviewflowError(ErrorCode.BROKER_UNREACHABLE, 'no Kafka broker is configured and no embedded broker runs', {
      retriable: false,
      hint: 'start one with `npx reviewflow broker start`, or set KAFKA_BROKERS=host:port',
    });
  }
  const base = dirname(resolve(topology.file));
  const t = topology.broker.tls;
  const tls = t
    ? {
        rejectUnauthorized: t.rejectUnauthorized,
        ...(t.caFile ? { ca: readPem(t.caFile, base, 'TLS CA') } : {}),
        ...(t.certFile ? { cert: readPem(t.certFile, base, 'TLS certificate') } : {}),
        ...(t.keyFile ? { key: readPem(t.keyFile, base, 'TLS key') } : {}),
        ...(t.servername ? { servername: t.servername } : {}),
      }
    : env.tls
      ? { rejectUnauthorized: true, ...(env.tlsCaFile ? { ca: readPem(env.tlsCaFile, process.cwd(), 'TLS CA') } : {}) }
      : undefined;
  return Object.freeze({
    brokers,
    clientId: topology.broker.clientId,
    connectionTimeoutMs: topology.broker.connectionTimeoutMs,
    requestTimeoutMs: topology.broker.requestTimeoutMs,
    ...(tls ? { tls } : {}),
    ...(sasl ? { sasl: { ...sasl } } : {}),
  });
}
