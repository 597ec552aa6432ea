import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsumedMessage } from '../../../src/kafka/index.js';
import { loadModel, modelKeys, ModelSlot, moveLabel, parseFollow, Predictor } from '../../../src/models/index.js';
import { encode } from '../../../src/records/index.js';
import type { ModelLabel } from '../../../src/records/types.js';
import { ModelIntake } from '../../../src/subscription/model-intake.js';
import { makeVersion } from '../models/fixtures.js';

/**
 * The worker-thread intake behind subscribeModels, fed the records a model topic holds
 * (Avro bytes, in topic order) with no broker: what it installs, and that the predictor it
 * hands over scores exactly as one built on the main thread. Runs the built worker
 * (dist/src/subscription/intake-worker.js, which test setup builds).
 */
const TEXTS = ['lovely screen and fast delivery', 'broke on the second day', 'fine'];
let offset = 0;
const message = (key: string, value: Buffer | null): ConsumedMessage => ({ key: Buffer.from(key), value, headers: {}, offset: offset++, timestamp: 0 });

function versionRecords(version: number): ConsumedMessage[] {
  const { manifest, chunks } = makeVersion({ version });
  return [...chunks.map((c) => message(modelKeys.chunk('sentiment', version, c.index), encode('model-chunk', c))), message(modelKeys.manifest('sentiment', version), encode('model-version', manifest))];
}

let label: ModelLabel | undefined;
function labelRecord(version: number, action: 'label' | 'rollback' = 'label'): ConsumedMessage {
  label = moveLabel(label, { model: 'sentiment', label: 'stable', version, action, by: 'ana', at: Date.now() });
  return message(modelKeys.label('sentiment', 'stable'), encode('model-label', label));
}

const intakes: ModelIntake[] = [];
afterEach(async () => {
  await Promise.all(intakes.splice(0).map((i) => i.close()));
  label = undefined;
});

function intake(follow: string) {
  const slot = new ModelSlot();
  const installs: string[] = [];
  const warnings: string[] = [];
  const failures: Error[] = [];
  const i = new ModelIntake({
    follow: parseFollow(follow),
    model: 'sentiment',
    slot,
    onInstall: (m, why) => installs.push(`${m.version}:${why}`),
    onWarning: (_d, m) => warnings.push(m),
    onFailure: (err) => failures.push(err),
  });
  intakes.push(i);
  const until = async (check: () => boolean): Promise<void> => {
    for (const deadline = Date.now() + 10_000; !check(); await sleep(10)) if (Date.now() > deadline) throw new Error(`intake: ${installs.join(' ')} / ${warnings.join(' | ')}`);
  };
  return { feed: (ms: ConsumedMessage[]) => ms.forEach((m) => i.accept(m)), slot, installs, warnings, failures, until };
}

describe('ModelIntake (versions taken in on a worker thread)', () => {
  it('installs each newer version, and its predictor scores exactly as one built on this thread', async () => {
    const t = intake('latest');
    t.feed([...versionRecords(1), ...versionRecords(2)]);
    await t.until(() => t.installs.length === 2);
    expect(t.installs).toEqual(['1:newer', '2:newer']);
    const { manifest, bytes } = makeVersion({ version: 2 });
    const local = Predictor.fromLoaded(loadModel(manifest, bytes));
    expect(t.slot.predict(TEXTS)).toEqual({ model: 'sentiment', version: 2, predictions: local.predict(TEXTS) });
    expect(t.failures).toEqual([]);
  });

  it('follows a label back on a rollback, and warns of what it cannot use without dying', async () => {
    const t = intake('stable');
    const corrupt = versionRecords(3).map((m, i, all) => (i === 0 && all.length > 1 ? { ...m, value: Buffer.from(m.value!).fill(7, 40, 60) } : m));
    t.feed([...versionRecords(1), ...versionRecords(2), labelRecord(2), message('sentiment/v9/manifest', Buffer.from('not avro')), ...corrupt, labelRecord(1, 'rollback')]);
    await t.until(() => t.installs.length === 2 && t.warnings.length >= 2);
    expect(t.installs).toEqual(['2:label', '1:label']);
    expect(t.slot.current()?.version).toBe(1);
    expect(t.warnings).toContain('undecodable record on the model topic; skipped');
    expect(t.warnings).toContain('model version ignored');
    expect(t.failures).toEqual([]);
  });
});
