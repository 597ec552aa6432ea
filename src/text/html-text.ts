import { Parser } from 'htmlparser2';
import { cp1252ForC1, isRemovableCodePoint } from './control-chars.js';
import { MAX_ENTITY_NAME, NAMED_ENTITIES } from './html-entities.js';

/**
 * HTML character references and markup in review text.
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
 * Elements whose content is never review text: scripts, styles, templates, fallbacks for
 * disabled scripts, and embedded documents or objects. Their content is dropped whole.
 */
const DROPPED_ELEMENTS = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'noembed', 'noframes', 'object', 'svg', 'math']);

/** Elements that break a line or a box when rendered: their edges become a space. */
const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'br', 'caption', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'head', 'header', 'hgroup',
  'hr', 'html', 'img', 'input', 'legend', 'li', 'main', 'nav', 'ol', 'option', 'p', 'pre', 'section', 'summary',
  'table', 'tbody', 'td', 'textarea', 'tfoot', 'th', 'thead', 'title', 'tr', 'ul', 'wbr',
]);

/** `<` that an HTML tokenizer reads as the start of a tag, comment, doctype or processing instruction. */
const MARKUP_START = /<[a-zA-Z/!?]/;

/** More passes than any markup a person writes needs; see `markupToText`. */
const MAX_MARKUP_PASSES = 4;

/**
 * More tags than any review holds (a 20,000-character review with a tag every 4 characters).
 * htmlparser2 keeps open elements in an array it shifts, so deep nesting costs it quadratic
 * time; text with more tags than this is hostile and is treated as markup without text.
 */
export const MAX_TAGS = 5_000;

/**
 * The text an HTML fragment shows, from a real HTML parser (htmlparser2): tags go, the
 * content of `DROPPED_ELEMENTS`, comments, CDATA, doctypes and processing instructions
 * goes, block elements and `<br>` become a space, inline elements join their text.
 *
 * References are decoded before parsing, by `decodeEntities` alone (the parser does not
 * decode a second time), so entity-escaped markup (`&lt;script&gt;`) is parsed as the
 * markup it spells and never reaches training as source code. Removing markup can expose
 * markup or a reference (`&am<b></b>p;`, `<<b></b>script>`), so decode-and-parse repeats
 * until nothing changes, which keeps clean(clean(x)) === clean(x). Each pass is linear;
 * input still changing after `MAX_MARKUP_PASSES` is hostile nesting, and its remaining
 * `<` and `&` become spaces so that no later pass can find anything. Text with more than
 * `MAX_TAGS` tags is hostile and comes out empty.
 */
export function markupToText(text: string): string {
  if (!hasMarkupOrReference(text)) return text;
  if (countMarkupStarts(text, MAX_TAGS + 1) > MAX_TAGS) return '';
  let current = text;
  for (let pass = 0; pass < MAX_MARKUP_PASSES; pass++) {
    // Decoded text is the decoder's fixed point; without markup, the parser would return it unchanged.
    const decoded = decodeEntities(current);
    if (!hasMarkupStart(decoded)) return decoded;
    const next = parseToText(decoded);
    if (next === decoded) return decoded;
    current = next;
  }
  return hasMarkupOrReference(current) ? current.replace(/[<&]/g, ' ') : current;
}

/** How many `<` start markup in `text`, counting no further than `limit`. */
function countMarkupStarts(text: string, limit: number): number {
  let count = 0;
  for (let at = text.indexOf('<'); at >= 0 && count < limit; at = text.indexOf('<', at + 1)) {
    if (MARKUP_START.test(text.slice(at, at + 2))) count++;
  }
  return count;
}

/** Cheap pre-checks: most reviews have neither, and skip the decoder and the parser. */
function hasMarkupOrReference(text: string): boolean {
  return hasMarkupStart(text) || (text.indexOf('&') >= 0 && text.indexOf(';') >= 0);
}

function hasMarkupStart(text: string): boolean {
  return text.indexOf('<') >= 0 && MARKUP_START.test(text);
}

/**
 * One parser for the process, reset for every text: building an htmlparser2 Parser costs
 * more than parsing a review. Its handlers write to `parsed`; parsing is synchronous, so no
 * two texts share it at once.
 */
const parsed = { parts: [] as string[], dropped: 0 };
const parser = new Parser(
  {
    onopentagname(name) {
      if (DROPPED_ELEMENTS.has(name)) parsed.dropped++;
      else if (parsed.dropped === 0 && BLOCK_ELEMENTS.has(name)) parsed.parts.push(' ');
    },
    onclosetag(name) {
      if (DROPPED_ELEMENTS.has(name)) parsed.dropped = Math.max(0, parsed.dropped - 1);
      else if (parsed.dropped === 0 && BLOCK_ELEMENTS.has(name)) parsed.parts.push(' ');
    },
    ontext(data) {
      // Text counts only outside dropped elements.
      if (parsed.dropped === 0) parsed.parts.push(data);
    },
  },
  { decodeEntities: false, recognizeCDATA: false, recognizeSelfClosing: true },
);

function parseToText(html: string): string {
  parsed.parts = [];
  parsed.dropped = 0;
  parser.parseComplete(html);
  const text = parsed.parts.join('');
  parsed.parts = [];
  return text;
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
  // NFC, so a singleton that normalises to ASCII (U+037E → ";") is re-read as what it becomes.
  return String.fromCodePoint(codePoint).normalize('NFC');
}

function fromCodeUnits(units: number[]): string {
  const CHUNK = 8192;
  let text = '';
  for (let i = 0; i < units.length; i += CHUNK) text += String.fromCharCode(...units.slice(i, i + CHUNK));
  return text;
}
