import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkajsLogLevel } from '../../../src/kafka/log-policy.js';

const { logLevel } = kafkajs;

describe('kafkajsLogLevel', () => {
  it('kafkajsLogLevel hides the retry chatter of a broker that is starting up', () => {
    // what `broker start` printed while it waited for the broker to answer
    expect(kafkajsLogLevel({ namespace: 'BrokerPool', level: logLevel.ERROR, message: 'Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:33119', fields: { retryCount: 5, retryTime: 7084 } })).toBe('debug');
    expect(kafkajsLogLevel({ namespace: 'Connection', level: logLevel.ERROR, message: 'Connection error: connect ECONNREFUSED 127.0.0.1:33119', fields: { broker: '127.0.0.1:33119', clientId: 'reviewflow-broker-check' } })).toBe('debug');
    expect(kafkajsLogLevel({ namespace: 'Consumer', level: logLevel.ERROR, message: 'Restarting the consumer in 300ms', fields: { retryCount: 1, retryTime: 300, groupId: 'g' } })).toBe('debug');
  });

  it('kafkajsLogLevel hides the re-joins of a rebalancing group', () => {
    expect(kafkajsLogLevel({ namespace: 'Runner', level: logLevel.WARN, message: 'The group is rebalancing, re-joining', fields: { groupId: 'g', memberId: 'm', error: 'The group is rebalancing, so a rejoin is needed' } })).toBe('debug');
  });

  it('kafkajsLogLevel keeps a warning for what kafkajs does not retry', () => {
    expect(kafkajsLogLevel({ namespace: 'ConsumerGroup', level: logLevel.ERROR, message: 'Offset out of range, resetting to default offset', fields: { topic: 't', partition: 0 } })).toBe('warn');
    expect(kafkajsLogLevel({ namespace: 'Consumer', level: logLevel.ERROR, message: 'Crash: KafkaJSNonRetriableError: bad', fields: { groupId: 'g', retryCount: undefined } })).toBe('warn');
  });

  it('kafkajsLogLevel sends kafkajs info to debug', () => {
    expect(kafkajsLogLevel({ namespace: 'Consumer', level: logLevel.INFO, message: 'Starting', fields: { groupId: 'g' } })).toBe('debug');
  });
});
