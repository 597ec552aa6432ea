import { isPossiblePhoneNumber, isValidPhoneNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { Span } from './span.js';

/**
 * Phone numbers in review text, decided by libphonenumber-js (Google's libphonenumber
 * metadata) rather than a hand-written pattern. This module only cuts the text into
 * candidate digit groups and keeps known non-phone shapes out; the library says whether
 * a candidate is a number.
 *
 *  - International: `+CC …` or `00CC …` is a phone when its digits are a possible number
 *    for the calling code (any country, not only those below).
 *  - National, formatted (two or more digit groups: spaces, dots, dashes, parentheses):
 *    a phone when the digits are a possible number in one of `NATIONAL_COUNTRIES`.
 *  - National, one bare run of digits: a phone only when it is a valid number (number
 *    plan, not just length) in one of `NATIONAL_COUNTRIES`; order and reference numbers
 *    are bare runs too.
 *
 * Candidates are runs of digit groups; a run with a phone number anywhere in it is redacted
 * whole (a neighbouring year goes with it), so no part of a number is left behind.
 *
 * Kept out before the library is asked: fewer than 7 digits (years, runtimes, most model
 * numbers); ratings and fractions (8/10 9/10); digit groups glued to a letter (model numbers such as
 * KD-55X80J, 1080p); dates (12.05.2019, 2019-05-12); year ranges (1999-2004); thousands
 * (1 299 000, 12.345.678); amounts next to a currency sign or code; ISBN-13s.
 */

/** The 20 most populous countries (UN, 2024) and four large European ones, for national formats. */
export const NATIONAL_COUNTRIES: readonly CountryCode[] = [
  'IN', 'CN', 'US', 'ID', 'PK', 'NG', 'BR', 'BD', 'RU', 'ET',
  'MX', 'JP', 'EG', 'PH', 'CD', 'VN', 'IR', 'TR', 'DE', 'TH',
  'GB', 'FR', 'IT', 'ES',
];

const MIN_DIGITS = 7;
/** E.164 allows 15 digits; a `00` international prefix adds two. */
const MAX_DIGITS = 17;
/** Characters allowed between two digit groups (space . - ( ) /), at most `MAX_GAP` of them. */
const MAX_GAP = 3;
/**
 * Candidate windows the library checks per text (each asks up to 24 countries at ~40 µs
 * each). Past the budget a window that passes the shape rules is redacted unasked: hostile
 * digit soup costs bounded time and fails closed. A second clean sees only windows the
 * library already rejected, fewer than the budget, so redaction stays idempotent.
 */
const LIBRARY_BUDGET = 32;

interface Group {
  /** Index of the first digit and one past the last. */
  start: number;
  end: number;
  /** Where the characters between the previous group and this one start (`start` for the first). */
  gapStart: number;
}

/** Spans of `text` that are phone numbers, in order, not overlapping. */
export function findPhoneNumbers(text: string): Span[] {
  const found: Span[] = [];
  const budget = { left: LIBRARY_BUDGET };
  const digit = /\d/g;
  let i = 0;
  while (i < text.length) {
    digit.lastIndex = i;
    const next = digit.exec(text);
    if (next === null) break;
    i = next.index;
    const groups = groupsFrom(text, i);
    const last = groups[groups.length - 1] as Group;
    if (last.end - i >= MIN_DIGITS) {
      for (const run of usableRuns(text, groups)) findInRun(text, run, found, budget);
    }
    i = last.end;
  }
  return found;
}

/** The run of digit groups starting at `start` (a digit), joined by short gaps. */
function groupsFrom(text: string, start: number): Group[] {
  const groups: Group[] = [];
  let gapStart = start;
  let i = start;
  for (;;) {
    const groupStart = i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    groups.push({ start: groupStart, end: i, gapStart });
    gapStart = i;
    let j = i;
    while (j < text.length && j - i < MAX_GAP && isGapUnit(text.charCodeAt(j))) j++;
    if (j === i || j >= text.length || !isDigit(text.charCodeAt(j))) return groups;
    i = j;
  }
}

/**
 * The runs of groups that may belong to a phone number: a group glued to a letter (or to
 * `]`, where a placeholder stands for redacted digits) is part of a code, so it splits the
 * run there.
 */
function usableRuns(text: string, groups: Group[]): Group[][] {
  const runs: Group[][] = [];
  let run: Group[] = [];
  for (const g of groups) {
    const glued = (g.gapStart === g.start && isGlue(text.charCodeAt(g.start - 1))) || isGlue(text.charCodeAt(g.end));
    if (!glued) {
      run.push(g);
      continue;
    }
    if (run.length > 0) runs.push(run);
    run = [];
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function isGlue(unit: number): boolean {
  if (Number.isNaN(unit) || unit < 0x41) return false;
  if (unit === 0x5d || unit === 0x5f) return true; // ] and _
  if (unit < 0x80) return isAsciiLetter(unit);
  return /\p{L}/u.test(String.fromCharCode(unit));
}

/**
 * A run of digit groups holding a phone number anywhere is redacted whole: a longest-first
 * choice of windows could take a neighbouring year or code and leave part of the number
 * ("1234 5678 9012 030 12345678"), so the run fails closed. A run that as a whole is
 * another kind of number (an ISBN, a date) is left whole: its parts are not phones either.
 */
function findInRun(text: string, groups: Group[], found: Span[], budget: { left: number }): void {
  const first = groups[0] as Group;
  const international = text.charCodeAt(first.start - 1) === 0x2b;
  if (!international && groups.length > 1 && groups.length <= 8 && looksLikeOtherNumber(text, groups, groups.map((g) => text.slice(g.start, g.end)))) return;
  for (let i = 0; i < groups.length; i++) {
    if (!hasPhoneFrom(text, groups, i, budget)) continue;
    const stop = (groups[groups.length - 1] as Group).end;
    let start = international ? first.start - 1 : first.start;
    // "(555) 123-4567", "(+44) 20 …": the opening parenthesis goes with the number it opens.
    if (text.charCodeAt(start - 1) === 0x28 && text.slice(start, stop).includes(')')) start--;
    found.push({ start, end: stop });
    return;
  }
}

/** Whether some window of groups starting at `from` is a phone number, longest first. */
function hasPhoneFrom(text: string, groups: Group[], from: number, budget: { left: number }): boolean {
  const counts: number[] = [];
  let digits = 0;
  for (let k = from; k < groups.length; k++) {
    const g = groups[k] as Group;
    digits += g.end - g.start;
    if (digits > MAX_DIGITS) break;
    counts.push(digits);
  }
  for (let to = from + counts.length - 1; to >= from; to--) {
    if ((counts[to - from] as number) < MIN_DIGITS) return false;
    if (isPhoneWindow(text, groups.slice(from, to + 1), from === 0, budget)) return true;
  }
  return false;
}

function isPhoneWindow(text: string, window: Group[], atRunStart: boolean, budget: { left: number }): boolean {
  const parts = window.map((g) => text.slice(g.start, g.end));
  const digits = parts.join('');
  const first = window[0] as Group;
  const plus = atRunStart && text.charCodeAt(first.start - 1) === 0x2b;
  const international = plus || digits.startsWith('00');
  if (!international && (digits.length > 15 || looksLikeOtherNumber(text, window, parts))) return false;
  if (budget.left <= 0) return true;
  budget.left--;
  if (international) return isInternational(plus ? digits : digits.slice(2), window, text);
  if (window.length === 1) return NATIONAL_COUNTRIES.some((c) => isValidPhoneNumber(digits, c));
  return NATIONAL_COUNTRIES.some((c) => isPossiblePhoneNumber(digits, c));
}

/** `+CC …`: possible for its calling code, also with a `(0)` trunk prefix written after the code. */
function isInternational(digits: string, window: Group[], text: string): boolean {
  if (parsePhoneNumberFromString(`+${digits}`)?.isPossible() === true) return true;
  const trunk = window.findIndex((g, k) => k > 0 && g.end - g.start === 1 && text.charCodeAt(g.start - 1) === 0x28);
  if (trunk < 0) return false;
  let withoutTrunk = '';
  let offset = 0;
  window.forEach((g, k) => {
    const length = g.end - g.start;
    if (k !== trunk) withoutTrunk += digits.slice(offset, offset + length);
    offset += length;
  });
  return parsePhoneNumberFromString(`+${withoutTrunk}`)?.isPossible() === true;
}

const CURRENCY_CODE = /^\s?(?:usd|eur|gbp|inr|jpy|cny|rmb|rub|brl|mxn|try|chf|dollars?|euros?|pounds?|rupees?|yen|yuan|rubles?|reais|pesos?|lira)\b/i;
const CURRENCY_SIGN = /\p{Sc}/u;

/** Shapes that are numbers but not phone numbers: amounts, thousands, dates, years, ISBNs. */
function looksLikeOtherNumber(text: string, window: Group[], parts: string[]): boolean {
  const first = window[0] as Group;
  const last = window[window.length - 1] as Group;
  const before = text.slice(Math.max(0, first.start - 2), first.start);
  const after = text.slice(last.end, last.end + 12);
  if (CURRENCY_SIGN.test(before) || CURRENCY_SIGN.test(after.slice(0, 2)) || CURRENCY_CODE.test(after)) return true;
  const gaps = window.slice(1).map((g) => text.slice(g.gapStart, g.start));
  return isThousands(parts, gaps) || isDate(parts) || isYearList(parts) || isIsbn13(parts.join('')) || hasFraction(parts, gaps);
}

/** 8/10 9/10, 3/4: a slash between two groups of at most 3 digits is a rating or a fraction (030/1234567 is a number). */
function hasFraction(parts: string[], gaps: string[]): boolean {
  return gaps.some((g, k) => g.includes('/') && (parts[k] ?? '').length <= 3 && (parts[k + 1] ?? '').length <= 3);
}

/** 1 299 000, 12.345.678: a 1–2 digit lead without a leading 0, then 3-digit groups, one separator. */
function isThousands(parts: string[], gaps: string[]): boolean {
  const lead = parts[0] ?? '';
  if (parts.length < 3 || lead.length > 2 || lead.startsWith('0')) return false;
  return parts.slice(1).every((p) => p.length === 3) && gaps.every((g) => g === gaps[0] && (g === ' ' || g === '.'));
}

/** d.m.yyyy, dd-mm-yyyy, yyyy-mm-dd (any of our separators), with a plausible day and month. */
function isDate(parts: string[]): boolean {
  if (parts.length !== 3) return false;
  const [a, b, c] = parts as [string, string, string];
  if (a.length === 4) return isYear(a) && isMonth(b) && isDay(c);
  return c.length === 4 && isYear(c) && a.length <= 2 && b.length <= 2 && ((isDay(a) && isMonth(b)) || (isMonth(a) && isDay(b)));
}

/** 1999-2004, 1999 2004 2010: every group a year. */
function isYearList(parts: string[]): boolean {
  return parts.length >= 2 && parts.every((p) => p.length === 4 && isYear(p));
}

function isYear(p: string): boolean {
  const n = Number(p);
  return p.length === 4 && n >= 1800 && n <= 2099;
}

function isMonth(p: string): boolean {
  const n = Number(p);
  return p.length <= 2 && n >= 1 && n <= 12;
}

function isDay(p: string): boolean {
  const n = Number(p);
  return p.length <= 2 && n >= 1 && n <= 31;
}

/** 978/979 and the ISBN-13 check digit. */
function isIsbn13(digits: string): boolean {
  if (digits.length !== 13 || !(digits.startsWith('978') || digits.startsWith('979'))) return false;
  let sum = 0;
  for (let k = 0; k < 13; k++) sum += (digits.charCodeAt(k) - 0x30) * (k % 2 === 0 ? 1 : 3);
  return sum % 10 === 0;
}

function isDigit(unit: number): boolean {
  return unit >= 0x30 && unit <= 0x39;
}

function isGapUnit(unit: number): boolean {
  return unit === 0x20 || unit === 0x2e || unit === 0x2d || unit === 0x28 || unit === 0x29 || unit === 0x2f;
}

function isAsciiLetter(unit: number): boolean {
  const lower = unit | 0x20;
  return lower >= 0x61 && lower <= 0x7a;
}
