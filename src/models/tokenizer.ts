/**
 * The one tokenizer, shared by the trainer and subscribers so a model scores text the
 * way it was trained. Input must already be lower-cased. Tokens are runs of letters and
 * digits; apostrophe contractions are split the Penn Treebank way ("don't" → "do" "n't",
 * "it's" → "it" "'s"), which also matches pre-tokenized corpora ("does n't", "it 's").
 * A charCode loop writes token ranges into a reusable Int32Array: no regex, no strings.
 */

const APOSTROPHE = 0x27;
const RIGHT_QUOTE = 0x2019;
const LOWER_N = 0x6e;
const LOWER_T = 0x74;
/** Clitics are short ("'s", "'re", "'ll"): a longer run after a lone quote is a quoted word. */
const MAX_CLITIC = 2;

/** Letters and digits; non-ASCII counts as a letter outside the punctuation/symbol blocks. */
export function isWordCode(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
  if (c < 0xc0) return c === 0xaa || c === 0xb5 || c === 0xba;
  return !(
    c === 0xd7 ||
    c === 0xf7 ||
    (c >= 0x2000 && c <= 0x2bff) ||
    (c >= 0x3000 && c <= 0x303f) ||
    (c >= 0xfe10 && c <= 0xfe6f) ||
    (c >= 0xff00 && c <= 0xff0f)
  );
}

function isQuote(c: number): boolean {
  return c === APOSTROPHE || c === RIGHT_QUOTE;
}

/**
 * Writes [start, end) pairs of every token of `s` into `ranges` (capacity at least
 * 2 * s.length) and returns the number of tokens.
 */
export function scanTokens(s: string, ranges: Int32Array): number {
  const len = s.length;
  let count = 0;
  let start = -1;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (isWordCode(c)) {
      if (start < 0) start = i;
      continue;
    }
    if (isQuote(c)) {
      const next = i + 1 < len ? s.charCodeAt(i + 1) : 0;
      if (start >= 0 && isWordCode(next)) {
        const negation =
          s.charCodeAt(i - 1) === LOWER_N && next === LOWER_T && !(i + 2 < len && isWordCode(s.charCodeAt(i + 2)));
        if (negation) {
          if (i - 1 > start) {
            ranges[count * 2] = start;
            ranges[count * 2 + 1] = i - 1;
            count++;
          }
          ranges[count * 2] = i - 1;
          ranges[count * 2 + 1] = i + 2;
          count++;
          start = -1;
          i++;
          continue;
        }
        // "it's": close "it" and let the clitic token begin at the apostrophe.
        ranges[count * 2] = start;
        ranges[count * 2 + 1] = i;
        count++;
        start = i;
        continue;
      }
      if (start < 0 && isWordCode(next)) {
        let j = i + 1;
        while (j < len && isWordCode(s.charCodeAt(j))) j++;
        if (j - i - 1 <= MAX_CLITIC) {
          ranges[count * 2] = i;
          ranges[count * 2 + 1] = j;
          count++;
          i = j - 1;
        }
        continue;
      }
    }
    if (start >= 0) {
      ranges[count * 2] = start;
      ranges[count * 2 + 1] = i;
      count++;
      start = -1;
    }
  }
  if (start >= 0) {
    ranges[count * 2] = start;
    ranges[count * 2 + 1] = len;
    count++;
  }
  return count;
}

/** The tokens of a text as strings: for tests, debugging and docs (the hot path hashes ranges). */
export function tokenize(text: string): string[] {
  const s = text.toLowerCase();
  const ranges = new Int32Array(2 * s.length + 2);
  const n = scanTokens(s, ranges);
  const tokens: string[] = [];
  for (let t = 0; t < n; t++) {
    tokens.push(s.slice(ranges[t * 2], ranges[t * 2 + 1]).replace('\u2019', "'"));
  }
  return tokens;
}
