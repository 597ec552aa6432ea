import { isProtectedNormalized, isProtectedWord, normalizeWord, STOPWORDS } from './english-words.js';
import { typo } from './keyboard-noise.js';
import { synonymsOf } from './wordnet-synonyms.js';

/**
 * EDA operations (Wei & Zou 2019) plus keyboard typos, on whitespace-separated tokens.
 * Punctuation around a word stays where it is; only the word core changes.
 *
 * Protected tokens (negations, sentiment-bearing function words, placeholders, and the
 * host of a split clitic such as `ca` in `ca n't`) are never deleted, replaced,
 * misspelled or swapped, and swaps never cross one, so a negation keeps its scope.
 */

export const EDA_OPERATIONS = ['synonym', 'insert', 'swap', 'delete', 'typo'] as const;
export type EdaOperation = (typeof EDA_OPERATIONS)[number];

export interface EdaOptions {
  /** Share of words changed by synonym/insert/swap; deletion probability per word. */
  alpha: number;
  /** Probability that a word gets one typo. */
  typoRate: number;
}

export interface Token {
  /** The whitespace-delimited token as written. */
  raw: string;
  lead: string;
  core: string;
  trail: string;
  /** Lower-cased core with typographic apostrophes folded. */
  word: string;
  isProtected: boolean;
}

export function tokenize(text: string): Token[] {
  const parts = text.split(' ').filter((part) => part.length > 0);
  const tokens = parts.map(splitToken);
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    // `ca n't`, `wo n't`: the host of a split negation is part of it.
    if (next !== undefined && isClitic(next) && isProtectedNormalized(next.word)) token.isProtected = true;
  });
  return tokens;
}

function splitToken(raw: string): Token {
  let start = 0;
  let end = raw.length;
  while (start < end && !isWordUnit(raw, start)) start++;
  while (end > start && !isWordUnit(raw, end - 1)) end--;
  const core = raw.slice(start, end);
  const word = normalizeWord(core);
  const placeholder = raw.startsWith('[') && raw.includes(']');
  return { raw, lead: raw.slice(0, start), core, trail: raw.slice(end), word, isProtected: placeholder || core.length === 0 || isProtectedNormalized(word) };
}

const WORD_UNIT = /[\p{L}\p{N}\p{M}'\u2019-]/u;

function isWordUnit(text: string, at: number): boolean {
  const unit = text.charCodeAt(at);
  if (unit < 0x80) return (unit >= 0x61 && unit <= 0x7a) || (unit >= 0x41 && unit <= 0x5a) || (unit >= 0x30 && unit <= 0x39) || unit === 0x27;
  return WORD_UNIT.test(text.charAt(at));
}

/** A split-off clitic, as in tokenized text: `n't`, `'s`, `'re`. */
function isClitic(token: Token): boolean {
  return token.word === "n't" || token.raw.startsWith("'") || token.raw.startsWith('\u2019');
}

/** Tokens whose word has WordNet synonyms and is not a stopword: synonym and insert candidates. */
function synonymCandidates(tokens: Token[]): number[] {
  const out: number[] = [];
  tokens.forEach((token, i) => {
    if (!token.isProtected && !STOPWORDS.has(token.word) && synonymsOf(token.word) !== undefined) out.push(i);
  });
  return out;
}

function pick<T>(items: readonly T[], random: () => number): T | undefined {
  return items[Math.floor(random() * items.length)];
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}

function changeCount(tokens: Token[], alpha: number): number {
  return Math.max(1, Math.round(alpha * tokens.length));
}

/** A synonym cased like the word it stands for. */
function matchCase(synonym: string, like: string): string {
  if (like.length > 1 && like === like.toUpperCase()) return synonym.toUpperCase();
  const first = like.charAt(0);
  return first !== first.toLowerCase() ? synonym.charAt(0).toUpperCase() + synonym.slice(1) : synonym;
}

function withCore(token: Token, core: string): Token {
  return { ...token, core, raw: token.lead + core + token.trail, word: normalizeWord(core) };
}

function replaceSynonyms(tokens: Token[], options: EdaOptions, random: () => number): Token[] {
  const out = tokens.slice();
  const chosen = shuffle(synonymCandidates(tokens), random).slice(0, changeCount(tokens, options.alpha));
  for (const i of chosen) {
    const token = out[i] as Token;
    const synonym = pick(synonymsOf(token.word) ?? [], random);
    if (synonym !== undefined) out[i] = withCore(token, matchCase(synonym, token.core));
  }
  return out;
}

function insertSynonyms(tokens: Token[], options: EdaOptions, random: () => number): Token[] {
  const out = tokens.slice();
  const candidates = synonymCandidates(tokens);
  for (let n = changeCount(tokens, options.alpha); n > 0 && candidates.length > 0; n--) {
    const source = tokens[pick(candidates, random) ?? 0] as Token;
    const synonym = pick(synonymsOf(source.word) ?? [], random);
    if (synonym === undefined) continue;
    let at = Math.floor(random() * (out.length + 1));
    // Never between a word and its clitic (`it 's`, `ca n't`).
    while (at < out.length && isClitic(out[at] as Token)) at++;
    out.splice(at, 0, { raw: synonym, lead: '', core: synonym, trail: '', word: synonym, isProtected: false });
  }
  return out;
}

/** Swaps pairs of unprotected, non-clitic tokens within one protected-free segment. */
function swapWords(tokens: Token[], options: EdaOptions, random: () => number): Token[] {
  const out = tokens.slice();
  const segments: number[][] = [[]];
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    const movable = !token.isProtected && !isClitic(token) && !(next !== undefined && isClitic(next));
    if (movable) segments[segments.length - 1]?.push(i);
    else if (token.isProtected) segments.push([]);
  });
  const swappable = segments.filter((segment) => segment.length >= 2);
  for (let n = changeCount(tokens, options.alpha); n > 0 && swappable.length > 0; n--) {
    const segment = pick(swappable, random) ?? [];
    const a = pick(segment, random);
    const b = pick(segment, random);
    if (a === undefined || b === undefined || a === b) continue;
    const t = out[a] as Token;
    out[a] = out[b] as Token;
    out[b] = t;
  }
  return out;
}

function deleteWords(tokens: Token[], options: EdaOptions, random: () => number): Token[] {
  if (tokens.length <= 1) return tokens;
  const kept: Token[] = [];
  for (const token of tokens) {
    if (token.isProtected || random() >= options.alpha) {
      kept.push(token);
      continue;
    }
    // The sentence keeps its punctuation: `walked out.` minus `out.` is `walked.`
    const previous = kept[kept.length - 1];
    if (token.trail.length > 0 && previous !== undefined) kept[kept.length - 1] = { ...previous, raw: previous.raw + token.trail, trail: previous.trail + token.trail };
  }
  if (kept.length > 0) return kept;
  // Everything unprotected went: keep one word, as EDA does.
  return [pick(tokens, random) as Token];
}

function addTypos(tokens: Token[], options: EdaOptions, random: () => number): Token[] {
  const eligible = tokens.flatMap((token, i) => (!token.isProtected && /^[A-Za-z]{3,}$/.test(token.core) ? [i] : []));
  const hit = eligible.filter(() => random() < options.typoRate);
  // At least one typo, so the copy differs from its parent.
  const forced = pick(eligible, random);
  if (hit.length === 0 && forced !== undefined) hit.push(forced);
  const out = tokens.slice();
  for (const i of hit) {
    const token = out[i] as Token;
    const misspelt = typo(token.core, random);
    // "bot" → "not" would add a negation: keep the word as it was.
    if (!isProtectedWord(misspelt)) out[i] = withCore(token, misspelt);
  }
  return out;
}

const OPERATIONS: Record<EdaOperation, (tokens: Token[], options: EdaOptions, random: () => number) => Token[]> = {
  synonym: replaceSynonyms,
  insert: insertSynonyms,
  swap: swapWords,
  delete: deleteWords,
  typo: addTypos,
};

export function applyOperation(operation: EdaOperation, tokens: Token[], options: EdaOptions, random: () => number): Token[] {
  return OPERATIONS[operation](tokens, options, random);
}

export function joinTokens(tokens: Token[]): string {
  return tokens.map((token) => token.raw).join(' ');
}
