/**
 * Control and invisible format characters. Windows-1252 text decoded as Latin-1 stores
 * its punctuation as C1 controls (U+0096 for "–"); those are mapped back through the
 * cp1252 table. Every other control or invisible format character is removed.
 */

/** cp1252 bytes 0x80–0x9F; `undefined` where cp1252 leaves the byte unassigned. */
const CP1252_C1: ReadonlyArray<string | undefined> = [
  '\u20AC', undefined, '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
  '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', undefined, '\u017D', undefined,
  undefined, '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
  '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', undefined, '\u017E', '\u0178',
];

/**
 * Tab, line feed and carriage return stay (whitespace collapsing handles them); soft
 * hyphen, zero-width space, direction marks and overrides, word joiners and the BOM go.
 * Zero-width (non-)joiners stay: emoji sequences and several scripts need them.
 */
const REMOVABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\xAD\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
const REMOVABLE_TEST = new RegExp(REMOVABLE.source);

/** The cp1252 character a C1 code point stands for, or undefined if it has none. */
export function cp1252ForC1(codePoint: number): string | undefined {
  return codePoint >= 0x80 && codePoint <= 0x9f ? CP1252_C1[codePoint - 0x80] : undefined;
}

/** True for a code point `mapControlChars` would remove (not counting C1 with a cp1252 meaning). */
export function isRemovableCodePoint(codePoint: number): boolean {
  return codePoint <= 0xffff && REMOVABLE_TEST.test(String.fromCharCode(codePoint));
}

export function mapControlChars(text: string): string {
  if (!REMOVABLE_TEST.test(text)) return text;
  return text.replace(REMOVABLE, (ch) => cp1252ForC1(ch.charCodeAt(0)) ?? '');
}

interface WellFormable {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** Lone surrogates become U+FFFD, so every later step (and Avro's UTF-8) sees valid text. */
export function toWellFormed(text: string): string {
  const s = text as unknown as WellFormable;
  return s.isWellFormed() ? text : s.toWellFormed();
}
