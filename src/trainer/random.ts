/** A seeded PRNG, so initialisation is the same for the same seed. */
export { mulberry32 as seededRandom } from '../util/hash.js';
