import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, isReviewflowError } from '../../../src/errors.js';
import { checkAcknowledged, PartitionPlacement } from '../../../src/kafka/partition-placement.js';

const ack = (topicName: string, partition: number) => ({ topicName, partition, errorCode: 0 });

describe('PartitionPlacement', () => {
  it('puts keyed records where kafkajs would, keeps explicit partitions, and asks a topic’s partition count once', async () => {
    const asked: string[] = [];
    const placement = new PartitionPlacement(async (topic) => (asked.push(topic), 6));
    const messages = Array.from({ length: 50 }, (_, i) => ({ key: `review-${i}`, value: Buffer.from('x') }));
    const placed = await placement.place('t', [...messages, { key: 'pinned', value: null, partition: 4 }]);
    const kafkajsPartitioner = kafkajs.Partitioners.DefaultPartitioner();
    const metadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [], isr: [], partitionErrorCode: 0 }));
    expect(placed.slice(0, 50).map((m) => m.partition)).toEqual(messages.map((message) => kafkajsPartitioner({ topic: 't', partitionMetadata: metadata, message })));
    expect(new Set(placed.map((m) => m.partition)).size).toBeGreaterThan(3);
    expect(placed[50]!.partition).toBe(4);
    await placement.place('t', messages);
    expect(asked).toEqual(['t']);
  });

  it('asks again after a failed lookup', async () => {
    let calls = 0;
    const placement = new PartitionPlacement(async () => {
      calls++;
      if (calls === 1) throw new Error('no metadata yet');
      return 3;
    });
    await expect(placement.place('t', [{ key: 'a', value: null }])).rejects.toThrow('no metadata yet');
    expect((await placement.place('t', [{ key: 'a', value: null }]))[0]!.partition).toBeLessThan(3);
  });
});

describe('checkAcknowledged', () => {
  const request = [
    { topic: 'out', messages: [{ key: 'a', value: null, partition: 0 }, { key: 'b', value: null, partition: 1 }] },
    { topic: 'stats', messages: [{ key: 'p1', value: null, partition: 0 }] },
  ];

  it('passes when every partition written is acknowledged', () => {
    expect(() => checkAcknowledged(request, [ack('out', 0), ack('out', 1), ack('stats', 0)])).not.toThrow();
  });

  it('throws a retriable error naming the partitions a resolved send left out (the kafkajs retry that skips a moved leader)', () => {
    let thrown: unknown;
    try {
      checkAcknowledged(request, [ack('out', 0), ack('stats', 0)]);
    } catch (err) {
      thrown = err;
    }
    expect(isReviewflowError(thrown) && thrown.code).toBe(ErrorCode.KAFKA_RETRIABLE);
    expect(isReviewflowError(thrown) && thrown.retriable).toBe(true);
    expect((thrown as Error).message).toContain('out[1]');
    expect((thrown as Error).message).not.toContain('out[0]');
  });
});
