import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ErrorCode, ReviewflowError, describeError, fatal } from '../errors.js';
import { SUBSCRIBER_GROUP_PREFIX, type KafkaPort } from '../kafka/index.js';
import { childLogger } from '../log.js';
import type { ModelVersion } from '../records/types.js';
import { describeFollow, parseFollow, type Follow } from '../models/labels.js';
import { ModelSlot, type SlotPredictions } from '../models/slot.js';
import { prepareForPrediction } from '../models/prepare.js';
import { backoffDelay } from '../util/retry.js';
import { ModelIntake } from './model-intake.js';

export interface SubscribeOptions {
  kafka: KafkaPort;
  /** The model-update topic, `models.updates` in the default topology. */
  topic: string;
  /** Only this model's versions; every model when omitted (required to follow a label). */
  model?: string;
  /**
   * What to serve: `'latest'` (default: the newest verified version), a label such as
   * `'stable'` (its version, also when a rollback moves it back), or a version number.
   */
  follow?: string | number;
  /** Pin one version: the same as `follow: version`. */
  version?: number;
  logger?: Logger;
}

export interface ModelSubscription {
  /** Predicts with the version followed (texts cleaned as in training); one call never mixes versions. */
  predict(texts: readonly string[]): SlotPredictions;
  current(): ModelVersion | undefined;
  /** Resolves with the first version loaded (the pinned or labelled one, when following those). */
  ready(timeoutMs?: number): Promise<ModelVersion>;
  close(): Promise<void>;
}


/** The one thing to follow, from `follow` or the older `version` option. */
export function followOf(options: Pick<SubscribeOptions, 'follow' | 'version' | 'model'>): Follow {
  if (options.follow !== undefined && options.version !== undefined && String(options.follow) !== String(options.version)) {
    throw fatal(ErrorCode.INVALID_INPUT, `follow ${options.follow} and version ${options.version} disagree`, { hint: 'give one of them' });
  }
  const follow = parseFollow(options.follow ?? options.version ?? 'latest');
  if (follow.kind === 'label' && options.model === undefined) {
    throw fatal(ErrorCode.INVALID_INPUT, `following label ${follow.label} needs a model name: labels belong to one model`, { hint: 'pass model (the CLI: --model M)' });
  }
  return follow;
}

/**
 * Follows the model-update topic from its beginning (it is compacted, so the latest
 * version and every label are always there), assembles and verifies versions (a delta
 * version rebuilt on the version before it, so a late subscriber starts at the last
 * snapshot), and swaps in the one followed atomically: each newer version, or the version
 * a label points to whenever the label moves. Incomplete or corrupt versions, and deltas
 * whose base it does not hold, are skipped with a warning. Versions are taken in on a
 * worker thread (model-intake.ts): predictions never wait for one.
 */
export async function subscribeModels(options: SubscribeOptions, onModel?: (manifest: ModelVersion) => void): Promise<ModelSubscription> {
  const log = options.logger ?? childLogger({ component: 'subscriber', topic: options.topic });
  const follow = followOf(options);
  const slot = new ModelSlot();
  const waiters: Array<(m: ModelVersion) => void> = [];
  let intake: ModelIntake;
  let groupId: string;
  let failures = 0;
  let closed = false;

  /** A fresh intake, its consumer in a fresh group reading the topic from its beginning. */
  const start = async (): Promise<void> => {
    groupId = `${SUBSCRIBER_GROUP_PREFIX}${randomUUID()}`;
    intake = await ModelIntake.start({
      follow,
      ...(options.model !== undefined ? { model: options.model } : {}),
      kafka: options.kafka.settings,
      topic: options.topic,
      groupId,
      slot,
      onWarning: (details, message) => log.warn(details, message),
      onInstall: (manifest, why) => {
        failures = 0;
        log.info({ model: manifest.model, version: manifest.version, why, follow: describeFollow(follow) }, 'model version loaded');
        onModel?.(manifest);
        for (const w of waiters.splice(0)) w(manifest);
      },
      onFailure: (err) => void restart(err),
    });
  };

  /** Stops reading and deletes the subscriber's group (it is never joined again). */
  const stop = async (): Promise<void> => {
    await intake.close();
    await options.kafka.withAdmin((a) => a.deleteGroups([groupId])).catch((err: unknown) => log.debug({ err }, 'could not delete the subscriber group'));
  };

  // The worker died, and its state with it (bases for deltas, versions a label may go back
  // to), or its consumer gave up: the topic is read again from the start in a new worker,
  // while the slot keeps serving what it holds. A start that fails (no broker yet) is
  // tried again, 1 s doubling to 30 s apart.
  const restart = async (err: Error): Promise<void> => {
    log.error({ err: describeError(err) }, 'the model intake failed; reading the model topic again from its start');
    await stop().catch((cause: unknown) => log.debug({ err: describeError(cause) }, 'could not stop the failed intake cleanly'));
    while (!closed) {
      const delay = backoffDelay(++failures, 1_000, 30_000);
      await sleep(delay);
      if (closed) return;
      try {
        await start();
        if (closed) await stop();
        return;
      } catch (cause) {
        log.error({ err: describeError(cause) }, 'restarting the model subscription failed; trying again, the current version stays');
      }
    }
  };

  await start();

  return {
    predict: (texts) => slot.predict(prepareForPrediction(texts)),
    current: () => slot.current()?.manifest,
    ready: (timeoutMs = 30_000) => {
      const now = slot.current()?.manifest;
      if (now) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new ReviewflowError(ErrorCode.MODEL_NOT_FOUND, `no model version on ${options.topic} within ${timeoutMs} ms`, { retriable: true, hint: 'is the train stage running and publishing?' })),
          timeoutMs,
        );
        waiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      });
    },
    close: async () => {
      closed = true;
      await stop();
    },
  };
}
