/**
 * How soon a running subscriber holds a newly published model version: the train stage
 * publishes versions while `subscribeModels` follows the model topic in the same process;
 * latency = the moment the subscriber swapped a version in − the version's `createdAt`
 * (when the trainer formed the candidate, so publishing is included).
 *
 *   npm run build && KAFKA_BROKERS=... node dist/bench/subscriber.js [--versions N]
 */
import { pathToFileURL } from 'node:url';
import { builtinKinds } from '../src/runtime/kinds.js';
import { randomUUID } from 'node:crypto';
import { KafkaPort } from '../src/kafka/index.js';
import { subscribeModels } from '../src/subscription/subscribe.js';
import { encode } from '../src/records/index.js';
import { acceptedReview } from './accepted-review.js';
import { Pipeline } from '../src/runtime/pipeline.js';
import { loadTopology, namespaced, topicSpecs } from '../src/topology/index.js';

export interface SubscriberLatencyResult {
  versions: number;
  latencyMs: { p50: number; max: number; all: number[] };
}


export async function benchSubscriber(options: { brokers: string[]; versions?: number }): Promise<SubscriberLatencyResult> {
  const wanted = options.versions ?? 10;
  const kafka = new KafkaPort({ brokers: options.brokers, clientId: 'bench-subscriber', connectionTimeoutMs: 3_000, requestTimeoutMs: 30_000 });
  const topology = namespaced(loadTopology('topologies/sentiment.yaml', { kinds: builtinKinds.forValidation() }), `bench-sub-${randomUUID().slice(0, 8)}.`);
  const train = topology.stages.find((s) => s.kind === 'train')!;
  const tuned = { ...topology, stages: topology.stages.map((s) => (s.kind === 'train' ? { ...s, options: { ...s.options, publishEveryExamples: 1_000, publishEveryMs: 3_600_000 } } : s)) };
  await kafka.withAdmin((a) => a.ensureTopics(topicSpecs(tuned)));

  const swappedAt = new Map<number, number>();
  const subscription = await subscribeModels({ kafka, topic: train.output, model: String(train.options.model ?? 'sentiment') }, (m) => swappedAt.set(m.version, Date.now()));
  const created = new Map<number, number>();
  const pipeline = new Pipeline({ kafka, topology: tuned, stages: [train.id], instance: 'bench-sub', onModelPublished: (m) => created.set(m.version, m.createdAt) });
  await pipeline.start();
  const producer = kafka.producer();
  await producer.connect();
  // one version per 1,000 examples (held-out ids excluded): feed slowly, so versions are apart
  for (let i = 0; created.size < wanted && i < wanted * 3; i++) {
    const messages = Array.from({ length: 1_200 }, (_, k) => ({ key: `k${i}-${k}`, value: encode('review', acceptedReview(i * 1_200 + k, 'sub')) }));
    await producer.send([{ topic: train.input, messages }]);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  await new Promise((r) => setTimeout(r, 3_000));
  await producer.disconnect();
  await pipeline.stop();
  await subscription.close();
  await kafka.withAdmin(async (a) => a.deleteTopics(topicSpecs(tuned).map((s) => s.name)));

  const latencies = [...created].filter(([v]) => swappedAt.has(v)).map(([v, at]) => swappedAt.get(v)! - at).sort((a, b) => a - b);
  return { versions: latencies.length, latencyMs: { p50: latencies[Math.floor(latencies.length / 2)] ?? NaN, max: latencies.at(-1) ?? NaN, all: latencies } };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('set KAFKA_BROKERS (npx reviewflow broker start prints it)');
  const at = process.argv.indexOf('--versions');
  const result = await benchSubscriber({ brokers, versions: at > 0 ? Number(process.argv[at + 1]) : 10 });
  console.log(JSON.stringify(result));
  process.exit(0);
}
