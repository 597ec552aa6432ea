import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * Why ProducerPort sends one partition per kafkajs send (src/kafka/producer.ts): kafkajs
 * 2.2.4's own sendMessages, retrier and Lock, with two stand-in brokers. The send spans
 * both; node 1 fails at once with a retriable error while node 2's request is still in
 * flight. kafkajs retries before node 2 answered, so node 2 gets its partition's records
 * again with the next sequence numbers, which a broker writes as new records (run 10 of
 * the two-brokers fault test: one chunk twice inside one transaction). Should a kafkajs
 * upgrade fix this, this test fails and says the workaround may go.
 */
const require = createRequire(import.meta.url);
const kafkajsSource = (path: string): unknown => require(`kafkajs/src/${path}`);
const createSendMessages = kafkajsSource('producer/sendMessages') as (o: object) => (request: object) => Promise<unknown>;
const createRetry = kafkajsSource('retry') as (o: object) => unknown;
const Lock = kafkajsSource('utils/lock') as new (o: object) => { acquire(): Promise<void>; release(): void };
const { KafkaJSConnectionError } = kafkajsSource('errors') as { KafkaJSConnectionError: new (message: string) => Error };

interface TopicData {
  topic: string;
  partitions: Array<{ partition: number; firstSequence: number; messages: unknown[] }>;
}

describe('kafkajs 2.2.4 sendMessages', () => {
  it('kafkajs sends a slow broker its partition again, with the next sequence numbers, when another broker failed first', async () => {
    const received: Record<number, string[]> = { 1: [], 2: [] };
    let node1Calls = 0;
    const broker = (nodeId: number) => ({
      nodeId,
      async produce({ topicData }: { topicData: TopicData[] }) {
        const parts = topicData.flatMap((t) => t.partitions.map((p) => `partition ${p.partition} from sequence ${p.firstSequence}`));
        if (nodeId === 1 && node1Calls++ === 0) throw new KafkaJSConnectionError('Connection error: node 1 went away');
        if (nodeId === 2) await new Promise((resolve) => setTimeout(resolve, 600)); // acks=all waiting on a slow replica
        received[nodeId]!.push(...parts);
        return { topics: topicData.map((t) => ({ topicName: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })) })) };
      },
    });
    const brokers: Record<number, ReturnType<typeof broker>> = { 1: broker(1), 2: broker(2) };
    const cluster = {
      refreshMetadataIfNecessary: async () => {},
      refreshMetadata: async () => {},
      addMultipleTargetTopics: async () => {},
      isConnected: () => true,
      removeBroker: () => {},
      findTopicPartitionMetadata: () => [{ partitionId: 0, leader: 1 }, { partitionId: 1, leader: 2 }],
      findLeaderForPartitions: (_topic: string, partitions: string[]) => ({ 1: partitions.filter((p) => p === '0').map(Number), 2: partitions.filter((p) => p === '1').map(Number) }),
      findBroker: async ({ nodeId }: { nodeId: number }) => brokers[nodeId],
    };
    // as kafkajs's eosManager keeps them for an idempotent producer: a sequence per partition, a lock per broker
    const sequences = new Map<string, number>();
    const locks = new Map<number, InstanceType<typeof Lock>>();
    const eosManager = {
      isTransactional: () => false,
      isInitialized: () => true,
      getTransactionalId: () => undefined,
      getProducerId: () => 1000,
      getProducerEpoch: () => 0,
      getSequence: (t: string, p: number) => sequences.get(`${t}-${p}`) ?? 0,
      updateSequence: (t: string, p: number, n: number) => void sequences.set(`${t}-${p}`, (sequences.get(`${t}-${p}`) ?? 0) + n),
      acquireBrokerLock: async (b: { nodeId: number }) => {
        if (!locks.has(b.nodeId)) locks.set(b.nodeId, new Lock({ timeout: 0xffff }));
        await locks.get(b.nodeId)!.acquire();
      },
      releaseBrokerLock: (b: { nodeId: number }) => locks.get(b.nodeId)!.release(),
    };
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    const retrier = createRetry({ retries: 5, initialRetryTime: 100, maxRetryTime: 1000 });
    const send = createSendMessages({ logger, cluster, partitioner: ({ message }: { message: { partition: number } }) => message.partition, eosManager, retrier });
    const messages = [0, 1].flatMap((partition) => Array.from({ length: 3 }, (_, i) => ({ partition, value: `${partition}-${i}` })));

    await send({ acks: -1, timeout: 30_000, topicMessages: [{ topic: 't', messages }] });
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the second request to node 2 waited for the first

    expect(received[1]).toEqual(['partition 0 from sequence 0']);
    expect(received[2]).toEqual(['partition 1 from sequence 0', 'partition 1 from sequence 3']);
  });
});
