import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import type { OutgoingMessage } from '../../src/kafka/index.js';
import { loadModel, modelKeys, ModelSlot, moveLabel, parseFollow, Predictor } from '../../src/models/index.js';
import { encode } from '../../src/records/index.js';
import type { ModelLabel } from '../../src/records/types.js';
import { ModelIntake } from '../../src/subscription/model-intake.js';
import { makeVersion } from '../unit/models/fixtures.js';
import { testKafka, uniquePrefix } from '../helpers/kafka.js';

/**
 * The worker-thread intake behind subscribeModels: its worker reads a real model topic
 * holding versions, labels and records it cannot use. What it installs, and that the
 * predictor it hands over scores exactly as one built on the main thread. Runs the built
 * worker (dist/src/subscription/intake-worker.js, which test setup builds).
 */
const kafka = testKafka();
const topics: string[] = [];
afterAll(async () => kafka.withAdmin((a) => a.deleteTopics(topics)));

const TEXTS = ['lovely screen and fast delivery', 'broke on the second day', 'fine'];
const message = (key: string, value: Buffer | null): OutgoingMessage => ({ key, value });

/** A model topic of one partition holding these records, in this order. */
async function modelTopic(records: OutgoingMessage[]): Promise<string> {
  const topic = `${uniquePrefix('intake')}models.updates`;
  topics.push(topic);
  await kafka.withAdmin((a) => a.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]));
  const producer = kafka.producer();
  await producer.connect();
  await producer.send([{ topic, messages: records }]);
  await producer.disconnect();
  return topic;
}

function versionRecords(version: number): OutgoingMessage[] {
  const { manifest, chunks } = makeVersion({ version });
  return [...chunks.map((c) => message(modelKeys.chunk('sentiment', version, c.index), encode('model-chunk', c))), message(modelKeys.manifest('sentiment', version), encode('model-version', manifest))];
}

let label: ModelLabel | undefined;
function labelRecord(version: number, action: 'label' | 'rollback' = 'label'): OutgoingMessage {
  label = moveLabel(label, { model: 'sentiment', label: 'stable', version, action, by: 'ana', at: Date.now() });
  return message(modelKeys.label('sentiment', 'stable'), encode('model-label', label));
}

const intakes: ModelIntake[] = [];
afterEach(async () => {
  await Promise.all(intakes.splice(0).map((i) => i.close()));
  label = undefined;
});

async function intake(follow: string, records: OutgoingMessage[]) {
  const slot = new ModelSlot();
  const installs: string[] = [];
  const warnings: string[] = [];
  const failures: Error[] = [];
  const i = await ModelIntake.start({
    follow: parseFollow(follow),
    model: 'sentiment',
    kafka: kafka.settings,
    topic: await modelTopic(records),
    groupId: `${uniquePrefix('intake')}group-${randomUUID()}`,
    slot,
    onInstall: (m, why) => installs.push(`${m.version}:${why}`),
    onWarning: (_d, m) => warnings.push(m),
    onFailure: (err) => failures.push(err),
  });
  intakes.push(i);
  const until = async (check: () => boolean): Promise<void> => {
    for (const deadline = Date.now() + 30_000; !check(); await sleep(10)) if (Date.now() > deadline) throw new Error(`intake: ${installs.join(' ')} / ${warnings.join(' | ')}`);
  };
  return { slot, installs, warnings, failures, until };
}

describe('ModelIntake (versions taken in on a worker thread)', () => {
  it('installs each newer version, and its predictor scores exactly as one built on this thread', async () => {
    const t = await intake('latest', [...versionRecords(1), ...versionRecords(2)]);
    await t.until(() => t.installs.length === 2);
    expect(t.installs).toEqual(['1:newer', '2:newer']);
    const { manifest, bytes } = makeVersion({ version: 2 });
    const local = Predictor.fromLoaded(loadModel(manifest, bytes));
    expect(t.slot.predict(TEXTS)).toEqual({ model: 'sentiment', version: 2, predictions: local.predict(TEXTS) });
    expect(t.failures).toEqual([]);
  });

  it('follows a label back on a rollback, and warns of what it cannot use without dying', async () => {
    const corrupt = versionRecords(3).map((m, i, all) => (i === 0 && all.length > 1 ? { ...m, value: Buffer.from(m.value!).fill(7, 40, 60) } : m));
    const t = await intake('stable', [...versionRecords(1), ...versionRecords(2), labelRecord(2), message('sentiment/v9/manifest', Buffer.from('not avro')), ...corrupt, labelRecord(1, 'rollback')]);
    await t.until(() => t.installs.length === 2 && t.warnings.length >= 2);
    expect(t.installs).toEqual(['2:label', '1:label']);
    expect(t.slot.current()?.version).toBe(1);
    expect(t.warnings).toContain('undecodable record on the model topic; skipped');
    expect(t.warnings).toContain('model version ignored');
    expect(t.failures).toEqual([]);
  });

  it('rejects its start with the consumer’s error when no broker answers', async () => {
    const settings = { ...kafka.settings, brokers: ['127.0.0.1:9'], connectionTimeoutMs: 500 };
    const started = ModelIntake.start({ follow: parseFollow('latest'), kafka: settings, topic: 'models.updates', groupId: `g-${randomUUID()}`, slot: new ModelSlot(), onInstall: () => {}, onWarning: () => {}, onFailure: () => {} });
    await expect(started).rejects.toMatchObject({ code: ErrorCode.BROKER_UNREACHABLE });
  }, 60_000);
});
