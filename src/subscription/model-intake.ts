import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ErrorCode, ReviewflowError, fatal, isReviewflowError } from '../errors.js';
import type { KafkaSettings } from '../kafka/index.js';
import type { Follow } from '../models/labels.js';
import { Predictor, type PredictorParts } from '../models/predictor.js';
import type { ModelSlot } from '../models/slot.js';
import type { ModelVersion } from '../records/types.js';
import { packageRoot } from '../util/paths.js';

/** What the worker is started with: what to follow, and the consumer group to read the topic in. */
export interface IntakeSetup {
  follow: Follow;
  model?: string;
  kafka: KafkaSettings;
  topic: string;
  groupId: string;
}

/** An error as it crosses threads (structured cloning keeps only an Error's message): `code` where it was a ReviewflowError. */
export interface IntakeError {
  message: string;
  code?: ErrorCode;
  retriable?: boolean;
  hint?: string;
}

/** Main thread → worker. */
export interface IntakeCommand {
  kind: 'stop';
}

/** Worker → main thread. */
export type IntakeMessage =
  /** The consumer joined its group and reads the topic. */
  | { kind: 'running' }
  /** The consumer could not start, or stopped for good: this intake is over. */
  | { kind: 'failed'; error: IntakeError }
  /** A version went into the worker's slot: `offer` it (`newer`) or `moveTo` it (`label`) here too. */
  | { kind: 'install'; why: 'newer' | 'label'; parts: PredictorParts }
  | { kind: 'warning'; details: Record<string, unknown>; message: string }
  /** Answer to `stop`: the consumer left its group. */
  | { kind: 'stopped' };

export interface ModelIntakeOptions extends IntakeSetup {
  slot: ModelSlot;
  onInstall(manifest: ModelVersion, why: 'newer' | 'label'): void;
  onWarning(details: Record<string, unknown>, message: string): void;
  /** The worker died or its consumer gave up, after it started: the caller starts over with a new intake. */
  onFailure(err: Error): void;
}

/** How long `close` waits for the worker's consumer to leave its group before ending the thread. */
const STOP_TIMEOUT_MS = 10_000;

/**
 * Takes model versions in on a worker thread (intake-worker.ts), so that reading the model
 * topic, assembling, verifying and decoding a version and building its row table (tens of
 * milliseconds a version, docs/PERFORMANCE.md) never stall the thread that answers
 * predictions. The worker runs the Kafka consumer and the same `ModelFollower` the slot
 * used to be fed by, and hands over each installed version's row table without copying
 * it; here the slot only swaps.
 */
export class ModelIntake {
  private closing = false;
  private failed = false;
  private started = false;
  private exited = false;
  private readonly stoppedWaiters: Array<() => void> = [];
  private readonly worker: Worker;
  private readonly running: Promise<void>;
  private settleStart!: { resolve: () => void; reject: (err: Error) => void };

  /** Resolves once the worker's consumer reads the topic; rejects with the error that kept it from starting. */
  static async start(options: ModelIntakeOptions): Promise<ModelIntake> {
    const intake = new ModelIntake(options);
    await intake.running;
    return intake;
  }

  private constructor(private readonly o: ModelIntakeOptions) {
    const setup: IntakeSetup = { follow: o.follow, ...(o.model !== undefined ? { model: o.model } : {}), kafka: o.kafka, topic: o.topic, groupId: o.groupId };
    this.running = new Promise((resolve, reject) => (this.settleStart = { resolve, reject }));
    this.worker = new Worker(workerEntry(), { workerData: setup });
    this.worker.on('message', (m: IntakeMessage) => this.receive(m));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      this.exited = true;
      for (const resolve of this.stoppedWaiters.splice(0)) resolve(); // a close waiting for `stopped` need not wait out its timeout
      this.fail(new Error(`the model intake worker exited with code ${code}`));
    });
  }

  /** Stops the worker's consumer (it leaves its group), then ends the thread. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.exited) return;
    const stopped = new Promise<void>((resolve) => this.stoppedWaiters.push(resolve));
    this.worker.postMessage({ kind: 'stop' } satisfies IntakeCommand);
    await Promise.race([stopped, new Promise((r) => setTimeout(r, STOP_TIMEOUT_MS).unref())]);
    await this.worker.terminate();
  }

  private receive(m: IntakeMessage): void {
    switch (m.kind) {
      case 'running':
        this.started = true;
        return this.settleStart.resolve();
      case 'failed':
        return this.fail(fromIntakeError(m.error));
      case 'warning':
        return this.o.onWarning(m.details, m.message);
      case 'stopped':
        for (const resolve of this.stoppedWaiters.splice(0)) resolve();
        return;
      case 'install': {
        const predictor = Predictor.fromParts(m.parts);
        if (m.why === 'label') this.o.slot.moveTo(predictor);
        else if (!this.o.slot.offer(predictor)) return;
        return this.o.onInstall(predictor.manifest, m.why);
      }
    }
  }

  private fail(err: Error): void {
    if (this.closing || this.failed) return;
    this.failed = true;
    if (!this.started) {
      // the worker must not keep the process alive after a failed start
      void this.worker.terminate();
      return this.settleStart.reject(err);
    }
    this.o.onFailure(err);
  }
}

export function toIntakeError(err: unknown): IntakeError {
  if (isReviewflowError(err)) return { message: err.message, code: err.code, retriable: err.retriable, ...(err.hint !== undefined ? { hint: err.hint } : {}) };
  return { message: err instanceof Error ? err.message : String(err) };
}

function fromIntakeError(e: IntakeError): Error {
  if (e.code === undefined) return new Error(e.message);
  return new ReviewflowError(e.code, e.message, { retriable: e.retriable ?? false, ...(e.hint !== undefined ? { hint: e.hint } : {}) });
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
