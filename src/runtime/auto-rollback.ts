import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import type { KafkaPort, ProducerPort } from '../kafka/index.js';
import { denseWeights, rollbackTarget, type LoadedModel, type ScoringWeights } from '../models/index.js';
import type { ModelLabel } from '../records/types.js';
import { readModelHistory } from '../subscription/history.js';
import { recordAutoRollback, recordLabelAccuracy } from '../telemetry/index.js';
import { AUTO_ROLLBACK_ACTOR, moveId, moveToJudge, RegressionWatch, type JudgedMove, type RegressionVerdict, type Trainer, type TrainerOptions } from '../trainer/index.js';
import { withRetry } from '../util/retry.js';
import { DELIVERY_RETRY } from './delivery.js';
import { followLabel, type LabelFeed } from './label-feed.js';
import { moveModelLabel } from './model-topic.js';

export type AutoRollbackOptions = NonNullable<TrainerOptions['autoRollback']>;

/** What the train stage's changelog keeps per watched label: the last move judged. */
interface StoredVerdict {
  move: string;
  verdict: RegressionVerdict['kind'];
  reason: string;
  at: number;
}

export interface AutoRollbackEnv {
  kafka: KafkaPort;
  /** The model topic: labels are read and moved there. */
  topic: string;
  /** The train stage's changelog: judged moves are kept there, so a restart does not judge one twice. */
  changelog: string;
  model: string;
  options: AutoRollbackOptions;
  trainer: Trainer;
  /** Connected; writes the verdicts to the changelog. */
  producer: ProducerPort;
  log: Logger;
  onRollback?: (label: ModelLabel, verdict: RegressionVerdict) => void;
}

export function verdictKey(model: string, label: string): string {
  return `auto-rollback/${model}/${label}`;
}

/**
 * Automatic rollback around a running trainer: follows the watched label on the model
 * topic; whenever it moves, loads the labelled version (and, for a move by hand, the
 * label's previous target) and has the trainer score it on each new record before
 * training; on a regression verdict, moves the label back the way `models rollback` does.
 *
 * Restarts: a judged move is written to the train stage's changelog after it was acted
 * on, and a rollback is only published while the label still holds the move judged, so a
 * move is rolled back at most once. A move not yet judged when the trainer stopped is
 * judged again on a fresh window.
 */
export class AutoRollback {
  private feed: LabelFeed | undefined;
  private latest: { record: ModelLabel | undefined } | undefined;
  private armedFor: string | undefined;
  private watch: RegressionWatch | undefined;
  private judged: StoredVerdict | undefined;
  private work: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly env: AutoRollbackEnv) {}

  private get label(): string {
    return this.env.options.label;
  }

  async open(): Promise<void> {
    const key = verdictKey(this.env.model, this.label);
    await this.env.kafka.readToEnd({ topic: this.env.changelog, partitions: [0], readCommitted: true }, (m) => {
      if (m.key?.toString('utf8') !== key) return;
      this.judged = m.value === null ? undefined : (JSON.parse(m.value.toString('utf8')) as StoredVerdict);
    });
    this.feed = await followLabel({ kafka: this.env.kafka, topic: this.env.topic, model: this.env.model, label: this.label, log: this.env.log }, (record) => {
      this.latest = { record };
      this.enqueue(() => this.arm());
    });
  }

  /** After each trained batch: reports the live accuracy, and acts on a verdict. */
  afterBatch(): void {
    const watch = this.watch;
    if (!watch) return;
    const accuracy = watch.liveAccuracy();
    if (accuracy !== null) recordLabelAccuracy({ model: this.env.model, label: this.label, version: watch.version, accuracy });
    const verdict = watch.takeVerdict();
    if (verdict && watch.move) {
      const move = watch.move;
      this.enqueue(() => this.act(move, verdict));
    }
  }

  /** Waits for the work in hand (a rollback being published) and stops following the label. */
  async close(): Promise<void> {
    this.closed = true;
    await this.feed?.close();
    await this.work;
    await this.env.trainer.observe(undefined);
  }

  private enqueue(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((err: unknown) => this.env.log.error({ err: describeError(err) }, `automatic rollback of label ${this.label}: ${describeError(err)}`));
  }

  /** Points the trainer's watch at where the label is now (once per label record). */
  private async arm(): Promise<void> {
    const record = this.latest?.record;
    const id = record ? moveId(record) : 'none';
    if (this.closed || id === this.armedFor) return;
    this.armedFor = id;
    this.watch = undefined;
    await this.env.trainer.observe(undefined);
    if (!record) return;
    let move = moveToJudge(record);
    if (move && this.judged?.move === move.id) {
      this.env.log.info({ label: this.label, version: record.version, verdict: this.judged.verdict }, `label ${this.label}: the move to v${record.version} was judged before (${this.judged.verdict}); scoring it live only`);
      move = undefined;
    }
    const { loaded } = await readModelHistory(this.env.kafka, this.env.topic, this.env.model);
    const versions = new Map((loaded.get(this.env.model) ?? []).map((l) => [l.manifest.version, l]));
    const labelled = this.scorable(versions.get(record.version), record.version);
    if (!labelled) return;
    const predecessor = move ? this.scorable(versions.get(move.predecessor), move.predecessor) : undefined;
    if (this.latest?.record !== record) return; // moved again while loading: the next arm takes it
    const { window, margin } = this.env.options;
    this.watch = new RegressionWatch({ label: this.label, version: record.version, labelled, window, margin, ...(move && predecessor ? { judge: { move, predecessor } } : {}) });
    await this.env.trainer.observe(this.watch);
    if (move && predecessor) {
      this.env.log.info({ label: this.label, version: record.version, predecessor: move.predecessor, window }, `label ${this.label} moved to v${record.version}: comparing it with v${move.predecessor} on the next ${window} records`);
    } else {
      this.env.log.info({ label: this.label, version: record.version }, `label ${this.label} points to v${record.version}: scoring it on the live stream`);
    }
  }

  /** The version's scoring weights, when it is still loadable and hashed as this trainer hashes. */
  private scorable(loaded: LoadedModel | undefined, version: number): ScoringWeights | undefined {
    if (!loaded) {
      this.env.log.warn({ label: this.label, version }, `label ${this.label}: v${version} is not retained on the model topic, so it cannot be scored`);
      return undefined;
    }
    const mine = this.env.trainer.hashingParams;
    const its = loaded.weights.hashing;
    if (its.buckets !== mine.buckets || its.ngrams !== mine.ngrams || its.seed !== mine.seed) {
      this.env.log.warn({ label: this.label, version }, `label ${this.label}: v${version} hashes features differently from this trainer, so it cannot be scored here`);
      return undefined;
    }
    return { bias: loaded.weights.bias, weights: denseWeights(loaded.weights) };
  }

  /** Rolls the label back on a regression, unless it moved since; then keeps the verdict. */
  private async act(move: JudgedMove, verdict: RegressionVerdict): Promise<void> {
    const { kafka, topic, model, log } = this.env;
    if (verdict.kind === 'regressed') {
      const moved = await withRetry(
        () =>
          moveModelLabel(kafka, topic, {
            model,
            label: this.label,
            action: 'rollback',
            by: AUTO_ROLLBACK_ACTOR,
            reason: verdict.reason,
            // only while the label still holds the move judged: never twice, never over a newer move
            choose: ({ retained, current }) => (current && moveId(current) === move.id ? rollbackTarget({ model, label: this.label, current, retained, to: move.predecessor }) : undefined),
          }),
        DELIVERY_RETRY,
      );
      if (moved) {
        recordAutoRollback({ model, label: this.label });
        log.warn({ label: this.label, from: move.version, to: move.predecessor, reason: verdict.reason }, `automatic rollback: ${verdict.reason}`);
        this.env.onRollback?.(moved.record, verdict);
      } else {
        log.info({ label: this.label, version: move.version }, `label ${this.label} moved again before the rollback was published; left where it is`);
      }
    } else {
      log.info({ label: this.label, version: move.version, reason: verdict.reason }, verdict.reason);
    }
    const stored: StoredVerdict = { move: move.id, verdict: verdict.kind, reason: verdict.reason, at: Date.now() };
    const message = { key: verdictKey(model, this.label), value: Buffer.from(JSON.stringify(stored)), partition: 0 };
    await this.env.producer.send([{ topic: this.env.changelog, messages: [message] }]);
    this.judged = stored;
  }
}
