import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { BrokerManager } from '../../src/broker/manager.js';

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
 * tests/unit, see vitest.config.ts), started once per run and stopped after:
 * - KAFKA_BROKERS when set;
 * - else, when REVIEWFLOW_KAFKA_IMAGE names a Kafka image (`npm run images` builds
 *   reviewflow/kafka:<version>; apache/kafka:<version> works too), a testcontainers broker
 *   from it. It needs a Docker engine and fails saying so when none answers;
 * - else the embedded broker (provisioned from Maven Central).
 * Testcontainers is opt-in, not chosen because some engine answers: an engine another
 * process started (the GPU test's) may stop in the middle of this run, and without
 * Docker Hub no image is there to pull.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.KAFKA_BROKERS) {
    project.provide('kafkaBrokers', process.env.KAFKA_BROKERS);
    project.provide('kafkaSource', 'KAFKA_BROKERS');
    console.log(`[reviewflow tests] Kafka from KAFKA_BROKERS=${process.env.KAFKA_BROKERS}`);
    return async () => {};
  }
  const image = process.env.REVIEWFLOW_KAFKA_IMAGE;
  if (image) {
    if (!dockerAnswers()) throw new Error(`REVIEWFLOW_KAFKA_IMAGE=${image} asks for a testcontainers broker, but no Docker engine answers: start one (dockerd), or unset REVIEWFLOW_KAFKA_IMAGE for the embedded broker`);
    process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
    const { startKafkaContainer } = await import('./kafka-container.js');
    const { bootstrap, container } = await startKafkaContainer(image);
    project.provide('kafkaBrokers', bootstrap);
    project.provide('kafkaSource', `testcontainers ${image}`);
    console.log(`[reviewflow tests] Kafka ${image} (KRaft) from testcontainers, container ${container.getId().slice(0, 12)}, at ${bootstrap}`);
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
