/**
 * The whole topology as two processes on this 2-core machine: `run --stages clean,augment`
 * and `run --stages gate,train`, over a backlog, against raw pass-through on the same
 * backlog in the same run. records/s = backlog ÷ (spawn → the trainer has read everything
 * the gate accepted).
 *
 *   npm run build && KAFKA_BROKERS=... node dist/bench/two-process.js [--records N]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { generateReviews } from '../src/generate/index.js';
import { IngestProducer } from '../src/ingest/index.js';
import { KafkaPort } from '../src/kafka/index.js';
import { loadTopology, namespaced, topicSpecs } from '../src/topology/index.js';
import { rawPassThrough } from './kafka-throughput.js';

export async function benchTwoProcess(options: { brokers: string[]; records?: number }): Promise<{ records: number; raw: number; twoProcess: number; ratio: number }> {
  const n = options.records ?? 50_000;
  const kafka = new KafkaPort({ brokers: options.brokers, clientId: 'bench-two-process', connectionTimeoutMs: 3_000, requestTimeoutMs: 30_000 });
  const topology = namespaced(loadTopology('topologies/sentiment.yaml'), `bench-2p-${randomUUID().slice(0, 8)}.`);
  await kafka.withAdmin((a) => a.ensureTopics([...topicSpecs(topology), { name: `${topology.ingest}.raw-copy`, partitions: 3, replicationFactor: 1 }]));
  const producer = new IngestProducer({ kafka, topic: topology.ingest });
  await producer.connect();
  const { produced } = await producer.send([...generateReviews({ count: n, seed: 77 })]);
  await producer.close();
  const raw = await rawPassThrough(kafka, { input: topology.ingest, output: `${topology.ingest}.raw-copy`, group: `${topology.ingest}.raw`, expected: produced });

  const dir = mkdtempSync(join(tmpdir(), 'rf-2p-'));
  const file = join(dir, 'topology.yaml');
  const { file: _f, ...rest } = topology;
  writeFileSync(file, stringify(JSON.parse(JSON.stringify(rest))));
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const env = { ...process.env, KAFKA_BROKERS: options.brokers.join(','), REVIEWFLOW_LOG_LEVEL: 'warn' };
  const started = performance.now();
  const children = [['clean,augment'], ['gate,train']].map(([stages]) => spawn(process.execPath, [cli, '--topology', file, 'run', '--stages', stages!], { env, stdio: 'ignore' }));
  // done when every stage's group has committed its input to the end (cheap admin calls)
  const allCaughtUp = async (): Promise<boolean> => {
    for (const stage of topology.stages) {
      const lag = await kafka.withAdmin((a) => a.groupLag(stage.group!, stage.input));
      if (lag.total > 0 || lag.partitions.some((p) => p.committed < 0 && p.end > 0)) return false;
    }
    return true;
  };
  while (!(await allCaughtUp())) await new Promise((r) => setTimeout(r, 200));
  const seconds = (performance.now() - started) / 1000;
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => c.once('exit', r))));
  await kafka.withAdmin((a) => a.deleteTopics([...topicSpecs(topology).map((s) => s.name), `${topology.ingest}.raw-copy`]));
  const twoProcess = produced / seconds;
  return { records: produced, raw: raw.recordsPerSec, twoProcess, ratio: twoProcess / raw.recordsPerSec };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('set KAFKA_BROKERS (npx reviewflow broker start prints it)');
  const at = process.argv.indexOf('--records');
  console.log(JSON.stringify(await benchTwoProcess({ brokers, ...(at > 0 ? { records: Number(process.argv[at + 1]) } : {}) })));
  process.exit(0);
}
