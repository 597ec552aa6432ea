import type { Redactions } from '../records/types.js';

/**
 * PII redaction: URLs, e-mail addresses, card numbers (Luhn-checked) and phone numbers
 * become `[url]`, `[email]`, `[card]`, `[phone]`. URLs go first because they may hold
 * an `@` or digits. Every pattern is linear on adversarial input: the URL body is a
 * single character class, card and phone patterns have only bounded quantifiers, and
 * e-mails are found by a bounded scan around each `@` instead of a regex.
 */

export const PLACEHOLDER = { email: '[email]', phone: '[phone]', url: '[url]', card: '[card]' } as const;

export interface RedactionResult {
  text: string;
  redactions: Redactions;
}

const URL_PATTERN = /(?:\b(?:https?|ftp):\/\/|\bwww\.)[^\s<>"]+/gi;
/** Left in the text when a URL is followed by them: sentence punctuation, closing brackets. */
const URL_TRAILING = '.,;:!?)]}\'"';

const CARD_PATTERN = /(?<!\d)(?:\d{4}[ -]\d{6}[ -]\d{5}|(?:\d{4}[ -]?){2,4}\d{1,4})(?!\d)/g;

const PHONE_PATTERN = new RegExp(
  [
    // +CC then 3 to 5 groups of 2–4 digits: international.
    String.raw`(?<![\d+])\+\d{1,3}(?:[ .-]?\d{2,4}){3,5}(?!\d)`,
    // North American 10 digits, optional +1, optional (area code).
    String.raw`(?<![\d+])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}(?!\d)`,
    // Local 7 digits with a separator: 555-1234.
    String.raw`(?<![\d.-])\d{3}[.-]\d{4}(?!\d|[.-]\d)`,
  ].join('|'),
  'g',
);

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

export function redactPii(text: string): RedactionResult {
  const redactions: Redactions = { email: 0, phone: 0, url: 0, card: 0 };
  let out = text;
  if (out.indexOf('://') >= 0 || /www\./i.test(out)) out = redactUrls(out, redactions);
  if (out.indexOf('@') >= 0) out = redactEmails(out, redactions);
  if (/\d/.test(out)) {
    out = out.replace(CARD_PATTERN, (match) => {
      if (!isCardNumber(match)) return match;
      redactions.card++;
      return PLACEHOLDER.card;
    });
    out = out.replace(PHONE_PATTERN, () => {
      redactions.phone++;
      return PLACEHOLDER.phone;
    });
  }
  return { text: out, redactions };
}

function redactUrls(text: string, redactions: Redactions): string {
  return text.replace(URL_PATTERN, (match) => {
    let end = match.length;
    while (end > 0 && URL_TRAILING.includes(match.charAt(end - 1))) end--;
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
  while (end > at + 1 && (text.charCodeAt(end - 1) === 0x2e || text.charCodeAt(end - 1) === 0x2d)) end--;
  // Searched by hand, not lastIndexOf: that would scan past `at` and go quadratic on `a@a@a@…`.
  let lastDot = end - 1;
  while (lastDot > at + 1 && text.charCodeAt(lastDot) !== 0x2e) lastDot--;
  if (lastDot <= at + 1 || end - lastDot - 1 < 2) return undefined;
  for (let k = lastDot + 1; k < end; k++) if (!isAsciiLetter(text.charCodeAt(k))) return undefined;
  return { start, end };
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

/** 13–19 digits passing the Luhn checksum. */
export function isCardNumber(candidate: string): boolean {
  let sum = 0;
  let digits = 0;
  for (let i = candidate.length - 1; i >= 0; i--) {
    const unit = candidate.charCodeAt(i);
    if (!isDigit(unit)) continue;
    let d = unit - 0x30;
    if (digits % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    digits++;
  }
  return digits >= 13 && digits <= 19 && sum % 10 === 0;
}
