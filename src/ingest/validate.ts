/**
 * Checks one input object against the review contract `{text, label?, rating?, id?,
 * source?}` and turns it into a RawReview. Unknown extra fields are ignored. A failure is a
 * value with a reason a person can act on, never an exception: one bad record must not
 * stop a file.
 *
 * Rating rule (the aclImdb convention, 1–10 scale; 0 is accepted as the bottom of the
 * scale): where no label is given, rating >= 7 is positive (1), rating <= 4 is negative
 * (0), and anything between leaves the record unlabeled (label null). A given label always
 * wins over the rating; the rating is kept as it was.
 */
import type { RawReview } from '../records/types.js';
import type { IngestLimits } from './types.js';

export interface ValidationContext {
  /** Line (or running index) the object came from; part of a derived id. */
  line: number;
  limits: IngestLimits;
  /** `ingestedAt` of the record, epoch ms. */
  now: number;
  defaultSource: string;
}

export type ValidationResult = { ok: true; record: RawReview } | { ok: false; reason: string };

export const RATING_MIN = 0;
export const RATING_MAX = 10;
export const RATING_POSITIVE_FROM = 7;
export const RATING_NEGATIVE_UP_TO = 4;
export const MAX_ID_LENGTH = 512;

const NON_BLANK = /\S/;

export function validateReview(obj: unknown, context: ValidationContext): ValidationResult {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    return fail(`expected a JSON object, got ${typeName(obj)}`);
  }
  const input = obj as Record<string, unknown>;

  const text = input['text'];
  if (text === undefined) return fail('missing "text"');
  if (typeof text !== 'string') return fail(`"text" must be a string, got ${typeName(text)}`);
  if (!NON_BLANK.test(text)) return fail('text is empty');
  // A UTF-16 code unit is at most 3 UTF-8 bytes, so most texts skip the exact count.
  if (text.length * 3 > context.limits.maxTextBytes) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > context.limits.maxTextBytes) return fail(`text is ${bytes} bytes, over the ${context.limits.maxTextBytes}-byte limit`);
  }

  const label = input['label'];
  if (label !== undefined && label !== null && label !== 0 && label !== 1) {
    return fail(`"label" must be 0 or 1, got ${show(label)}`);
  }
  const rating = input['rating'];
  if (rating !== undefined && rating !== null && !isRating(rating)) {
    return fail(`"rating" must be a number between ${RATING_MIN} and ${RATING_MAX}, got ${show(rating)}`);
  }

  const source = input['source'];
  if (source !== undefined && source !== null && (typeof source !== 'string' || source === '')) {
    return fail(`"source" must be a non-empty string, got ${show(source)}`);
  }
  const effectiveSource = typeof source === 'string' ? source : context.defaultSource;

  const id = input['id'];
  let effectiveId: string;
  if (id === undefined || id === null) {
    effectiveId = deriveId({ source: effectiveSource, line: context.line, text });
  } else if (typeof id === 'string' && id !== '') {
    if (id.length > MAX_ID_LENGTH) return fail(`"id" is ${id.length} characters, over the ${MAX_ID_LENGTH}-character limit`);
    effectiveId = id;
  } else if (typeof id === 'number' && Number.isSafeInteger(id)) {
    effectiveId = String(id); // numeric ids from spreadsheets and databases are common
  } else {
    return fail(`"id" must be a non-empty string or an integer, got ${show(id)}`);
  }

  const ratingValue = typeof rating === 'number' ? rating : null;
  const labelValue = label === 0 || label === 1 ? label : labelFromRating(ratingValue);
  return {
    ok: true,
    record: { id: effectiveId, text, label: labelValue, rating: ratingValue, source: effectiveSource, ingestedAt: context.now },
  };
}

export function labelFromRating(rating: number | null): number | null {
  if (rating === null) return null;
  if (rating >= RATING_POSITIVE_FROM) return 1;
  if (rating <= RATING_NEGATIVE_UP_TO) return 0;
  return null;
}

/**
 * A stable id for a record that brought none: the same file produced twice gives the same
 * ids. The content hash keeps ids distinct when two inputs share a source name.
 */
export function deriveId(options: { source: string; line: number; text: string }): string {
  return `${options.source}:${options.line}:${fnv1a32(options.text).toString(16).padStart(8, '0')}`;
}

/** FNV-1a over UTF-16 code units: cheap, and only has to separate texts on the same line. */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function isRating(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= RATING_MIN && value <= RATING_MAX;
}

function fail(reason: string): ValidationResult {
  return { ok: false, reason };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A value as it appears in the input, cut short so a reason stays one readable line. */
function show(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}
