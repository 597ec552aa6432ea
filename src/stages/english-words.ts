/**
 * Small English word lists shared by augment (what never to touch) and gate (the cheap
 * stopword-ratio language check).
 */

/** NLTK's English stopword list: EDA never replaces these with synonyms. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers ' +
    'herself it its itself they them their theirs themselves what which who whom this that these those am is ' +
    'are was were be been being have has had having do does did doing a an the and but if or because as until ' +
    'while of at by for with about against between into through during before after above below to from up ' +
    'down in out on off over under again further then once here there when where why how all any both each few ' +
    'more most other some such no nor not only own same so than too very s t can will just don should now d ll ' +
    'm o re ve y ain aren couldn didn doesn hadn hasn haven isn ma mightn mustn needn shan shouldn wasn weren ' +
    "won wouldn it's don't i'm you're that's"
  ).split(' '),
);

/**
 * Negations and sentiment-bearing function words: augmentation never deletes, swaps,
 * replaces or misspells them, because each can flip or scale a review's polarity.
 */
export const PROTECTED_WORDS: ReadonlySet<string> = new Set(
  (
    'not no never nor neither none nobody nothing nowhere cannot without but however although though yet ' +
    'very too hardly barely scarcely rarely seldom only even despite except unless whereas instead rather ' +
    'quite really so extremely less least more most against nt ' +
    // negated contractions written without the apostrophe, common in user reviews
    'dont doesnt didnt isnt wasnt arent werent cant couldnt wouldnt shouldnt wont havent hasnt hadnt aint ' +
    'mustnt neednt'
  ).split(' '),
);

/** Lower-cases and folds the typographic apostrophe, so "Don’t" and "don't" compare equal. */
export function normalizeWord(word: string): string {
  return isFoldedAscii(word) ? word : word.toLowerCase().replace(/\u2019/g, "'");
}

/**
 * Already lower-case ASCII: nothing to fold. Checked on char codes because augment calls
 * this for every token, and most tokens are such words; the slow path allocates twice.
 */
function isFoldedAscii(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const unit = word.charCodeAt(i);
    if (unit >= 0x80 || (unit >= 0x41 && unit <= 0x5a)) return false;
  }
  return true;
}

/** True for a protected word or any negated contraction (`n't`, `didn't`, `can't`). */
export function isProtectedWord(word: string): boolean {
  return isProtectedNormalized(normalizeWord(word));
}

/** `isProtectedWord` for a word `normalizeWord` already gave. */
export function isProtectedNormalized(word: string): boolean {
  return PROTECTED_WORDS.has(word) || word.endsWith("n't");
}
