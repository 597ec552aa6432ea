import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode } from '../../src/records/index.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { Topology } from '../../src/topology/index.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { waitForStages } from '../helpers/pipeline.js';

/**
 * Reviews produced by clients nobody here wrote: the README's Python snippet (kafka-python
 * from PyPI) and Kafka's own console producer, malformed records included, through the
 * real topology on a real broker.
 */
const kafka = testKafka();
const brokers = kafka.settings.brokers.join(',');
const dir = mkdtempSync(join(tmpdir(), 'reviewflow-clients-'));
const topologies: Topology[] = [];
let python = '';

/** Malformed values a client can send: broken JSON, a JSON review without text, a bad label. */
const MALFORMED = ['{"text": "unterminated', '{"label": 1}', '{"text": "Works fine.", "label": 7}'];

function run(command: string, args: string[], input?: string): string {
  const result = spawnSync(command, args, { cwd: dir, encoding: 'utf8', input, timeout: 120_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

async function topology(label: string): Promise<Topology> {
  const t = await testTopology(kafka, label);
  topologies.push(t);
  return t;
}

/** Runs the whole topology until every stage has read what the one before it passed on. */
async function runThrough(t: Topology, sent: number): Promise<Pipeline> {
  const pipeline = new Pipeline({ kafka, topology: t, instance: 'clients' });
  await pipeline.start();
  const s = (id: string) => pipeline.progress().stages.find((x) => x.stage === id)!.session;
  try {
    await waitForStages(pipeline, { clean: () => sent, augment: () => s('clean').out, gate: () => s('augment').out + s('augment').generated, train: () => Math.max(1, s('gate').out) });
  } finally {
    await pipeline.stop();
  }
  return pipeline;
}

async function deadLetters(t: Topology): Promise<Array<{ stage: string; errorCode: string; errorMessage: string; value: string }>> {
  const letters: Array<{ stage: string; errorCode: string; errorMessage: string; value: string }> = [];
  await kafka.readToEnd({ topic: t.stages[0]!.deadLetter! }, (m) => {
    const l = decode('dead-letter', m.value!);
    letters.push({ stage: l.stage, errorCode: l.errorCode, errorMessage: l.errorMessage, value: l.value?.toString('utf8') ?? '' });
  });
  return letters;
}

beforeAll(() => {
  python = spawnSync('bash', ['scripts/python-client.sh'], { encoding: 'utf8', timeout: 300_000 }).stdout.trim();
  if (!python) throw new Error('scripts/python-client.sh did not provide a Python with kafka-python');
}, 320_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const t of topologies) await dropTopology(kafka, t);
});

describe('ingest from any client', () => {
  it('JSON from the README’s Python snippet (kafka-python) goes through every stage to the trainer; malformed records are dead-lettered with the field named', async () => {
    const t = await topology('python');
    const readme = readFileSync('README.md', 'utf8');
    const snippet = /## Producing from your services[\s\S]*?```python\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet, 'README has a Python snippet under "Producing from your services"').toBeDefined();
    writeFileSync(join(dir, 'produce.py'), snippet!.replace('"localhost:9092"', JSON.stringify(brokers)).replaceAll('"reviews.raw"', JSON.stringify(t.ingest)));
    run(python, ['-I', 'produce.py']);
    const bad = `from kafka import KafkaProducer\np = KafkaProducer(bootstrap_servers=${JSON.stringify(brokers)})\nfor v in ${JSON.stringify(MALFORMED)}:\n    p.send(${JSON.stringify(t.ingest)}, v.encode("utf-8"))\np.flush()\n`;
    run(python, ['-I', '-'], bad);

    const pipeline = await runThrough(t, 3 + MALFORMED.length);
    const { stages, trainers } = pipeline.progress();
    const clean = stages.find((s) => s.stage === 'clean')!.session;
    expect(clean).toMatchObject({ in: 6, out: 3, deadLettered: 3 });
    for (const s of [...stages, ...trainers]) expect(s.session.in).toBe(s.session.out + s.session.quarantined + s.session.deadLettered + s.session.duplicates);
    expect(trainers[0]!.session.in).toBe(stages.find((s) => s.stage === 'gate')!.session.out);
    expect(trainers[0]!.session.in).toBeGreaterThanOrEqual(3); // the three reviews (and augmented copies) reached the trainer

    const letters = await deadLetters(t);
    expect(letters.map((l) => [l.errorCode, l.value]).sort()).toEqual([
      ['CORRUPT_BODY', MALFORMED[0]],
      ['INVALID_RECORD', MALFORMED[1]],
      ['INVALID_RECORD', MALFORMED[2]],
    ].sort());
    const reasons = letters.map((l) => l.errorMessage).join('\n');
    expect(reasons).toContain('JSON review: missing "text"');
    expect(reasons).toContain('JSON review: "label" must be 0 or 1, got 7');
    expect(new Set(letters.map((l) => l.stage))).toEqual(new Set(['clean']));
  }, 240_000);

  it('JSON lines from Kafka’s own console producer (its Java client, from the broker’s jars) are accepted and accounted for', async () => {
    const t = await topology('console');
    const lines = [
      JSON.stringify({ id: 'c-1', text: 'Arrived quickly and the build quality feels solid in the hand.', label: 1 }),
      JSON.stringify({ id: 'c-2', text: 'The strap broke on the second day and the refund took a month.', rating: 1 }),
      MALFORMED[0],
    ];
    run('java', ['-cp', join(process.cwd(), 'kafka', 'libs', '*'), 'org.apache.kafka.tools.ConsoleProducer', '--bootstrap-server', brokers, '--topic', t.ingest], `${lines.join('\n')}\n`);
    const pipeline = await runThrough(t, lines.length);
    const clean = pipeline.progress().stages.find((s) => s.stage === 'clean')!.session;
    expect(clean).toMatchObject({ in: 3, out: 2, deadLettered: 1 });
    expect(clean.reasons).toMatchObject({ CORRUPT_BODY: 1 });
  }, 240_000);
});
