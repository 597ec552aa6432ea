import kafkajs, { type Producer, type ProducerBatch, type RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ProducerPort } from '../../../src/kafka/producer.js';
import type { TopicMessages } from '../../../src/kafka/types.js';

const { KafkaJSConnectionError, KafkaJSProtocolError, KafkaJSNumberOfRetriesExceeded } = kafkajs;

interface Call {
  partitions: number[];
  settledAt?: number;
}

/**
 * A stand-in kafkajs producer that answers each sendBatch after `delayMs` (per partition)
 * and fails it with `fail(partition, attempt)` when that returns an error. It records
 * every call, so a test can see what was sent together and what was still in flight.
 */
function fakeProducer(options: { delayMs?: (partition: number) => number; fail?: (partition: number, attempt: number) => Error | undefined }) {
  const calls: Call[] = [];
  const attempts = new Map<number, number>();
  let inFlight = 0;
  const send = async ({ topicMessages }: ProducerBatch): Promise<RecordMetadata[]> => {
    const partitions = [...new Set(topicMessages!.flatMap((t) => t.messages.map((m) => m.partition!)))];
    const call: Call = { partitions };
    calls.push(call);
    inFlight++;
    try {
      await new Promise((resolve) => setTimeout(resolve, Math.max(...partitions.map((p) => options.delayMs?.(p) ?? 0))));
      for (const p of partitions) {
        const attempt = (attempts.get(p) ?? 0) + 1;
        attempts.set(p, attempt);
        const err = options.fail?.(p, attempt);
        if (err) throw err;
      }
      return partitions.map((partition) => ({ topicName: topicMessages![0]!.topic, partition, errorCode: 0 }));
    } finally {
      inFlight--;
      call.settledAt = Date.now();
    }
  };
  const producer = {
    connect: async () => {},
    disconnect: async () => {},
    sendBatch: send,
    transaction: async () => ({ sendBatch: send, sendOffsets: async () => {}, isActive: () => true, abort: async () => {}, commit: async () => {} }),
  } as unknown as Producer;
  return { producer, calls, inFlight: () => inFlight };
}

const records = (partitions: number[]): TopicMessages[] => [{ topic: 't', messages: partitions.map((partition, i) => ({ key: `k${i}`, value: Buffer.from(`v${i}`), partition })) }];
const connectionRefused = (): Error => new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9094');
/** What kafkajs throws after its own retries of NOT_ENOUGH_REPLICAS ran out. */
const replicasShort = (): Error => {
  const cause = new KafkaJSProtocolError({ type: 'NOT_ENOUGH_REPLICAS', code: 19, retriable: true, message: 'not enough replicas' } as unknown as Error);
  return new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 10, retryTime: 5000 });
};

describe('ProducerPort delivery', () => {
  it('ProducerPort sends a request outside a transaction to kafkajs whole, and inside one a kafkajs send per partition', async () => {
    const plain = fakeProducer({});
    await new ProducerPort(() => plain.producer, false).send(records([0, 1, 0, 2, 1]));
    expect(plain.calls.map((c) => c.partitions)).toEqual([[0, 1, 2]]);

    const transactional = fakeProducer({});
    const port = new ProducerPort(() => transactional.producer, true);
    await port.connect();
    await port.transaction((tx) => tx.send(records([0, 1, 0, 2, 1])));
    expect(transactional.calls.map((c) => c.partitions).sort()).toEqual([[0], [1], [2]]);
  });

  it('ProducerPort sends a request again after retriable failures, including kafkajs giving up on one, until it is acknowledged', async () => {
    let calls = 0;
    const fake = fakeProducer({ fail: () => (++calls === 1 ? connectionRefused() : calls === 2 ? replicasShort() : undefined) });
    const port = new ProducerPort(() => fake.producer, false, undefined, 60_000);
    await port.send(records([0, 1]));
    expect(fake.calls).toHaveLength(3);
  }, 30_000);

  it('ProducerPort gives up after the delivery timeout with the last error, and at once on a non-retriable one', async () => {
    const down = fakeProducer({ fail: () => connectionRefused() });
    const port = new ProducerPort(() => down.producer, false, undefined, 1_500);
    const at = Date.now();
    await expect(port.send(records([0]))).rejects.toMatchObject({ code: 'BROKER_UNREACHABLE' });
    expect(Date.now() - at).toBeLessThan(1_500);
    expect(down.calls.length).toBeGreaterThan(1);

    const refused = fakeProducer({ fail: () => new KafkaJSProtocolError({ type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false, message: 'too large' } as unknown as Error) });
    const plain = new ProducerPort(() => refused.producer, false);
    await expect(plain.send(records([0]))).rejects.toMatchObject({ code: 'KAFKA_FATAL' });
    expect(refused.calls).toHaveLength(1);
  }, 30_000);

  it('ProducerPort stops waiting out an outage once told the process is stopping', async () => {
    const down = fakeProducer({ fail: () => connectionRefused() });
    const port = new ProducerPort(() => down.producer, false, undefined, 120_000);
    const at = Date.now();
    const sending = port.send(records([0]));
    setTimeout(() => port.stopRetrying(), 300);
    await expect(sending).rejects.toMatchObject({ code: 'BROKER_UNREACHABLE' });
    expect(Date.now() - at).toBeLessThan(10_000); // one backoff (at most 5 s) past the stop, not the two minutes
  }, 30_000);

  it('ProducerPort does not retry inside a transaction: it waits for every partition, then throws for the caller to abort', async () => {
    const fake = fakeProducer({ delayMs: (p) => (p === 0 ? 5 : 200), fail: (p) => (p === 0 ? connectionRefused() : undefined) });
    const port = new ProducerPort(() => fake.producer, true);
    await port.connect();
    await expect(port.transaction((tx) => tx.send(records([0, 1])))).rejects.toMatchObject({ code: 'BROKER_UNREACHABLE' });
    expect(fake.inFlight()).toBe(0);
    expect(fake.calls.map((c) => c.partitions[0]).sort()).toEqual([0, 1]);
  });
});
