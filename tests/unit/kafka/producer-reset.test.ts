import kafkajs, { type Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isOutOfOrderSequence } from '../../../src/kafka/errors.js';
import { ProducerPort } from '../../../src/kafka/producer.js';

const { KafkaJSProtocolError, KafkaJSNonRetriableError } = kafkajs;

/** As kafkajs makes them from a produce response (see its protocol/error.js). */
const protocolError = (type: string, code: number, message: string): Error => new KafkaJSProtocolError({ type, code, retriable: false, message } as unknown as Error);
const outOfOrder = (): Error => protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', 45, 'The broker received an out of order sequence number');
const otherProtocolError = (): Error => protocolError('MESSAGE_TOO_LARGE', 10, 'too large');

/**
 * Stand-ins for kafkajs producers: the first `failures` sendBatch calls across all of them
 * throw `error()`. Only the recovery logic is under test here; the failover fault test
 * runs it against real brokers.
 */
function producers(failures: number, error: () => Error): { create: () => Producer; made: Array<{ sent: number; disconnected: boolean }> } {
  const made: Array<{ sent: number; disconnected: boolean }> = [];
  let left = failures;
  const create = (): Producer => {
    const record = { sent: 0, disconnected: false };
    made.push(record);
    return {
      connect: async () => {},
      disconnect: async () => void (record.disconnected = true),
      sendBatch: async () => {
        if (left-- > 0) throw error();
        record.sent++;
        return [];
      },
    } as unknown as Producer;
  };
  return { create, made };
}

const batch = [{ topic: 't', messages: [{ key: 'k', value: Buffer.from('v') }] }];

describe('ProducerPort after OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
  it('ProducerPort replaces the producer (a new producer id) and sends the request again', async () => {
    const { create, made } = producers(1, outOfOrder);
    const port = new ProducerPort(create, false);
    await port.connect();
    await port.send(batch);
    expect(made).toEqual([{ sent: 0, disconnected: true }, { sent: 1, disconnected: false }]);
    expect(port.resets).toBe(1);
  });

  it('ProducerPort gives up when the new producer is refused as well, and on any other error', async () => {
    const twice = producers(2, outOfOrder);
    const port = new ProducerPort(twice.create, false);
    await port.connect();
    await expect(port.send(batch)).rejects.toMatchObject({ code: 'KAFKA_FATAL' });
    expect(twice.made).toHaveLength(2);

    const other = producers(1, otherProtocolError);
    const plain = new ProducerPort(other.create, false);
    await plain.connect();
    await expect(plain.send(batch)).rejects.toMatchObject({ code: 'KAFKA_FATAL' });
    expect(other.made).toHaveLength(1);
  });

  it('isOutOfOrderSequence sees the protocol error through kafkajs wrappers and only that one', () => {
    expect(isOutOfOrderSequence(outOfOrder())).toBe(true);
    // kafkajs's retrier gives up with the protocol error as the cause
    const gaveUp = outOfOrder();
    expect(isOutOfOrderSequence(Object.assign(new KafkaJSNonRetriableError(gaveUp), { cause: gaveUp }))).toBe(true);
    expect(isOutOfOrderSequence(otherProtocolError())).toBe(false);
    expect(isOutOfOrderSequence(new Error('The broker received an out of order sequence number'))).toBe(false);
  });
});

/**
 * Stand-ins for transactional kafkajs producers: each records the transactions begun on
 * it and how they ended; `commitFails` makes the next commit throw (its outcome unknown).
 */
function transactionalProducers(): { create: () => Producer; made: Array<{ ended: string[] }>; failNextCommit: () => void } {
  const made: Array<{ ended: string[] }> = [];
  let commitFails = false;
  const create = (): Producer => {
    const record = { ended: [] as string[] };
    made.push(record);
    return {
      connect: async () => {},
      disconnect: async () => {},
      transaction: async () => {
        let active = true;
        return {
          sendBatch: async () => [],
          sendOffsets: async () => {},
          isActive: () => active,
          abort: async () => void ((active = false), record.ended.push('abort')),
          // as kafkajs: once a commit began, the transaction is no longer active, even if it fails
          commit: async () => {
            active = false;
            if (commitFails) {
              commitFails = false;
              throw new Error('commit timed out');
            }
            record.ended.push('commit');
          },
        };
      },
    } as unknown as Producer;
  };
  return { create, made, failNextCommit: () => void (commitFails = true) };
}

describe('ProducerPort transactions', () => {
  it('ProducerPort registers the transactional id on connect with an empty transaction, and commits on the same producer while nothing fails', async () => {
    const { create, made } = transactionalProducers();
    const port = new ProducerPort(create, true);
    await port.connect();
    expect(made).toEqual([{ ended: ['abort'] }]);
    await port.transaction(async (tx) => tx.send(batch));
    await port.transaction(async (tx) => tx.send(batch));
    expect(made).toEqual([{ ended: ['abort', 'commit', 'commit'] }]);
    await port.settle();
    expect(made).toHaveLength(1);
  });

  it('ProducerPort settles a transaction whose commit failed with a new producer before anything else, and only once', async () => {
    const { create, made, failNextCommit } = transactionalProducers();
    const port = new ProducerPort(create, true);
    await port.connect();
    failNextCommit();
    await expect(port.transaction(async (tx) => tx.send(batch))).rejects.toThrow('commit timed out');
    await port.settle();
    // the old producer is dropped in the failed transaction's state; the new one registered the id
    expect(made).toEqual([{ ended: ['abort'] }, { ended: ['abort'] }]);
    await port.settle();
    await port.transaction(async (tx) => tx.send(batch));
    expect(made).toEqual([{ ended: ['abort'] }, { ended: ['abort', 'commit'] }]);
    expect(port.resets).toBe(1);
  });
});
