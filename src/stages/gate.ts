import { z } from 'zod';
import type { Review } from '../records/types.js';
import { ChangeBuffer } from './change-buffer.js';
import { REASON, ruleReasons } from './gate-rules.js';
import { NearDuplicateIndex } from './near-duplicate-index.js';
import { QualityMonitor } from './quality-monitor.js';
import { encodePosition } from './replay-safe-window.js';
import { simhash } from './simhash.js';
import { profileText } from './text-profile.js';
import { appendStage, type Emission, type StageDescriptor, type StageState, type TransformContext } from './types.js';

const ratio = z.number().min(0).max(1);

export const gateOptionsSchema = z
  .object({
    /** Fewer UTF-16 units than this is `too-short`. */
    minChars: z.number().int().min(0).default(2),
    /** Fewer word tokens than this is `too-short`. */
    minTokens: z.number().int().min(0).default(1),
    /** More UTF-16 units than this is `too-long`. */
    maxChars: z.number().int().min(1).default(15_000),
    /** A run of one repeated character longer than this is `char-repetition`; real reviews reach 19 ("amazing!!!…"). */
    maxCharRun: z.number().int().min(1).default(20),
    /** A token longer than this is `gibberish` (no real review word is 45 letters long). */
    maxTokenChars: z.number().int().min(1).default(45),
    /** More than this share of unpronounceable words (no vowel, or 6+ consonants in a row) is `gibberish`. */
    gibberishRatio: ratio.default(0.5),
    /** More URLs per word token than this is `url-density`. */
    maxUrlRatio: ratio.default(0.25),
    /** More than this share of punctuation/symbols among non-space characters is `punctuation-density`. */
    maxPunctuationRatio: ratio.default(0.5),
    /** Less than this share of letters among non-space characters is `non-text`. */
    minLetterRatio: ratio.default(0.5),
    /** Fingerprints of the most recent accepted originals kept for the `near-duplicate` check (FIFO). */
    nearDupWindow: z.number().int().min(1).max(10_000_000).default(50_000),
    /**
     * SimHash Hamming distance counted as a near duplicate. At most 3: the index looks up
     * four 16-bit bands, which by pigeonhole finds every fingerprint within 3 bits.
     */
    nearDupDistance: z.number().int().min(0).max(3).default(3),
    /** Texts with fewer tokens are not near-duplicate checked (too few shingles to compare). */
    nearDupMinTokens: z.number().int().min(1).default(3),
    /** Enables the `language` check: an English stopword share below `minStopwordRatio`. */
    language: z.boolean().default(false),
    /** The language check applies only to texts with at least this many tokens. */
    languageMinTokens: z.number().int().min(1).default(6),
    minStopwordRatio: ratio.default(0.1),
    /** Records per quality window; a window closes and is published when it reaches this. */
    metricsWindow: z.number().int().min(1).default(1_000),
    /** Also close a non-empty window this long after its first record (record time), on flush. */
    metricsIntervalMs: z.number().int().min(1).nullable().default(null),
    /** Accepted records a closed window needs to become the drift/OOV reference. */
    referenceMinRecords: z.number().int().min(1).default(100),
    /** Most distinct token hashes kept in the reference vocabulary. */
    vocabularyLimit: z.number().int().min(1).max(1_000_000).default(100_000),
  })
  .strict();

export type GateOptions = z.infer<typeof gateOptionsSchema>;

const NEAR_DUP_PREFIX = 'nd:';

/** Near-duplicate window plus quality-monitor windows, for one input partition. */
export class GateState implements StageState {
  private readonly changes = new ChangeBuffer();
  readonly nearDuplicates: NearDuplicateIndex;
  readonly monitor: QualityMonitor;

  constructor(options: GateOptions) {
    this.nearDuplicates = new NearDuplicateIndex({ capacity: options.nearDupWindow, prefix: NEAR_DUP_PREFIX, changes: this.changes });
    this.monitor = new QualityMonitor({ referenceMinRecords: options.referenceMinRecords, vocabularyLimit: options.vocabularyLimit });
  }

  drainChanges(): Array<[key: string, value: string | null]> {
    for (const [key, value] of this.monitor.drainSnapshots()) this.changes.set(key, value);
    return this.changes.drain();
  }

  apply(key: string, value: string | null): void {
    if (key.startsWith(NEAR_DUP_PREFIX)) this.nearDuplicates.apply(key, value);
    else this.monitor.apply(key, value);
  }
}

type GateContext = TransformContext<GateOptions, GateState>;

function transform(review: Review, context: GateContext): Emission[] {
  const { options, state, position } = context;
  const profile = profileText(review.text);
  const reasons = ruleReasons(review.label, profile, options);
  // Augmented copies are near duplicates of their parent by design: exempt, and kept out of the window.
  const fingerprint = !review.augmented && profile.tokenHashes.length >= options.nearDupMinTokens ? simhash(profile.tokenHashes) : undefined;
  const at = encodePosition(position.partition, position.offset);
  if (fingerprint !== undefined && state.nearDuplicates.hasNearDuplicate(fingerprint, at, options.nearDupDistance)) {
    reasons.push(REASON.nearDuplicate);
  }
  const accepted = reasons.length === 0;
  if (accepted && fingerprint !== undefined) state.nearDuplicates.insert(fingerprint, at);

  const out: Review = { ...review, lineage: appendStage(review.lineage, 'gate') };
  const emissions: Emission[] = [accepted ? { kind: 'out', review: out } : { kind: 'quarantine', review: out, reasons }];
  state.monitor.observe({ timestamp: position.timestamp, accepted, label: review.label, length: profile.length, tokenHashes: profile.tokenHashes, reasons });
  if (state.monitor.count >= options.metricsWindow) {
    emissions.push({ kind: 'quality', metrics: state.monitor.close({ stage: 'gate', instance: context.instance }, position.timestamp) });
  }
  return emissions;
}

/** Closes a time-based window that has been open `metricsIntervalMs` or longer. */
function flush(context: GateContext, now: number): Emission[] {
  const { options, state } = context;
  if (options.metricsIntervalMs === null || state.monitor.count === 0) return [];
  if (now - state.monitor.windowStart < options.metricsIntervalMs) return [];
  return [{ kind: 'quality', metrics: state.monitor.close({ stage: 'gate', instance: context.instance }, now) }];
}

export const gateStage: StageDescriptor<GateOptions, GateState, Review> = {
  id: 'gate',
  description:
    'Quality gate: length, label, gibberish/spam and near-duplicate (SimHash) rules with reason codes, ' +
    'plus windowed label-balance, length-drift (PSI) and OOV monitors',
  input: 'review',
  sideOutputs: ['quarantine', 'quality'],
  options: gateOptionsSchema,
  createState: (options) => new GateState(options),
  transform,
  flush,
};
