import type { Redactions } from '../records/types.js';
import { findIbans, findIPv4, findIPv6 } from './identifiers.js';
import { findPhoneNumbers } from './phones.js';
import type { Span } from './span.js';

/**
 * PII redaction: URLs, e-mail addresses, IP addresses, IBANs, card numbers (Luhn-checked)
 * and phone numbers become `[url]`, `[email]`, `[ip]`, `[iban]`, `[card]`, `[phone]`, in
 * that order: URLs may hold an `@`, digits or an IP address, an IBAN's digits would
 * otherwise read as a phone number. Phone numbers, IBANs and IP addresses are decided by
 * libraries (phones.ts, identifiers.ts). Everything is linear on adversarial input: the
 * URL body is a single character class, and the rest are found by bounded scans.
 *
 * Redaction is idempotent (a second clean changes nothing), which several rules below
 * exist for; tests/unit/text/pii-properties.test.ts checks it with fast-check.
 */

export const PLACEHOLDER = { email: '[email]', phone: '[phone]', url: '[url]', card: '[card]', iban: '[iban]', ip: '[ip]' } as const;

export interface RedactionResult {
  text: string;
  redactions: Redactions;
}

/**
 * Not after a word character ("awww.") nor after `]`: a placeholder's `]` must not
 * start a URL on the next clean that a digit or letter blocked on this one.
 */
const URL_PATTERN = /(?<![\w\]])(?:(?:https?|ftp):\/\/|www\.)[^\s<>"]+/gi;
/** Left in the text when a URL is followed by them: sentence punctuation, closing brackets. */
const URL_TRAILING = '.,;:!?)]}\'"';

/**
 * Redaction never lengthens text, so a text truncated to its limit before redaction stays
 * within it: the shortest URL (`www.x`) is as long as `[url]`, the shortest e-mail we
 * redact (`ab@c.de`) as long as `[email]`, IP addresses shorter than `[ip]` stay (`::1`),
 * and phones (7+ digits), IBANs (15+) and cards are longer than theirs.
 */
const MIN_URL = PLACEHOLDER.url.length;
const MIN_EMAIL = PLACEHOLDER.email.length;
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

export function redactPii(text: string): RedactionResult {
  const redactions: Redactions = { email: 0, phone: 0, url: 0, card: 0, iban: 0, ip: 0 };
  let out = text;
  if (out.indexOf('://') >= 0 || /www\./i.test(out)) out = redactUrls(out, redactions);
  if (out.indexOf('@') >= 0) out = redactEmails(out, redactions);
  // Cheap pre-check: every remaining kind holds a digit, but for IPv6 with hex letters only.
  if (out.indexOf(':') >= 0) out = redactSpans(out, findIPv6(out), 'ip', redactions);
  if (/\d/.test(out)) {
    out = redactSpans(out, findIPv4(out), 'ip', redactions);
    out = redactSpans(out, findIbans(out), 'iban', redactions);
    out = redactCards(out, redactions);
    out = redactSpans(out, findPhoneNumbers(out), 'phone', redactions);
  }
  return { text: out, redactions };
}

/** Replaces ordered, non-overlapping spans with the kind's placeholder and counts them. */
function redactSpans(text: string, spans: readonly Span[], kind: 'ip' | 'iban' | 'phone', redactions: Redactions): string {
  if (spans.length === 0) return text;
  let out = '';
  let copied = 0;
  for (const span of spans) {
    out += text.slice(copied, span.start) + PLACEHOLDER[kind];
    copied = span.end;
  }
  redactions[kind] += spans.length;
  return out + text.slice(copied);
}

function redactUrls(text: string, redactions: Redactions): string {
  return text.replace(URL_PATTERN, (match) => {
    let end = match.length;
    while (end > 0 && URL_TRAILING.includes(match.charAt(end - 1))) end--;
    // Nothing after the prefix (`www...`): not a URL, and redacting it would lengthen the text.
    if (end < MIN_URL) return match;
    redactions.url++;
    return PLACEHOLDER.url + match.slice(end);
  });
}

function redactEmails(text: string, redactions: Redactions): string {
  let out = '';
  let copied = 0;
  let at = text.indexOf('@');
  while (at >= 0) {
    const span = emailAround(text, at, copied);
    if (span === undefined) {
      at = text.indexOf('@', at + 1);
      continue;
    }
    out += text.slice(copied, span.start) + PLACEHOLDER.email;
    copied = span.end;
    redactions.email++;
    at = text.indexOf('@', span.end);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The e-mail address around the `@` at `at`, never reaching left of `floor`. */
function emailAround(text: string, at: number, floor: number): { start: number; end: number } | undefined {
  let start = at;
  while (start > floor && at - start < MAX_LOCAL && isLocalUnit(text.charCodeAt(start - 1))) start--;
  while (start < at && text.charCodeAt(start) === 0x2e) start++; // a local part never starts with '.'
  if (start === at) return undefined;
  let end = at + 1;
  while (end < text.length && end - at <= MAX_DOMAIN && isDomainUnit(text.charCodeAt(end))) end++;
  const domainEnd = domainEndBefore(text, at, end);
  if (domainEnd === undefined || domainEnd - start < MIN_EMAIL) return undefined;
  return { start, end: domainEnd };
}

/**
 * Where the domain after the `@` at `at` ends, given the run of domain characters up to
 * `runEnd`: the longest prefix that ends in a letters-only top-level label of 2+ letters
 * and is followed by a non-letter. `a@b.co4111111111111111a` is an address before a card
 * number: redacting the card later must not expose a new address on the next clean, so
 * every prefix a later redaction could cut the run at is already considered here.
 */
function domainEndBefore(text: string, at: number, runEnd: number): number | undefined {
  let end = runEnd;
  while (end > at + 1) {
    if (!isAsciiLetter(text.charCodeAt(end - 1))) {
      end--;
      continue;
    }
    let labelStart = end - 1;
    while (labelStart > at + 1 && isAsciiLetter(text.charCodeAt(labelStart - 1))) labelStart--;
    // A dot before the label, and a non-empty name before the dot.
    if (end - labelStart >= 2 && labelStart - 1 > at + 1 && text.charCodeAt(labelStart - 1) === 0x2e) return end;
    end = labelStart;
  }
  return undefined;
}

function isAsciiLetter(unit: number): boolean {
  const lower = unit | 0x20;
  return lower >= 0x61 && lower <= 0x7a;
}

function isDigit(unit: number): boolean {
  return unit >= 0x30 && unit <= 0x39;
}

function isDomainUnit(unit: number): boolean {
  return isAsciiLetter(unit) || isDigit(unit) || unit === 0x2e || unit === 0x2d;
}

/** Local-part characters we accept: letters, digits and . _ % + - */
function isLocalUnit(unit: number): boolean {
  return isDomainUnit(unit) || unit === 0x5f || unit === 0x25 || unit === 0x2b;
}

const MIN_CARD_DIGITS = 13;
const MAX_CARD_DIGITS = 19;

/**
 * Card numbers: 13–19 digits, single spaces or dashes allowed between digits, not starting
 * with 0 (no card issuer's number does). At each
 * start (a digit not after a digit) the longest Luhn-valid candidate wins; a start
 * with none consumes nothing. A regex would consume its longest (Luhn-failing) match and
 * hide a valid shorter one that a later phone redaction could expose on the next clean.
 * Each start looks at most ~40 characters ahead: linear.
 */
function redactCards(text: string, redactions: Redactions): string {
  let out = '';
  let copied = 0;
  for (let start = 0; start < text.length; start++) {
    if (!isDigit(text.charCodeAt(start)) || (start > 0 && isDigit(text.charCodeAt(start - 1)))) continue;
    // No card number starts with 0 or follows a `+`: those are phone numbers ("+86 1312 3456 123").
    if (text.charCodeAt(start) === 0x30 || text.charCodeAt(start - 1) === 0x2b) continue;
    const end = cardEndAt(text, start);
    if (end === undefined) continue;
    out += text.slice(copied, start) + PLACEHOLDER.card;
    redactions.card++;
    copied = end;
    start = end - 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** End of the longest Luhn-valid card number starting at `start`, if any. */
function cardEndAt(text: string, start: number): number | undefined {
  const digits: number[] = [];
  let best: number | undefined;
  for (let i = start; i < text.length && digits.length < MAX_CARD_DIGITS; i++) {
    const unit = text.charCodeAt(i);
    if (isDigit(unit)) {
      digits.push(unit - 0x30);
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : -1;
      if (digits.length >= MIN_CARD_DIGITS && !isDigit(next) && luhnValid(digits)) best = i + 1;
      continue;
    }
    // One separator, between two digits.
    const separator = unit === 0x20 || unit === 0x2d;
    if (!separator || i + 1 >= text.length || !isDigit(text.charCodeAt(i + 1))) break;
  }
  return best;
}

function luhnValid(digits: readonly number[]): boolean {
  let sum = 0;
  for (let k = 0; k < digits.length; k++) {
    let d = digits[digits.length - 1 - k] ?? 0;
    if (k % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** 13–19 digits (other characters ignored) passing the Luhn checksum. */
export function isCardNumber(candidate: string): boolean {
  const digits: number[] = [];
  for (let i = 0; i < candidate.length; i++) {
    const unit = candidate.charCodeAt(i);
    if (isDigit(unit)) digits.push(unit - 0x30);
  }
  return digits.length >= MIN_CARD_DIGITS && digits.length <= MAX_CARD_DIGITS && luhnValid(digits);
}
