/**
 * Synthetic labeled reviews, deterministic for a seed. Each review is built from its own
 * generator keyed by (seed, index), so review i never depends on how many came before:
 * a duplicate rebuilds its original by index, and the number of deliberately invalid
 * records is known without building any text.
 */
import { fatal } from '../errors.js';
import { DOMAINS, type Domain } from './lexicon.js';
import { gibberishText, htmlText, nearDuplicateText, piiSentence, spamText, withC1Punctuation, withRepetition } from './mess.js';
import { resolveMix, type GeneratorMix } from './mix.js';
import { Prng } from './prng.js';
import { reviewParagraphs, veryShortText, type Polarity } from './sentences.js';

/** Exactly the JSON a user would produce: no hidden fields. */
export interface GeneratedReview {
  id: string;
  /** Missing or a number only on deliberately invalid records. */
  text?: string | number;
  /** 0/1; omitted when unlabeled or rated; out of range on deliberately invalid records. */
  label?: number;
  /** 1–10, given instead of a label. */
  rating?: number;
  source: string;
}

export interface GenerateOptions extends Partial<GeneratorMix> {
  count: number;
  seed: number;
}

type Kind = 'invalid' | 'spam' | 'gibberish' | 'exactDuplicate' | 'nearDuplicate' | 'veryShort' | 'normal';

/** How far back a duplicate looks for its original. */
const DUPLICATE_WINDOW = 100;

export function* generateReviews(options: GenerateOptions): Generator<GeneratedReview> {
  const { count, seed } = checkCountAndSeed(options);
  const mix = resolveMix(options);
  for (let index = 0; index < count; index++) yield buildReview({ seed, index, mix });
}

/** The review at `index` of the stream for `seed`, on its own. */
export function buildReview(options: { seed: number; index: number; mix: GeneratorMix }): GeneratedReview {
  const { seed, index, mix } = options;
  const rng = new Prng(seed, index);
  const kind = kindOf(rng.next(), mix);
  const id = `gen-${seed}-${index}`;
  if (kind === 'invalid') return invalidReview(rng, id);
  if (kind === 'exactDuplicate' || kind === 'nearDuplicate') {
    const original = findOriginal({ seed, index, mix, rng });
    if (original === undefined) return organicReview({ rng, id, mix, kind: 'normal' });
    // The original is a normal review, so this never recurses further.
    const copy = buildReview({ seed, index: original, mix });
    const text = kind === 'exactDuplicate' || typeof copy.text !== 'string' ? copy.text : nearDuplicateText(rng, copy.text);
    return { ...copy, id, text };
  }
  return organicReview({ rng, id, mix, kind });
}

/** True for the records the generator made invalid on purpose; ingest must reject exactly these. */
export function isDeliberatelyInvalid(review: GeneratedReview): boolean {
  const { text, label } = review;
  return typeof text !== 'string' || text.trim() === '' || (label !== undefined && label !== 0 && label !== 1);
}

/** How many of `count` reviews for `seed` are deliberately invalid, without building them. */
export function countDeliberatelyInvalid(options: GenerateOptions): number {
  const { count, seed } = checkCountAndSeed(options);
  const mix = resolveMix(options);
  let invalid = 0;
  for (let index = 0; index < count; index++) if (kindOf(new Prng(seed, index).next(), mix) === 'invalid') invalid++;
  return invalid;
}

function kindOf(roll: number, mix: GeneratorMix): Kind {
  let edge = mix.invalidRate;
  if (roll < edge) return 'invalid';
  if (roll < (edge += mix.spamRate)) return 'spam';
  if (roll < (edge += mix.gibberishRate)) return 'gibberish';
  if (roll < (edge += mix.exactDuplicateRate)) return 'exactDuplicate';
  if (roll < (edge += mix.nearDuplicateRate)) return 'nearDuplicate';
  if (roll < (edge += mix.veryShortRate)) return 'veryShort';
  return 'normal';
}

function findOriginal(options: { seed: number; index: number; mix: GeneratorMix; rng: Prng }): number | undefined {
  const { seed, index, mix, rng } = options;
  if (index === 0) return undefined;
  const from = index - 1 - rng.int(Math.min(index, DUPLICATE_WINDOW));
  for (let j = from; j >= 0 && j > from - DUPLICATE_WINDOW; j--) {
    if (kindOf(new Prng(seed, j).next(), mix) === 'normal') return j;
  }
  return undefined;
}

function organicReview(options: { rng: Prng; id: string; mix: GeneratorMix; kind: Exclude<Kind, 'invalid' | 'exactDuplicate' | 'nearDuplicate'> }): GeneratedReview {
  const { rng, id, mix, kind } = options;
  const domain = rng.pick(DOMAINS);
  const polarity: Polarity = rng.chance(mix.positiveRate) ? 1 : 0;
  let text: string;
  if (kind === 'spam') text = spamText(rng);
  else if (kind === 'gibberish') text = gibberishText(rng);
  else if (kind === 'veryShort') text = veryShortText(rng, polarity);
  else text = messyBody({ rng, domain, polarity, mix });

  const label: Polarity = rng.chance(mix.labelNoiseRate) ? (polarity === 1 ? 0 : 1) : polarity;
  const source = `synthetic/${domain.name}`;
  const presentation = rng.next();
  if (presentation < mix.unlabeledRate) return { id, text, source };
  if (presentation < mix.unlabeledRate + mix.ratingRate) return { id, text, rating: ratingFor(rng, label), source };
  return { id, text, label, source };
}

/** A normal review's text with the independent kinds of mess applied at their rates. */
function messyBody(options: { rng: Prng; domain: Domain; polarity: Polarity; mix: GeneratorMix }): string {
  const { rng, domain, polarity, mix } = options;
  const paragraphs = reviewParagraphs(rng, domain, polarity);
  if (rng.chance(mix.piiRate)) paragraphs.push(piiSentence(rng));
  const title = rng.pick(domain.titles);
  let text = rng.chance(mix.htmlRate) ? htmlText(rng, paragraphs, title) : paragraphs.join('\n\n');
  if (rng.chance(mix.c1Rate)) text = withC1Punctuation(rng, text, title);
  if (rng.chance(mix.repetitionRate)) text = withRepetition(rng, text, polarity);
  if (rng.chance(mix.lowercaseRate)) text = text.toLowerCase();
  return text;
}

/** 7–10 for positive, 1–4 for negative; one in ten lands in the undecided 5–6. */
function ratingFor(rng: Prng, label: Polarity): number {
  if (rng.chance(0.1)) return rng.range(5, 6);
  return label === 1 ? rng.range(7, 10) : rng.range(1, 4);
}

function invalidReview(rng: Prng, id: string): GeneratedReview {
  const domain = rng.pick(DOMAINS);
  const source = `synthetic/${domain.name}`;
  const label = rng.int(2);
  switch (rng.int(4)) {
    case 0:
      return { id, text: veryShortText(rng, label as Polarity), label: rng.pick([7, 2, -1]), source };
    case 1:
      return { id, label, source };
    case 2:
      return { id, text: rng.range(1, 99_999), label, source };
    default:
      return { id, text: '', label, source };
  }
}

function checkCountAndSeed(options: GenerateOptions): { count: number; seed: number } {
  const { count, seed } = options;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw fatal('INVALID_CONFIG', `generate count must be a non-negative integer, got ${String(count)}`, { hint: 'pass --count N, for example --count 10000' });
  }
  if (!Number.isSafeInteger(seed)) {
    throw fatal('INVALID_CONFIG', `generate seed must be an integer, got ${String(seed)}`, { hint: 'pass --seed S, for example --seed 42' });
  }
  return { count, seed };
}
