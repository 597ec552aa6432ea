/**
 * `reviewflow serve` under HTTP load while new model versions keep arriving, against a
 * bare Node `http` server that returns a constant (bench/constant-server.ts), both in a
 * process of their own and driven by the same autocannon settings in the same run. Three
 * rounds, each covering serve's passes and the anchor's alike:
 * - `trained here`: a trainer (`reviewflow run --stages train`, another process) is fed
 *   and publishes a version every few seconds, on the same two cores;
 * - `republished`: the trainer is stopped and its last version is published again under a
 *   new number every 2 s, as versions arrive from a trainer on other machines: serve
 *   fetches, verifies and swaps in each one, without the training on its cores;
 * - `none`: no new versions.
 *
 *   npm run build && node dist/bench/run.js --only serve [--quick]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { stringify } from 'yaml';
import pino from 'pino';
import { KafkaPort } from '../src/kafka/index.js';
import { modelKeys, splitIntoChunks } from '../src/models/index.js';
import { encode } from '../src/records/index.js';
import { acceptedReview } from './accepted-review.js';
import { builtinKinds } from '../src/runtime/kinds.js';
import { latestVersion } from '../src/runtime/model-topic.js';
import { loadTopology, namespaced, topicSpecs, type Topology } from '../src/topology/index.js';
import { packageRoot } from '../src/util/paths.js';

export interface ServePass {
  server: 'reviewflow serve' | 'bare node http (constant)';
  /** Where new versions came from during the pass (see the file's comment). */
  versions: VersionSource;
  textsPerRequest: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Errors, timeouts and non-2xx answers. */
  failed: number;
  /** Versions serve swapped in during the pass (serve passes only). */
  swaps?: number;
  /** A paced pass: the requests/s autocannon was asked for (half the serve pass's max rate); absent at full speed. */
  rate?: number;
  /**
   * Paced passes only: latencies as recorded, without autocannon's coordinated-omission
   * correction. That correction assumes one request per connection every ceil(1/rate) ms
   * (1 ms), while autocannon really sends each connection's per-second quota back to back,
   * so it adds many synthetic samples to every slow response. Both are reported.
   */
  asRecorded?: boolean;
}

export type VersionSource = 'trained here' | 'republished' | 'none';

export interface ServeBenchResult {
  connections: number;
  seconds: number;
  passes: ServePass[];
  versionsPublished: number;
}

const TEXTS = ['the battery died after a week and support never answered', 'lovely screen, fast delivery, works exactly as described', 'comfortable to wear all day and the sound is far better than expected', 'flimsy hinge, broke on the second day, would not buy again'];


const CLI = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

/** Spawns a node script and resolves with the child once `ready` matches its output. */
function spawnUntil(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const look = (d: Buffer): void => {
      out += d.toString();
      const match = ready.exec(out);
      if (match) resolve({ child, match });
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${out.slice(-2_000)}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

interface Pace {
  rate: number;
  asRecorded: boolean;
}

function load(url: string, body: string, o: { connections: number; seconds: number; pace?: Pace }): Promise<autocannon.Result> {
  const paced = o.pace ? { overallRate: o.pace.rate, ignoreCoordinatedOmission: o.pace.asRecorded } : {};
  return autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: o.connections, pipelining: 1, duration: o.seconds, ...paced });
}

function modelName(options: Record<string, unknown> | undefined): string {
  return typeof options?.['model'] === 'string' ? options['model'] : 'sentiment';
}

/**
 * Reads the newest version of `model`; `publish` sends it again under the next version
 * number: chunks, then the manifest, as the trainer writes them.
 */
async function republisher(kafka: KafkaPort, topic: string, model: string): Promise<{ publish(): Promise<void>; close(): Promise<void> }> {
  const newest = await latestVersion(kafka, topic, model, pino({ level: 'silent' }));
  if (!newest) throw new Error(`no version of ${model} on ${topic} to publish again`);
  const producer = kafka.producer();
  await producer.connect();
  let version = newest.manifest.version;
  const publish = async (): Promise<void> => {
    const parentVersion = version++;
    const chunks = splitIntoChunks({ model, version, bytes: newest.weights, maxChunkBytes: 900_000 });
    const manifest = { ...newest.manifest, version, parentVersion, createdAt: Date.now(), weights: { ...newest.manifest.weights, chunks: chunks.length, delta: null } };
    for (const chunk of chunks) {
      await producer.send([{ topic, messages: [{ key: modelKeys.chunk(model, version, chunk.index), value: encode('model-chunk', chunk), partition: 0 }] }]);
    }
    await producer.send([{ topic, messages: [{ key: modelKeys.manifest(model, version), value: encode('model-version', manifest), partition: 0 }] }]);
  };
  return { publish, close: () => producer.disconnect() };
}

async function swapsOf(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/reviewflow_model_swaps_total (\d+)/.exec(text)?.[1] ?? NaN);
}

function pass(server: ServePass['server'], versions: VersionSource, textsPerRequest: number, r: autocannon.Result): ServePass {
  return { server, versions, textsPerRequest, requestsPerSec: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, requests: r.requests.total, failed: r.errors + r.timeouts + r.non2xx };
}

export async function benchServe(options: { brokers: string[]; quick?: boolean }): Promise<ServeBenchResult> {
  const connections = 10;
  const seconds = options.quick ? 5 : 15;
  const kafka = new KafkaPort({ brokers: options.brokers, clientId: 'bench-serve', connectionTimeoutMs: 3_000, requestTimeoutMs: 30_000 });
  const base = namespaced(loadTopology('topologies/sentiment.yaml', { kinds: builtinKinds.forValidation() }), `bench-serve-${randomUUID().slice(0, 8)}.`);
  const topology: Topology = { ...base, stages: base.stages.map((s) => (s.kind === 'train' ? { ...s, batchSize: 500, options: { ...s.options, publishEveryExamples: 1_000, publishEveryMs: 3_600_000 } } : s)) };
  const train = topology.stages.find((s) => s.kind === 'train')!;
  await kafka.withAdmin((a) => a.ensureTopics(topicSpecs(topology)));
  const file = join(tmpdir(), `reviewflow-bench-serve-${process.pid}.yaml`);
  const { file: _file, ...plain } = topology;
  writeFileSync(file, stringify(JSON.parse(JSON.stringify(plain))));
  const env = { ...process.env, KAFKA_BROKERS: options.brokers.join(','), REVIEWFLOW_LOG_LEVEL: 'warn' };

  const producer = kafka.producer();
  await producer.connect();
  let fed = 0;
  const feed = async (records: number): Promise<void> => {
    const messages = Array.from({ length: records }, (_, k) => ({ key: `s${fed + k}`, value: encode('review', acceptedReview(fed + k, 'serve-bench')) }));
    fed += records;
    await producer.send([{ topic: train.input, messages }]);
  };
  const children: ChildProcess[] = [];
  try {
    const trainer = (await spawnUntil([CLI, 'run', '--topology', file, '--stages', 'train'], env, /./)).child;
    children.push(trainer);
    const serve = await spawnUntil([CLI, 'serve', '--topology', file, '--port', '0'], env, /on (http:\/\/127\.0\.0\.1:\d+)/);
    children.push(serve.child);
    const url = serve.match[1]!;
    await feed(1_300);
    for (const deadline = Date.now() + 120_000; (await fetch(`${url}/readyz`)).status !== 200; ) {
      if (Date.now() > deadline) throw new Error('serve loaded no version within 120 s');
      await new Promise((r) => setTimeout(r, 250));
    }
    const passes: ServePass[] = [];
    /** serve, then the anchor, with the same settings and the same texts, for 1 and 32 texts a request. */
    const round = async (versions: VersionSource): Promise<void> => {
      for (const n of [1, 32]) {
        const body = JSON.stringify({ texts: Array.from({ length: n }, (_, i) => TEXTS[i % TEXTS.length]) });
        const answer = await (await fetch(`${url}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text();
        /** One serve pass, with the versions swapped in while it ran. */
        const servePass = async (pace?: Pace): Promise<ServePass> => {
          const before = await swapsOf(url);
          const served = pass('reviewflow serve', versions, n, await load(`${url}/v1/predict`, body, { connections, seconds, ...(pace ? { pace } : {}) }));
          return { ...served, swaps: (await swapsOf(url)) - before, ...pace };
        };
        const full = await servePass();
        passes.push(full);
        // the latency target is at half the max rate: the same load, paced, on both sides
        const rate = Math.max(1, Math.round(full.requestsPerSec / 2));
        const paces: Pace[] = n === 1 ? [{ rate, asRecorded: false }, { rate, asRecorded: true }] : [];
        for (const pace of paces) passes.push(await servePass(pace));
        const anchor = await spawnUntil([join(packageRoot(), 'dist', 'bench', 'constant-server.js'), answer], env, /^(\d+)\n/);
        try {
          const anchorUrl = `http://127.0.0.1:${anchor.match[1]}/v1/predict`;
          passes.push(pass('bare node http (constant)', versions, n, await load(anchorUrl, body, { connections, seconds })));
          for (const pace of paces) passes.push({ ...pass('bare node http (constant)', versions, n, await load(anchorUrl, body, { connections, seconds, pace })), ...pace });
        } finally {
          await stop(anchor.child);
        }
      }
    };
    // a version's worth of reviews every 2 s, through every pass of the round (the anchor's too)
    const feeding = setInterval(() => void feed(1_200).catch(() => {}), 2_000);
    try {
      await round('trained here');
    } finally {
      clearInterval(feeding);
    }
    // the trainer drains what was fed and stops; its last version then comes again every 2 s
    await new Promise((r) => setTimeout(r, 10_000));
    await stop(trainer);
    const republish = await republisher(kafka, train.output, modelName(train.options));
    const republishing = setInterval(() => void republish.publish().catch(() => {}), 2_000);
    try {
      await round('republished');
    } finally {
      clearInterval(republishing);
      await republish.close();
    }
    const versionsPublished = await swapsOf(url);
    await new Promise((r) => setTimeout(r, 5_000));
    await round('none');
    return { connections, seconds, passes, versionsPublished };
  } finally {
    for (const child of children.reverse()) await stop(child);
    await producer.disconnect();
    await kafka.withAdmin(async (a) => a.deleteTopics(topicSpecs(topology).map((s) => s.name)));
  }
}
