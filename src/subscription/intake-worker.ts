/**
 * The worker thread of a model subscription (model-intake.ts): it decodes the model topic's
 * records and feeds them to a `ModelFollower`, which assembles, verifies and decodes
 * versions and builds the row table of each one it installs. The table's arrays are then
 * transferred to the main thread. The worker's predictor is left without them: here it
 * only tells the slot which version is current, for the follower's next decision.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../errors.js';
import { toUpdateRecord, type ModelUpdateRecord } from '../models/assembler.js';
import { ModelFollower } from '../models/follower.js';
import { ModelSlot } from '../models/slot.js';
import type { IntakeMessage, IntakeRecord, IntakeSetup } from './model-intake.js';

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

port.on('message', (m: IntakeRecord) => {
  let record: ModelUpdateRecord | undefined;
  try {
    record = toUpdateRecord(m.value === null ? null : Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength));
  } catch (err) {
    post({ kind: 'warning', details: { offset: m.offset, err: describeError(err) }, message: 'undecodable record on the model topic; skipped' });
    return;
  }
  follower.accept(m.key, record);
});
