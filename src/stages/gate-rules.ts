import type { TextProfile } from './text-profile.js';

/**
 * The gate's per-record rules. Each failing rule adds its reason code; a record is
 * accepted only when none fails. Thresholds come from the gate's options, whose defaults
 * are tuned on the real review data in ../shared/data (see bench/stages-pure.ts).
 */
export const REASON = {
  tooShort: 'too-short',
  /** Nothing left after cleaning: blank, controls only, or markup only (tags, script/style source, comments). */
  noText: 'no-text',
  tooLong: 'too-long',
  missingLabel: 'missing-label',
  invalidLabel: 'invalid-label',
  gibberish: 'gibberish',
  charRepetition: 'char-repetition',
  urlDensity: 'url-density',
  spam: 'spam',
  punctuationDensity: 'punctuation-density',
  nonText: 'non-text',
  nearDuplicate: 'near-duplicate',
  language: 'language',
} as const;

export interface RuleThresholds {
  minChars: number;
  minTokens: number;
  maxChars: number;
  maxCharRun: number;
  maxTokenChars: number;
  gibberishRatio: number;
  maxUrlRatio: number;
  maxPunctuationRatio: number;
  minLetterRatio: number;
  language: boolean;
  languageMinTokens: number;
  minStopwordRatio: number;
}

export function ruleReasons(label: number | null, p: TextProfile, t: RuleThresholds): string[] {
  const reasons: string[] = [];
  const tokens = p.tokenHashes.length;
  if (p.length < t.minChars || tokens < t.minTokens) reasons.push(REASON.tooShort);
  if (p.length === 0) reasons.push(REASON.noText);
  if (p.length > t.maxChars) reasons.push(REASON.tooLong);
  if (label === null) reasons.push(REASON.missingLabel);
  else if (label !== 0 && label !== 1) reasons.push(REASON.invalidLabel);
  if (p.longestToken > t.maxTokenChars || (p.alphaTokens > 0 && p.unpronounceableTokens / p.alphaTokens > t.gibberishRatio)) {
    reasons.push(REASON.gibberish);
  }
  if (p.maxRun > t.maxCharRun) reasons.push(REASON.charRepetition);
  if (p.urls > 0 && p.urls / Math.max(1, tokens) > t.maxUrlRatio) reasons.push(REASON.urlDensity);
  // advertising: a sales phrase with a link, or several sales phrases
  if ((p.spamPhrases >= 1 && p.urls >= 1) || p.spamPhrases >= 2) reasons.push(REASON.spam);
  // Density rules need some text to measure; empty text is already too short.
  if (p.nonSpace > 0) {
    if (p.punctuation / p.nonSpace > t.maxPunctuationRatio) reasons.push(REASON.punctuationDensity);
    if (p.letters / p.nonSpace < t.minLetterRatio) reasons.push(REASON.nonText);
  }
  if (t.language && tokens >= t.languageMinTokens && p.stopwordTokens / tokens < t.minStopwordRatio) reasons.push(REASON.language);
  return reasons;
}
