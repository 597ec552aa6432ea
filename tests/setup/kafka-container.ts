import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { freePort } from '../../src/broker/ports.js';

/**
 * Publishes its ports on the host's loopback only: nothing outside this machine reaches
 * the test broker (testcontainers itself binds every interface).
 */
class LoopbackContainer extends GenericContainer {
  protected override async beforeContainerCreated(): Promise<void> {
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {})) {
      for (const binding of bindings as Array<{ HostIp?: string }>) binding.HostIp = '127.0.0.1';
    }
  }
}

export interface KafkaContainer {
  bootstrap: string;
  container: StartedTestContainer;
}

/**
 * One KRaft node (broker and controller) from a Kafka image with apache/kafka's interface:
 * the official image or the one `npm run images` builds from the Maven-pinned jars. The
 * host listener is advertised at a fixed loopback port chosen before the start, so clients
 * reach the broker at the address it names in its metadata. Ryuk is not used (it would be
 * pulled from Docker Hub): the caller stops the container.
 */
export async function startKafkaContainer(image: string): Promise<KafkaContainer> {
  const port = await freePort();
  const container = await new LoopbackContainer(image)
    .withExposedPorts({ container: 9092, host: port })
    .withEnvironment({
      CLUSTER_ID: 'rVrTESTcontainerKafka0',
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      // HOST: the tests, through the published port; BROKER: the node to itself
      KAFKA_LISTENERS: 'HOST://:9092,BROKER://:19092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `HOST://127.0.0.1:${port},BROKER://localhost:19092`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'HOST:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
      // as the embedded broker (src/broker/config.ts): topics only from the topology
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '10',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS: '10',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_HEAP_OPTS: '-Xmx1g -Xms1g',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(180_000)
    .start();
  return { bootstrap: `127.0.0.1:${port}`, container };
}
