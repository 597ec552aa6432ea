import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ErrorCode, fatal } from '../errors.js';
import type { ConsumedMessage } from '../kafka/index.js';
import type { Follow } from '../models/labels.js';
import { Predictor, type PredictorParts } from '../models/predictor.js';
import type { ModelSlot } from '../models/slot.js';
import type { ModelVersion } from '../records/types.js';
import { packageRoot } from '../util/paths.js';

/** What the worker is started with. */
export interface IntakeSetup {
  follow: Follow;
  model?: string;
}

/** A model-topic record, main thread → worker (the value's bytes are transferred). */
export interface IntakeRecord {
  key: string | null;
  value: Uint8Array | null;
  offset: number;
}

/** Worker → main thread. */
export type IntakeMessage =
  /** A version went into the worker's slot: `offer` it (`newer`) or `moveTo` it (`label`) here too. */
  | { kind: 'install'; why: 'newer' | 'label'; parts: PredictorParts }
  | { kind: 'warning'; details: Record<string, unknown>; message: string };

export interface ModelIntakeOptions extends IntakeSetup {
  slot: ModelSlot;
  onInstall(manifest: ModelVersion, why: 'newer' | 'label'): void;
  onWarning(details: Record<string, unknown>, message: string): void;
  /** The worker died (a bug, or out of memory): the caller starts over with a new intake. */
  onFailure(err: Error): void;
}

/**
 * Takes model versions in on a worker thread (intake-worker.ts), so that assembling,
 * verifying and decoding a version and building its row table (tens of milliseconds a
 * version, docs/PERFORMANCE.md) never stall the thread that answers predictions. The
 * worker runs the same `ModelFollower` the slot used to be fed by, and hands over each
 * installed version's row table without copying it; here the slot only swaps.
 */
export class ModelIntake {
  private readonly worker: Worker;
  private closing = false;
  private failed = false;

  constructor(private readonly o: ModelIntakeOptions) {
    const setup: IntakeSetup = { follow: o.follow, ...(o.model !== undefined ? { model: o.model } : {}) };
    this.worker = new Worker(workerEntry(), { workerData: setup });
    this.worker.on('message', (m: IntakeMessage) => this.receive(m));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the model intake worker exited with code ${code}`)));
  }

  /** Passes one record of the model topic on, in topic order. */
  accept(m: ConsumedMessage): void {
    // a copy of its own, so transferring it cannot detach the fetch buffer it was sliced from
    const value = m.value === null ? null : new Uint8Array(m.value);
    const record: IntakeRecord = { key: m.key === null ? null : m.key.toString('utf8'), value, offset: m.offset };
    this.worker.postMessage(record, value ? [value.buffer] : []);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  private receive(m: IntakeMessage): void {
    if (m.kind === 'warning') return this.o.onWarning(m.details, m.message);
    const predictor = Predictor.fromParts(m.parts);
    if (m.why === 'label') this.o.slot.moveTo(predictor);
    else if (!this.o.slot.offer(predictor)) return;
    this.o.onInstall(predictor.manifest, m.why);
  }

  private fail(err: Error): void {
    if (this.closing || this.failed) return;
    this.failed = true;
    this.o.onFailure(err);
  }
}

/**
 * The compiled worker script. Tests run the TypeScript sources, which a worker thread
 * cannot load: they use the build's copy, which test setup (scripts/test-setup.sh) makes.
 */
function workerEntry(): URL {
  if (!import.meta.url.endsWith('.ts')) return new URL('./intake-worker.js', import.meta.url);
  const built = join(packageRoot(), 'dist', 'src', 'subscription', 'intake-worker.js');
  if (!existsSync(built)) throw fatal(ErrorCode.INVALID_CONFIG, `the model intake worker is not built (${built})`, { hint: 'run npm run build' });
  return pathToFileURL(built);
}
