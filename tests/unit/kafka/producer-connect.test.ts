import kafkajs, { type Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ProducerPort } from '../../../src/kafka/producer.js';

const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded } = kafkajs;

/** What kafkajs throws when the broker it asks for a producer id is gone (it does not retry that). */
const refused = (): Error => new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9094');
/** What kafkajs throws after its own retries of a seed broker that never answered. */
const exhausted = (): Error => {
  const cause = refused();
  return Object.assign(new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 10, retryTime: 5_000 }), { cause });
};

/** Stand-ins for kafkajs producers whose first `failures` connects, across all of them, throw `error()`. */
function producers(failures: number, error: () => Error): { create: () => Producer; made: Array<{ connected: boolean; disconnected: boolean }> } {
  const made: Array<{ connected: boolean; disconnected: boolean }> = [];
  let left = failures;
  const create = (): Producer => {
    const record = { connected: false, disconnected: false };
    made.push(record);
    return {
      connect: async () => {
        if (left-- > 0) throw error();
        record.connected = true;
      },
      disconnect: async () => void (record.disconnected = true),
    } as unknown as Producer;
  };
  return { create, made };
}

describe('ProducerPort.connect', () => {
  it('retries a broker that refused with a fresh producer each time (fresh metadata), past kafkajs keeping the dead one', async () => {
    const { create, made } = producers(5, refused);
    const port = new ProducerPort(create, false);
    await port.connect();
    expect(made).toHaveLength(6);
    expect(made.slice(0, 5).every((p) => !p.connected && p.disconnected)).toBe(true);
    expect(made[5]).toEqual({ connected: true, disconnected: false });
    expect(port.resets).toBe(0); // a connect retry is no new producer id for a live producer
  }, 60_000);

  it('gives up on a cluster kafkajs already retried after the usual four rounds, with BROKER_UNREACHABLE', async () => {
    const { create, made } = producers(100, exhausted);
    const port = new ProducerPort(create, false);
    await expect(port.connect()).rejects.toMatchObject({ code: 'BROKER_UNREACHABLE' });
    expect(made).toHaveLength(4);
  }, 60_000);
});
