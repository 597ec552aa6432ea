import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { augmentCopies, augmentStage, isChosen } from '../../../src/stages/augment.js';
import { applyOperation, EDA_OPERATIONS, joinTokens, tokenize, type EdaOperation } from '../../../src/stages/eda.js';
import { mulberry32 } from '../../../src/util/hash.js';
import { keyboardNeighbours, typo } from '../../../src/stages/keyboard-noise.js';
import { synonymsOf } from '../../../src/stages/wordnet-synonyms.js';
import { augmentOptions, review, runAugment } from './helpers.js';

const TEXT = 'The movie was not good , but the acting was very impressive and the story felt fresh .';

function protectedWords(text: string): string[] {
  return tokenize(text)
    .filter((t) => t.isProtected)
    .map((t) => t.word);
}

describe('augment stage transform', () => {
  it('augment emits the original first, then copies with derived ids, parent id and the same label', () => {
    const options = augmentOptions({ ratio: 1, copies: 3 });
    const lineage = { sourceTopic: 'reviews.raw', sourcePartition: 2, sourceOffset: 17, stages: ['clean'] };
    const emissions = runAugment(review(TEXT, { id: 'p-1', label: 0, lineage }), options);
    const outs = emissions.map((e) => (e.kind === 'out' ? e.review : undefined));
    expect(outs.map((r) => r?.id)).toEqual(['p-1', 'p-1~aug1', 'p-1~aug2', 'p-1~aug3']);
    expect(outs.map((r) => [r?.augmented, r?.parentId, r?.label])).toEqual([
      [false, null, 0],
      [true, 'p-1', 0],
      [true, 'p-1', 0],
      [true, 'p-1', 0],
    ]);
    expect(outs[0]?.text).toBe(TEXT);
    for (const r of outs) expect(r?.lineage).toEqual({ ...lineage, stages: ['clean', 'augment'] });
    for (const r of outs.slice(1)) expect(r?.text).not.toBe(TEXT);
  });

  it('augment gives the same copies for the same record every time', () => {
    const options = augmentOptions({ ratio: 1, copies: 2 });
    const first = runAugment(review(TEXT, { id: 'same' }), options);
    const again = runAugment(review(TEXT, { id: 'same' }), options);
    const other = runAugment(review(TEXT, { id: 'other' }), options);
    expect(again).toEqual(first);
    expect(other.map((e) => (e.kind === 'out' ? e.review.text : ''))).not.toEqual(first.map((e) => (e.kind === 'out' ? e.review.text : '')));
  });

  it.each([
    ['an unlabeled record', { label: null }],
    ['an invalid label', { label: 3 }],
    ['an augmented copy', { augmented: true, parentId: 'p' }],
    ['empty text', { text: '' }],
  ])('augment never augments %s', (_name, overrides) => {
    const emissions = runAugment(review(TEXT, overrides), augmentOptions({ ratio: 1, copies: 2 }));
    expect(emissions).toHaveLength(1);
  });

  it('augment chooses about `ratio` of records, by id alone', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `rec-${i}`);
    const chosen = ids.filter((id) => isChosen(id, 0.3)).length;
    expect(chosen / ids.length).toBeGreaterThan(0.28);
    expect(chosen / ids.length).toBeLessThan(0.32);
    expect(ids.filter((id) => isChosen(id, 0))).toEqual([]);
    expect(ids.filter((id) => isChosen(id, 1))).toHaveLength(10_000);
  });

  it('augment options reject bad values instead of clamping them', () => {
    expect(augmentStage.options.parse({})).toEqual({ ratio: 0.5, copies: 1, alpha: 0.1, typoRate: 0.1, operations: [...EDA_OPERATIONS] });
    for (const bad of [{ ratio: 1.5 }, { ratio: -0.1 }, { copies: 0 }, { copies: 1.5 }, { alpha: 0 }, { alpha: 0.9 }, { operations: [] }, { operations: ['shout'] }, { extra: 1 }]) {
      expect(augmentStage.options.safeParse(bad).success).toBe(false);
    }
  });

  it('augment is stateless', () => {
    expect(augmentStage.createState(augmentOptions())).toBeUndefined();
  });
});

describe('EDA operations', () => {
  const options = { alpha: 0.3, typoRate: 0.3 };
  const run = (operation: EdaOperation, text: string, seed = 7): string => joinTokens(applyOperation(operation, tokenize(text), options, mulberry32(seed)));

  it('synonym replacement uses WordNet synonyms and keeps capitalisation', () => {
    expect(synonymsOf('movie')).toEqual(expect.arrayContaining(['film', 'flick']));
    const out = run('synonym', 'Movie');
    expect(synonymsOf('movie')?.map((s) => s[0]?.toUpperCase() + s.slice(1))).toContain(out);
  });

  it('random insertion adds synonyms of words already in the text', () => {
    const input = 'a boring movie';
    const out = tokenize(run('insert', input)).map((t) => t.word);
    const added = out.filter((w) => !['a', 'boring', 'movie'].includes(w));
    expect(added.length).toBeGreaterThan(0);
    const allowed = [...(synonymsOf('boring') ?? []), ...(synonymsOf('movie') ?? [])];
    for (const word of added) expect(allowed).toContain(word);
  });

  it('random swap never moves a word across a negation', () => {
    const out = run('swap', 'alpha beta gamma not delta epsilon zeta', 3).split(' ');
    expect(out[3]).toBe('not');
    expect(out.slice(0, 3).sort()).toEqual(['alpha', 'beta', 'gamma']);
    expect(out.slice(4).sort()).toEqual(['delta', 'epsilon', 'zeta']);
  });

  it('random deletion keeps protected words and moves sentence punctuation onto the previous word', () => {
    const tokens = tokenize('it was not bad , walked out.');
    const always = { alpha: 0.5, typoRate: 0.1 };
    const out = joinTokens(applyOperation('delete', tokens, always, () => 0));
    expect(out).toBe('not ,.');
  });

  it('typos change one unprotected word by a neighbour key or an adjacent swap', () => {
    const out = run('typo', 'never wonderful', 11).split(' ');
    expect(out[0]).toBe('never');
    expect(out[1]).not.toBe('wonderful');
    expect(out[1]).toHaveLength('wonderful'.length);
  });

  it('keyboard neighbours follow the QWERTY layout', () => {
    expect(keyboardNeighbours('s').split('').sort().join('')).toBe('adewxz');
    expect(keyboardNeighbours('q').split('').sort().join('')).toBe('aw');
    expect(keyboardNeighbours('m').split('').sort().join('')).toBe('jkn');
    expect(typo('ab', () => 0.99)).toBe('ba');
  });

  it('split negations keep their host: "ca n\'t" is protected as a whole', () => {
    expect(protectedWords("i ca n't stand it , but wo n't leave")).toEqual(['ca', "n't", '', 'but', 'wo', "n't"]);
  });
});

describe('augment never removes or moves negations (property)', () => {
  const content = ['good', 'bad', 'movie', 'film', 'great', 'boring', 'plot', 'acting', 'story', 'funny', 'love', 'enjoy', 'watch', 'terrible', 'slow', 'bot', 'nit', 'Actor'];
  const guarded = ['not', 'no', 'never', 'nor', 'but', 'very', 'too', 'hardly', 'barely', "didn't", "can't", 'cannot', 'without', 'however', 'although', 'Never', 'don’t'];
  const filler = ['the', 'a', 'is', 'was', 'it', 'and', 'this', ',', '.', '!', "'s"];
  const word = fc.oneof(fc.constantFrom(...content), fc.constantFrom(...guarded), fc.constantFrom(...filler), fc.constant("ca n't"));
  const sentence = fc.array(word, { minLength: 1, maxLength: 30 }).map((words) => words.join(' '));

  it('augmented copies keep every protected word, in order', () => {
    fc.assert(
      fc.property(sentence, fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom(...EDA_OPERATIONS), fc.integer({ min: 1, max: 3 }), (text, id, operation, copies) => {
        const parent = review(text, { id });
        const expected = protectedWords(text);
        for (const copy of augmentCopies(parent, augmentOptions({ ratio: 1, copies, operations: [operation], alpha: 0.3, typoRate: 0.5 }))) {
          expect(protectedWords(copy.text)).toEqual(expected);
        }
      }),
      { numRuns: 1_500 },
    );
  });
});
