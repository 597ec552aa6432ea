/**
 * Templated sentences over a domain. Most sentences carry the review's polarity; some are
 * neutral, some say it through negation ("not bad at all"), some are mixed ("great screen
 * but the battery died"), so a bag-of-words model learns the signal but cannot be perfect.
 */
import type { Prng } from './prng.js';
import {
  INTENSIFIERS,
  NEGATIVE_ADJECTIVES,
  NEGATIVE_CLOSERS,
  NEGATIVE_VERBS,
  POSITIVE_ADJECTIVES,
  POSITIVE_CLOSERS,
  POSITIVE_VERBS,
  SHORT_NEGATIVE,
  SHORT_POSITIVE,
  TIMES,
  type Domain,
} from './lexicon.js';

/** 1 positive, 0 negative. */
export type Polarity = 0 | 1;

function adjective(rng: Prng, polarity: Polarity): string {
  return rng.pick(polarity === 1 ? POSITIVE_ADJECTIVES : NEGATIVE_ADJECTIVES);
}

function intensified(rng: Prng, polarity: Polarity): string {
  return rng.chance(0.4) ? `${rng.pick(INTENSIFIERS)} ${adjective(rng, polarity)}` : adjective(rng, polarity);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function event(rng: Prng, domain: Domain, polarity: Polarity): string {
  return rng.pick(polarity === 1 ? domain.positiveEvents : domain.negativeEvents);
}

function aspectSentence(rng: Prng, domain: Domain, polarity: Polarity): string {
  const aspect = rng.pick(domain.aspects);
  switch (rng.int(4)) {
    case 0:
      return `The ${aspect} was ${intensified(rng, polarity)}.`;
    case 1:
      return `${capitalize(intensified(rng, polarity))} ${aspect}.`;
    case 2:
      return `The ${aspect} is ${intensified(rng, polarity)} and the ${rng.pick(domain.aspects)} is ${adjective(rng, polarity)}.`;
    default:
      return `I thought the ${aspect} was ${intensified(rng, polarity)}.`;
  }
}

function subjectSentence(rng: Prng, domain: Domain, polarity: Polarity): string {
  return `${capitalize(rng.pick(domain.subjects))} is ${intensified(rng, polarity)}${rng.chance(0.3) ? '!' : '.'}`;
}

function verbSentence(rng: Prng, domain: Domain, polarity: Polarity): string {
  const verb = rng.pick(polarity === 1 ? POSITIVE_VERBS : NEGATIVE_VERBS);
  return rng.chance(0.5) ? `I ${verb} the ${rng.pick(domain.aspects)}.` : `I ${verb} ${rng.pick(domain.subjects)}.`;
}

function eventSentence(rng: Prng, domain: Domain, polarity: Polarity): string {
  const text = event(rng, domain, polarity);
  return rng.chance(0.3) ? `Honestly, ${text}.` : `${capitalize(text)}.`;
}

/** Polarity said through its opposite's words: the trap for bag-of-words models. */
function negatedSentence(rng: Prng, domain: Domain, polarity: Polarity): string {
  const aspect = rng.pick(domain.aspects);
  const opposite: Polarity = polarity === 1 ? 0 : 1;
  if (polarity === 1) {
    switch (rng.int(4)) {
      case 0:
        return `The ${aspect} was not ${adjective(rng, opposite)} at all.`;
      case 1:
        return `Not ${adjective(rng, opposite)} at all!`;
      case 2:
        return `I can't say anything ${adjective(rng, opposite)} about the ${aspect}.`;
      default:
        return `I never once found the ${aspect} ${adjective(rng, opposite)}.`;
    }
  }
  switch (rng.int(4)) {
    case 0:
      return `The ${aspect} was not ${adjective(rng, opposite)}.`;
    case 1:
      return `I did not like the ${aspect}.`;
    case 2:
      return `Not ${rng.pick(INTENSIFIERS)} ${adjective(rng, opposite)}, to be honest.`;
    default:
      return `The ${aspect} was never ${adjective(rng, opposite)}.`;
  }
}

/** One clause of each polarity; the clause after "but" decides. */
function mixedSentence(rng: Prng, domain: Domain, polarity: Polarity): string {
  const opposite: Polarity = polarity === 1 ? 0 : 1;
  const first = rng.pick(domain.aspects);
  const second = rng.pick(domain.aspects);
  if (rng.chance(0.5)) return `The ${first} was ${adjective(rng, opposite)}, but the ${second} was ${intensified(rng, polarity)}.`;
  return `${capitalize(event(rng, domain, opposite))}, but overall ${rng.pick(domain.subjects)} is ${adjective(rng, polarity)}.`;
}

function neutralSentence(rng: Prng, domain: Domain): string {
  return rng.chance(0.5) ? rng.pick(domain.neutral) : `I ${rng.pick(domain.verbs)} ${rng.pick(TIMES)}.`;
}

export function closingSentence(rng: Prng, polarity: Polarity): string {
  return rng.pick(polarity === 1 ? POSITIVE_CLOSERS : NEGATIVE_CLOSERS);
}

export function veryShortText(rng: Prng, polarity: Polarity): string {
  return rng.pick(polarity === 1 ? SHORT_POSITIVE : SHORT_NEGATIVE);
}

/** One body sentence, weighted towards plain sentiment; `polar` leaves out neutral ones. */
export function sentence(rng: Prng, domain: Domain, polarity: Polarity, polar = false): string {
  const roll = polar ? rng.next() * 0.8 : rng.next();
  if (roll < 0.24) return aspectSentence(rng, domain, polarity);
  if (roll < 0.36) return subjectSentence(rng, domain, polarity);
  if (roll < 0.48) return verbSentence(rng, domain, polarity);
  if (roll < 0.62) return eventSentence(rng, domain, polarity);
  if (roll < 0.72) return negatedSentence(rng, domain, polarity);
  if (roll < 0.8) return mixedSentence(rng, domain, polarity);
  return neutralSentence(rng, domain);
}

/** A paragraph of `count` sentences, sometimes closed by a verdict. */
export function paragraph(options: { rng: Prng; domain: Domain; polarity: Polarity; count: number; closing: boolean }): string {
  const { rng, domain, polarity } = options;
  // A one-sentence review always says something; longer ones carry neutral context.
  let text = sentence(rng, domain, polarity, options.count === 1);
  for (let i = 1; i < options.count; i++) text += ` ${sentence(rng, domain, polarity)}`;
  if (options.closing) text += ` ${closingSentence(rng, polarity)}`;
  return text;
}

/**
 * The paragraphs of a review: one short sentence up to several paragraphs. Returned as a
 * list so the HTML mess can join them with `<br /><br />` the way IMDb pages do.
 */
export function reviewParagraphs(rng: Prng, domain: Domain, polarity: Polarity): string[] {
  const size = rng.next();
  if (size < 0.25) return [paragraph({ rng, domain, polarity, count: 1, closing: rng.chance(0.2) })];
  if (size < 0.65) return [paragraph({ rng, domain, polarity, count: rng.range(2, 5), closing: rng.chance(0.4) })];
  if (size < 0.87) return [paragraph({ rng, domain, polarity, count: rng.range(6, 10), closing: rng.chance(0.5) })];
  // The long tail: a few paragraphs, and now and then an essay, as IMDb reviews have.
  const essay = size >= 0.98;
  const count = essay ? rng.range(5, 8) : rng.range(2, 4);
  const paragraphs: string[] = [];
  for (let i = 0; i < count; i++) {
    const sentences = essay ? rng.range(4, 8) : rng.range(3, 7);
    paragraphs.push(paragraph({ rng, domain, polarity, count: sentences, closing: i === count - 1 && rng.chance(0.6) }));
  }
  return paragraphs;
}
