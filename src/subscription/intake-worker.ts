/**
 * The worker thread of a model subscription (model-intake.ts): it reads the model topic in
 * a consumer group of its own and feeds each record to a `ModelFollower`, which assembles,
 * verifies and decodes versions and builds the row table of each one it installs. The
 * table's arrays are then transferred to the main thread. The worker's predictor is left
 * without them: here it only tells the slot which version is current, for the follower's
 * next decision.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../errors.js';
import { KafkaPort, type ConsumedMessage } from '../kafka/index.js';
import { toUpdateRecord, type ModelUpdateRecord } from '../models/assembler.js';
import { ModelFollower } from '../models/follower.js';
import { ModelSlot } from '../models/slot.js';
import { toIntakeError, type IntakeCommand, type IntakeMessage, type IntakeSetup } from './model-intake.js';

const setup = workerData as IntakeSetup;
const port = parentPort!;
const post = (m: IntakeMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
const slot = new ModelSlot();

const follower = new ModelFollower({
  follow: setup.follow,
  ...(setup.model !== undefined ? { model: setup.model } : {}),
  slot,
  onWarning: (details, message) => post({ kind: 'warning', details, message }),
  onInstall: (_manifest, why) => {
    const parts = slot.current()!.parts();
    post({ kind: 'install', why, parts }, [parts.table.keys.buffer as ArrayBuffer, parts.table.values.buffer as ArrayBuffer]);
  },
});

function accept(m: ConsumedMessage): void {
  let record: ModelUpdateRecord | undefined;
  try {
    record = toUpdateRecord(m.value);
  } catch (err) {
    post({ kind: 'warning', details: { offset: m.offset, err: describeError(err) }, message: 'undecodable record on the model topic; skipped' });
    return;
  }
  follower.accept(m.key === null ? null : m.key.toString('utf8'), record);
}

const consumer = new KafkaPort(setup.kafka).consumer({ groupId: setup.groupId, topics: [setup.topic], fromBeginning: true, maxWaitTimeMs: 100 });
consumer.onCrash((err, restart) => {
  if (!restart) post({ kind: 'failed', error: toIntakeError(err) });
});

port.on('message', (command: IntakeCommand) => {
  if (command.kind !== 'stop') return;
  consumer
    .stop()
    .catch((err: unknown) => post({ kind: 'warning', details: { err: describeError(err) }, message: 'the model subscription consumer did not leave its group cleanly' }))
    .finally(() => post({ kind: 'stopped' }));
});

consumer.run(async (batch) => {
  for (const m of batch.messages) accept(m);
}).then(
  () => post({ kind: 'running' }),
  (err: unknown) => post({ kind: 'failed', error: toIntakeError(err) }),
);
