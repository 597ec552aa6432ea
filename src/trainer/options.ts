import { z } from 'zod';

const powerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

/**
 * Trainer options, as a topology's `trainer:` block gives them. Unknown keys and bad
 * values are rejected (never clamped). Every field has a default.
 */
const schema = z
  .object({
    /** Model name: the key of its records on `models.updates`. */
    model: z.string().min(1).default('sentiment'),
    /** Hash buckets of the embedding table (a power of two, 2^8..2^24). */
    buckets: z
      .number()
      .int()
      .min(2 ** 8)
      .max(2 ** 24)
      .refine(powerOfTwo, { message: 'buckets must be a power of two, e.g. 1048576 (2^20)' })
      .default(2 ** 20),
    /** Embedding width: each bucket's vector length. */
    dim: z.number().int().min(1).max(256).default(16),
    /** Longest word n-gram hashed: 1 unigrams, 2 + bigrams, 3 + trigrams. */
    ngrams: z.number().int().min(1).max(3).default(2),
    /** Hidden ReLU units between the pooled embedding and the output; 0 = linear head. */
    hidden: z.number().int().min(0).max(1024).default(0),
    /** `adagrad` (row-wise for the embedding, per element for the head) or plain `sgd`. */
    optimizer: z.enum(['adagrad', 'sgd']).default('adagrad'),
    /** Step size for the embedding rows and the head. */
    learningRate: z.number().positive().max(100).default(0.5),
    /** Adagrad's initial accumulator: bounds the first steps of a rarely seen row. */
    adagradInitial: z.number().positive().default(1e-6),
    /** sgd only: lr_t = learningRate / (1 + lrDecay * examplesSeen). */
    lrDecay: z.number().min(0).default(0),
    /** Examples per optimizer step; incoming batches are cut into mini-batches of this size. */
    batchSize: z.number().int().min(1).max(65_536).default(256),
    /** Passes over each mini-batch (1 = every example is seen once). */
    epochsPerBatch: z.number().int().min(1).max(100).default(1),
    /** L2 penalty on touched rows (applied lazily when a row updates) and on the head. */
    l2: z.number().min(0).default(0),
    /** Seed of the feature hash, the head's initialisation and holdout membership. */
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
    /**
     * Weight encoding on `models.updates`. The trainer continues from the published
     * (rounded) rows so a restore resumes exactly; with int8 that adds a little
     * quantization noise at every publication.
     */
    compression: z.enum(['float16', 'int8', 'float32']).default('float16'),
    /** Largest chunk of weights in one record (stay below the topic's max.message.bytes). */
    maxChunkBytes: z.number().int().min(1024).max(100_000_000).default(900_000),
  })
  .strict()
  .refine((o) => o.buckets * o.dim <= 2 ** 28, {
    message: 'buckets × dim must be at most 2^28 (a 1 GiB embedding table); lower buckets or dim',
    path: ['dim'],
  });

export type TrainerOptions = z.output<typeof schema>;
export const trainerOptions: z.ZodType<TrainerOptions, z.ZodTypeDef, unknown> = schema;
