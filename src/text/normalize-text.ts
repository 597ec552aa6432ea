import { mapControlChars, toWellFormed } from './control-chars.js';
import { markupToText } from './html-text.js';
import { redactPii, type RedactionResult } from './pii.js';

/**
 * The text pipeline of the clean stage, shared with prediction (models/prepare.ts) so a
 * model scores text exactly as it was trained on. The order matters for idempotence
 * (clean(clean(x)) === clean(x)):
 *  1. lone surrogates → U+FFFD, so later steps and UTF-8 encoding see valid text;
 *  2. C1 controls → cp1252 punctuation, other controls removed — before decoding, so a
 *     removed control cannot join two halves of a reference on the next run;
 *  3. NFC, before markup: a few characters normalise to ASCII (U+037E → ";", the Kelvin
 *     sign → "K") and could otherwise complete a reference on the next run;
 *  4. references decoded and markup parsed to their fixed point (html-text.ts): the text
 *     an HTML renderer shows, without scripts, styles, comments and the like;
 *  5. NFC again where markup changed the text, because references may spell out
 *     combining marks (composition never produces ASCII, so it cannot form markup);
 *  6. whitespace collapsed and trimmed;
 * `cleanText` then truncates and redacts PII; placeholders are bracketed, so they never
 * join their neighbours into a new match.
 */
export function normalizeText(raw: string): string {
  let text = mapControlChars(toWellFormed(raw));
  if (!isAscii(text)) text = text.normalize('NFC');
  const shown = markupToText(text);
  text = shown !== text && !isAscii(shown) ? shown.normalize('NFC') : shown;
  return collapseWhitespace(text);
}

export interface CleanTextOptions {
  maxChars: number;
}

export interface CleanTextResult extends RedactionResult {
  truncated: boolean;
}

/**
 * Normalises, truncates, then redacts. Redaction never lengthens text (see pii.ts), so
 * the result stays within `maxChars`, and truncating first means a cut can never split
 * a number whose redaction depended on the part cut away (card groups span spaces).
 */
export function cleanText(raw: string, options: CleanTextOptions): CleanTextResult {
  const normalized = normalizeText(raw);
  const truncated = normalized.length > options.maxChars;
  const redacted = redactPii(truncated ? truncateAtWord(normalized, options.maxChars) : normalized);
  return { ...redacted, truncated };
}

const NON_ASCII = /[^\x00-\x7f]/;

function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** Only runs of 2+ and non-space whitespace are rewritten: a single space between words is left alone. */
export function collapseWhitespace(text: string): string {
  return hasOnlySingleInnerSpaces(text) ? text : text.replace(/[^\S ]\s*|\s{2,}/g, ' ').trim();
}

/**
 * True when the regex above and trim() would change nothing: ASCII text whose only
 * whitespace is single spaces between other characters. Checked on char codes because
 * most reviews are such text, and the replace and trim each cost a pass and a string.
 */
function hasOnlySingleInnerSpaces(text: string): boolean {
  let previousSpace = true; // a leading space needs trimming
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0x20) {
      if (previousSpace) return false;
      previousSpace = true;
    } else if (unit < 0x21 || unit > 0x7e) {
      return false; // other whitespace, controls, or non-ASCII (which has whitespace of its own)
    } else previousSpace = false;
  }
  return !previousSpace || text.length === 0;
}

/**
 * Cuts to at most `maxChars` UTF-16 units at the last space, so no word, placeholder or
 * number is split (a cut number could turn into a new phone match on the next clean).
 * Text with no space in range is cut hard and loses its trailing partial word.
 */
export function truncateAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const space = text.lastIndexOf(' ', maxChars);
  if (space > 0) return text.slice(0, space).trimEnd();
  let end = maxChars;
  while (end > 0 && /[\p{L}\p{N}\p{M}]/u.test(text.charAt(end - 1))) end--;
  // Never leave half a surrogate pair.
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end).trimEnd();
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
