import { cp1252ForC1, isRemovableCodePoint } from './control-chars.js';
import { MAX_ENTITY_NAME, NAMED_ENTITIES } from './html-entities.js';

/**
 * HTML character references and tags in review text.
 *
 * Decoding runs to a fixed point in one linear pass: a reference is recognised when its
 * `;` arrives, and its decoded text is pushed back into the input, so double-encoded
 * text (`&amp;lt;`) and references split by other references (`&amp&#59;`) resolve now
 * rather than on a second cleaning. Each decode shortens the text, so the pass is O(n).
 */

const AMPERSAND = 0x26;
const SEMICOLON = 0x3b;
const HASH = 0x23;
/** `#x10FFFF` is 8 units; two more tolerate a couple of leading zeros. */
const MAX_BODY = Math.max(MAX_ENTITY_NAME, 10);

export function decodeEntities(text: string): string {
  if (text.indexOf('&') < 0 || text.indexOf(';') < 0) return text;
  const out: number[] = [];
  // Decoded text waiting to be re-read, last unit first.
  const pushback: number[] = [];
  let next = 0;
  for (;;) {
    let unit: number;
    const pushed = pushback.pop();
    if (pushed !== undefined) unit = pushed;
    else if (next < text.length) unit = text.charCodeAt(next++);
    else break;
    if (unit !== SEMICOLON) {
      out.push(unit);
      continue;
    }
    const ampersand = lastAmpersand(out);
    const decoded = ampersand < 0 ? undefined : decodeBody(out, ampersand + 1);
    if (decoded === undefined) {
      out.push(unit);
      continue;
    }
    out.length = ampersand;
    for (let k = decoded.length - 1; k >= 0; k--) pushback.push(decoded.charCodeAt(k));
  }
  return fromCodeUnits(out);
}

/**
 * Replaces every tag-like span `<x ... >` (x a letter, `/`, `!` or `?`) with a space,
 * innermost first, in one linear pass with a stack of open `<`: removing `</i>` from
 * `<?</i>>` closes the outer `<? >` too, so no second cleaning finds a new tag.
 */
export function stripTags(text: string): string {
  if (text.indexOf('<') < 0 || text.indexOf('>') < 0) return text;
  const out: number[] = [];
  // Output indices of `<` that open a tag and are not closed yet.
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === LESS_THAN && i + 1 < text.length && opensTag(text.charCodeAt(i + 1))) open.push(out.length);
    if (unit === GREATER_THAN) {
      const start = open.pop();
      if (start !== undefined) {
        out.length = start;
        out.push(SPACE);
        continue;
      }
    }
    out.push(unit);
  }
  return fromCodeUnits(out);
}

const LESS_THAN = 0x3c;
const GREATER_THAN = 0x3e;
const SPACE = 0x20;

function opensTag(unit: number): boolean {
  const lower = unit | 0x20;
  return (lower >= 0x61 && lower <= 0x7a) || unit === 0x2f || unit === 0x21 || unit === 0x3f;
}

function lastAmpersand(out: number[]): number {
  const stop = Math.max(0, out.length - MAX_BODY - 1);
  for (let k = out.length - 1; k >= stop; k--) if (out[k] === AMPERSAND) return k;
  return -1;
}

/** The text `out[start..]` stands for as a reference body (without `&` and `;`), if any. */
function decodeBody(out: number[], start: number): string | undefined {
  if (start >= out.length) return undefined;
  if (out[start] === HASH) return decodeNumeric(out, start + 1);
  let name = '';
  for (let k = start; k < out.length; k++) name += String.fromCharCode(out[k] ?? 0);
  return NAMED_ENTITIES.get(name);
}

function decodeNumeric(out: number[], start: number): string | undefined {
  let k = start;
  const hex = out[k] === 0x78 || out[k] === 0x58; // x or X
  if (hex) k++;
  if (k >= out.length) return undefined;
  let value = 0;
  for (; k < out.length; k++) {
    const digit = digitValue(out[k] ?? 0, hex);
    if (digit < 0) return undefined;
    value = value * (hex ? 16 : 10) + digit;
  }
  return codePointText(value);
}

function digitValue(unit: number, hex: boolean): number {
  if (unit >= 0x30 && unit <= 0x39) return unit - 0x30;
  if (!hex) return -1;
  const lower = unit | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** HTML5's numeric reference rules, plus our control-character policy. */
function codePointText(codePoint: number): string {
  if (codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return '\uFFFD';
  const cp1252 = cp1252ForC1(codePoint);
  if (cp1252 !== undefined) return cp1252;
  if (isRemovableCodePoint(codePoint)) return '';
  return String.fromCodePoint(codePoint);
}

function fromCodeUnits(units: number[]): string {
  const CHUNK = 8192;
  let text = '';
  for (let i = 0; i < units.length; i += CHUNK) text += String.fromCharCode(...units.slice(i, i + CHUNK));
  return text;
}
