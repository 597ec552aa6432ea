import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { builtinKinds } from '../../src/runtime/kinds.js';
import { KafkaPort } from '../../src/kafka/index.js';
import { loadTopology, namespaced, topicSpecs, type Topology } from '../../src/topology/index.js';

/** A Kafka port to the run's broker (see tests/setup/global-setup.ts). */
export function testKafka(): KafkaPort {
  return new KafkaPort({ brokers: inject('kafkaBrokers').split(','), clientId: 'reviewflow-test', connectionTimeoutMs: 3_000, requestTimeoutMs: 30_000 });
}

/** A short unique prefix so each test's topics and groups are its own. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${randomUUID().slice(0, 8)}.`;
}

/** The default topology (or another file) namespaced for one test, with its topics created. */
export async function testTopology(kafka: KafkaPort, label: string, file = 'topologies/sentiment.yaml', transform?: (raw: Topology) => Topology): Promise<Topology> {
  let topology = namespaced(loadTopology(file, { kinds: builtinKinds.forValidation() }), uniquePrefix(label));
  if (transform) topology = transform(topology);
  await kafka.withAdmin((a) => a.ensureTopics(topicSpecs(topology)));
  return topology;
}

/** Deletes a test's topics (and its groups) after it ran. */
export async function dropTopology(kafka: KafkaPort, topology: Topology): Promise<void> {
  const names = topicSpecs(topology).map((s) => s.name);
  await kafka.withAdmin(async (a) => {
    const existing = new Set(await a.listTopics());
    await a.deleteTopics(names.filter((n) => existing.has(n)));
  });
}
