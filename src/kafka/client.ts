import kafkajs, { type KafkaConfig, type logCreator, type SASLOptions } from 'kafkajs';
import { childLogger } from '../log.js';
import type { KafkaSettings } from './settings.js';

const { Kafka, logLevel } = kafkajs;

/** kafkajs logs go through pino, at the level pino would print them. */
const pinoLogCreator: logCreator = () => {
  const log = childLogger({ component: 'kafkajs' });
  return ({ level, log: entry }) => {
    const { message, ...rest } = entry;
    // kafkajs logs retriable protocol errors at ERROR before retrying them; what fails for
    // good reaches us as a thrown error that we log with context, so these are warnings.
    if (level === logLevel.ERROR || level === logLevel.WARN) {
      // kafkajs warns on every idempotent producer with bounded retries (our choice, see producer.ts)
      if (message.startsWith('Limiting retries for the idempotent producer')) log.debug(rest, message);
      else log.warn(rest, message);
    }
    else if (level === logLevel.INFO) log.debug(rest, message); // kafkajs INFO is chatty (joins, commits)
    else log.trace(rest, message);
  };
};

export function createKafkaClient(settings: KafkaSettings): InstanceType<typeof Kafka> {
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 10_000 },
  };
  if (settings.tls) {
    config.ssl = {
      rejectUnauthorized: settings.tls.rejectUnauthorized,
      ...(settings.tls.ca ? { ca: [settings.tls.ca] } : {}),
      ...(settings.tls.cert ? { cert: settings.tls.cert } : {}),
      ...(settings.tls.key ? { key: settings.tls.key } : {}),
      ...(settings.tls.servername ? { servername: settings.tls.servername } : {}),
    };
  }
  if (settings.sasl) {
    config.sasl = {
      mechanism: settings.sasl.mechanism,
      username: settings.sasl.username,
      password: settings.sasl.password,
    } as SASLOptions;
  }
  return new Kafka(config);
}
