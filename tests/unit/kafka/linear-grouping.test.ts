import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
type Grouping = (input: { topic: string; partitionMetadata: unknown[]; messages: unknown[]; partitioner: (a: { message: unknown }) => number }) => Record<number, unknown[]>;

describe('kafkajs loaded through src/kafka/kafkajs.ts', () => {
  it('groups a send by partition exactly as kafkajs does, and its producer gets that grouping', async () => {
    // kafkajs's own grouping, loaded before reviewflow replaces it (its producer is not loaded yet)
    const kafkajsGrouping = require('kafkajs/src/producer/groupMessagesPerPartition.js') as Grouping;
    expect(require.cache[require.resolve('kafkajs/src/producer/sendMessages.js')]).toBeUndefined();

    const { kafkajsFixes } = await import('../../../src/kafka/kafkajs.js');
    const { groupMessagesPerPartition } = await import('../../../src/kafka/linear-grouping.js');
    expect(kafkajsFixes).toEqual({ linearGrouping: 'installed', onePassProduceEncoding: 'installed', idleTimerStopped: true });
    expect(require('kafkajs/src/producer/groupMessagesPerPartition.js')).toBe(groupMessagesPerPartition);

    let seed = 3;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (const [count, partitions] of [[0, 3], [1, 1], [50, 3], [500, 7]] as const) {
      const messages = Array.from({ length: count }, (_, i) => ({ value: i, partition: next() % partitions }));
      const input = { topic: 't', partitionMetadata: Array.from({ length: partitions }, (_, id) => ({ partitionId: id })), messages, partitioner: ({ message }: { message: unknown }) => (message as { partition: number }).partition };
      const ours = groupMessagesPerPartition(input);
      expect(ours).toEqual(kafkajsGrouping(input));
      expect(Object.keys(ours)).toEqual(Object.keys(kafkajsGrouping(input)));
    }
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages: [{}], partitioner: () => 0 })).toEqual({});
  });

  it('reports too-late, changing nothing, once kafkajs’s producer is loaded', async () => {
    const { installLinearGrouping } = await import('../../../src/kafka/linear-grouping.js');
    const path = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
    const installed = require.cache[path];
    delete require.cache[path];
    try {
      expect(installLinearGrouping(require)).toBe('too-late');
      expect(require.cache[path]).toBeUndefined();
    } finally {
      require.cache[path] = installed;
    }
  });
});
