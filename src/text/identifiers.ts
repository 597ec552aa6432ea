import { isIPv4, isIPv6 } from 'node:net';
import { countrySpecs, isValidIBAN } from 'ibantools';
import type { Span } from './span.js';

/**
 * IBANs and IP addresses in review text. Candidates are cut out with bounded scans; the
 * decision is a library's: ibantools checks an IBAN's country, length, BBAN format and
 * mod-97 checksum, Node's `net` parses IPv4 and IPv6 addresses.
 */

/** Shortest text an IP redaction may replace, so redaction never lengthens text (`::1` stays). */
const MIN_IP_CHARS = '[ip]'.length;

/**
 * Dotted quads not inside a longer dotted number or word, nor next to a placeholder (where
 * the first clean saw a digit). `isIPv4` rejects octets over 255 and leading zeros.
 */
const IPV4_CANDIDATE = /(?<![\w.\]])(?:\d{1,3}\.){3}\d{1,3}(?![\w\[]|\.[\d\[])/g;

/** Cheap pre-checks, so most texts skip the scans below. */
const IPV4_HINT = /\d\.\d+\.\d+\.\d/;
const IPV6_HINT = /:[0-9A-Fa-f.]{0,15}:/;
const IBAN_HINT = /[A-Za-z]{2}\d\d/;

/** IPv4 addresses: dotted quads `isIPv4` accepts. */
export function findIPv4(text: string): Span[] {
  if (text.indexOf('.') < 0 || !IPV4_HINT.test(text)) return [];
  const spans: Span[] = [];
  for (const m of text.matchAll(IPV4_CANDIDATE)) {
    if (isIPv4(m[0])) spans.push({ start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

/**
 * IPv6 addresses: maximal runs of hex digits, `:` and `.` (an embedded IPv4 tail) with at
 * least two colons, not glued to other word characters, that `isIPv6` accepts after
 * sentence punctuation is trimmed from their ends.
 */
export function findIPv6(text: string): Span[] {
  if (!IPV6_HINT.test(text)) return [];
  const spans: Span[] = [];
  let i = 0;
  while (i < text.length) {
    if (!isV6Unit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i;
    let colons = 0;
    while (end < text.length && isV6Unit(text.charCodeAt(end))) {
      if (text.charCodeAt(end) === 0x3a) colons++;
      end++;
    }
    const span = colons >= 2 && !nextToPlaceholder(text, i, end) ? trimToAddress(text, i, end) : undefined;
    if (span && !isGlued(text, span.start, span.end)) spans.push(span);
    i = end;
  }
  return spans;
}

function trimToAddress(text: string, start: number, end: number): Span | undefined {
  let s = start;
  let e = end;
  // A single leading colon is punctuation ("ip:fe80::1"); "::" starts an address.
  if (text.charCodeAt(s) === 0x3a && text.charCodeAt(s + 1) !== 0x3a) s++;
  // Trailing "." or ":" is punctuation unless it ends the address with "::".
  while (e > s && (text.charCodeAt(e - 1) === 0x2e || (text.charCodeAt(e - 1) === 0x3a && text.charCodeAt(e - 2) !== 0x3a))) e--;
  if (e - s < MIN_IP_CHARS || !isIPv6(text.slice(s, e))) return undefined;
  return { start: s, end: e };
}

function isV6Unit(unit: number): boolean {
  const lower = unit | 0x20;
  return (unit >= 0x30 && unit <= 0x3a) || (lower >= 0x61 && lower <= 0x66) || unit === 0x2e;
}

/**
 * A run touching a placeholder was cut by a later redaction on an earlier clean, when the
 * whole run was not an address; it is not one now either.
 */
function nextToPlaceholder(text: string, start: number, end: number): boolean {
  return text.charAt(start - 1) === ']' || text.charAt(end) === '[';
}

/** A run that continues into other letters, digits, `_` or a placeholder is part of a word. */
function isGlued(text: string, start: number, end: number): boolean {
  return isWordish(text.charAt(start - 1)) || isWordish(text.charAt(end));
}

function isWordish(ch: string): boolean {
  return ch !== '' && (/[\p{L}\p{N}_\]\[]/u.test(ch));
}

/** Two letters and two check digits, not inside a word. */
const IBAN_START = /(?<![\p{L}\p{N}_\]])[A-Za-z]{2}\d{2}/gu;

/**
 * IBANs, written electronically (DE89370400440532013000) or in print (groups of four
 * separated by spaces or dashes), upper or lower case. From each start the country's IBAN
 * length is read off; the candidate must end there, not inside a longer word.
 */
export function findIbans(text: string): Span[] {
  if (!IBAN_HINT.test(text)) return [];
  const spans: Span[] = [];
  let floor = 0;
  for (const m of text.matchAll(IBAN_START)) {
    if (m.index < floor) continue;
    const length = countrySpecs[m[0].slice(0, 2).toUpperCase()]?.chars;
    if (typeof length !== 'number') continue;
    const span = ibanAt(text, m.index, length);
    if (span) {
      spans.push(span);
      floor = span.end;
    }
  }
  return spans;
}

function ibanAt(text: string, start: number, length: number): Span | undefined {
  let count = 0;
  let i = start;
  while (i < text.length && count < length) {
    const unit = text.charCodeAt(i);
    if (isAlnum(unit)) {
      count++;
      i++;
      continue;
    }
    // One space or dash, between two characters of the IBAN.
    if ((unit === 0x20 || unit === 0x2d) && isAlnum(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    return undefined;
  }
  if (count < length || isAlnum(text.charCodeAt(i))) return undefined;
  const electronic = text.slice(start, i).replace(/[ -]/g, '').toUpperCase();
  return isValidIBAN(electronic) ? { start, end: i } : undefined;
}

function isAlnum(unit: number): boolean {
  const lower = unit | 0x20;
  return (unit >= 0x30 && unit <= 0x39) || (lower >= 0x61 && lower <= 0x7a);
}
