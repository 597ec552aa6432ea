import { STOPWORDS } from './english-words.js';
import { fmix32, hash32 } from '../util/hash.js';

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
  /** Keys (30-bit hashes, see `wordKey`) of the word tokens: runs of letters, digits, marks and inner apostrophes. */
  tokenHashes: number[];
  longestToken: number;
  /** Tokens of ASCII letters only; the denominator of the gibberish ratio. */
  alphaTokens: number;
  /** ASCII-letter tokens of 4+ letters with no vowel (y counts) or 6+ consonants in a row. */
  unpronounceableTokens: number;
  stopwordTokens: number;
  /** `[url]` placeholders plus any URL the clean stage did not see. */
  urls: number;
  /** Advertising phrases ("buy now", "click here", ...); only counted where a URL or "!!" hints at spam. */
  spamPhrases: number;
}

/**
 * A token's key: 30 bits of its finalised hash. Small integers stay unboxed in V8
 * (arrays of them and set lookups are ~15% faster than with full 32-bit values), and
 * 30 bits keep collisions negligible for vocabularies of a few 100,000 words.
 */
function tokenKey(fnvState: number): number {
  return fmix32(fnvState) & 0x3fffffff;
}

/** `hash32` is the same FNV-1a + finaliser, so a word's key is `hash32(word) & 0x3fffffff`. */
export function wordKey(word: string): number {
  return hash32(word.toLowerCase()) & 0x3fffffff;
}

/**
 * The stopwords' keys in an open-addressing table (0 = empty; a key is never 0 here, see
 * below): a probe or two on an Int32Array per token, where a Set lookup cost more than
 * the rest of the token's work.
 */
const STOPWORD_TABLE = stopwordTable([...STOPWORDS].map(wordKey));

function stopwordTable(keys: number[]): Int32Array {
  const table = new Int32Array(1024);
  for (const key of keys) {
    if (key === 0) throw new Error('a stopword key is 0, the empty slot marker');
    let slot = key & (table.length - 1);
    while (table[slot] !== 0 && table[slot] !== key) slot = (slot + 1) & (table.length - 1);
    table[slot] = key;
  }
  return table;
}

function isStopwordKey(key: number): boolean {
  for (let slot = key & (STOPWORD_TABLE.length - 1); ; slot = (slot + 1) & (STOPWORD_TABLE.length - 1)) {
    const held = STOPWORD_TABLE[slot];
    if (held === key) return true;
    if (held === 0) return false;
  }
}
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
    longestToken: 0, alphaTokens: 0, unpronounceableTokens: 0, stopwordTokens: 0, urls: countUrls(text), spamPhrases: 0,
  };
  if (p.urls > 0 || text.includes('!!')) p.spamPhrases = countSpamPhrases(text);
  // Plain locals, not object fields or closure captures: V8 keeps them in registers.
  let nonSpace = 0;
  let letters = 0;
  let punctuation = 0;
  let maxRun = 0;
  let previous = -1;
  let run = 0;
  let hash = FNV_OFFSET;
  let tokenLength = 0;
  let asciiAlpha = true;
  let vowels = 0;
  let consonantRun = 0;
  let maxConsonantRun = 0;
  for (let i = 0; i <= text.length; i++) {
    // One past the end acts as a final space, closing the last token.
    let unit = i < text.length ? text.charCodeAt(i) : 0x20;
    let word = false;
    if (unit === 0x20 || unit === 0x0a || unit === 0x09 || unit === 0x0d) {
      previous = -1;
    } else {
      nonSpace++;
      run = unit === previous ? run + 1 : 1;
      previous = unit;
      if (run > maxRun) maxRun = run;
      if (unit < 0x80) {
        const lower = unit | 0x20;
        if (lower >= 0x61 && lower <= 0x7a) {
          word = true;
          letters++;
          unit = lower;
          if (VOWEL[unit] === 1) {
            vowels++;
            consonantRun = 0;
          } else if (++consonantRun > maxConsonantRun) maxConsonantRun = consonantRun;
        } else {
          if (ASCII_PUNCT[unit] === 1) punctuation++;
          // An apostrophe joins a token only when a word character follows (n't, 's, don't).
          word = (unit >= 0x30 && unit <= 0x39) || (unit === APOSTROPHE && isWordAt(text, i + 1));
          if (word) asciiAlpha = false;
        }
      } else {
        const ch = text.charAt(i);
        word = NON_ASCII_WORD.test(ch);
        if (word) {
          if (NON_ASCII_LETTER.test(ch)) letters++;
          unit = ch.toLowerCase().charCodeAt(0);
          asciiAlpha = false;
        } else if (NON_ASCII_PUNCT.test(ch)) punctuation++;
      }
    }
    if (word) {
      hash = Math.imul(hash ^ unit, FNV_PRIME);
      tokenLength++;
      continue;
    }
    if (tokenLength === 0) continue;
    finishToken(p, hash, tokenLength, asciiAlpha && (vowels === 0 || maxConsonantRun >= MAX_CONSONANT_RUN) ? UNPRONOUNCEABLE : asciiAlpha ? ALPHA : OTHER);
    hash = FNV_OFFSET;
    tokenLength = 0;
    asciiAlpha = true;
    vowels = 0;
    consonantRun = 0;
    maxConsonantRun = 0;
  }
  p.nonSpace = nonSpace;
  p.letters = letters;
  p.punctuation = punctuation;
  p.maxRun = maxRun;
  return p;
}

/** What a finished token is to the gibberish rule (only tokens of ASCII letters count). */
const OTHER = 0;
const ALPHA = 1;
/** ASCII letters with no vowel or 6+ consonants in a row (`MIN_UNPRONOUNCEABLE` is checked on the length). */
const UNPRONOUNCEABLE = 2;

/** Plain numbers, not a stats object: this runs once per token of every record the gate sees. */
function finishToken(p: TextProfile, hash: number, tokenLength: number, kind: number): void {
  const h = tokenKey(hash);
  p.tokenHashes.push(h);
  if (isStopwordKey(h)) p.stopwordTokens++;
  if (tokenLength > p.longestToken) p.longestToken = tokenLength;
  if (kind === OTHER) return;
  p.alphaTokens++;
  if (kind === UNPRONOUNCEABLE && tokenLength >= MIN_UNPRONOUNCEABLE) p.unpronounceableTokens++;
}

function isWordAt(text: string, at: number): boolean {
  if (at >= text.length) return false;
  const unit = text.charCodeAt(at);
  if (unit >= 0x80) return NON_ASCII_WORD.test(text.charAt(at));
  const lower = unit | 0x20;
  return (lower >= 0x61 && lower <= 0x7a) || (unit >= 0x30 && unit <= 0x39);
}

const SPAM_PHRASES = ['buy now', 'click here', 'limited offer', 'work from home', 'act now', 'free money', 'make money', 'order now', 'visit my', 'discount code', 'promo code', 'earn $', 'cheap pills', '100% free'];

function countSpamPhrases(text: string): number {
  const lower = text.toLowerCase();
  let n = 0;
  for (const phrase of SPAM_PHRASES) if (lower.includes(phrase)) n++;
  return n;
}

function countUrls(text: string): number {
  return countOf(text, '[url]') + countOf(text, '://') + countOf(text, 'www.');
}

function countOf(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}
