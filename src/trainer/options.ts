import { z } from 'zod';
import { isReviewflowError } from '../errors.js';
import { checkLabelName } from '../models/labels.js';

const powerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

export const BACKEND_PREFERENCES = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'cpu'] as const;

/** A label name as `models label` takes it, with the same rules and hint. */
const labelName = z.string().superRefine((label, ctx) => {
  try {
    checkLabelName(label);
  } catch (err) {
    if (!isReviewflowError(err)) throw err;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${err.message}: ${err.hint ?? ''}` });
  }
});

/**
 * Automatic rollback (off unless given): the trainer scores the version `label` points to
 * on every incoming record before training on it; after a move by hand it also scores the
 * label's previous target on the next `window` records, and moves the label back when the
 * new version's accuracy is lower by more than `margin`.
 */
const autoRollback = z
  .object({
    /** The label watched (one label of this model). */
    label: labelName.default('stable'),
    /** Records both versions are scored on before the verdict (and the live accuracy's window). */
    window: z.number().int().min(50).max(1_000_000).default(2_000),
    /** How much lower (0..1, accuracy points) the new version may score before it is rolled back. */
    margin: z.number().min(0).max(0.5).default(0.02),
  })
  .strict();

/**
 * Pruning (off unless given): a version stores only rows whose effective weight is at least
 * `minDeviation` from the default weight (what an unstored row scores as), and at most the
 * `maxRows` farthest from it. Dropped rows lose their training state in the version, so a
 * trainer restored from it continues without them: smaller versions for inexact resume.
 */
const prune = z
  .object({
    minDeviation: z.number().min(0).max(100).default(0),
    maxRows: z.number().int().min(1).optional(),
  })
  .strict();

/**
 * Trainer options: the `options:` block of a topology's train stage. Unknown keys and bad
 * values are rejected (never clamped). Every field has a default, tuned on rt-polarity,
 * UCI and public long-review corpora (docs/MODEL.md), never on a test split.
 */
const schema = z
  .object({
    /** Model name: the key of its records on `models.updates`. */
    model: z.string().min(1).default('sentiment'),
    /** Hash buckets of the n-gram features (a power of two, 2^8..2^24). */
    buckets: z
      .number()
      .int()
      .min(2 ** 8)
      .max(2 ** 24)
      .refine(powerOfTwo, { message: 'buckets must be a power of two, e.g. 4194304 (2^22)' })
      .default(2 ** 22),
    /** Longest word n-gram hashed: 1 unigrams, 2 + bigrams, 3 + trigrams. */
    ngrams: z.number().int().min(1).max(3).default(2),
    /** Adagrad step size of every parameter. */
    learningRate: z.number().positive().max(100).default(0.5),
    /** Naive Bayes smoothing α added to each bucket's class counts: larger quiets rare n-grams. */
    smoothing: z.number().positive().max(100).default(5),
    /** Weight of an augmented copy's loss and counts relative to an original's (0 = copies are not trained on). */
    augmentedWeight: z.number().min(0).max(1).default(0.25),
    /** Examples per optimizer step; incoming batches are cut into mini-batches of this size. */
    miniBatchSize: z.number().int().min(1).max(65_536).default(256),
    /** Optimizer steps on each mini-batch (1 = every example is seen once). */
    epochsPerBatch: z.number().int().min(1).max(100).default(1),
    /** Where the math runs: `auto` picks tfjs on a GPU backend, the sparse executor on a CPU one. */
    executor: z.enum(['auto', 'sparse', 'tfjs']).default('auto'),
    /** TensorFlow.js backend: `auto` tries tensorflow-gpu, webgpu, tensorflow, then cpu. */
    backend: z.enum(BACKEND_PREFERENCES).default('auto'),
    /** Seed of the feature hash and of holdout membership. */
    seed: z.number().int().min(0).max(0xffffffff).default(42),
    /** Share of original records (by id hash) kept out of training for evaluation. */
    holdoutFraction: z.number().min(0).max(0.5).default(0.1),
    /** Most recent holdout records kept (as features) to score candidates. */
    holdoutMax: z.number().int().min(1).max(1_000_000).default(5_000),
    /** Records in the sliding prequential-accuracy window. */
    prequentialWindow: z.number().int().min(1).max(10_000_000).default(10_000),
    /** Form a candidate version after this many trained examples... */
    publishEveryExamples: z.number().int().min(1).default(50_000),
    /** ...or after this many milliseconds (if anything was trained since the last one). */
    publishEveryMs: z.number().int().min(1).default(60_000),
    /** A candidate is published if its holdout accuracy ≥ the last published one's − this. */
    acceptMargin: z.number().min(0).max(1).default(0.01),
    /** Encoding of the published scoring weights (the training state is always float32). */
    compression: z.enum(['float16', 'int8', 'float32']).default('float16'),
    /**
     * Newest versions kept loadable on the model topic (for labels and rollback); older
     * ones are tombstoned unless a label points to them.
     */
    keepVersions: z.number().int().min(1).max(1_000).default(5),
    /**
     * A version ships all its stored rows (a snapshot) every this many versions; the ones
     * between ship only the rows trained since the version before (a delta). 1: every
     * version is a snapshot. Retention keeps the snapshot and deltas a kept version needs.
     */
    snapshotEvery: z.number().int().min(1).max(1_000).default(10),
    /** Drop rows close to the default weight from published versions (see above). */
    prune: prune.optional(),
    /** Largest chunk of weights in one record (stay below the topic's max.message.bytes). */
    maxChunkBytes: z.number().int().min(1024).max(100_000_000).default(900_000),
    /** Roll a label back when the version it was moved to does worse on the live stream (see above). */
    autoRollback: autoRollback.optional(),
  })
  .strict();

export type TrainerOptions = z.output<typeof schema>;
export const trainerOptions: z.ZodType<TrainerOptions, z.ZodTypeDef, unknown> = schema;
