import { cleanText } from '../text/normalize-text.js';

/** Longest text scored; matches the clean stage's default length limit. */
const MAX_CHARS = 20_000;

/**
 * Texts are scored as the model saw them in training: after the clean stage's
 * normalisation (NFC, HTML, C1 punctuation, whitespace, PII placeholders).
 */
export function prepareForPrediction(texts: readonly string[]): string[] {
  return texts.map((t) => cleanText(t, { maxChars: MAX_CHARS }).text);
}
