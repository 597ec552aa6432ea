import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaPort } from '../../src/kafka/index.js';
import type { Pipeline } from '../../src/runtime/pipeline.js';

/** Waits until every stage of the pipeline has read `expected` records (per stage id), or fails after the timeout. */
export async function waitForStages(pipeline: Pipeline, expected: Record<string, () => number>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { stages, trainers } = pipeline.progress();
    const seen = new Map([...stages.map((s) => [s.stage, s.session.in] as const), ...trainers.map((t) => [t.stage, t.session.in] as const)]);
    if (Object.entries(expected).every(([id, want]) => (seen.get(id) ?? 0) >= want())) return;
    if (Date.now() > deadline) throw new Error(`stages did not catch up: ${JSON.stringify(Object.fromEntries(seen))} want ${JSON.stringify(Object.fromEntries(Object.entries(expected).map(([k, f]) => [k, f()])))}`);
    await sleep(250);
  }
}

export async function topicCount(kafka: KafkaPort, topic: string): Promise<number> {
  const offsets = await kafka.withAdmin((a) => a.topicOffsets(topic));
  return offsets.reduce((s, o) => s + o.high - o.low, 0);
}
