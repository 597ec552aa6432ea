import { setTimeout as sleep } from 'node:timers/promises';
import { isRetriable } from '../errors.js';

export interface RetryOptions {
  attempts: number;
  baseMs: number;
  maxMs: number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Stop retrying when this turns false (shutdown). */
  shouldContinue?: () => boolean;
  /** Which errors to retry; default: those marked retriable. */
  retryIf?: (err: unknown) => boolean;
}

/** Full-jitter exponential backoff delay for attempt n (1-based). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1)));
}

/** Retries `work` while it throws retriable errors; a non-retriable error is thrown at once. */
export async function withRetry<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!(options.retryIf ?? isRetriable)(err) || attempt >= options.attempts || options.shouldContinue?.() === false) throw err;
      const delay = backoffDelay(attempt, options.baseMs, options.maxMs);
      options.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}
