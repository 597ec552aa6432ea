/**
 * How much of each kind of mess the generator makes. Rates are fractions of all reviews.
 * The record kinds (invalid, spam, gibberish, duplicates, very short) exclude each other;
 * the rest (HTML, PII, C1 punctuation, ...) are applied independently to ordinary reviews.
 */
import { fatal } from '../errors.js';

export interface GeneratorMix {
  /** Records `produce` must reject: label 7, text missing, text a number, text empty. */
  invalidRate: number;
  spamRate: number;
  gibberishRate: number;
  exactDuplicateRate: number;
  /** A copy of an earlier review with one word changed. */
  nearDuplicateRate: number;
  veryShortRate: number;
  /** Label omitted. */
  unlabeledRate: number;
  /** A 1–10 `rating` instead of a label. */
  ratingRate: number;
  /** Label flipped against the text's sentiment. */
  labelNoiseRate: number;
  htmlRate: number;
  piiRate: number;
  /** Windows-1252 punctuation stored as C1 control characters (U+0085, U+0092, ...). */
  c1Rate: number;
  /** "soooo goooood!!!!!!" */
  repetitionRate: number;
  lowercaseRate: number;
  positiveRate: number;
}

export const DEFAULT_MIX: Readonly<GeneratorMix> = Object.freeze({
  invalidRate: 0.005,
  spamRate: 0.01,
  gibberishRate: 0.005,
  exactDuplicateRate: 0.02,
  nearDuplicateRate: 0.02,
  veryShortRate: 0.01,
  unlabeledRate: 0.01,
  ratingRate: 0.03,
  labelNoiseRate: 0.025,
  htmlRate: 0.08,
  piiRate: 0.03,
  c1Rate: 0.02,
  repetitionRate: 0.02,
  lowercaseRate: 0.03,
  positiveRate: 0.5,
});

const EXCLUSIVE_KINDS = ['invalidRate', 'spamRate', 'gibberishRate', 'exactDuplicateRate', 'nearDuplicateRate', 'veryShortRate'] as const;

/** Defaults filled in; a rate outside [0, 1] or kinds summing past 1 is rejected, not clamped. */
export function resolveMix(partial: Partial<GeneratorMix> = {}): GeneratorMix {
  const mix: GeneratorMix = { ...DEFAULT_MIX };
  for (const key of Object.keys(DEFAULT_MIX) as (keyof GeneratorMix)[]) {
    const value = partial[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw fatal('INVALID_CONFIG', `generator ${key} must be a number between 0 and 1, got ${String(value)}`);
    }
    mix[key] = value;
  }
  const exclusive = EXCLUSIVE_KINDS.reduce((sum, key) => sum + mix[key], 0);
  if (exclusive > 1) {
    throw fatal('INVALID_CONFIG', `generator kind rates (${EXCLUSIVE_KINDS.join(', ')}) sum to ${exclusive}, over 1`);
  }
  if (mix.unlabeledRate + mix.ratingRate > 1) {
    throw fatal('INVALID_CONFIG', `generator unlabeledRate + ratingRate sum to ${mix.unlabeledRate + mix.ratingRate}, over 1`);
  }
  return Object.freeze(mix);
}
