import { z } from 'zod';
import type { RawReview, Review } from '../records/types.js';
import { cleanText } from '../text/normalize-text.js';
import { ChangeBuffer } from './change-buffer.js';
import { countDecision } from './decision-counter.js';
import { hash64Hex } from '../util/hash.js';
import { encodePosition, ReplaySafeWindow } from './replay-safe-window.js';
import type { Emission, StageDescriptor, StageState, TransformContext } from './types.js';

export const cleanOptionsSchema = z
  .object({
    /** How many distinct content hashes the exact-duplicate window remembers (FIFO). */
    dedupWindow: z.number().int().min(1).max(10_000_000).default(100_000),
    /**
     * Longest cleaned text kept, in UTF-16 units; longer text is cut at the last space
     * and still emitted (the gate applies its own, lower `maxChars`). Bounds message size
     * and downstream cost for pathological input.
     */
    maxChars: z.number().int().min(1).max(1_000_000).default(20_000),
  })
  .strict();

export type CleanOptions = z.infer<typeof cleanOptionsSchema>;

const WINDOW_PREFIX = 'h:';

/** Exact-duplicate window: cleaned-text hash → the input position it was first seen at. */
export class CleanState implements StageState {
  private readonly changes = new ChangeBuffer();
  readonly window: ReplaySafeWindow;

  constructor(options: CleanOptions) {
    this.window = new ReplaySafeWindow({ capacity: options.dedupWindow, prefix: WINDOW_PREFIX, changes: this.changes });
  }

  drainChanges(): Array<[key: string, value: string | null]> {
    return this.changes.drain();
  }

  apply(key: string, value: string | null): void {
    if (key.startsWith(WINDOW_PREFIX)) this.window.apply(key, value);
  }
}

type CleanContext = TransformContext<CleanOptions, CleanState>;

function transform(raw: RawReview, context: CleanContext): Emission[] {
  const { text, redactions, truncated } = cleanText(raw.text, context.options);
  const { position } = context;
  countRedactions(redactions);
  if (truncated) countDecision('clean', 'truncated');
  // Empty text is not deduplicated: every empty record reaches the gate, which quarantines
  // it as `no-text` (and `too-short`); `markup-only` counts those that were only markup.
  if (text.length > 0) {
    const hash = hash64Hex(text);
    const at = encodePosition(position.partition, position.offset);
    if (context.state.window.verdict(hash, at) === 'seen') return [{ kind: 'duplicate', reason: 'exact-duplicate' }];
    context.state.window.insert(hash, at);
  } else {
    countDecision('clean', raw.text.indexOf('<') >= 0 ? 'markup-only' : 'empty');
  }
  const review: Review = {
    id: raw.id,
    text,
    label: raw.label,
    source: raw.source,
    ingestedAt: raw.ingestedAt,
    augmented: false,
    parentId: null,
    lineage: { sourceTopic: position.topic, sourcePartition: position.partition, sourceOffset: position.offset, stages: ['clean'] },
    redactions,
  };
  return [{ kind: 'out', review }];
}

function countRedactions(redactions: Review['redactions']): void {
  countDecision('clean', 'redacted-email', redactions.email);
  countDecision('clean', 'redacted-phone', redactions.phone);
  countDecision('clean', 'redacted-url', redactions.url);
  countDecision('clean', 'redacted-card', redactions.card);
  countDecision('clean', 'redacted-iban', redactions.iban);
  countDecision('clean', 'redacted-ip', redactions.ip);
}

export const cleanStage: StageDescriptor<CleanOptions, CleanState, RawReview> = {
  id: 'clean',
  description:
    'Normalises text (NFC, cp1252 C1 punctuation, controls, HTML, whitespace), redacts PII, ' +
    'truncates at maxChars and drops exact duplicates within a replay-safe window',
  input: 'raw',
  options: cleanOptionsSchema,
  createState: (options) => new CleanState(options),
  transform,
};
