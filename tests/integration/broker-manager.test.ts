import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BrokerManager } from '../../src/broker/manager.js';
import { KafkaPort } from '../../src/kafka/index.js';

async function until(done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const port = (bootstrap: string): KafkaPort => new KafkaPort({ brokers: bootstrap.split(','), clientId: 'broker-test', connectionTimeoutMs: 3_000, requestTimeoutMs: 30_000 });

describe('embedded broker', () => {
  it('broker start is idempotent, status reports it and stop stops it', async () => {
    const manager = new BrokerManager({ stateDir: mkdtempSync(join(tmpdir(), 'rf-broker-')) });
    try {
      const first = await manager.start();
      expect(first.alreadyRunning).toBe(false);
      expect(first.version).toMatch(/^4\./);
      expect(manager.status()).toMatchObject({ running: true, bootstrap: first.bootstrap });
      const second = await manager.start();
      expect(second.alreadyRunning).toBe(true);
      expect(second.nodes.map((n) => n.pid)).toEqual(first.nodes.map((n) => n.pid));
      const cluster = await port(first.bootstrap).withAdmin((a) => a.describeCluster());
      expect(cluster.brokers).toHaveLength(1);
    } finally {
      await manager.stop({ purge: true });
    }
    expect(manager.status().running).toBe(false);
  });

  it('broker start --brokers 3 forms a KRaft cluster that takes a topic with replication factor 3, and a second start brings back only a dead node', async () => {
    const manager = new BrokerManager({ stateDir: mkdtempSync(join(tmpdir(), 'rf-broker3-')) });
    try {
      const state = await manager.start({ brokers: 3 });
      const kafka = port(state.bootstrap);
      await kafka.withAdmin((a) => a.ensureTopics([{ name: 'replicated', partitions: 3, replicationFactor: 3 }]));
      const [topic] = await kafka.withAdmin((a) => a.describeTopics(['replicated']));
      expect(topic!.partitions).toHaveLength(3);
      for (const p of topic!.partitions) {
        expect(p.replicas).toHaveLength(3);
        expect(p.isr).toHaveLength(3);
      }

      manager.killNode(3);
      await until(() => !manager.status().nodes.find((n) => n.nodeId === 3)!.alive);
      expect(manager.status().running).toBe(false);
      const again = await manager.start({ brokers: 3 });
      expect(again.restartedNodes).toEqual([3]);
      expect(again.nodes.slice(0, 2).map((n) => n.pid)).toEqual(state.nodes.slice(0, 2).map((n) => n.pid));
      expect(manager.status().running).toBe(true);
      expect((await kafka.withAdmin((a) => a.describeCluster())).brokers).toHaveLength(3);
    } finally {
      await manager.stop({ purge: true });
    }
  });
});
