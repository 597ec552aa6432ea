import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaPort } from '../../src/kafka/index.js';
import { encode } from '../../src/records/index.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { Topology } from '../../src/topology/index.js';
import { acceptedReview } from './accepted-reviews.js';

/**
 * Runs the topology's train stage until it published `versions` more versions, producing
 * 1,250 accepted reviews per version from review number `from` (a tenth is the holdout,
 * which leaves over 1,000 to train on, a version's worth with publishEveryExamples 1000).
 * A new trainer each call: it resumes from the topic, as after a restart.
 */
export async function publishVersions(o: { kafka: KafkaPort; topology: Topology; versions: number; from: number; tag: string }): Promise<void> {
  const train = o.topology.stages.find((s) => s.kind === 'train')!;
  let published = 0;
  const pipeline = new Pipeline({ kafka: o.kafka, topology: o.topology, stages: [train.id], instance: `${o.tag}-${o.from}`, onModelPublished: () => published++ });
  await pipeline.start();
  try {
    const producer = o.kafka.producer();
    await producer.connect();
    const count = o.versions * 1_250;
    await producer.send([{ topic: train.input, messages: Array.from({ length: count }, (_, k) => ({ key: `${o.tag}-${o.from + k}`, value: encode('review', acceptedReview(o.from + k, o.tag)) })) }]);
    await producer.disconnect();
    const deadline = Date.now() + 90_000;
    while (published < o.versions && Date.now() < deadline) await sleep(200);
  } finally {
    await pipeline.stop();
  }
}
