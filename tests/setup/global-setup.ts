import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { BrokerManager } from '../../src/broker/manager.js';
import { kafkaVersion } from '../../src/broker/provision.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    kafkaSource: string;
  }
}

function dockerAnswers(): boolean {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 5_000 });
  return result.status === 0 && result.stdout.trim().length > 0;
}

/**
 * Provides one real Kafka to every test file of the `broker` project (every test outside
 * tests/unit, see vitest.config.ts): KAFKA_BROKERS when set, else a
 * testcontainers Kafka when a Docker engine answers, else the embedded broker
 * (provisioned from Maven Central), started once per run and stopped after.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.KAFKA_BROKERS) {
    project.provide('kafkaBrokers', process.env.KAFKA_BROKERS);
    project.provide('kafkaSource', 'KAFKA_BROKERS');
    console.log(`[reviewflow tests] Kafka from KAFKA_BROKERS=${process.env.KAFKA_BROKERS}`);
    return async () => {};
  }
  if (dockerAnswers()) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const image = `apache/kafka:${kafkaVersion()}`;
    const container = await new KafkaContainer(image).withKraft().start();
    const bootstrap = `${container.getHost()}:${container.getMappedPort(9093)}`;
    project.provide('kafkaBrokers', bootstrap);
    project.provide('kafkaSource', `testcontainers ${image}`);
    console.log(`[reviewflow tests] Kafka ${image} from testcontainers at ${bootstrap}`);
    return async () => void (await container.stop());
  }
  // one broker per test run: concurrent runs in one checkout must not stop each other's
  const manager = new BrokerManager({ stateDir: join(process.cwd(), '.reviewflow', `test-broker-${process.pid}`), log: (l) => console.log(`[reviewflow tests] ${l}`) });
  const state = await manager.start({ brokers: 1 });
  project.provide('kafkaBrokers', state.bootstrap);
  project.provide('kafkaSource', `embedded Apache Kafka ${state.version}`);
  console.log(`[reviewflow tests] embedded Apache Kafka ${state.version} (KRaft) at ${state.bootstrap}`);
  return async () => {
    await manager.stop({ purge: true });
  };
}
