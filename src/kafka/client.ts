import type { KafkaConfig, logCreator, SASLOptions } from 'kafkajs';
import kafkajs from './kafkajs.js';
import { childLogger } from '../log.js';
import { kafkajsLogLevel } from './log-policy.js';
import type { KafkaSettings } from './settings.js';

const { Kafka, logLevel } = kafkajs;

/** kafkajs logs go through pino, at the level kafkajsLogLevel gives them. */
const pinoLogCreator: logCreator = () => {
  const log = childLogger({ component: 'kafkajs' });
  return ({ namespace, level, log: entry }) => {
    const { message, ...fields } = entry;
    log[kafkajsLogLevel({ namespace, level, message, fields })]({ namespace, ...fields }, message);
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
