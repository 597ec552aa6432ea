import { z } from 'zod';
import type { Review } from '../records/types.js';
import { applyOperation, EDA_OPERATIONS, joinTokens, tokenize, type EdaOperation } from './eda.js';
import { hash32, mulberry32 } from '../util/hash.js';
import { appendStage, type Emission, type StageDescriptor, type TransformContext } from './types.js';

export const augmentOptionsSchema = z
  .object({
    /** Share of eligible records that get augmented copies, chosen by a hash of the record id. */
    ratio: z.number().min(0).max(1).default(0.5),
    /** Augmented copies per chosen record. */
    copies: z.number().int().min(1).max(20).default(1),
    /** Share of words changed by synonym replacement, insertion and swap; per-word deletion probability. */
    alpha: z.number().gt(0).max(0.5).default(0.1),
    /** Per-word probability of one keyboard typo in the `typo` operation (at least one word always gets one). */
    typoRate: z.number().gt(0).max(1).default(0.1),
    /** Operations a copy may use; each copy applies one, chosen by the record's seeded PRNG. */
    operations: z.array(z.enum(EDA_OPERATIONS)).min(1).default([...EDA_OPERATIONS]),
  })
  .strict();

export type AugmentOptions = z.infer<typeof augmentOptionsSchema>;

/** Separate seeds, so which records are chosen is independent of what their copies look like. */
const SELECT_SEED = 0x5eed5e1e;
const COPY_SEED = 0x0a06e17d;

/** Originals with a valid label only: unlabeled or invalid records will be quarantined anyway. */
export function isAugmentable(review: Review): boolean {
  return !review.augmented && (review.label === 0 || review.label === 1) && review.text.length > 0;
}

/** Deterministic from the id alone, so a replayed record makes the same choice. */
export function isChosen(id: string, ratio: number): boolean {
  return hash32(id, SELECT_SEED) / 4294967296 < ratio;
}

/** The augmented copies of one review; the same review always yields the same copies. */
export function augmentCopies(review: Review, options: AugmentOptions): Review[] {
  const random = mulberry32(hash32(review.id, COPY_SEED));
  const tokens = tokenize(review.text);
  const copies: Review[] = [];
  for (let k = 1; k <= options.copies; k++) {
    const operation = options.operations[Math.floor(random() * options.operations.length)] as EdaOperation;
    let text = joinTokens(applyOperation(operation, tokens, options, random));
    // Nothing to replace, swap or delete: fall back to typos rather than emit the parent twice.
    if (text === review.text) text = joinTokens(applyOperation('typo', tokens, options, random));
    if (text === review.text || text.length === 0) continue;
    copies.push({ ...review, id: `${review.id}~aug${k}`, text, augmented: true, parentId: review.id });
  }
  return copies;
}

function transform(review: Review, context: TransformContext<AugmentOptions, undefined>): Emission[] {
  const original: Review = { ...review, lineage: appendStage(review.lineage, 'augment') };
  const emissions: Emission[] = [{ kind: 'out', review: original }];
  if (!isAugmentable(review) || !isChosen(review.id, context.options.ratio)) return emissions;
  for (const copy of augmentCopies(original, context.options)) emissions.push({ kind: 'out', review: copy });
  return emissions;
}

export const augmentStage: StageDescriptor<AugmentOptions, undefined, Review> = {
  id: 'augment',
  description:
    'Label-preserving EDA augmentation (WordNet synonyms, insertion, swap, deletion, keyboard typos) ' +
    'seeded by record id; negations and sentiment-bearing function words are never touched',
  input: 'review',
  options: augmentOptionsSchema,
  createState: () => undefined,
  transform,
};
