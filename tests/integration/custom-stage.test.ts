import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { IngestProducer } from '../../src/ingest/index.js';
import { decode } from '../../src/records/index.js';
import { openTopology } from '../../src/runtime/custom-kinds.js';
import type { KindRegistry } from '../../src/runtime/kinds.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import { collectStatus } from '../../src/runtime/status.js';
import { namespaced, topicSpecs, type Topology } from '../../src/topology/index.js';
import { dropTopology, testKafka, uniquePrefix } from '../helpers/kafka.js';
import { waitForStages } from '../helpers/pipeline.js';

/**
 * The README's custom stage, as written there, in a folder outside the package: its module
 * imports 'reviewflow' (pointed at this build), the topology names it by path and export.
 */
const kafka = testKafka();
const dir = mkdtempSync(join(tmpdir(), 'reviewflow-custom-'));
let topology: Topology;
let kinds: KindRegistry;

const REVIEWS = [
  { id: 'r1', text: 'A darn good film, I would watch it again.', label: 1 },
  { id: 'r2', text: 'Lovely pacing and a warm, funny script throughout.', label: 1 },
  { id: 'r3', text: 'Heck, what a waste of two hours of my evening.', label: 0 },
  { id: 'r4', text: 'Solid acting, though the ending dragged on a bit.', label: 1 },
];

function readmeBlock(language: string, after: string): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Stages of your own'));
  const block = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(section.slice(section.indexOf(after)))?.[1];
  if (!block) throw new Error(`README has no ${language} block in "Stages of your own"`);
  return block;
}

beforeAll(async () => {
  const library = pathToFileURL(resolve('dist/src/index.js')).href;
  writeFileSync(join(dir, 'profanity.mjs'), readmeBlock('js', '## Stages of your own').replace("from 'reviewflow'", `from '${library}'`));
  // the default topology's clean stage, then the README's stage reading its output
  const raw = parse(readFileSync('topologies/sentiment.yaml', 'utf8')) as { topics: Record<string, unknown>; stages: Array<Record<string, unknown>> };
  const custom = parse(readmeBlock('yaml', 'and name the module')) as Array<Record<string, unknown>>;
  raw.topics['reviews.polite'] = { partitions: 3, replication: 1 };
  raw.stages = [raw.stages[0]!, { ...custom[0], input: 'reviews.clean' }];
  const file = join(dir, 'custom.yaml');
  writeFileSync(file, stringify(raw));
  const opened = await openTopology(file);
  kinds = opened.kinds;
  topology = namespaced(opened.topology, uniquePrefix('custom'));
  await kafka.withAdmin((a) => a.ensureTopics(topicSpecs(topology)));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (topology) await dropTopology(kafka, topology);
});

describe('a custom stage from a module outside the package', () => {
  it('a custom stage named by ./module#export runs in a topology: outputs, quarantines with its reasons, dead letters and accounting', async () => {
    const profanity = topology.stages.find((s) => s.id === 'profanity')!;
    expect(profanity.options).toEqual({ words: ['darn', 'heck'] }); // validated with the module's own schema
    const producer = new IngestProducer({ kafka, topic: topology.ingest });
    await producer.connect();
    await producer.send(REVIEWS);
    await producer.close();
    // a record the custom stage cannot decode, straight onto its input topic
    const raw = kafka.producer();
    await raw.connect();
    await raw.send([{ topic: profanity.input, messages: [{ key: 'junk', value: Buffer.from('not an avro record'), partition: 0 }] }]);
    await raw.disconnect();

    const pipeline = new Pipeline({ kafka, topology, kinds, instance: 'custom' });
    await pipeline.start();
    try {
      await waitForStages(pipeline, { clean: () => REVIEWS.length, profanity: () => REVIEWS.length + 1 });
    } finally {
      await pipeline.stop();
    }

    const polite: string[] = [];
    await kafka.readToEnd({ topic: profanity.output }, (m) => polite.push(decode('review', m.value!).id));
    expect(polite.sort()).toEqual(['r2', 'r4']);
    const quarantined: Array<{ stage: string; reasons: string[] }> = [];
    await kafka.readToEnd({ topic: profanity.quarantine! }, (m) => quarantined.push(decode('quarantine', m.value!)));
    expect(quarantined.map((q) => [q.stage, q.reasons]).sort()).toEqual([
      ['profanity', ['PROFANITY_DARN']],
      ['profanity', ['PROFANITY_HECK']],
    ]);
    const letters: Array<{ stage: string; errorCode: string }> = [];
    await kafka.readToEnd({ topic: profanity.deadLetter! }, (m) => letters.push(decode('dead-letter', m.value!)));
    expect(letters.map((l) => [l.stage, l.errorCode])).toEqual([['profanity', 'NOT_SINGLE_OBJECT']]);

    const status = (await collectStatus(kafka, topology)).stages.find((s) => s.stage === 'profanity')!;
    expect(status).toMatchObject({ kind: './profanity.mjs#profanity', in: 5, out: 2, quarantined: 2, deadLettered: 1, identityHolds: true });
  }, 120_000);
});
