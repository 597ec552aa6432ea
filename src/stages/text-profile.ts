import { STOPWORDS } from './english-words.js';
import { fmix32, hash32 } from './hash.js';

/**
 * Everything the gate's rules, SimHash and monitors need from a text, computed in one
 * pass over its UTF-16 units with no per-token strings: tokens are hashed as they are
 * read (FNV-1a of the lower-cased token, the same function as `hash32`).
 */
export interface TextProfile {
  length: number;
  nonSpace: number;
  letters: number;
  punctuation: number;
  /** Longest run of one repeated non-space character. */
  maxRun: number;
  /** Word tokens: runs of letters, digits, marks and inner apostrophes. */
  tokenHashes: number[];
  longestToken: number;
  /** Tokens of ASCII letters only; the denominator of the gibberish ratio. */
  alphaTokens: number;
  /** ASCII-letter tokens of 4+ letters with no vowel (y counts) or 6+ consonants in a row. */
  unpronounceableTokens: number;
  stopwordTokens: number;
  /** `[url]` placeholders plus any URL the clean stage did not see. */
  urls: number;
}

const STOPWORD_HASHES: ReadonlySet<number> = new Set([...STOPWORDS].map((word) => hash32(word)));
const NON_ASCII_WORD = /[\p{L}\p{N}\p{M}]/u;
const NON_ASCII_LETTER = /[\p{L}\p{M}]/u;
const NON_ASCII_PUNCT = /[\p{P}\p{S}]/u;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const APOSTROPHE = 0x27;
const MIN_UNPRONOUNCEABLE = 4;
const MAX_CONSONANT_RUN = 6;

/** Which ASCII units are vowels (y included: rhythm, gym) and which are punctuation. */
const VOWEL = new Uint8Array(128);
for (const c of 'aeiouyAEIOUY') VOWEL[c.charCodeAt(0)] = 1;
const ASCII_PUNCT = new Uint8Array(128);
for (const c of '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~') ASCII_PUNCT[c.charCodeAt(0)] = 1;

export function profileText(text: string): TextProfile {
  const p: TextProfile = {
    length: text.length, nonSpace: 0, letters: 0, punctuation: 0, maxRun: 0, tokenHashes: [],
    longestToken: 0, alphaTokens: 0, unpronounceableTokens: 0, stopwordTokens: 0, urls: countUrls(text),
  };
  let previous = -1;
  let run = 0;
  // The token being read.
  let hash = FNV_OFFSET;
  let tokenLength = 0;
  let asciiAlpha = true;
  let vowels = 0;
  let consonantRun = 0;
  let maxConsonantRun = 0;

  const endToken = (): void => {
    if (tokenLength === 0) return;
    const h = fmix32(hash);
    p.tokenHashes.push(h);
    if (STOPWORD_HASHES.has(h)) p.stopwordTokens++;
    if (tokenLength > p.longestToken) p.longestToken = tokenLength;
    if (asciiAlpha) {
      p.alphaTokens++;
      if (tokenLength >= MIN_UNPRONOUNCEABLE && (vowels === 0 || maxConsonantRun >= MAX_CONSONANT_RUN)) p.unpronounceableTokens++;
    }
    hash = FNV_OFFSET;
    tokenLength = 0;
    asciiAlpha = true;
    vowels = 0;
    consonantRun = 0;
    maxConsonantRun = 0;
  };

  for (let i = 0; i < text.length; i++) {
    let unit = text.charCodeAt(i);
    if (unit === 0x20 || unit === 0x0a || unit === 0x09 || unit === 0x0d) {
      endToken();
      previous = -1;
      continue;
    }
    p.nonSpace++;
    run = unit === previous ? run + 1 : 1;
    previous = unit;
    if (run > p.maxRun) p.maxRun = run;

    let word: boolean;
    if (unit < 0x80) {
      const lower = unit | 0x20;
      const letter = lower >= 0x61 && lower <= 0x7a;
      if (letter) {
        p.letters++;
        unit = lower;
        if (VOWEL[unit] === 1) {
          vowels++;
          consonantRun = 0;
        } else if (++consonantRun > maxConsonantRun) maxConsonantRun = consonantRun;
      } else if (ASCII_PUNCT[unit] === 1) p.punctuation++;
      const digit = unit >= 0x30 && unit <= 0x39;
      // An apostrophe joins a token only inside or at the start of one (n't, 's).
      word = letter || digit || (unit === APOSTROPHE && isWordAt(text, i + 1));
      if (word && !letter) asciiAlpha = false;
    } else {
      const ch = text.charAt(i);
      word = NON_ASCII_WORD.test(ch);
      if (word) {
        if (NON_ASCII_LETTER.test(ch)) p.letters++;
        unit = ch.toLowerCase().charCodeAt(0);
        asciiAlpha = false;
      } else if (NON_ASCII_PUNCT.test(ch)) p.punctuation++;
    }
    if (!word) {
      endToken();
      continue;
    }
    hash = Math.imul(hash ^ unit, FNV_PRIME);
    tokenLength++;
  }
  endToken();
  return p;
}

function isWordAt(text: string, at: number): boolean {
  if (at >= text.length) return false;
  const unit = text.charCodeAt(at);
  if (unit >= 0x80) return NON_ASCII_WORD.test(text.charAt(at));
  const lower = unit | 0x20;
  return (lower >= 0x61 && lower <= 0x7a) || (unit >= 0x30 && unit <= 0x39);
}

function countUrls(text: string): number {
  return countOf(text, '[url]') + countOf(text, '://') + countOf(text, 'www.');
}

function countOf(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}
