/**
 * The mess real review data has, applied at configured rates: HTML, personal data, C1
 * control characters, character repetition, spam, gibberish, near-duplicate edits.
 * Every helper draws only from the review's own generator, so output stays deterministic.
 */
import type { Prng } from './prng.js';
import { FIRST_NAMES, MAIL_DOMAINS, NEGATIVE_ADJECTIVES, POSITIVE_ADJECTIVES, STRETCH_NEGATIVE, STRETCH_POSITIVE } from './lexicon.js';
import type { Polarity } from './sentences.js';

/** Paragraphs joined the IMDb way, with `&amp;`, `&quot;` and an italic title thrown in. */
export function htmlText(rng: Prng, paragraphs: readonly string[], title: string): string {
  let body = paragraphs.length > 1 ? paragraphs.join('<br /><br />') : breakOneSentence(paragraphs[0] ?? '');
  body = body.replace(' and ', ' &amp; ');
  if (rng.chance(0.5)) body = `Review of <i>${title}</i>: ${body}`;
  else body = `${body} <b>&quot;${title}&quot;</b>`;
  return body;
}

function breakOneSentence(text: string): string {
  const stop = text.indexOf('. ');
  return stop === -1 ? `${text}<br />` : `${text.slice(0, stop + 1)}<br /><br />${text.slice(stop + 2)}`;
}

function digits(rng: Prng, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(rng.int(10));
  return out;
}

/** 16 digits passing the Luhn check, as card-number redaction expects real-looking ones. */
function cardNumber(rng: Prng): string {
  const numbers = [4, ...Array.from({ length: 14 }, () => rng.int(10))];
  let sum = 0;
  for (let i = 0; i < numbers.length; i++) {
    // Positions counted from the check digit: every second one from the right is doubled.
    let d = numbers[numbers.length - 1 - i] ?? 0;
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  numbers.push((10 - (sum % 10)) % 10);
  const text = numbers.join('');
  return rng.chance(0.5) ? text.replace(/(\d{4})(?=\d)/g, '$1 ') : text;
}

/** One sentence carrying an e-mail address, phone number, URL or card number. */
export function piiSentence(rng: Prng): string {
  const name = rng.pick(FIRST_NAMES);
  switch (rng.int(4)) {
    case 0:
      return `Email me at ${name}.${digits(rng, 2)}@${rng.pick(MAIL_DOMAINS)} if you have questions.`;
    case 1: {
      const formats = [`(555) ${digits(rng, 3)}-${digits(rng, 4)}`, `555-${digits(rng, 3)}-${digits(rng, 4)}`, `+1 555 ${digits(rng, 3)} ${digits(rng, 4)}`];
      return `Call me at ${rng.pick(formats)} for details.`;
    }
    case 2:
      return `More photos at https://reviews.example.com/u/${name}/${digits(rng, 5)} and http://www.example.org/p?id=${digits(rng, 4)}`;
    default:
      return `They charged my card ${cardNumber(rng)} twice.`;
  }
}

/** Windows-1252 punctuation decoded as Latin-1: ’ → U+0092, – → U+0096, … → U+0085, “” → U+0093/U+0094. */
export function withC1Punctuation(rng: Prng, text: string, title: string): string {
  let out = text.replaceAll("'", '\u0092');
  const stop = out.indexOf('. ');
  if (stop !== -1) out = `${out.slice(0, stop)} \u0096 ${out.slice(stop + 2)}`;
  return rng.chance(0.5) ? `${out} \u0093${title}\u0094 indeed\u0085` : `${out}\u0085`;
}

/** "soooo goooood!!!!!!": stretched words and a burst of exclamation marks. */
export function withRepetition(rng: Prng, text: string, polarity: Polarity): string {
  const word = rng.pick(polarity === 1 ? STRETCH_POSITIVE : STRETCH_NEGATIVE);
  return `${text} ${stretch('so', rng.range(3, 7))} ${stretch(word, rng.range(3, 8))}${'!'.repeat(rng.range(3, 9))}`;
}

function stretch(word: string, times: number): string {
  const vowel = word.search(/[aeiou]/);
  if (vowel === -1) return word;
  return word.slice(0, vowel + 1) + word.charAt(vowel).repeat(times) + word.slice(vowel + 1);
}

const SPAM_OFFERS = ['CHEAP WATCHES', 'FREE IPHONE', 'WORK FROM HOME $5000/WEEK', 'BEST PRICES ON PILLS', 'CLICK TO WIN A CRUISE'];

export function spamText(rng: Prng): string {
  const id = digits(rng, 4);
  return `BUY NOW!!! ${rng.pick(SPAM_OFFERS)} http://deals.example.biz/${id} http://deals.example.biz/${id}?ref=${digits(rng, 3)} LIMITED OFFER!!!`;
}

export function gibberishText(rng: Prng): string {
  const words: string[] = [];
  const count = rng.range(3, 8);
  for (let i = 0; i < count; i++) {
    let word = '';
    const length = rng.range(3, 7);
    for (let j = 0; j < length; j++) word += String.fromCharCode(97 + rng.int(26));
    words.push(word);
  }
  return words.join(' ');
}

const SWAP_WORDS: Record<string, string> = { the: 'this', this: 'the', it: 'that', was: 'is', is: 'was', and: 'plus', very: 'really', really: 'very' };

/**
 * The text with one word changed: an adjective swapped for another of the same sentiment
 * (so the label still holds), else a function word swapped, else a word appended.
 */
export function nearDuplicateText(rng: Prng, text: string): string {
  const words = text.split(' ');
  const start = rng.int(words.length);
  for (let k = 0; k < words.length; k++) {
    const i = (start + k) % words.length;
    const word = words[i] ?? '';
    const bare = word.replace(/[.,!?]+$/, '');
    const rest = word.slice(bare.length);
    const list = lexiconOf(bare);
    const swap = list ? rng.pick(list.filter((w) => w !== bare)) : SWAP_WORDS[bare];
    if (swap !== undefined) {
      words[i] = swap + rest;
      return words.join(' ');
    }
  }
  return `${text} Really.`;
}

const POSITIVE_SET: ReadonlySet<string> = new Set(POSITIVE_ADJECTIVES);
const NEGATIVE_SET: ReadonlySet<string> = new Set(NEGATIVE_ADJECTIVES);

function lexiconOf(word: string): readonly string[] | undefined {
  if (POSITIVE_SET.has(word)) return POSITIVE_ADJECTIVES;
  if (NEGATIVE_SET.has(word)) return NEGATIVE_ADJECTIVES;
  return undefined;
}
