export { generateReviews, buildReview, isDeliberatelyInvalid, countDeliberatelyInvalid, type GeneratedReview, type GenerateOptions } from './generator.js';
export { generateToStream, type GenerateSummary } from './to-stream.js';
export { DEFAULT_MIX, resolveMix, type GeneratorMix } from './mix.js';
export { Prng } from './prng.js';
