import { describe, expect, it } from 'vitest';
import { cleanStage, CleanState } from '../../../src/stages/clean.js';
import { hash64Hex } from '../../../src/util/hash.js';
import { cleanText } from '../../../src/text/normalize-text.js';
import { cleanOptions, onlyOut, position, rawReview, runClean } from './helpers.js';

describe('clean stage transform', () => {
  it('clean emits a review with lineage from the input position and cleaned text', () => {
    const options = cleanOptions();
    const state = cleanStage.createState(options);
    const raw = rawReview('  Great <b>phone</b>, mail me: joe@example.com  ', { id: 'x-7', label: 0, source: 'amazon', rating: 2 });
    const out = onlyOut(runClean(raw, position(41, 3), options, state));
    expect(out).toEqual({
      id: 'x-7',
      text: 'Great phone, mail me: [email]',
      label: 0,
      source: 'amazon',
      ingestedAt: raw.ingestedAt,
      augmented: false,
      parentId: null,
      lineage: { sourceTopic: 'reviews.raw', sourcePartition: 3, sourceOffset: 41, stages: ['clean'] },
      redactions: { email: 1, phone: 0, url: 0, card: 0, iban: 0, ip: 0 },
    });
  });

  it('clean drops an exact duplicate of cleaned text seen at another offset', () => {
    const options = cleanOptions();
    const state = cleanStage.createState(options);
    expect(runClean(rawReview('Good  movie.'), position(1), options, state)[0]?.kind).toBe('out');
    // Same text after cleaning (whitespace, entity) at a different offset.
    expect(runClean(rawReview(' Good movie&#46;', { id: 'r-2' }), position(2), options, state)).toEqual([{ kind: 'duplicate', reason: 'exact-duplicate' }]);
    expect(runClean(rawReview('Good movie!', { id: 'r-3' }), position(3), options, state)[0]?.kind).toBe('out');
  });

  it('clean treats the same text at the same partition offset as a replay, not a duplicate', () => {
    const options = cleanOptions();
    const state = cleanStage.createState(options);
    expect(runClean(rawReview('Replayed after a crash'), position(9), options, state)[0]?.kind).toBe('out');
    expect(runClean(rawReview('Replayed after a crash'), position(9), options, state)[0]?.kind).toBe('out');
    expect(runClean(rawReview('Replayed after a crash'), position(9, 1), options, state)[0]?.kind).toBe('duplicate');
  });

  it('clean forgets hashes evicted from a full window and writes tombstones for them', () => {
    const options = cleanOptions({ dedupWindow: 2 });
    const state = cleanStage.createState(options);
    ['one', 'two', 'three'].forEach((text, i) => runClean(rawReview(text), position(i), options, state));
    // Coalesced per key: 'one' was written, then deleted, so only its tombstone remains, last.
    expect(state.drainChanges()).toEqual([
      [`h:${hash64Hex('two')}`, '0:1'],
      [`h:${hash64Hex('three')}`, '0:2'],
      [`h:${hash64Hex('one')}`, null],
    ]);
    expect(state.window.size).toBe(2);
    // 'one' was evicted: it is new again.
    expect(runClean(rawReview('one'), position(10), options, state)[0]?.kind).toBe('out');
    expect(runClean(rawReview('three'), position(11), options, state)[0]?.kind).toBe('duplicate');
  });

  it('clean state replayed from its changelog gives the same duplicate decisions', () => {
    const options = cleanOptions({ dedupWindow: 3 });
    const first = cleanStage.createState(options);
    const texts = ['a b', 'c d', 'e f', 'g h'];
    texts.forEach((text, i) => runClean(rawReview(text), position(i), options, first));
    const restored = new CleanState(options);
    for (const [key, value] of first.drainChanges()) restored.apply(key, value);
    expect(restored.drainChanges()).toEqual([]);
    for (const state of [first, restored]) {
      expect(runClean(rawReview('a b'), position(20), options, state)[0]?.kind).toBe('out');
      expect(runClean(rawReview('g h'), position(21), options, state)[0]?.kind).toBe('duplicate');
      expect(runClean(rawReview('e f'), position(2), options, state)[0]?.kind).toBe('out');
    }
  });

  it('clean emits empty text as out without deduplicating it, for the gate to quarantine', () => {
    const options = cleanOptions();
    const state = cleanStage.createState(options);
    const first = onlyOut(runClean(rawReview(' <br/> \u0000 '), position(1), options, state));
    const second = onlyOut(runClean(rawReview(''), position(2), options, state));
    expect([first.text, second.text]).toEqual(['', '']);
    expect(state.window.size).toBe(0);
  });

  it('clean truncates text longer than maxChars at a word boundary and still emits it', () => {
    const options = cleanOptions({ maxChars: 20 });
    const state = cleanStage.createState(options);
    const out = onlyOut(runClean(rawReview('the quick brown fox jumps over the lazy dog'), position(1), options, state));
    expect(out.text).toBe('the quick brown fox');
    expect(cleanText('the quick brown fox jumps', { maxChars: 20 }).truncated).toBe(true);
  });

  it('clean options fill defaults and reject bad values instead of clamping them', () => {
    expect(cleanStage.options.parse({})).toEqual({ dedupWindow: 100_000, maxChars: 20_000 });
    expect(cleanStage.options.safeParse({ dedupWindow: 0 }).success).toBe(false);
    expect(cleanStage.options.safeParse({ dedupWindow: 1.5 }).success).toBe(false);
    expect(cleanStage.options.safeParse({ maxChars: -1 }).success).toBe(false);
    expect(cleanStage.options.safeParse({ dedupWindwo: 5 }).success).toBe(false);
  });
});
